import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CatalogSet, catalogOf, INDEX_NAMES, type IndexName } from './catalog.js';
import { readData } from './data/read.js';
import { normalizeCode, normalizeMessage } from './text.js';
import type { Catalog, CatalogEntry } from './types.js';

/** An entry's literal messages, normalised (`normalizeMessage`) and without repeats: the keys of the `message` index. */
function messageKeys(entry: Pick<CatalogEntry, 'message' | 'otherMessages'>): string[] {
  return [...new Set([entry.message, ...(entry.otherMessages ?? [])].filter((m): m is string => !!m).map(normalizeMessage))];
}

/** One index of a set, built from its entries: each key with the numbers of its entries, in order. */
function buildIndex(index: IndexName, entries: readonly CatalogEntry[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const [n, e] of entries.entries()) {
    const filed =
      index === 'code' ? [normalizeCode(e.code)] : index === 'alias' ? (e.aliases ?? []).map(normalizeCode) : index === 'status' ? e.statuses.map(String) : messageKeys(e);
    for (const key of new Set(filed)) {
      const list = map.get(key);
      if (list) list.push(n);
      else map.set(key, [n]);
    }
  }
  return map;
}

/**
 * The packed form of checked catalogs, which the build writes (scripts/build.mjs, dist/catalogs.json)
 * so that a start-up reads one file, checks nothing and decodes only what it shows. A first line
 * of JSON holds each catalog's own fields and its entry count, and the byte length of each part
 * that follows, in this order:
 * - `spans`: JSON, where each entry's JSON lies in `entries`: a flat list of byte offsets, from and to;
 * - one part per `IndexName`: JSON, the index as a list of `[key, [entry numbers]]`. Inside JSON a
 *   quote in a string is escaped, so `[` or `,` then `["key",[` occurs only where that key starts:
 *   a lookup searches for it and parses only its list;
 * - `entries`: each entry's JSON, a line each.
 * Entries are numbered across catalogs, in catalog order.
 */
const PARTS = ['spans', ...INDEX_NAMES, 'entries'] as const;
interface PackHead {
  catalogs: (Omit<Catalog, 'entries'> & { count: number })[];
  /** Every entry's message patterns, with the entry's number: few, and read whole. */
  patterns: [string, number][];
  parts: Record<(typeof PARTS)[number], number>;
}

/** Writes catalogs (provider ones first, generic ones last) in the packed form that `openCatalogs` reads. */
export function packCatalogs(catalogs: readonly Catalog[]): string {
  const all = catalogs.flatMap((c) => c.entries);
  const spans: number[] = [];
  let entries = '';
  for (const entry of all) {
    const json = JSON.stringify(entry);
    const from = Buffer.byteLength(entries);
    spans.push(from, from + Buffer.byteLength(json));
    entries += `${json}\n`;
  }
  const text: Record<(typeof PARTS)[number], string> = {
    spans: JSON.stringify(spans),
    ...(Object.fromEntries(INDEX_NAMES.map((name) => [name, JSON.stringify([...buildIndex(name, all)])])) as Record<IndexName, string>),
    entries,
  };
  const head: PackHead = {
    catalogs: catalogs.map(({ entries: list, ...fields }) => ({ ...fields, count: list.length })),
    patterns: all.flatMap((e, n) => (e.messagePatterns ?? []).map((p): [string, number] => [p, n])),
    parts: Object.fromEntries(PARTS.map((part) => [part, Buffer.byteLength(text[part])])) as PackHead['parts'],
  };
  return `${JSON.stringify(head)}\n${PARTS.map((part) => text[part]).join('')}`;
}

/** Bytes `from` to `to` of a packed file, and its size. */
export interface PackSource {
  size: number;
  bytes(from: number, to: number): Buffer;
}

/** A packed file in memory. */
export function bufferSource(data: Buffer): PackSource {
  return { size: data.length, bytes: (from, to) => data.subarray(from, to) };
}

/**
 * A packed file on disk, read a range at a time (each read opens and closes it, so a set holds no
 * descriptor): a start-up reads the head and the indexes, about 60 KB, and the few entries it shows,
 * not the whole 450 KB.
 */
export function fileSource(file: URL | string): PackSource {
  const read = (from: number, to: number, fd?: number): Buffer => {
    const own = fd ?? openSync(file, 'r');
    try {
      const out = Buffer.allocUnsafe(to - from);
      let got = 0;
      while (got < out.length) {
        const n = readSync(own, out, got, out.length - got, from + got);
        if (n === 0) throw new Error('a packed catalog file shorter than its head says');
        got += n;
      }
      return out;
    } finally {
      if (fd === undefined) closeSync(own);
    }
  };
  const fd = openSync(file, 'r');
  let size: number;
  let first: Buffer;
  try {
    size = fstatSync(fd).size;
    first = read(0, Math.min(size, 64 * 1024), fd);
  } finally {
    closeSync(fd);
  }
  return { size, bytes: (from, to) => (to <= first.length ? first.subarray(from, to) : read(from, to)) };
}

/** Entries read one by one before a set reads the whole entries part at once (a listing reads them all). */
const ENTRY_READS_BEFORE_ALL = 16;

/** Opens a packed file as a set that reads, decodes and parses each part, and each entry, on first use. */
export function openCatalogs(source: PackSource): CatalogSet {
  let headEnd = -1;
  for (let peek = 4096; headEnd < 0; peek *= 2) {
    headEnd = source.bytes(0, Math.min(peek, source.size)).indexOf(10);
    if (headEnd < 0 && peek >= source.size) throw new Error('not a packed catalog file');
  }
  const head = JSON.parse(source.bytes(0, headEnd).toString('utf8')) as PackHead;
  const part = {} as Record<(typeof PARTS)[number], [number, number]>;
  let at = headEnd + 1;
  for (const name of PARTS) part[name] = [at, (at += head.parts[name])];
  if (at !== source.size) throw new Error('a packed catalog file of the wrong length');
  // Everything before the entries, in one read: the head, the spans and the indexes.
  let front: Buffer | undefined;
  const bytesOf = (name: Exclude<(typeof PARTS)[number], 'entries'>): Buffer => (front ??= source.bytes(0, part.entries[0])).subarray(...part[name]);
  const json = <T>(name: Exclude<(typeof PARTS)[number], 'entries'>): T => JSON.parse(bytesOf(name).toString('utf8')) as T;

  const find = (index: IndexName, key: string): number[] => {
    // Searched within the index's part only: a key that is not there would otherwise cost a search to the file's end.
    const text = bytesOf(index);
    const needle = Buffer.from(`${JSON.stringify(key)},[`);
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      if (text[at - 1] !== 0x5b /* [ */ || (text[at - 2] !== 0x5b && text[at - 2] !== 0x2c) /* [ or , */) continue;
      const list = at + needle.length - 1;
      return JSON.parse(text.toString('latin1', list, text.indexOf(0x5d /* ] */, list) + 1)) as number[];
    }
    return [];
  };
  let spans: number[] | undefined;
  let entries: Buffer | undefined;
  let reads = 0;
  const parsed: CatalogEntry[] = [];
  const read = (n: number): CatalogEntry => {
    if (parsed[n]) return parsed[n];
    spans ??= json<number[]>('spans');
    const base = part.entries[0];
    if (!entries && ++reads > ENTRY_READS_BEFORE_ALL) entries = source.bytes(...part.entries);
    const [from, to] = [spans[2 * n]!, spans[2 * n + 1]!];
    const text = entries ? entries.subarray(from, to) : source.bytes(base + from, base + to);
    return (parsed[n] = JSON.parse(text.toString('utf8')) as CatalogEntry);
  };

  let first = 0;
  const catalogs = head.catalogs.map(({ count, ...fields }): Catalog => {
    const offset = first;
    first += count;
    let all: CatalogEntry[] | undefined;
    return {
      ...fields,
      get entries(): CatalogEntry[] {
        return (all ??= Array.from({ length: count }, (_, i) => read(offset + i)));
      },
    };
  });
  return new CatalogSet(catalogs, {
    counts: head.catalogs.map((c) => c.count),
    patterns: head.patterns,
    find,
    index: (name) => new Map(json<[string, number[]][]>(name)),
    read,
  });
}

declare const ERRLOOKUP_CHECKED_CATALOGS: string | undefined;
/** Set in the CommonJS bundles (scripts/build.mjs), whose files are found by __dirname. */
declare const ERRLOOKUP_CJS: boolean | undefined;

/** A file the build wrote beside the bundle. In the CommonJS bundle, a plain path: a file URL would run Node's URL code at every start-up. */
export function besideBundle(name: string): string | URL {
  return typeof ERRLOOKUP_CJS === 'boolean' ? `${__dirname}/${name}` : new URL(name, import.meta.url);
}

/**
 * The bundled catalogs. The build checks data/ once and packs it beside the bundle
 * (ERRLOOKUP_CHECKED_CATALOGS, dist/catalogs.json): a start-up reads that one file, checks nothing
 * and decodes only what it shows. Run from source (the tests, the build itself), data/ is read,
 * checked and packed in memory: one form of the catalogs either way. (The bundles leave the data
 * readers out: scripts/build.mjs.)
 */
export function bundledCatalogs(): CatalogSet {
  if (typeof ERRLOOKUP_CHECKED_CATALOGS === 'string') return openCatalogs(fileSource(besideBundle(ERRLOOKUP_CHECKED_CATALOGS)));
  return openCatalogs(bufferSource(Buffer.from(packCatalogs(readData().providers.map((p, _, all) => catalogOf(p, all))))));
}
