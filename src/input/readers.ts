/**
 * The structured readers: code that knows a syntax (header lines, `"key": "value"`, `Key=value`,
 * a labelled field per line, URL query parameters, the sentences that end a line) and takes every
 * name it reads from the vocabulary (data/fields.json and the providers' headers).
 */
import type { ReaderName } from '../data/types.js';
import { minimal } from '../hints.js';
import type { FieldReader, Vocabulary } from '../vocabulary.js';
import { unquote } from './message.js';
import type { Parts } from './statement.js';

/** A reader: what one line says, given the line before it when the format needs that. */
export type Reader = (line: string, before?: string) => Parts | null;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The spellings a reader has for each field, as one alternation per field. */
function spelledAs(vocabulary: Vocabulary, reader: FieldReader): Map<string, string> {
  const byField = new Map<string, string[]>();
  for (const [spelling, field] of vocabulary.spellings[reader]) byField.set(field, [...(byField.get(field) ?? []), spelling]);
  return new Map([...byField].map(([field, names]) => [field, names.map(escapeRegExp).join('|')]));
}

/** Puts a value where it belongs: the error's own facts, or a named field. */
function place(parts: Parts, field: string, value: string): void {
  const v = value.trim();
  if (!v) return;
  if (field === 'Code') parts.code ??= v;
  else if (field === 'Message') parts.message ??= v;
  else if (field === 'RequestId') parts.requestId ??= v;
  else if (field === 'Status') parts.status ??= Number(v);
  else if (!(parts.fields && Object.hasOwn(parts.fields, field))) (parts.fields ??= {})[field] = v;
}

function hasAny(parts: Parts): boolean {
  return !!(parts.code || parts.status || parts.message || parts.requestId || parts.fields);
}

/** A value without the quotes and the comma a JS or Python printout put around it: `'text',` */
function unquoted(raw: string): string {
  let value = raw.trim();
  if (value.endsWith(',')) value = value.slice(0, -1).trimEnd();
  const quote = value[0];
  return (quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote) ? value.slice(1, -1) : value;
}

/** Matched against a line with its trailing spaces cut: a lazy value before a run of spaces and `\s*$` would be quadratic. */
const HEADER_LINE = /^\s*(?:\[[^\]]*\]\s*)?(->\s*"|<-\s*"|[<>]\s*)?([A-Za-z][A-Za-z0-9-]*)\s*:\s*\[?(.*?)\]?(?:\\r\\n)?"?$/;

/** Header lines (`< X-Amz-Request-Id: …`, `Date: [Mon, …]`) and headers printed as a dict or JSON (`'x-ms-error-code': 'BlobNotFound'`). */
function headersReader(vocabulary: Vocabulary): Reader {
  const response = vocabulary.spellings.headers;
  const request = vocabulary.spellings.requestHeaders;
  const named = [...response.keys()].filter((h) => h.includes('-'));
  const quoted = named.length ? new RegExp(`["'](${named.map(escapeRegExp).join('|')})["']\\s*:\\s*["']([^"']+)["']`, 'gi') : null;
  return (line) => {
    const m = HEADER_LINE.exec(line);
    if (m && m[3]) {
      // Request headers: `> Name:` (curl -v) and `-> "Name:` (wire traces) go out, `<` and `<-` come back.
      const direction = (m[1] ?? '').trim();
      const sent = direction.startsWith('>') || direction.startsWith('<-');
      const field = (sent ? request : response).get(m[2]!.toLowerCase());
      if (field) {
        const parts: Parts = {};
        place(parts, field, unquoted(m[3]));
        return parts;
      }
    }
    if (!quoted) return null;
    const parts: Parts = { kind: 'json' };
    for (const q of line.matchAll(quoted)) place(parts, response.get(q[1]!.toLowerCase())!, q[2]!);
    return hasAny(parts) ? parts : null;
  };
}

/** A quoted value with its escapes, after `key: ` or `key=`: group 2 is the quote, group 3 the value. */
const QUOTED = `(["'])((?:\\\\.|(?!\\2)[^\\\\])*)\\2`;

/**
 * `"key": "value"`, `key: 'value'`, `'key': 'value'`: JSON bodies, JS error objects (util.inspect),
 * Python dicts. A code is a candidate the catalogs must know; an error's class name (`name:
 * 'NoSuchKeyError'`) is one when no code is given. OData's message is `{"lang": "en-US", "value":
 * "…"}`: a `value` is a message only next to a `lang`.
 */
function kvReader(vocabulary: Vocabulary): Reader {
  const keys = spelledAs(vocabulary, 'kv');
  const key = (field: string, value: string) => {
    const names = keys.get(field);
    return names ? new RegExp(`(?:^|[\\s{,(])(["']?)(?:${names})\\1\\s*[:=]\\s*${value}`) : null;
  };
  const code = key('Code', QUOTED);
  const name = key('ErrorName', `(["'])(\\w+)\\2`);
  const status = key('Status', `["']?(\\d{3})\\b`);
  // A code that is a number is a status (Node's ApiError `code: 404`, a JSON body's `"code" : 403`), when the
  // key opens the line or follows `{` or `,`: "status code: 403" and "Error Code: 403" are other formats' labels.
  const codeNames = keys.get('Code');
  const numericCode = codeNames ? new RegExp(`(?:^\\s*|[{,]\\s*)(["']?)(?:${codeNames})\\1\\s*[:=]\\s*["']?([1-5]\\d\\d)\\b(?!["']?[\\w.-])`) : null;
  const message = key('Message', `(["'])([A-Za-z](?:\\\\.|(?!\\2)[^\\\\])*)\\2`);
  const value = /(?:^|[\s{,(])(["']?)value\1\s*[:=]\s*(["'])([A-Za-z](?:\\.|(?!\2)[^\\])*)\2/;
  const others = [...keys.keys()]
    .filter((f) => !['Code', 'ErrorName', 'Status', 'Message'].includes(f))
    .map((f) => [f, key(f, QUOTED)!] as const);
  // One test first: most lines that hold a key's name hold no `key: "value"` at all.
  const gate = new RegExp(`(?:${[...keys.values(), 'value'].join('|')})["']?\\s*[:=]\\s*["'\\d]`);
  return (line, before) => {
    const text = line.includes('\\"') ? line.replace(/\\"/g, '"') : line;
    if (!gate.test(text)) return null;
    const parts: Parts = {};
    const c = code?.exec(text);
    const n = c ? null : name?.exec(text);
    const codeValue = c?.[3] ?? n?.[3];
    // A class name counts only as an error's (`name: 'S3Error'`), unless the line says more.
    if (codeValue && /^[A-Za-z][\w .-]{1,80}$/.test(codeValue)) parts.code = codeValue;
    const s = status?.exec(text) ?? (parts.code ? null : numericCode?.exec(text));
    if (s) parts.status = Number(s[2]);
    const m = message?.exec(text) ?? (text.includes('"lang"') || before?.includes('"lang"') ? value.exec(text) : null);
    if (m?.[3]) parts.message = unquote(m[3]);
    for (const [field, pattern] of others) {
      const v = pattern.exec(text)?.[3];
      if (v && v.length >= 6) place(parts, field, unquote(v));
    }
    if (n && !c && !parts.status && !parts.message && !parts.requestId && !parts.fields && !/(?:Error|Exception)$/.test(n[3]!)) return null;
    return hasAny(parts) ? parts : null;
  };
}

/** Unquoted `Key=value` pairs, as NSError UserInfo, Go autorest, Azurite and legacy SDK logs print them. */
function pairsReader(vocabulary: Vocabulary): Reader {
  const keys = spelledAs(vocabulary, 'pairs');
  const VALUES: Record<string, string> = {
    Code: '"?([A-Za-z][\\w]+|\\d{3})"?',
    Status: '"?(\\d{3})\\b',
    Message: '"?(.*?)"?(?:, [A-Z][\\w-]*=|[}>]\\s*$|$)',
  };
  const pairs = [...keys].map(([field, names]) => [field, new RegExp(`(?:^|[\\s{(,;])(?:${names})=${VALUES[field] ?? '([^,;}\\s]+)'}`)] as const);
  return (line) => {
    const parts: Parts = {};
    for (const [field, pattern] of pairs) {
      const v = pattern.exec(line)?.[1];
      if (!v) continue;
      // `Code=404`: an HTTP client's status, not a code.
      if (field === 'Code' && /^\d{3}$/.test(v)) parts.status ??= Number(v);
      else place(parts, field, v);
    }
    return parts.code || parts.status || parts.requestId ? parts : null;
  };
}

/** A field on a line of its own: "Message: Access Denied", "RequestId: 'A90F23D7BFA3C7EF'," (as JS util.inspect prints an object's fields). */
function labelsReader(vocabulary: Vocabulary): Reader {
  const labels = vocabulary.spellings.labels;
  const lead = new RegExp(`^\\s*(${[...labels.keys()].map(escapeRegExp).join('|')}): ?`);
  return (line) => {
    const m = lead.exec(line);
    if (!m) return null;
    // String steps, not one expression: a lazy value before a trailing run of spaces would be quadratic.
    const value = unquoted(line.slice(m[0].length));
    if (!value) return null;
    const parts: Parts = {};
    place(parts, labels.get(m[1]!)!, value);
    return parts;
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** URL query parameters (and the `&`-separated fields of a COS Authorization header) that the vocabulary names: `se=`, `q-sign-time=`. */
function queryReader(vocabulary: Vocabulary): Reader {
  const params = [...vocabulary.spellings.query].map(([name, field]) => [field, new RegExp(`(?:^|[?&\\s;])${escapeRegExp(name)}=(\\d[^&\\s"'\\]]*)`)] as const);
  return (line) => {
    const parts: Parts = {};
    for (const [field, pattern] of params) {
      const v = pattern.exec(line)?.[1];
      if (v) place(parts, field, safeDecode(v));
    }
    return parts.fields ? parts : null;
  };
}

/** The last sentence of a line, and the last two: candidates for a provider's message that ends an error line. */
function lastSentencesReader(): Reader {
  return (line) => {
    const sentences = line.trim().split(/(?<=[.!:])\s+/);
    const candidates: string[] = [];
    for (const n of [1, 2]) {
      if (sentences.length <= n) break;
      const candidate = sentences.slice(-n).join(' ');
      if (candidate.length >= 8) candidates.push(candidate);
    }
    return candidates.length ? { messageCandidates: candidates } : null;
  };
}

/** Every reader, made for this vocabulary. */
export function makeReaders(vocabulary: Vocabulary): Record<Exclude<ReaderName, 'json'>, Reader> {
  return {
    headers: whenFirstRead(() => headersReader(vocabulary)),
    kv: whenFirstRead(() => kvReader(vocabulary)),
    pairs: whenFirstRead(() => pairsReader(vocabulary)),
    labels: whenFirstRead(() => labelsReader(vocabulary)),
    query: whenFirstRead(() => queryReader(vocabulary)),
    'last-sentences': lastSentencesReader(),
  };
}

/** A reader made when a line first gets to it: most inputs need few readers, and each builds tens of expressions. */
export function whenFirstRead(make: () => Reader): Reader {
  let reader: Reader | undefined;
  return (line, before) => (reader ??= make())(line, before);
}

/** The literals a reader's lines must hold one of (lower-cased when `ignoreCase`): the names it reads; [] when none is known. */
export function readerHints(vocabulary: Vocabulary, reader: Exclude<ReaderName, 'json'>): { hints: string[][]; ignoreCase: boolean } {
  const exact = (hints: string[] | null) => ({ hints: hints ? [minimal(hints)] : [], ignoreCase: false });
  switch (reader) {
    case 'headers':
      return { hints: [minimal([...new Set([...vocabulary.spellings.headers.keys(), ...vocabulary.spellings.requestHeaders.keys()])])], ignoreCase: true };
    case 'kv':
      return exact([...vocabulary.spellings.kv.keys(), 'value']);
    case 'pairs':
      return exact(['=']);
    case 'labels':
      return exact([...vocabulary.spellings.labels.keys()].map((l) => `${l}:`));
    case 'query':
      return exact([...vocabulary.spellings.query.keys()].map((q) => `${q}=`));
    case 'last-sentences':
      return exact(null);
    default:
      return reader satisfies never;
  }
}
