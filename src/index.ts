import type { CatalogSet } from './catalog.js';
import { bundledCatalogs } from './pack.js';
import { normalizeMessage } from './text.js';
import type { DiagnoseOptions } from './diagnose.js';
import { ErrlookupError, InputError, UsageError } from './errors.js';
import { checkProvider, isBareQuery, lookupReport, toMatch } from './match.js';
import { JSON_SCHEMA_VERSION } from './render/json.js';
import type { Finding, Match, Report } from './types.js';

export type { DiagnoseOptions } from './diagnose.js';
export type { Finding, Match, Report, RetryClass, MatchKind, InputKind, ClockCheck, CatalogEntry } from './types.js';
export { ErrlookupError, UsageError, InputError, EXIT } from './errors.js';

let catalogs: CatalogSet | undefined;


async function* once(chunk: Buffer): AsyncIterable<Buffer> {
  yield chunk;
}

/** A report as the library returns it: with the schema version of the CLI's --json. */
function versioned(report: Report): Report {
  return { schemaVersion: JSON_SCHEMA_VERSION, ...report };
}

/** The bundled catalogs, read from data/ on first use. */
export function getCatalogs(): CatalogSet {
  return (catalogs ??= bundledCatalogs());
}

/** The options with the provider named by its id (an alias, `s3`, becomes `aws-s3`); an unknown one is a usage error. */
function scoped<T extends { provider?: string }>(options: T): T {
  return options.provider === undefined ? options : { ...options, provider: checkProvider(getCatalogs(), options.provider) };
}

/**
 * Diagnoses whatever a failed request left behind: an error body, a curl transcript, an SDK
 * message or a whole log, given as a string, a Buffer or a stream of chunks.
 */
export async function diagnose(input: string | Buffer | AsyncIterable<Buffer | string>, options: DiagnoseOptions = {}): Promise<Report> {
  const set = getCatalogs();
  options = scoped(options);
  if (typeof input === 'string' && isBareQuery(input)) {
    // A word or a status the catalogs know is answered by lookup: the diagnoser would reach the same
    // answer (a test compares the two), after loading and compiling its report readers.
    const looked = await lookupReport(set, input, options);
    if (looked.findings[0]!.matches.length > 0 || looked.findings[0]!.notes.length > 0) return versioned(looked);
  }
  // The report readers: loaded on first use, since a lookup needs none of them.
  const { diagnoseStream, diagnoseText } = await import('./diagnose.js');
  if (typeof input === 'string') return versioned(await diagnoseText(set, input, options));
  try {
    return versioned(await diagnoseStream(set, Buffer.isBuffer(input) ? once(input) : input, options));
  } catch (e) {
    // A stream that fails (a file that vanished, a read error) is the caller's input problem, not a bug here.
    if (e instanceof ErrlookupError || !(e instanceof Error) || !('code' in e)) throw e;
    throw new InputError(`cannot read the input: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
  }
}

/** Looks up a code, an HTTP status or a provider's message text, tolerating case, separators and typos. */
export async function lookup(query: string, options: DiagnoseOptions = {}): Promise<Report> {
  return versioned(await lookupReport(getCatalogs(), query, scoped(options)));
}

export interface ProviderInfo {
  id: string;
  name: string;
  codes: number;
  checkedAgainst: string;
  docs: string;
  generic: boolean;
}

/** The catalogs errlookup has, with their sizes and sources. */
export function providers(): ProviderInfo[] {
  return getCatalogs().catalogs.map((c) => ({
    id: c.provider,
    name: c.name,
    codes: c.entries.length,
    checkedAgainst: c.checkedAgainst,
    docs: c.docs,
    generic: c.generic,
  }));
}

export interface ListOptions {
  provider?: string;
  /** An exact status (`503`) or a mask (`4xx`, `40x`). */
  status?: string;
  /** Only entries a plain retry can help. */
  retryable?: boolean;
}

/** Turns `503`, `4xx` or `40x` into a test on a status. */
export function parseStatusMask(mask: string): (status: number) => boolean {
  const m = /^([1-5])([0-9x])([0-9x])$/i.exec(mask.trim());
  if (!m) throw new UsageError(`bad --status "${mask}" (expected an HTTP status such as 503, or a mask such as 4xx or 40x)`);
  const pattern = new RegExp(`^${m[1]}${m[2]!.toLowerCase() === 'x' ? '\\d' : m[2]}${m[3]!.toLowerCase() === 'x' ? '\\d' : m[3]}$`);
  return (status) => pattern.test(String(status));
}

function listFinding(matches: Match[], query: string | null, provider: string | undefined): Finding {
  return {
    input: { kind: 'list', code: null, status: null, message: query, requestId: null, provider: provider ?? null, protocol: null, server: null, evidence: [], fields: {} },
    count: 1,
    line: null,
    matches,
    suggestions: [],
    notes: [],
    clock: null,
  };
}

/** The catalog entries, filtered, as one finding whose matches are the entries (`"match": "list"`). */
export function list(listOptions: ListOptions = {}): Report {
  const set = getCatalogs();
  const options = scoped(listOptions);
  const statusTest = options.status !== undefined ? parseStatusMask(options.status) : null;
  const matches: Match[] = [];
  for (const ref of set.refs()) {
    if (options.provider !== undefined && ref.catalog.provider !== options.provider) continue;
    if (options.provider === undefined && ref.catalog.generic && !statusTest) continue;
    // An entry a provider inherits is listed once, under the provider that wrote it, unless asked for by provider.
    if (options.provider === undefined && ref.catalog.inheritNote !== undefined && ref.entry.inherited) continue;
    if (statusTest && !ref.entry.statuses.some(statusTest)) continue;
    if (options.retryable && !ref.entry.retryable) continue;
    matches.push(toMatch(ref, 'list', 1));
  }
  return versioned({ findings: [listFinding(matches, null, options.provider)] });
}

/** Entries whose code, meaning, fix or message mention every one of the words, best first. */
export function search(words: string | string[], searchOptions: Pick<ListOptions, 'provider' | 'retryable'> = {}): Report {
  const set = getCatalogs();
  const options = scoped(searchOptions);
  const terms = (typeof words === 'string' ? [words] : words).flatMap((w) => w.toLowerCase().split(/\s+/)).filter(Boolean);
  if (terms.length === 0) throw new UsageError('search needs at least one word');
  const scored: { match: Match; score: number }[] = [];
  for (const ref of set.refs()) {
    if (options.provider !== undefined && ref.catalog.provider !== options.provider) continue;
    if (options.provider === undefined && ref.catalog.inheritNote !== undefined && ref.entry.inherited) continue;
    if (options.retryable && !ref.entry.retryable) continue;
    const { entry } = ref;
    const fields = [entry.code.toLowerCase(), entry.meaning.toLowerCase(), entry.fix.toLowerCase(), normalizeMessage([entry.message, ...(entry.otherMessages ?? [])].join(' '))];
    if (!terms.every((t) => fields.some((f) => f.includes(t)))) continue;
    // A word in the code or the meaning says more than one in the fix.
    const weight = terms.reduce((sum, t) => sum + (fields[0]!.includes(t) ? 3 : 0) + (fields[1]!.includes(t) || fields[3]!.includes(t) ? 2 : 0) + (fields[2]!.includes(t) ? 1 : 0), 0);
    scored.push({ match: toMatch(ref, 'list', 1), score: weight / (terms.length * 6) });
  }
  scored.sort((a, b) => b.score - a.score);
  return versioned({ findings: [listFinding(scored.map((s) => ({ ...s.match, score: Math.round(s.score * 1000) / 1000 })), (typeof words === 'string' ? words : words.join(' ')), options.provider)] });
}
