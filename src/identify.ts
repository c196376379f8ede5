/**
 * Who sent an error, decided once per error from the clues found (src/input/clues.ts): the error's
 * own clues decide, or else the document's; the rules that weigh them are here, and every name
 * they weigh comes from data/.
 */
import type { Evidence, ErrorFacts } from './types.js';
import { WEIGHT, type Vocabulary } from './vocabulary.js';

export interface Decision {
  provider: string | null;
  /** Why, strongest first. */
  reasons: string[];
}

/** What the decision asks of the catalogs. */
export interface CodeOwners {
  /** The providers (not the generic HTTP catalog) whose catalogs have this code. */
  providersOf(code: string): string[];
  /** The one provider that sends this message word for word (with this code, and with no other), or null. */
  wordingOf(code: string, message: string): { provider: string; name: string } | null;
  /** A provider's display name. */
  nameOf(provider: string): string;
}

/** The provider with the most weight of evidence, and its reasons, strongest first. */
export function weigh(evidence: readonly Evidence[]): Decision {
  // Each kind of clue counts once: ten log lines naming the same host are one clue, not ten.
  const totals = new Map<string, number>();
  const counted = new Set<string>();
  for (const e of evidence) {
    if (counted.has(e.reason)) continue;
    counted.add(e.reason);
    totals.set(e.provider, (totals.get(e.provider) ?? 0) + e.weight);
  }
  let provider: string | null = null;
  let best = 0;
  for (const [p, total] of totals) if (total > best) [provider, best] = [p, total];
  const reasons = [...new Set(evidence.filter((e) => e.provider === provider).sort((a, b) => b.weight - a.weight).map((e) => e.reason))];
  return { provider, reasons };
}

/**
 * The clue of a provider that claims a tool's errors near it (`claimsNearby`): an error whose only
 * clues are names of tools of that protocol (s3cmd, botocore), soon after that provider's host or
 * header, was the tool talking to that provider.
 */
export function withNearbyClaim(vocabulary: Vocabulary, own: readonly Evidence[], nearby: readonly Evidence[]): Evidence[] {
  if (own.length === 0 || nearby.length === 0) return [...own];
  const protocol = own[0]!.speaks;
  if (!protocol || !own.every((e) => e.weight <= WEIGHT.name && e.speaks === protocol)) return [...own];
  const claimants = vocabulary.claimsNearby.get(protocol) ?? [];
  const claim = nearby.find((e) => claimants.includes(e.provider));
  return claim ? [...own, claim] : [...own];
}

/** Decides who sent an error: its own clues, or the document's, weighed with the rules of data/. */
export function decideProvider(vocabulary: Vocabulary, owners: CodeOwners, facts: ErrorFacts, document: readonly Evidence[]): Decision {
  const code = facts.synthetic ? null : facts.code;
  const own = facts.evidence;
  let evidence: readonly Evidence[] = own.length > 0 ? own : document;
  // A request through a protocol was not answered by a provider that does not speak it (Azure's
  // GUID request IDs are sent by S3-compatible stores too).
  const protocols = new Set(evidence.flatMap((e) => (e.speaks ? [e.speaks] : [])));
  if (protocols.size > 0) evidence = evidence.filter((e) => [...protocols].every((p) => vocabulary.speaks.get(e.provider)?.includes(p)));
  let decided = weigh(evidence);
  // The code outranks the document's clues and names: only providers that send it count, if any does.
  const weak = own.length === 0 || evidence.every((e) => e.weight <= WEIGHT.name);
  if (weak && code !== null && decided.provider !== null) {
    const having = owners.providersOf(code);
    if (having.length > 0 && !having.includes(decided.provider)) decided = weigh(evidence.filter((e) => having.includes(e.provider)));
  }
  if (decided.provider === null && code !== null && facts.message !== null) {
    // A code several providers send, with a message only one of them sends (for any code): S3 says "The
    // request signature we calculated does not match…", COS "The Signature you specified is invalid.", GCS
    // "… Check your Google secret key …".
    const wording = owners.wordingOf(code, facts.message);
    if (wording) return { provider: wording.provider, reasons: [`the message is ${wording.name}'s wording`] };
  }
  if (decided.provider === null && code !== null) {
    // No clue at all, and a code only one provider has: that provider sent it.
    const having = owners.providersOf(code);
    if (having.length === 1) return { provider: having[0]!, reasons: [`only ${owners.nameOf(having[0]!)} has this code`] };
  }
  return decided;
}
