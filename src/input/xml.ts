import type { XMLParser } from 'fast-xml-parser';

/** The closing tag of an error body, plain or escaped (HTML, JSON \u003c, JSON \/). */
export const XML_CLOSE = /<\/Error\s*>|&lt;\/Error&gt;|\\u003c\/Error\\u003e|<\\\/Error>/;

/** Plain forms of XML_CLOSE's tags, and signs that a body may not be flat (see FLAT_BODY). */
const CLOSE_HINTS = ['</Error', '&lt;/Error', '\\u003c/Error', '<\\/Error'];
const NOT_FLAT_HINTS = ['&', '<![CDATA[', '<!DOCTYPE', '<Error ', 'xmlns', '\\u003c', '<\\/'];

/**
 * Whether these bytes may hold a body only fast-xml-parser reads right: one with entities,
 * CDATA, attributes or escaped wrapping. The parser costs about 30 ms to load; flat bodies are
 * read by a scan that gives the same fields.
 */
export function mayNeedXmlParser(bytes: Buffer): boolean {
  return CLOSE_HINTS.some((h) => bytes.includes(h)) && NOT_FLAT_HINTS.some((h) => bytes.includes(h));
}

/** The most of an error body errlookup reads; real error bodies are well under 4 KiB. */
export const MAX_XML_BYTES = 64 * 1024;

/** The elements of an error body that errlookup reports, in display order. */
export const XML_FIELDS = [
  'Code',
  'Message',
  'RequestId',
  'TraceId',
  'HostId',
  'Resource',
  'AuthenticationErrorDetail',
  'RequestTime',
  'ServerTime',
  'MaxAllowedSkewMilliseconds',
  'Expires',
  'StringToSign',
  'CanonicalRequest',
  'Key',
  'BucketName',
  'Region',
  'Endpoint',
  'HeaderName',
  'QueryParameterName',
  'QueryParameterValue',
  'Reason',
] as const;

export type XmlFields = Partial<Record<(typeof XML_FIELDS)[number], string>>;

/** Other spellings of a field that S3-compatible servers send (`<RequestID>`), by the name errlookup reports. */
const FIELD_SPELLINGS: Record<string, (typeof XML_FIELDS)[number]> = { RequestID: 'RequestId', HostID: 'HostId' };
/** The reported name of an element, or undefined when errlookup does not report it. */
function fieldName(element: string): (typeof XML_FIELDS)[number] | undefined {
  return Object.hasOwn(FIELD_SPELLINGS, element) ? FIELD_SPELLINGS[element] : KNOWN_FIELDS.has(element) ? (element as (typeof XML_FIELDS)[number]) : undefined;
}

let parser: XMLParser | undefined;

/** Loads fast-xml-parser (about 30 ms) only when an input holds XML. */
export async function loadXmlParser(): Promise<void> {
  if (parser) return;
  const { XMLParser } = await import('fast-xml-parser');
  parser = new XMLParser({
    // No entity expansion at all: a body's entities are decoded by `decodeEntities` after parsing.
    processEntities: false,
    htmlEntities: false,
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: true,
    // `<Code>404</Code>` must stay the string "404".
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    maxNestedTags: 32,
  });
}

export function isXmlParserLoaded(): boolean {
  return parser !== undefined;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric references; anything else is left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref] ?? whole;
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });
}

const JSON_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '/': '/', '\\': '\\' };

/**
 * Undoes the wrapping an XML body gets when it is printed inside something else: a JSON string
 * (`\"`, `\n`, `\u003c`), a Python bytes literal (`\n`, `\'`, `\xNN`), or HTML escaping (`&lt;Error&gt;`).
 */
export function unwrapXml(text: string): string {
  let out = text.replace(/^\uFEFF/, '');
  if (/\\[nrt"'\/]|\\u00[0-9a-fA-F]{2}|\\x[0-9a-fA-F]{2}/.test(out) && !/<[A-Za-z]+>[^\n]*\n/.test(out)) {
    out = out.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[nrt"'\/\\])/g, (whole, esc: string) => {
      if (esc[0] === 'u' || esc[0] === 'x') return String.fromCharCode(parseInt(esc.slice(1), 16));
      return JSON_ESCAPES[esc] ?? whole;
    });
  }
  if (!out.includes('<') && /&lt;/.test(out)) out = decodeEntities(out);
  return out;
}

/** Removes a DOCTYPE declaration, internal subset and all, so no parser ever sees an entity definition. */
function stripDoctype(xml: string): string {
  const start = xml.indexOf('<!DOCTYPE');
  if (start < 0) return xml;
  const subsetEnd = xml.indexOf(']>', start);
  const plainEnd = xml.indexOf('>', start);
  const bracket = xml.indexOf('[', start);
  const end = bracket >= 0 && bracket < plainEnd && subsetEnd >= 0 ? subsetEnd + 2 : plainEnd + 1;
  return end > 0 ? xml.slice(0, start) + xml.slice(end) : xml.slice(0, start);
}

function pickFields(node: Record<string, unknown>): XmlFields {
  const fields: XmlFields = {};
  for (const name of XML_FIELDS) {
    const element = Object.hasOwn(node, name) ? name : Object.keys(FIELD_SPELLINGS).find((k) => FIELD_SPELLINGS[k] === name && Object.hasOwn(node, k));
    const value = element === undefined ? undefined : node[element];
    if (typeof value === 'string' && value.length > 0) fields[name] = decodeEntities(value);
  }
  return fields;
}

/** Finds the `<Error>` element of a parsed document, wherever a wrapper put it. */
function findErrorNode(doc: unknown, depth = 0): Record<string, unknown> | null {
  if (depth > 4 || typeof doc !== 'object' || doc === null) return null;
  const obj = doc as Record<string, unknown>;
  if (Object.hasOwn(obj, 'Code') && typeof obj.Code === 'string') return obj;
  for (const key of Object.keys(obj)) {
    const found = findErrorNode(obj[key], depth + 1);
    if (found) return found;
  }
  return null;
}

const ELEMENT = new RegExp(`<(${[...XML_FIELDS, ...Object.keys(FIELD_SPELLINGS)].join('|')})>(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?</\\1>`, 'g');

/** Reads the known elements with a tolerant scan: for truncated or malformed bodies. */
function salvageFields(xml: string): XmlFields {
  const fields: XmlFields = {};
  for (const m of xml.matchAll(ELEMENT)) {
    const name = fieldName(m[1]!)!;
    if (fields[name] === undefined && m[2]!.trim()) fields[name] = decodeEntities(m[2]!.trim());
  }
  return fields;
}

/** An optional declaration, then <Error> holding only leaf elements of plain text (no entities, CDATA, attributes or nesting). */
const FLAT_BODY = /^\s*(?:<\?xml[^<>]*\?>)?\s*<Error>\s*(?:<([A-Za-z]+)>[^<>&]*<\/\1>\s*)+<\/Error>\s*$/;
const FLAT_FIELD = /<([A-Za-z]+)>([^<>&]*)<\/\1>/g;
const KNOWN_FIELDS = new Set<string>(XML_FIELDS);

function pickFlat(xml: string): XmlFields | null {
  const fields: XmlFields = {};
  for (const m of xml.matchAll(FLAT_FIELD)) {
    const name = fieldName(m[1]!);
    const value = m[2]!.trim();
    if (name && value && fields[name] === undefined) fields[name] = value;
  }
  return fields.Code ? fields : null;
}

/**
 * The fields of an S3-style `<Error>` body (Azure, COS and S3 all use the shape). Parses strictly
 * with fast-xml-parser when the body is whole, and falls back to a tolerant scan when it is not.
 * Returns null when the text holds no error code.
 */
export function parseErrorXml(text: string): XmlFields | null {
  const xml = stripDoctype(unwrapXml(text.slice(0, MAX_XML_BYTES)));
  // The usual body is flat: leaf elements with plain text in one <Error>. For it a scan gives
  // exactly what the parser would, at a fraction of the cost in a log with thousands of bodies.
  if (FLAT_BODY.test(xml)) return pickFlat(xml);
  let fields: XmlFields = {};
  if (parser && /<\/Error\s*>/.test(xml)) {
    try {
      const node = findErrorNode(parser.parse(xml));
      if (node) fields = pickFields(node);
    } catch {
      // Malformed or too deep: the salvage scan below still reads what it can.
    }
  }
  if (!fields.Code) fields = { ...salvageFields(xml), ...fields };
  return fields.Code ? fields : null;
}
