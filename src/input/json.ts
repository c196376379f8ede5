/**
 * The JSON body reader: an error body that is one JSON object (GCS's JSON API, Azure Data Lake,
 * Backblaze B2 …) is parsed, and the formats with a `json` reader say, as paths into it, where its
 * code, status, message and fields are. A body no format's shape fits is read as lines.
 */
import type { JsonShape } from '../data/types.js';
import type { PackedFormat } from '../vocabulary.js';
import type { Parts } from './statement.js';

/** The value at a path (`error/errors/0/reason`), or undefined. */
function at(value: unknown, path: string): unknown {
  let v = value;
  for (const step of path.split('/')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = Object.hasOwn(v, step) ? (v as Record<string, unknown>)[step] : undefined;
  }
  return v;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : undefined);

/** What a shape reads of a parsed body, or null when the body does not have the shape. */
function readShape(doc: unknown, shape: JsonShape): Parts | null {
  if (shape.requires && !shape.requires.every((p) => at(doc, p) !== undefined)) return null;
  const parts: Parts = {};
  const code = shape.code ? at(doc, shape.code) : undefined;
  if (typeof code === 'string' && /^[A-Za-z][\w .-]{0,80}$/.test(code)) parts.code = code;
  const status = shape.status ? Number(at(doc, shape.status)) : NaN;
  if (Number.isInteger(status) && status >= 100 && status <= 599) parts.status = status;
  if (!parts.code && parts.status === undefined) return null;
  const message = shape.message ? text(at(doc, shape.message)) : undefined;
  if (message) parts.message = message;
  const requestId = shape.requestId ? text(at(doc, shape.requestId)) : undefined;
  if (requestId) parts.requestId = requestId;
  for (const [field, path] of Object.entries(shape.fields ?? {})) {
    const v = text(at(doc, path));
    if (v) (parts.fields ??= {})[field] = v;
  }
  return parts;
}

/** The first format whose shape fits the body, and what it reads; null when none fits. */
export function readJsonBody(formats: readonly PackedFormat[], body: string): { format: PackedFormat; parts: Parts } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return null;
  }
  for (const format of formats) {
    for (const shape of format.shapes ?? []) {
      const parts = readShape(doc, shape);
      if (parts) return { format, parts };
    }
  }
  return null;
}
