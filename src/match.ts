import type Fuse from 'fuse.js';
import type { CatalogEntryRef, CatalogSet, IndexName } from './catalog.js';
import { normalizeCode, normalizeMessage, withoutClassSuffix } from './text.js';
import { UsageError } from './errors.js';
import type { Finding, InputKind, Match, MatchKind, Report, SdkException } from './types.js';

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
const MESSAGE_PREFIX_MIN = 16;

export interface LookupOptions {
  /** Only this provider's entries (already checked with `checkProvider`). */
  provider?: string;
}

export interface LookupResult {
  matches: Match[];
  suggestions: string[];
  /** What the query itself was, when the matches alone would not say (an SDK's exception for a status). */
  note?: string;
}

/** The id of a provider named by its id or an alias; an unknown name is a usage error naming the valid ones. */
export function checkProvider(set: CatalogSet, provider: string): string {
  const name = provider.trim().toLowerCase();
  const catalog = set.catalog(name);
  if (catalog) return catalog.provider;
  // The closest id or short name, as "did you mean": a prefix of one, or a near spelling.
  const named = set.catalogs.flatMap((c) => [c.provider, ...c.aliases].map((n) => ({ n, id: c.provider })));
  const close = named.find((x) => name.length >= 2 && x.n.startsWith(name)) ?? named.find((x) => similarity(name, x.n) >= 0.6);
  throw new UsageError(`unknown provider "${provider}" (${close ? `did you mean ${close.id}? ` : ''}known: ${set.providerIds.join(', ')})`);
}

export function toMatch({ catalog, entry }: CatalogEntryRef, match: MatchKind, score: number): Match {
  return {
    provider: catalog.provider,
    providerName: catalog.name,
    code: entry.code,
    statuses: entry.statuses,
    meaning: entry.meaning,
    fix: entry.fix,
    retryable: entry.retryable,
    retry: entry.retry,
    docs: entry.docs,
    match,
    score: Math.round(score * 1000) / 1000,
  };
}

function inScope(refs: readonly CatalogEntryRef[] | undefined, provider: string | undefined): CatalogEntryRef[] {
  if (!refs) return [];
  return provider ? refs.filter((r) => r.catalog.provider === provider) : [...refs];
}

/** The code with any `Type.` or `Type::` qualifier dropped: `StorageErrorCode.SERVER_BUSY` → `SERVER_BUSY`. */
function unqualified(query: string): string | null {
  if (!query.includes('.') && !query.includes(':')) return null;
  const m = /^[A-Za-z][\w]*(?:(?:\.|::)[A-Za-z][\w]*)*(?:\.|::)([A-Za-z][\w]*)$/.exec(query);
  return m ? m[1]! : null;
}

/** Entries whose code (or alias) is this name, ignoring case, separators and a type qualifier. */
export function findByName(set: CatalogSet, name: string, provider?: string): { refs: CatalogEntryRef[]; kind: 'exact' | 'alias' } | null {
  const keys = [normalizeCode(name)];
  // Go's pointer types (*types.NoSuchBucket) and its SDKs' constants (s3.ErrCodeNoSuchKey, azblob.ServiceCodeBlobNotFound).
  const bare = unqualified(name.trim().replace(/^[*&]+/, ''));
  if (bare) keys.push(normalizeCode(bare));
  for (const key of [...keys]) {
    const constant = /^(?:errcode|servicecode)(.{3,})$/.exec(key);
    if (constant) keys.push(constant[1]!);
  }
  for (const [index, kind] of [
    ['code', 'exact'],
    ['alias', 'alias'],
  ] as const) {
    for (const key of keys) {
      const refs = inScope(set.lookup(index, key), provider);
      if (refs.length > 0) return { refs, kind };
    }
  }
  // SDK exception class names, NoSuchKeyException (Java v2) or AuthenticationFailedError (JS): an alias of the code.
  for (const key of keys) {
    const stripped = withoutClassSuffix(key);
    if (stripped === key || stripped.length < 6) continue;
    const code = set.lookup('code', stripped);
    const refs = inScope(code.length > 0 ? code : set.lookup('alias', stripped), provider);
    if (refs.length > 0) return { refs, kind: 'alias' };
  }
  return null;
}

/** Entries with this HTTP status; generic HTTP entries only when no provider entry has it. */
export function findByStatus(set: CatalogSet, status: number, provider?: string): CatalogEntryRef[] {
  const all = set.lookup('status', String(status));
  const specific = inScope(
    all.filter((r) => !r.catalog.generic),
    provider,
  );
  if (specific.length > 0) return specific;
  return all.filter((r) => r.catalog.generic);
}

/** Entries whose literal message is this text, or begins it, or is begun by it. */
export function findByMessage(set: CatalogSet, text: string, provider?: string): { refs: CatalogEntryRef[]; score: number } | null {
  const needle = normalizeMessage(text);
  if (needle.length === 0) return null;
  const exact = inScope(set.lookup('message', needle), provider);
  if (exact.length > 0) return { refs: exact, score: 1 };
  // A message with variable parts (a principal, a bucket, an object) matches its entry's pattern.
  const patterned = inScope(set.byPattern(text.trim()), provider);
  if (patterned.length > 0) return { refs: patterned, score: 1 };
  if (needle.length < MESSAGE_PREFIX_MIN) return null;
  let best: { refs: CatalogEntryRef[]; score: number } | null = null;
  for (const [message, refs] of set.byMessage) {
    if (message.length < MESSAGE_PREFIX_MIN) continue;
    if (!message.startsWith(needle) && !needle.startsWith(message)) continue;
    const score = Math.min(message.length, needle.length) / Math.max(message.length, needle.length);
    const scoped = inScope(refs, provider);
    if (scoped.length === 0) continue;
    if (!best || score > best.score) best = { refs: scoped, score };
    else if (score === best.score) best.refs.push(...scoped);
  }
  return best;
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

/** Typo-tolerant search over codes (and, for text with spaces, messages). */
export async function findFuzzy(set: CatalogSet, query: string, provider?: string): Promise<LookupResult> {
  const isText = /\s/.test(query.trim());
  const needle = isText ? normalizeMessage(query) : normalizeCode(query);
  if (isText) return scoreHits(await messageIndex(set), needle, true, provider);
  // Matches first, among the names close enough to reach a match's similarity (usually a handful);
  // only when none is a match, the wider search for suggestions, which may cover most names.
  const close = scoreHits(await codeCandidates(set, needle, FUZZY_MATCH_MIN), needle, false, provider);
  if (close.matches.length > 0) return close;
  return scoreHits(await codeCandidates(set, needle, FUZZY_SUGGEST_MIN), needle, false, provider);
}

/** fuse.js's hits for a needle, scored by similarity: the best as matches, or else the likeliest as suggestions. */
function scoreHits(index: Fuse<FuzzyItem>, needle: string, isText: boolean, provider: string | undefined): LookupResult {
  // fuse.js works in 32-character windows: a long needle costs time and finds nothing more.
  const hits = index.search(needle.slice(0, 64), { limit: 30 });
  const scored = hits
    .filter((h) => !provider || h.item.ref.catalog.provider === provider)
    .map((h) => ({ item: h.item, score: score(needle, h.item.key, isText) }))
    .sort((a, b) => b.score - a.score);
  const best = scored[0]?.score ?? 0;
  const matches: Match[] = [];
  const seen = new Set<CatalogEntryRef['entry']>();
  if (best >= FUZZY_MATCH_MIN) {
    for (const hit of scored) {
      // Keep every hit as good as the best (a code several providers share), and nothing weaker.
      if (hit.score < best - 1e-9 || seen.has(hit.item.ref.entry)) continue;
      seen.add(hit.item.ref.entry);
      matches.push(toMatch(hit.item.ref, 'fuzzy', hit.score));
    }
  }
  const suggestions = [...new Set(scored.filter((h) => h.score >= FUZZY_SUGGEST_MIN).map((h) => nameOf(h.item)))].slice(0, 5);
  return { matches, suggestions: matches.length > 0 ? [] : suggestions };
}

/**
 * Looks a code, an HTTP status or a provider message up: status, then exact, then alias, then an
 * azure-core exception name, then message text, then fuzzy. The first that finds anything wins.
 */
export async function lookupQuery(set: CatalogSet, query: string, options: LookupOptions = {}): Promise<LookupResult> {
  const q = query.trim();
  if (q.length === 0) return { matches: [], suggestions: [] };
  const { provider } = options;
  const byStatus = (status: number) => findByStatus(set, status, provider).map((r) => toMatch(r, 'status', 1));
  // A status first, perhaps with "HTTP" before it or its reason after it ("503 Slow Down", S3's words for
  // SlowDown): no code or alias has that shape (a test checks the catalogs), and CI scripts ask this most.
  const status = STATUS_QUERY.exec(q);
  if (status) {
    const code = Number(status[1]);
    const rest = status[2];
    if (!rest) return { matches: byStatus(code), suggestions: [] };
    // The words after the status: a code's name ("Slow Down"), a provider's message, or the standard reason phrase.
    const named = findByName(set, rest, provider)?.refs.filter((r) => !r.catalog.generic && r.entry.statuses.includes(code)) ?? [];
    if (named.length > 0) return { matches: named.map((r) => toMatch(r, 'exact', 1)), suggestions: [] };
    const said = findByMessage(set, rest, provider);
    const meant = said?.refs.filter((r) => r.entry.statuses.includes(code)) ?? [];
    if (said && meant.length > 0) return { matches: meant.map((r) => toMatch(r, 'message', said.score)), suggestions: [] };
    // A typo of a code or message with that status ("404 NoSuchKye"); else what the status means.
    const fuzzy = await findFuzzy(set, rest, provider);
    const close = fuzzy.matches.filter((m) => m.statuses.includes(code));
    if (close.length > 0) return { matches: close, suggestions: [] };
    return { matches: byStatus(code), suggestions: fuzzy.suggestions };
  }
  // An SDK's exception class for a kind of failure, named in full (google.api_core.exceptions.Forbidden)…
  const qualified = findSdkException(set, q, provider);
  const byName = qualified ? null : findByName(set, q, provider);
  if (byName) return { matches: byName.refs.map((r) => toMatch(r, byName.kind, 1)), suggestions: [] };
  // …or by its class name alone (ResourceExistsError), when no code has that name.
  const sdk = qualified ?? findSdkException(set, q.slice(q.lastIndexOf('.') + 1), provider);
  if (sdk) {
    // The codes the SDKs name first, then the rest of the status's.
    const named = sdk.exception.codes.flatMap((code) => findByName(set, code, sdk.provider)?.refs ?? []);
    const rest = sdk.exception.statuses.flatMap((st) => findByStatus(set, st, sdk.provider)).filter((r) => !named.some((n) => n.entry === r.entry));
    return {
      matches: [...named, ...rest].map((r) => toMatch(r, 'status', 1)),
      suggestions: [],
      note: `${q} is the exception ${sdk.exception.sdk} raises for ${sdk.exception.raisedFor}. The ErrorCode in its message names the error; the codes it may be follow.`,
    };
  }
  const byMessage = findByMessage(set, q, provider);
  if (byMessage) return { matches: byMessage.refs.map((r) => toMatch(r, 'message', byMessage.score)), suggestions: [] };
  return findFuzzy(set, q, provider);
}

/** An SDK exception that names a kind of failure rather than a code (data: `sdkExceptions`), and whose it is. */
function findSdkException(set: CatalogSet, name: string, provider: string | undefined): { provider: string; exception: SdkException } | null {
  const key = name.toLowerCase();
  for (const c of set.catalogs) {
    if (provider && c.provider !== provider) continue;
    for (const [exception, x] of Object.entries(c.sdkExceptions)) if (exception.toLowerCase() === key) return { provider: c.provider, exception: x };
  }
  return null;
}

/** One word of letters, digits and `_ . - * :`, or a three-digit status: too short for any report, so a query. */
const BARE_QUERY = /^\s*(?:[*&]*[A-Za-z][\w.:-]{0,63}|[1-5]\d\d)\s*$/;

/** Whether a text is a query by its shape alone: the one place that decides it, for every way a text arrives. */
export function isBareQuery(text: string): boolean {
  return BARE_QUERY.test(text);
}

/** A status typed as a query, perhaps with "HTTP" before it or its reason after it. */
const STATUS_QUERY = /^(?:HTTP(?:\/[\d.]+)?\s+)?([1-5]\d\d)(?:\s+(\S.*))?$/i;

/** A report for a query typed by hand: a code, a status, a message, or a typo of one. */
export async function lookupReport(set: CatalogSet, query: string, options: LookupOptions = {}): Promise<Report> {
  const q = query.trim();
  const result = await lookupQuery(set, q, options);
  const status = STATUS_QUERY.exec(q);
  const kind: InputKind = status && !status[2] ? 'status' : /\s/.test(q) ? 'text' : 'code';
  const finding: Finding = {
    input: {
      kind,
      code: kind === 'code' ? q : null,
      status: status ? Number(status[1]) : null,
      message: kind === 'text' ? q : null,
      requestId: null,
      provider: options.provider ?? null,
      evidence: options.provider ? ['--provider option'] : [],
      fields: {},
    },
    count: 1,
    line: null,
    matches: result.matches,
    suggestions: result.suggestions,
    notes: result.note ? [result.note] : [],
    clock: null,
  };
  return { findings: [finding] };
}
