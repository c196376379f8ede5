import { normalizeCode } from './text.js';
import type { ProviderData } from './data/types.js';
import type { Catalog, CatalogEntry } from './types.js';

export interface CatalogEntryRef {
  catalog: Catalog;
  entry: CatalogEntry;
}

/**
 * The indexes of a set, each from a normalised key to the entries filed under it: `code` and
 * `alias` by `normalizeCode`, `status` by the status's digits, `message` by `messageKeys`.
 */
export type IndexName = 'code' | 'alias' | 'status' | 'message';
export const INDEX_NAMES: readonly IndexName[] = ['code', 'alias', 'status', 'message'];

/**
 * A packed set's entries (`readPackedCatalogs`), numbered across catalogs in catalog order: read,
 * and their keys looked up, on first use.
 */
interface LazyEntries {
  /** How many entries each catalog has. */
  counts: readonly number[];
  /** The numbers of the entries filed under this key. */
  find(index: IndexName, key: string): readonly number[];
  /** A whole index. */
  index(index: IndexName): Map<string, number[]>;
  /** Entry number n; the reader keeps what it has read. */
  read(n: number): CatalogEntry;
  /** The message patterns (regular-expression sources) and their entries' numbers. */
  patterns: readonly [string, number][];
}

/** How many lookups of one index a packed set answers by searching its text before it parses the index. */
const SEARCHES_BEFORE_INDEX = 16;

/** The catalogs of a packed file (`packCatalogs`), read and indexed on first use (`openCatalogs`). */
export class CatalogSet {
  readonly catalogs: readonly Catalog[];
  #lazy: LazyEntries;
  #refs: CatalogEntryRef[] = [];
  #indexes = new Map<IndexName, Map<string, number[]>>();
  #searches = new Map<IndexName, number>();
  #byMessage?: Map<string, CatalogEntryRef[]>;
  #patterns?: (readonly [RegExp, number])[];

  /** `lazy` reads the entries and answers the indexes of the packed file. */
  constructor(catalogs: readonly Catalog[], lazy: LazyEntries) {
    this.catalogs = catalogs;
    this.#lazy = lazy;
  }

  get providerIds(): string[] {
    return this.catalogs.map((c) => c.provider);
  }

  /** The generic HTTP catalog (data/http.json), which answers statuses no provider code uses. */
  get generic(): Catalog | undefined {
    return this.catalogs.find((c) => c.generic);
  }

  /** The catalog with this id or alias, or undefined; never an inherited property such as `__proto__`. */
  catalog(provider: string): Catalog | undefined {
    return this.catalogs.find((c) => c.provider === provider) ?? this.catalogs.find((c) => c.aliases.includes(provider));
  }

  /**
   * The entries filed under this key (already normalised) in this index, in catalog order. A packed
   * set answers the first few lookups of an index by searching its text, which is all a single
   * query needs; from then on (a log asks thousands) by the index itself, parsed once.
   */
  lookup(index: IndexName, key: string): CatalogEntryRef[] {
    const searched = this.#searches.get(index) ?? 0;
    let numbers: readonly number[] | undefined;
    if (searched < SEARCHES_BEFORE_INDEX && !this.#indexes.has(index)) {
      this.#searches.set(index, searched + 1);
      numbers = this.#lazy.find(index, key);
    } else {
      numbers = this.index(index).get(key);
    }
    return numbers ? numbers.map((n) => this.ref(n)) : [];
  }

  /** A whole index: each key with the numbers of its entries (see `ref`). */
  index(index: IndexName): ReadonlyMap<string, readonly number[]> {
    let map = this.#indexes.get(index);
    if (!map) this.#indexes.set(index, (map = this.#lazy.index(index)));
    return map;
  }

  /** The entries with a message pattern this text matches. */
  byPattern(text: string): CatalogEntryRef[] {
    this.#patterns ??= this.#lazy.patterns.map(([source, n]) => [new RegExp(source), n] as const);
    const refs: CatalogEntryRef[] = [];
    for (const [pattern, n] of this.#patterns) if (pattern.test(text)) refs.push(this.ref(n));
    return refs;
  }

  /** Every message key with its entries: for matching a message by its beginning. */
  get byMessage(): Map<string, CatalogEntryRef[]> {
    return (this.#byMessage ??= new Map([...this.index('message')].map(([key, numbers]) => [key, numbers.map((n) => this.ref(n))])));
  }

  /** Every entry, in catalog order. */
  refs(): CatalogEntryRef[] {
    let total = 0;
    for (let c = 0; c < this.catalogs.length; c++) total += this.#count(c);
    return Array.from({ length: total }, (_, n) => this.ref(n));
  }

  /** Entry number n's reference (entries are numbered across catalogs, in catalog order), the same object each time. */
  ref(n: number): CatalogEntryRef {
    const known = this.#refs[n];
    if (known) return known;
    let c = 0;
    let i = n;
    for (let count; i >= (count = this.#count(c)); c++) i -= count;
    return (this.#refs[n] = new EntryRef(this.catalogs[c]!, n, this.#lazy));
  }

  /** How many entries catalog c has, without reading its entries. */
  #count(c: number): number {
    return this.#lazy.counts[c]!;
  }
}

/** A reference whose entry is read on first use. */
class EntryRef implements CatalogEntryRef {
  constructor(
    readonly catalog: Catalog,
    readonly n: number,
    readonly lazy: LazyEntries,
  ) {}

  get entry(): CatalogEntry {
    return this.lazy.read(this.n);
  }
}

/**
 * A provider's catalog: its data file without what recognises it in raw text, and with the entries
 * it inherits (`inherits`) from the provider it answers like, among `all`.
 */
export function catalogOf(p: ProviderData, all: readonly ProviderData[] = []): Catalog {
  const base = p.inherits ? all.find((q) => q.id === p.inherits!.from) : undefined;
  const own = new Set(p.entries.flatMap((e) => [e.code, ...(e.aliases ?? [])].map(normalizeCode)));
  const inherited = (base?.entries ?? []).filter((e) => ![e.code, ...(e.aliases ?? [])].some((n) => own.has(normalizeCode(n)))).map((e) => ({ ...e, inherited: true }));
  const entries = inherited.length > 0 ? [...p.entries, ...inherited].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)) : p.entries;
  return {
    provider: p.id,
    name: p.name,
    aliases: p.aliases ?? [],
    checkedAgainst: p.checkedAgainst,
    docs: p.docs,
    generic: p.generic === true,
    bodiless: { ...base?.bodiless, ...p.bodiless },
    sdkExceptions: p.sdkExceptions ?? {},
    ...(p.inherits ? { inheritNote: p.inherits.note } : {}),
    entries,
  };
}
