import { readdirSync, readFileSync } from 'node:fs';
import { RETRY_CLASSES, type BodilessNote, type Catalog, type CatalogEntry, type RetryClass } from './types.js';

/** Where the catalogs live: `data/` beside `src/` in the repo and beside `dist/` in the package. */
const DATA_DIR = new URL('../data/', import.meta.url);

/** Case and the separators `_ - . space` (and apostrophes, for reason phrases) do not distinguish codes. */
export function normalizeCode(code: string): string {
  return code.toLowerCase().replace(/[\s_.'’-]+/g, '');
}

/**
 * Message text compared loosely: case, white space, a trailing full stop and Azure's per-request
 * "RequestId:… Time:…" suffix are ignored.
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(/\s*RequestId:[\s\S]*$/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.\s]+$/, '')
    .toLowerCase();
}

export interface CatalogEntryRef {
  catalog: Catalog;
  entry: CatalogEntry;
}

/** What the name and status indexes need of an entry: known without reading the entry itself. */
export interface EntryKeys {
  code: string;
  aliases?: string[];
  statuses: number[];
  message?: string;
  otherMessages?: string[];
}

/** An entry's keys and its reference, whose `entry` is read when first asked for. */
export interface KeyedRef extends EntryKeys {
  ref: CatalogEntryRef;
}

/** Entries read on first use (a packed set, `readPackedCatalogs`): their keys, and how to read one. */
export interface LazyEntries {
  keys: readonly (readonly EntryKeys[])[];
  /** The entry at this index of the catalog at this index; the reader keeps what it has read. */
  read(catalog: number, index: number): CatalogEntry;
}

/** The loaded catalogs and the indexes built from them, each built on first use. */
export class CatalogSet {
  readonly catalogs: readonly Catalog[];
  #keyed: KeyedRef[];
  #byCode?: Map<string, CatalogEntryRef[]>;
  #byAlias?: Map<string, CatalogEntryRef[]>;
  #byStatus?: Map<number, CatalogEntryRef[]>;
  #byMessage?: Map<string, CatalogEntryRef[]>;

  /** `lazy` gives the entries' keys and reads the entries on first use (a packed set). */
  constructor(catalogs: readonly Catalog[], lazy?: LazyEntries) {
    this.catalogs = catalogs;
    this.#keyed = catalogs.flatMap((catalog, c) =>
      (lazy?.keys[c] ?? catalog.entries).map((k, index): KeyedRef => {
        const ref = {
          catalog,
          get entry(): CatalogEntry {
            return lazy ? lazy.read(c, index) : catalog.entries[index]!;
          },
        };
        return { code: k.code, aliases: k.aliases, statuses: k.statuses, message: k.message, otherMessages: k.otherMessages, ref };
      }),
    );
  }

  get providerIds(): string[] {
    return this.catalogs.map((c) => c.provider);
  }

  /** The generic HTTP catalog (data/http.json), which answers statuses no provider code uses. */
  get generic(): Catalog | undefined {
    return this.catalogs.find((c) => c.generic);
  }

  /** The catalog with this id, or undefined; never an inherited property such as `__proto__`. */
  catalog(provider: string): Catalog | undefined {
    return this.catalogs.find((c) => c.provider === provider);
  }

  get byCode(): Map<string, CatalogEntryRef[]> {
    return (this.#byCode ??= this.#index((k) => [normalizeCode(k.code)]));
  }

  get byAlias(): Map<string, CatalogEntryRef[]> {
    return (this.#byAlias ??= this.#index((k) => (k.aliases ?? []).map(normalizeCode)));
  }

  get byStatus(): Map<number, CatalogEntryRef[]> {
    return (this.#byStatus ??= this.#index((k) => k.statuses));
  }

  get byMessage(): Map<string, CatalogEntryRef[]> {
    return (this.#byMessage ??= this.#index((k) => [k.message, ...(k.otherMessages ?? [])].filter((m): m is string => !!m).map(normalizeMessage)));
  }

  /** Every entry, in catalog order. */
  refs(): Iterable<CatalogEntryRef> {
    return this.#keyed.map((k) => k.ref);
  }

  /** Every entry's keys and reference, in catalog order, without reading the entries. */
  keyed(): readonly KeyedRef[] {
    return this.#keyed;
  }

  #index<K>(keys: (k: KeyedRef) => K[]): Map<K, CatalogEntryRef[]> {
    const index = new Map<K, CatalogEntryRef[]>();
    for (const k of this.#keyed) {
      for (const key of new Set(keys(k))) {
        const list = index.get(key);
        if (list) list.push(k.ref);
        else index.set(key, [k.ref]);
      }
    }
    return index;
  }
}

/** A broken catalog file: a bug in errlookup's data, never the user's input. */
export class CatalogError extends Error {
  constructor(file: string, message: string) {
    super(`data/${file}: ${message}`);
    this.name = 'CatalogError';
  }
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9-]*$/;

function isRetryClass(value: unknown): value is RetryClass {
  return RETRY_CLASSES.includes(value as RetryClass);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isHttpsUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https:\/\/[^\s]+$/.test(value);
}

/** Checks one catalog file's parsed JSON against data/README.md and returns it typed. */
export function checkCatalog(file: string, raw: unknown): Catalog {
  const fail = (message: string): never => {
    throw new CatalogError(file, message);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not a JSON object');
  const doc = raw as Record<string, unknown>;
  const provider = doc.provider;
  if (typeof provider !== 'string' || !PROVIDER_ID.test(provider)) return fail(`bad provider id ${JSON.stringify(provider)}`);
  if (`${provider}.json` !== file) fail(`provider "${provider}" does not match the file name`);
  if (!isNonEmptyString(doc.name)) fail('missing name');
  if (!isNonEmptyString(doc.checkedAgainst)) fail('missing checkedAgainst');
  if (!isHttpsUrl(doc.docs)) fail('docs must be an https URL');
  if (!Array.isArray(doc.entries) || doc.entries.length === 0) return fail('entries must be a non-empty array');

  const seen = new Map<string, string>();
  const entries = doc.entries.map((value: unknown, i: number): CatalogEntry => {
    const where = `entry ${i}`;
    if (typeof value !== 'object' || value === null) return fail(`${where} is not an object`);
    const e = value as Record<string, unknown>;
    if (!isNonEmptyString(e.code)) return fail(`${where} has no code`);
    const at = `${where} (${e.code})`;
    const statuses = e.statuses;
    if (!Array.isArray(statuses) || statuses.length === 0) return fail(`${at}: statuses must be a non-empty array`);
    for (const [j, s] of statuses.entries()) {
      if (!Number.isInteger(s) || s < 100 || s > 599) fail(`${at}: status ${JSON.stringify(s)} is not an HTTP status`);
      if (j > 0 && s <= statuses[j - 1]) fail(`${at}: statuses must be ascending and unique`);
    }
    if (!isNonEmptyString(e.meaning)) fail(`${at}: missing meaning`);
    if (!isNonEmptyString(e.fix)) fail(`${at}: missing fix`);
    if (!isRetryClass(e.retry)) fail(`${at}: retry must be one of ${RETRY_CLASSES.join(', ')}`);
    if (e.retryable !== (e.retry === 'throttling' || e.retry === 'transient')) {
      fail(`${at}: retryable must be true exactly for the throttling and transient classes`);
    }
    if (!isHttpsUrl(e.docs)) fail(`${at}: docs must be an https URL`);
    if (e.message !== undefined && !isNonEmptyString(e.message)) fail(`${at}: message must be a non-empty string`);
    for (const field of ['otherMessages', 'aliases'] as const) {
      const list = e[field];
      if (list !== undefined && (!Array.isArray(list) || !list.every(isNonEmptyString))) {
        fail(`${at}: ${field} must be an array of non-empty strings`);
      }
    }
    if (e.service !== undefined && !isNonEmptyString(e.service)) fail(`${at}: service must be a string`);
    if (e.clock !== undefined && typeof e.clock !== 'boolean') fail(`${at}: clock must be a boolean`);
    for (const name of [e.code, ...((e.aliases as string[] | undefined) ?? [])]) {
      const key = normalizeCode(name);
      const owner = seen.get(key);
      if (owner !== undefined) fail(`"${name}" collides with "${owner}"`);
      seen.set(key, e.code);
    }
    return e as unknown as CatalogEntry;
  });

  const bodiless = (doc.bodiless ?? {}) as Record<string, BodilessNote>;
  for (const [status, note] of Object.entries(bodiless)) {
    if (!/^[1-5]\d\d$/.test(status)) fail(`bodiless: "${status}" is not an HTTP status`);
    if (!isNonEmptyString(note?.note) || !Array.isArray(note.codes)) fail(`bodiless ${status}: needs codes and note`);
    for (const code of note.codes) {
      if (!seen.has(normalizeCode(code))) fail(`bodiless ${status}: unknown code "${code}"`);
    }
  }

  return {
    provider,
    name: doc.name as string,
    checkedAgainst: doc.checkedAgainst as string,
    docs: doc.docs as string,
    generic: doc.generic === true,
    bodiless,
    entries,
  };
}

/** Reads and checks every catalog in a folder, provider catalogs first and generic ones last. */
export function loadCatalogs(dir: URL = DATA_DIR): CatalogSet {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const catalogs = files.map((file) => checkCatalog(file, JSON.parse(readFileSync(new URL(file, dir), 'utf8'))));
  catalogs.sort((a, b) => Number(a.generic) - Number(b.generic));
  return new CatalogSet(catalogs);
}

/**
 * The packed form of checked catalogs that a build writes (scripts/build.mjs, dist/catalogs.json):
 * a first line of JSON with each catalog's own fields and, per entry, its keys and where its JSON
 * text lies in the rest of the file; then the entries' JSON. A lookup reads the keys and parses
 * only the entries it shows, not the whole 400 KB.
 */
export interface CatalogPack {
  catalogs: (Omit<Catalog, 'entries'> & { entries: (EntryKeys & { at: [number, number] })[] })[];
}

/** Reads a packed file's text into a set whose entries are parsed on first use. */
export function readPackedCatalogs(text: string): CatalogSet {
  const head = text.indexOf('\n');
  const pack = JSON.parse(text.slice(0, head)) as CatalogPack;
  const keys = pack.catalogs.map((c) => c.entries);
  const parsed: CatalogEntry[][] = keys.map(() => []);
  const read = (c: number, i: number): CatalogEntry => {
    const [from, to] = keys[c]![i]!.at;
    return (parsed[c]![i] ??= JSON.parse(text.slice(head + 1 + from, head + 1 + to)) as CatalogEntry);
  };
  const catalogs = pack.catalogs.map(({ entries: spans, ...fields }, c): Catalog => {
    let all: CatalogEntry[] | undefined;
    return {
      ...fields,
      get entries(): CatalogEntry[] {
        return (all ??= spans.map((_, i) => read(c, i)));
      },
    };
  });
  return new CatalogSet(catalogs, { keys, read });
}

declare const ERRLOOKUP_CHECKED_CATALOGS: string | undefined;

/**
 * The bundled catalogs. A build checks data/ once and writes the result beside the bundle
 * (ERRLOOKUP_CHECKED_CATALOGS, dist/catalogs.json): reading that one file saves a start-up the
 * checks, a few milliseconds. Run from source, or if the file is missing, data/ is read and checked.
 */
export function bundledCatalogs(): CatalogSet {
  if (typeof ERRLOOKUP_CHECKED_CATALOGS === 'string') {
    try {
      return readPackedCatalogs(readFileSync(new URL(ERRLOOKUP_CHECKED_CATALOGS, import.meta.url), 'utf8'));
    } catch {
      // Not built yet (the build itself runs this code): check data/ instead.
    }
  }
  return loadCatalogs();
}
