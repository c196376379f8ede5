import type { CatalogEntryRef, CatalogSet } from './catalog.js';
import { fuzzyHits, MESSAGE_PREFIX_MIN, similarity } from './fuzzy.js';
import { normalizeCode, normalizeMessage, withoutClassSuffix } from './text.js';
import { UsageError } from './errors.js';
import type { Finding, InputKind, Match, MatchKind, Report, SdkException } from './types.js';


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

/**
 * The entries of one provider, or of all: then without the copies a provider inherits (Wasabi's
 * S3 entries are S3's, listed once, under S3).
 */
function inScope(refs: readonly CatalogEntryRef[] | undefined, provider: string | undefined): CatalogEntryRef[] {
  if (!refs) return [];
  return provider ? refs.filter((r) => r.catalog.provider === provider) : refs.filter((r) => r.catalog.inheritNote === undefined || !r.entry.inherited);
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

/** Typo-tolerant search over codes (and, for text with spaces, messages), as matches or else suggestions. */
export async function findFuzzy(set: CatalogSet, query: string, provider?: string): Promise<LookupResult> {
  const { hits, suggestions } = await fuzzyHits(set, query, provider);
  return { matches: hits.map((h) => toMatch(h.ref, 'fuzzy', h.score)), suggestions };
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

/** "A", "A and B", "A, B and C". */
function listOf(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
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
  if (result.matches.length === 0 && options.provider) {
    // A code of other providers, asked of one that does not send it: say who does.
    const elsewhere = findByName(set, q);
    if (elsewhere) {
      const names = [...new Set(elsewhere.refs.filter((r) => !r.catalog.generic).map((r) => r.catalog.name))];
      const own = set.catalog(options.provider)?.name ?? options.provider;
      if (names.length > 0) result.note = `${q} is not a${/^[AEIOU]/.test(own) ? 'n' : ''} ${own} code; ${listOf(names)} ${names.length === 1 ? 'sends' : 'send'} it`;
    }
  }
  const asStatus = STATUS_QUERY.exec(q);
  if (result.matches.length === 0 && !result.note) {
    // What to try instead: a success status is no error; words may be found in meanings and fixes.
    if (asStatus && Number(asStatus[1]) < 400) result.note = `HTTP ${asStatus[1]} is not an error status (1xx informational, 2xx success, 3xx redirection): look for the error elsewhere in the response`;
    else if (result.suggestions.length === 0 && /^[a-z][a-z ]*$/i.test(q)) result.note = `no code or message "${q}"; try errlookup search ${q}`;
  }
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
      protocol: null,
      server: null,
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
