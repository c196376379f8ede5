/**
 * The vocabulary that reads raw text, compiled from data/: the format recipes, the field
 * spellings of every reader, and each provider's clues. The build packs the part of data/ this
 * needs (`vocabularySource`, with every hint derived) into dist/vocabulary.json; a run compiles it
 * on the first report it reads. Nothing here names a provider: every name comes from the data.
 */
import { readFileSync } from 'node:fs';
import { besideBundle } from './pack.js';
import { readData } from './data/read.js';
import { hintsOfAny, minimal, requiredHints } from './hints.js';
import { normalizeCode } from './text.js';
import type { ClueWeight, Data, FieldSpellings, FormatData, ProtocolData, ProviderData, Recognise } from './data/types.js';
import { readAutomata, type PackedLiteralSet } from './literals.js';
import type { Evidence } from './types.js';

/** How much one kind of clue counts: a host or a provider's own header outweighs an SDK's name. */
export const WEIGHT: Record<ClueWeight, number> = { host: 5, header: 4, server: 4, body: 3, requestId: 2, name: 1 };

/**
 * A format as a run reads it: the recipe without its samples, with the hints the build derived:
 * sets of literals a line must hold one of each of for the format to read it ([]: none known).
 */
export type PackedFormat = Omit<FormatData, 'samples'> & { hints: string[][] };

/** The part of data/ that reading text needs. */
export interface VocabularySource {
  providers: Pick<ProviderData, 'id' | 'name' | 'speaks' | 'recognise' | 'madeUpCodes'>[];
  protocols: ProtocolData[];
  formats: PackedFormat[];
  fields: Record<string, FieldSpellings>;
  /** Every provider's clues found in a line's text, with their hints. */
  lineClues: LineClueSource[];
}

/** The hints of a format: what its gate (`when`) and its patterns need, all of it ([]: nothing known). */
export function formatHints(f: Pick<FormatData, 'patterns' | 'find' | 'when'>): string[][] {
  const gate = f.when ? requiredHints(f.when) : [];
  const own = f.patterns?.length ? hintsOfAny(f.patterns) : f.find?.length && !f.when ? hintsOfAny(f.find) : [];
  return [...gate, ...own];
}

export function vocabularySource(data: Data): VocabularySource {
  return {
    providers: data.providers.map(({ id, name, speaks, recognise, madeUpCodes }) => ({ id, name, speaks, recognise, madeUpCodes })),
    formats: data.formats.map(({ samples: _samples, ...f }) => ({ ...f, hints: formatHints(f) })),
    protocols: data.protocols,
    fields: data.fields.fields,
    lineClues: [...data.providers.map((p) => ({ owner: p.id, speaks: undefined, recognise: p.recognise })), ...data.protocols.map((p) => ({ owner: null, speaks: p.id, recognise: p.recognise }))].flatMap((o) =>
      o.recognise ? lineCluesOf(o.owner, o.speaks, o.recognise, data.fields.fields) : [],
    ),
  };
}

/** A clue found by its pattern anywhere in a line. */
export interface LineClue {
  /** Lower-case literals a line (lower-cased) must hold one of each of for the pattern to be tried ([]: always tried). */
  hints: string[][];
  pattern: RegExp;
  /** A value (the pattern's first group that matched) of this shape is no clue. */
  unless?: RegExp;
  /** Only a value of this shape is a clue. */
  value?: RegExp;
  evidence: Evidence;
}

export type FieldReader = 'xml' | 'kv' | 'pairs' | 'labels' | 'headers' | 'requestHeaders' | 'query';

export interface Vocabulary {
  formats: PackedFormat[];
  /** The fields in display order. */
  fieldOrder: string[];
  /** Per reader: each spelling and the field it names. */
  spellings: Record<FieldReader, Map<string, string>>;
  /** Clues found in the text of a line. */
  lineClues: LineClue[];
  /** Request-ID shapes, and what each says; a placeholder names no request. */
  requestIds: { shape: RegExp; base64: RegExp | null; placeholder: boolean; evidence: Evidence }[];
  /** Fields only one provider's (or one protocol's) errors carry. */
  bodyFields: { field: string; unless: RegExp | null; value: RegExp | null; evidence: Evidence }[];
  /** Codes SDKs make up for a status, normalised, and the status (0: none). */
  madeUpCodes: Map<string, number>;
  /** The protocols each provider speaks. */
  speaks: Map<string, readonly string[]>;
  /** Per protocol, the providers whose host or header just before a tool's error of that protocol claims it. */
  claimsNearby: Map<string, string[]>;
  /** The protocols (data/protocols.json): who answers in words, and the provider whose entries define the codes. */
  protocols: Map<string, { name: string; server: string; reference: string; note: string }>;
  /** Prebuilt automata for the hint tables (the build's; none from source). */
  automata: readonly PackedLiteralSet[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A word matched as a word: `\b` only on a side where it starts or ends with a letter or digit. */
function wordPattern(word: string): string {
  const edge = (ch: string) => (/\w/.test(ch) ? '\\b' : '');
  return `${edge(word[0]!)}${escapeRegExp(word)}${edge(word[word.length - 1]!)}`;
}

/** "x-ms-* header": what a provider's header names have in common. */
function headerReason(names: string[]): string {
  let prefix = names[0]!;
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = prefix.lastIndexOf('-');
  return cut > 0 ? `${prefix.slice(0, cut + 1)}* header` : `${names[0]} header`;
}

/** A field's spellings as an element, a key or a label, whatever its value (the value is group 1 or 2). */
function fieldPattern(spellings: FieldSpellings): { source: string; hints: string[] } {
  const keys = [...new Set([...(spellings.kv ?? []), ...(spellings.labels ?? []), ...(spellings.pairs ?? [])])];
  const parts: string[] = [];
  if (spellings.xml?.length) parts.push(`<(?:${spellings.xml.map(escapeRegExp).join('|')})>([^<]*)`);
  if (keys.length) parts.push(`(?<![\\w-])(?:${keys.map(escapeRegExp).join('|')})["']?\\s*[:=]\\s*["']?([^"'\\s,;<)]*)`);
  return { source: parts.join('|'), hints: [...new Set([...(spellings.xml ?? []), ...keys].map((k) => k.toLowerCase()))] };
}

/** A clue found by its pattern in a line, as the build packs it: the pattern's source, its hints derived. */
export interface LineClueSource {
  source: string;
  flags: string;
  hints: string[][];
  unless?: string;
  value?: string;
  evidence: Evidence;
}

/** Where a header's name starts: at a word's start, or after a line break a client printed escaped (`\r\nServer: …` in a Go HTTP trace). */
const HEADER_START = '(?:\\b|(?<=\\\\[rnt]))';

/** The line clues of a provider (`owner`), or of a protocol (no owner; every clue `speaks` it). */
function lineCluesOf(owner: string | null, protocol: string | undefined, r: Recognise, fields: Record<string, FieldSpellings>): LineClueSource[] {
  const clues: LineClueSource[] = [];
  const add = (source: string, flags: string, reason: string, weight: ClueWeight, speaks = protocol, hints?: string[]) => {
    clues.push({
      hints: hints !== undefined ? [minimal(hints.map((h) => h.toLowerCase()))] : requiredHints(source, true),
      source,
      flags,
      evidence: { provider: owner, reason, weight: WEIGHT[weight], ...(speaks ? { speaks } : {}) },
    });
  };
  for (const h of r.hosts ?? []) add(h.pattern, h.flags ?? '', h.reason, 'host', h.speaks);
  const headers = Object.keys(r.headers ?? {});
  if (headers.length > 0) add(`${HEADER_START}(?:${headers.map(escapeRegExp).join('|')})\\b`, 'i', headerReason(headers), 'header', undefined, headers);
  for (const prefix of r.headerPrefixes ?? []) {
    // Any other header with the prefix: one a message names ("x-cos-acl value invalid") says less, and
    // one on a request line of curl -v ("> x-cos-storage-class: …") says only what the client sent.
    const own = headers.filter((h) => h.startsWith(prefix)).map((h) => escapeRegExp(h.slice(prefix.length)));
    add(`(?<!^\\s*>\\s*)\\b${escapeRegExp(prefix)}${own.length ? `(?!${own.join('|')})` : ''}[a-z]`, 'i', `an ${prefix}* header named`, 'name', undefined, [prefix]);
  }
  if (r.server?.length) {
    // The value of a Server header, however it was printed: `Server: X`, `'Server': 'X'`, `"server":"X"`, `Server: [X]`.
    add(`${HEADER_START}server["']?\\s*[:=]\\s*["'\\[]?(?:${r.server.map(escapeRegExp).join('|')})\\b`, 'i', `Server: ${r.server[0]}`, 'server', undefined, ['server']);
  }
  for (const t of r.texts ?? []) add(t.pattern, t.flags ?? '', t.reason, t.weight ?? 'body', t.speaks);
  for (const n of r.names ?? []) add(n.words.map(wordPattern).join('|'), '', n.reason, 'name', n.speaks, n.words.map((w) => w.toLowerCase()));
  for (const b of r.bodyFields ?? []) {
    // An element or key only this provider's errors have, named in the text: present even when empty or redacted.
    const spelled = fieldPattern(fields[b.field] ?? {});
    if (!spelled.source) continue;
    add(spelled.source, '', b.reason ?? `${b.field} in the error`, 'body', undefined, spelled.hints);
    if (b.unlessValue) clues[clues.length - 1]!.unless = b.unlessValue;
    if (b.value) clues[clues.length - 1]!.value = b.value;
  }
  return clues;
}

/** Compiles the packed vocabulary: regular expressions are made here, once. */
export function compileVocabulary(source: VocabularySource, automata: readonly PackedLiteralSet[] = []): Vocabulary {
  const spellings = Object.fromEntries(['xml', 'kv', 'pairs', 'labels', 'headers', 'requestHeaders', 'query'].map((r) => [r, new Map<string, string>()])) as Vocabulary['spellings'];
  for (const [field, byReader] of Object.entries(source.fields)) {
    for (const [reader, names] of Object.entries(byReader) as [FieldReader, string[]][]) for (const name of names) spellings[reader].set(name, field);
  }
  const vocabulary: Vocabulary = {
    formats: source.formats,
    fieldOrder: Object.keys(source.fields),
    spellings,
    lineClues: source.lineClues.map((c) => ({
      hints: c.hints,
      pattern: new RegExp(c.source, c.flags),
      ...(c.unless ? { unless: new RegExp(c.unless) } : {}),
      ...(c.value ? { value: new RegExp(c.value) } : {}),
      evidence: c.evidence,
    })),
    requestIds: [],
    bodyFields: [],
    madeUpCodes: new Map(),
    speaks: new Map(),
    claimsNearby: new Map(),
    protocols: new Map(source.protocols.map((p) => [p.id, { name: p.name, server: p.server, reference: p.reference, note: p.note }])),
    automata,
  };
  const owners = [...source.providers.map((p) => ({ id: p.id as string | null, speaks: undefined as string | undefined, r: p.recognise })), ...source.protocols.map((p) => ({ id: null, speaks: p.id, r: p.recognise }))];
  for (const p of source.providers) {
    vocabulary.speaks.set(p.id, p.speaks ?? []);
    for (const [code, status] of Object.entries(p.madeUpCodes ?? {})) vocabulary.madeUpCodes.set(normalizeCode(code), status);
  }
  for (const { id, speaks, r } of owners) {
    if (!r) continue;
    const as = (reason: string, weight: number): Evidence => ({ provider: id, reason, weight, ...(speaks ? { speaks } : {}) });
    // A provider's own headers are the headers reader's spellings of the fields they fill.
    for (const [reader, headers] of [['headers', r.headers], ['requestHeaders', r.requestHeaders]] as const) {
      for (const [name, field] of Object.entries(headers ?? {})) if (field) spellings[reader].set(name, field);
    }
    for (const s of r.requestIds ?? []) {
      vocabulary.requestIds.push({
        shape: new RegExp(s.shape, s.flags ?? ''),
        base64: s.base64 ? new RegExp(s.base64) : null,
        placeholder: s.placeholder === true,
        evidence: as(s.reason, WEIGHT[s.weight ?? 'requestId']),
      });
    }
    for (const b of r.bodyFields ?? []) {
      vocabulary.bodyFields.push({
        field: b.field,
        unless: b.unlessValue ? new RegExp(b.unlessValue) : null,
        value: b.value ? new RegExp(b.value) : null,
        evidence: as(b.reason ?? `${b.field} in the error`, WEIGHT.body),
      });
    }
    if (id !== null) for (const protocol of r.claimsNearby ?? []) vocabulary.claimsNearby.set(protocol, [...(vocabulary.claimsNearby.get(protocol) ?? []), id]);
  }
  return vocabulary;
}

declare const ERRLOOKUP_VOCABULARY: string | undefined;
/** The hint tables' automata, built by the build beside the vocabulary (src/input/automata.ts). */
declare const ERRLOOKUP_AUTOMATA: string | undefined;

let compiled: Vocabulary | undefined;

/**
 * The vocabulary, compiled on first use: from the file the build wrote beside the bundle
 * (ERRLOOKUP_VOCABULARY, dist/vocabulary.json), or, run from source, from data/ itself.
 */
export function bundledVocabulary(): Vocabulary {
  if (compiled) return compiled;
  let source: VocabularySource;
  let automata: PackedLiteralSet[] = [];
  if (typeof ERRLOOKUP_VOCABULARY === 'string') {
    source = JSON.parse(readFileSync(besideBundle(ERRLOOKUP_VOCABULARY), 'utf8')) as VocabularySource;
    automata = readAutomata(readFileSync(besideBundle(ERRLOOKUP_AUTOMATA!)));
  } else source = vocabularySource(readData());
  return (compiled = compileVocabulary(source, automata));
}
