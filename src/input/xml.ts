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

/** An error body's elements, by the names errlookup reports (data/fields.json, `xml`). */
export type XmlFields = Record<string, string>;

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

/** An optional declaration, then <Error> holding only leaf elements of plain text (no entities, CDATA, attributes or nesting). */
const FLAT_BODY = /^\s*(?:<\?xml[^<>]*\?>)?\s*<Error>\s*(?:<([A-Za-z]+)>[^<>&]*<\/\1>\s*)+<\/Error>\s*$/;
const FLAT_FIELD = /<([A-Za-z]+)>([^<>&]*)<\/\1>/g;

/** What reads an error body: its fields, or null when it holds no code. */
export type XmlReader = (text: string) => XmlFields | null;

/**
 * A reader of S3-style `<Error>` bodies (Azure, COS, S3 and the S3-compatible stores all use the
 * shape) that keeps the elements the vocabulary names (`spellings`: element → field), by the names
 * errlookup reports, in the body's order. Parses
 * strictly with fast-xml-parser when the body is whole, and falls back to a tolerant scan when it
 * is not. Returns null when the text holds no error code.
 */
export function makeXmlReader(spellings: ReadonlyMap<string, string>): XmlReader {
  const element = new RegExp(`<(${[...spellings.keys()].join('|')})>(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?</\\1>`, 'g');
  const salvage = (xml: string): XmlFields => {
    const fields: XmlFields = {};
    for (const m of xml.matchAll(element)) {
      const name = spellings.get(m[1]!)!;
      if (fields[name] === undefined && m[2]!.trim()) fields[name] = decodeEntities(m[2]!.trim());
    }
    return fields;
  };
  const pickFlat = (xml: string): XmlFields | null => {
    const fields: XmlFields = {};
    for (const m of xml.matchAll(FLAT_FIELD)) {
      const name = spellings.get(m[1]!);
      const value = m[2]!.trim();
      if (name && value && fields[name] === undefined) fields[name] = value;
    }
    return fields.Code ? fields : null;
  };
  const pickParsed = (node: Record<string, unknown>): XmlFields => {
    const fields: XmlFields = {};
    for (const [element, name] of spellings) {
      const value = Object.hasOwn(node, element) ? node[element] : undefined;
      if (typeof value === 'string' && value.length > 0 && fields[name] === undefined) fields[name] = decodeEntities(value);
    }
    return fields;
  };
  return (text) => {
    const xml = stripDoctype(unwrapXml(text.slice(0, MAX_XML_BYTES)));
    // The usual body is flat: leaf elements with plain text in one <Error>. For it a scan gives
    // exactly what the parser would, at a fraction of the cost in a log with thousands of bodies.
    if (FLAT_BODY.test(xml)) return pickFlat(xml);
    let fields: XmlFields = {};
    if (parser && /<\/Error\s*>/.test(xml)) {
      try {
        const node = findErrorNode(parser.parse(xml));
        if (node) fields = pickParsed(node);
      } catch {
        // Malformed or too deep: the salvage scan below still reads what it can.
      }
    }
    if (!fields.Code) fields = { ...salvage(xml), ...fields };
    return fields.Code ? fields : null;
  };
}
