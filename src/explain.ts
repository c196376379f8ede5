/**
 * Explanation: a decided error becomes a finding with the catalog entries it matched, found once:
 * by its code, by its message, or, for a response with no code, by what such a status usually means
 * at the provider. The time check runs here, on the entries it matched.
 */
import type { CatalogEntryRef, CatalogSet } from './catalog.js';
import type { Decision } from './identify.js';
import { checkClock } from './input/clock.js';
import { findByMessage, findByName, findByStatus, toMatch } from './match.js';
import { sameInitialCase } from './text.js';
import type { ErrorFacts, Finding, MatchKind } from './types.js';

interface Matched {
  ref: CatalogEntryRef;
  match: MatchKind;
  score: number;
}

const each = (refs: readonly CatalogEntryRef[], match: MatchKind, score = 1): Matched[] => refs.map((ref) => ({ ref, match, score }));

/** Of the entries a code names in any case, those spelled with its initial's case, if any are. */
function spelledAs<T extends { refs: CatalogEntryRef[] }>(hit: T | null, code: string): T | null {
  const refs = hit?.refs.filter((r) => sameInitialCase(r.entry.code, code)) ?? [];
  return hit && refs.length > 0 ? { ...hit, refs } : hit;
}

/** The entries an error matches, best first, and the notes that say what the matching found. */
function matchEntries(set: CatalogSet, facts: ErrorFacts, provider: string | null, only: string | undefined, notes: string[]): Matched[] {
  const code = facts.synthetic ? null : facts.code;
  const { status, message } = facts;
  let matched: Matched[] = [];
  if (code) {
    const own = provider ? findByName(set, code, provider) : null;
    const byName = own ?? spelledAs(findByName(set, code, only), code);
    if (byName) {
      matched = each(byName.refs, byName.kind);
      // A code the deciding provider's catalog lacks: other providers' entries are shown, and said to be theirs.
      if (provider && !own && byName.refs.some((r) => !r.catalog.generic)) notes.push(`"${code}" is not in errlookup's ${set.catalog(provider)?.name ?? provider} catalog; showing the providers that send it`);
    } else notes.push(`"${code}" is not in errlookup's catalogs${status ? `; showing what HTTP ${status} means instead` : ''}`);
  }
  if (message) {
    const byMessage = findByMessage(set, message, provider ?? only) ?? findByMessage(set, message, only);
    if (matched.length === 0) {
      if (byMessage) matched = each(byMessage.refs, 'message', byMessage.score);
    } else {
      // A message that is itself a more specific entry of the same provider (COS sends AccessDenied
      // with "Request has expired") leads: it says more than the code does.
      const first = matched[0]!.ref.catalog.provider;
      const byCode = findByName(set, message, first)?.refs;
      // (A message the code's own entry sends is no other entry's: GCS's "… does not have storage.x access …" is forbidden's and AccessDenied's.)
      const own = byMessage?.score === 1 && byMessage.refs.some((r) => matched.some((m) => m.ref.entry === r.entry));
      const specific = byCode ?? (byMessage?.score === 1 && !own ? byMessage.refs : []);
      const extra = specific.filter((r) => r.catalog.provider === first && !matched.some((m) => m.ref.entry.code === r.entry.code));
      matched = [...each(extra, 'message'), ...matched];
    }
  }
  if (!code && status) {
    // A status with no code: a HEAD, or an SDK that made a code up. Say what it usually means where it came from.
    const catalogs = provider ? [set.catalog(provider)].filter((c) => c !== undefined) : set.catalogs.filter((c) => !c.generic);
    const likely: Matched[] = [];
    for (const catalog of catalogs) {
      const note = Object.hasOwn(catalog.bodiless, String(status)) ? catalog.bodiless[String(status)] : undefined;
      if (!note) continue;
      notes.push(`${catalog.name}: ${note.note}`);
      for (const c of note.codes) likely.push(...each(findByName(set, c, catalog.provider)?.refs ?? [], 'status'));
    }
    if (matched.length === 0) matched = likely;
  }
  if (matched.length === 0 && status) {
    matched = each(findByStatus(set, status, provider ?? only), 'status');
    if (matched.length === 0 && provider) matched = each(findByStatus(set, status), 'status');
  }
  return matched;
}

/** What a finding needs of a protocol (data/protocols.json). */
export interface ProtocolInfo {
  server: string;
  reference: string;
  note: string;
}

/**
 * The finding for one error, reported under its decided provider (or the one --provider names).
 * An error only a protocol's clues speak of is an unnamed server's, explained by the entries of the
 * protocol's reference provider.
 */
export function explain(set: CatalogSet, facts: ErrorFacts, decision: Decision, count: number, line: number | null, only: string | undefined, protocol?: ProtocolInfo): Finding {
  const notes: string[] = [];
  const provider = only ?? decision.provider;
  const evidence = only ? ['--provider option'] : decision.reasons;
  const unnamed = provider === null && protocol !== undefined ? protocol : undefined;
  const matched = matchEntries(set, facts, provider ?? unnamed?.reference ?? null, only, notes);
  if (unnamed && matched.some((m) => m.ref.catalog.provider === unnamed.reference)) notes.unshift(unnamed.note);
  // An entry a provider answers with but another wrote: its fix may name the other's tools.
  const inherited = matched.find((m) => m.ref.entry.inherited && m.ref.catalog.inheritNote);
  if (inherited) notes.push(inherited.ref.catalog.inheritNote!);
  let matches = matched.map((m) => toMatch(m.ref, m.match, m.score));
  const clock = checkClock(
    matched.some((m) => m.ref.entry.clock === true),
    facts.message,
    facts.fields,
  );
  if (clock?.verdict === 'likely') matches = matches.map((m) => (m.retry === 'permanent' ? { ...m, retry: 'clock-skew' as const, retryable: false } : m));
  return {
    input: {
      kind: facts.kind,
      code: facts.synthetic ? null : facts.code,
      status: facts.status,
      message: facts.message,
      requestId: facts.requestId,
      provider,
      protocol: decision.protocol,
      server: unnamed?.server ?? null,
      evidence,
      fields: facts.fields,
    },
    count,
    line,
    matches,
    suggestions: [],
    notes,
    clock,
  };
}
