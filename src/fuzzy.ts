/**
 * Typo-tolerant matching: fuse.js (loaded only when the exact paths have failed) finds the
 * candidates, and each is scored again by edit distance.
 */
import type Fuse from 'fuse.js';
import type { CatalogEntryRef, CatalogSet, IndexName } from './catalog.js';
import { normalizeCode, normalizeMessage } from './text.js';

/**
 * fuse.js finds the candidates; its score is not a similarity (a short query inside a long code
 * scores near 0), so each candidate is scored again by edit distance: 1 - distance / longer length.
 * A candidate counts as a match from this similarity up…
 */
const FUZZY_MATCH_MIN = 0.75;
/** …and is offered as a "did you mean" suggestion from this one up. */
const FUZZY_SUGGEST_MIN = 0.5;
/** fuse.js's own threshold only bounds the candidate search. */
const FUSE_THRESHOLD = 0.6;
const FUSE_OPTIONS = { keys: ['key'], includeScore: true, ignoreLocation: true, threshold: FUSE_THRESHOLD };
/** Edit distance is quadratic: compare at most this many characters. */
const MAX_COMPARE = 160;
/** A pasted message must be at least this long to match a catalog message by prefix. */
export const MESSAGE_PREFIX_MIN = 16;

/** What a fuzzy search found: entries that match, best first, or else names to suggest. */
export interface FuzzyResult {
  hits: { ref: CatalogEntryRef; score: number }[];
  suggestions: string[];
}

interface FuzzyItem {
  /** The normalised code, alias or message that fuse.js searches. */
  key: string;
  /** The entry's number in its set. */
  n: number;
  ref: CatalogEntryRef;
  /** The key is an alias of the entry's code. */
  alias: boolean;
}

/** The name a hit is offered under: the code, or the alias that matched, as the catalog spells it. */
function nameOf({ key, ref, alias }: FuzzyItem): string {
  return (alias && ref.entry.aliases?.find((a) => normalizeCode(a) === key)) || ref.entry.code;
}

let fuseModule: Promise<typeof import('fuse.js')> | undefined;

/** fuse.js, loaded only when the exact paths have failed. */
async function fuseClass(): Promise<typeof import('fuse.js').default> {
  return (await (fuseModule ??= import('fuse.js'))).default;
}

/** Built once per set, on first use. */
function cachedPerSet<T>(build: (set: CatalogSet) => T): (set: CatalogSet) => T {
  const cache = new WeakMap<CatalogSet, T>();
  return (set) => {
    if (!cache.has(set)) cache.set(set, build(set));
    return cache.get(set)!;
  };
}

/**
 * The provider entries under each key of these indexes that `keep` accepts, as fuzzy items in
 * catalog order (for one entry, in the order of the indexes): from the indexes, so nothing is
 * normalised again, and only the kept keys' entries are looked at.
 */
function itemsOf(set: CatalogSet, indexes: readonly IndexName[], keep: (key: string) => boolean = () => true): FuzzyItem[] {
  const items: FuzzyItem[] = [];
  for (const index of indexes) {
    for (const [key, numbers] of set.index(index)) {
      if (!keep(key)) continue;
      for (const n of numbers) {
        const ref = set.ref(n);
        if (!ref.catalog.generic) items.push({ key, n, ref, alias: index === 'alias' });
      }
    }
  }
  return items.sort((a, b) => a.n - b.n);
}

/** The fuse.js index of every provider message, normalised, for a query with spaces in it. */
const messageIndex = cachedPerSet(async (set): Promise<Fuse<FuzzyItem>> => new (await fuseClass())(itemsOf(set, ['message']), FUSE_OPTIONS));

/**
 * A lower bound on the edit distance from `a`, cheap to compute: an edit changes the length by at
 * most one, and the counts of characters (the strings as bags) by at most two. Characters are
 * counted in 64 buckets; two sharing a bucket can only hide a difference, so the bound stays a
 * lower bound. `a` is counted once, for measuring it against many strings.
 */
export function distanceFrom(a: string): (b: string) => number {
  const counts = new Int32Array(64);
  for (let i = 0; i < a.length; i++) counts[a.charCodeAt(i) & 63]!++;
  const left = counts.slice();
  return (b) => {
    // The characters b shares with a (as bags); the rest of each is the bags' difference.
    let shared = 0;
    for (let i = 0; i < b.length; i++) {
      const c = b.charCodeAt(i) & 63;
      if (left[c]! > 0) {
        left[c]!--;
        shared++;
      }
    }
    for (let i = 0; i < b.length; i++) {
      const c = b.charCodeAt(i) & 63;
      left[c] = counts[c]!;
    }
    return Math.max(Math.abs(a.length - b.length), Math.ceil((a.length + b.length - 2 * shared) / 2));
  };
}

export function distanceAtLeast(a: string, b: string): number {
  return distanceFrom(a)(b);
}

/**
 * A fuse.js index over only the names a code query could match with at least this similarity,
 * by the lower bound on the edit distance. Scoring (below) would drop the others anyway; fuse.js,
 * run cold at start-up, then searches tens of names rather than a thousand.
 */
async function codeCandidates(set: CatalogSet, needle: string, least: number): Promise<Fuse<FuzzyItem>> {
  const x = needle.slice(0, MAX_COMPARE);
  const bound = distanceFrom(x);
  const items = itemsOf(set, ['code', 'alias'], (key) => {
    const y = key.slice(0, MAX_COMPARE);
    const longer = Math.max(x.length, y.length);
    return longer === 0 || (Math.abs(x.length - y.length) <= longer * (1 - least) + 1e-9 && 1 - bound(y) / longer >= least - 1e-9);
  });
  return new (await fuseClass())(items, FUSE_OPTIONS);
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
export function editDistance(a: string, b: string): number {
  const x = a.slice(0, MAX_COMPARE);
  const y = b.slice(0, MAX_COMPARE);
  const rows: number[][] = [];
  for (let i = 0; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[x.length]![y.length]!;
}

export function similarity(a: string, b: string): number {
  const longer = Math.max(Math.min(a.length, MAX_COMPARE), Math.min(b.length, MAX_COMPARE));
  return longer === 0 ? 1 : 1 - editDistance(a, b) / longer;
}

/** A pasted message may be only the start of the provider's text: compare it with a prefix of the same length too. */
function score(needle: string, key: string, isText: boolean): number {
  const whole = similarity(needle, key);
  if (!isText || needle.length < MESSAGE_PREFIX_MIN || needle.length >= key.length) return whole;
  return Math.max(whole, similarity(needle, key.slice(0, needle.length)) * 0.95);
}

/** Typo-tolerant search over codes (and, for text with spaces, messages): the entries it matches, or else the names it suggests. */
export async function fuzzyHits(set: CatalogSet, query: string, provider?: string): Promise<FuzzyResult> {
  const isText = /\s/.test(query.trim());
  const needle = isText ? normalizeMessage(query) : normalizeCode(query);
  if (isText) return scoreHits(await messageIndex(set), needle, true, provider);
  // Matches first, among the names close enough to reach a match's similarity (usually a handful);
  // only when none is a match, the wider search for suggestions, which may cover most names.
  const close = scoreHits(await codeCandidates(set, needle, FUZZY_MATCH_MIN), needle, false, provider);
  if (close.hits.length > 0) return close;
  return scoreHits(await codeCandidates(set, needle, FUZZY_SUGGEST_MIN), needle, false, provider);
}

/** fuse.js's hits for a needle, scored by similarity: the best as matches, or else the likeliest as suggestions. */
function scoreHits(index: Fuse<FuzzyItem>, needle: string, isText: boolean, provider: string | undefined): FuzzyResult {
  // fuse.js works in 32-character windows: a long needle costs time and finds nothing more.
  const hits = index.search(needle.slice(0, 64), { limit: 30 });
  const scored = hits
    .filter((h) => (provider ? h.item.ref.catalog.provider === provider : h.item.ref.catalog.inheritNote === undefined || !h.item.ref.entry.inherited))
    .map((h) => ({ item: h.item, score: score(needle, h.item.key, isText) }))
    .sort((a, b) => b.score - a.score);
  const best = scored[0]?.score ?? 0;
  const matches: FuzzyResult['hits'] = [];
  const seen = new Set<CatalogEntryRef['entry']>();
  if (best >= FUZZY_MATCH_MIN) {
    for (const hit of scored) {
      // Keep every hit as good as the best (a code several providers share), and nothing weaker.
      if (hit.score < best - 1e-9 || seen.has(hit.item.ref.entry)) continue;
      seen.add(hit.item.ref.entry);
      matches.push({ ref: hit.item.ref, score: hit.score });
    }
  }
  const suggestions = [...new Set(scored.filter((h) => h.score >= FUZZY_SUGGEST_MIN).map((h) => nameOf(h.item)))].slice(0, 5);
  return { hits: matches, suggestions: matches.length > 0 ? [] : suggestions };
}

/** " (did you mean X?)" for a name one or two edits from one of `names`. */
export function closest(name: string, names: readonly string[]): string {
  const near = names.find((n) => similarity(name.toLowerCase(), n) >= 0.6);
  return near ? ` (did you mean ${near}?)` : '';
}
