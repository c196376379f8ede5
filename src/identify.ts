/**
 * Who sent an error, decided once per error from the clues found (src/input/clues.ts): the error's
 * own clues decide, or else the document's; the rules that weigh them are here, and every name
 * they weigh comes from data/.
 */
import type { Evidence, ErrorFacts } from './types.js';
import { WEIGHT, type Vocabulary } from './vocabulary.js';

export interface Decision {
  provider: string | null;
  /** The protocol the clues say the request went through (`s3-api`), whoever answered. */
  protocol: string | null;
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
  /** The providers whose catalogs send this message word for word. */
  sendersOf(message: string): string[];
}

/** The provider with the most weight of evidence, and its reasons, strongest first (a protocol's clues name no provider). */
export function weigh(evidence: readonly Evidence[]): Decision {
  // Each clue counts once: ten log lines naming the same host are one clue, not ten.
  const totals = new Map<string, number>();
  const counted = new Set<string>();
  for (const e of evidence) {
    if (e.provider === null) continue;
    const key = `${e.provider}\u0000${e.reason}`;
    if (counted.has(key)) continue;
    counted.add(key);
    totals.set(e.provider, (totals.get(e.provider) ?? 0) + e.weight);
  }
  let provider: string | null = null;
  let best = 0;
  for (const [p, total] of totals) if (total > best) [provider, best] = [p, total];
  const reasons = [...new Set(evidence.filter((e) => e.provider === provider).sort((a, b) => b.weight - a.weight).map((e) => e.reason))];
  return { provider, protocol: evidence.find((e) => e.speaks)?.speaks ?? null, reasons };
}

/**
 * The clue of a provider that claims a tool's errors near it (`claimsNearby`): an error whose only
 * clues name that protocol (s3cmd, botocore, an x-amz-* header), soon after that provider's host
 * or header, was the tool talking to that provider.
 */
export function withNearbyClaim(vocabulary: Vocabulary, own: readonly Evidence[], nearby: readonly Evidence[]): Evidence[] {
  if (own.length === 0 || nearby.length === 0) return [...own];
  const protocol = own[0]!.speaks;
  if (!protocol || !own.every((e) => e.speaks === protocol && (e.provider === null || e.weight <= WEIGHT.name))) return [...own];
  const claimants = vocabulary.claimsNearby.get(protocol) ?? [];
  const claim = nearby.find((e) => e.provider !== null && claimants.includes(e.provider));
  return claim ? [...own, claim] : [...own];
}

/** Decides who sent an error: its own clues, or the document's, weighed with the rules of data/. */
export function decideProvider(vocabulary: Vocabulary, owners: CodeOwners, facts: ErrorFacts, document: readonly Evidence[]): Decision {
  const code = facts.synthetic ? null : facts.code;
  const own = facts.evidence;
  // An error's own clues decide, even when they name only the protocol (an AWS SDK): a host elsewhere
  // in a log is another error's (a host just before it is claimed by `withNearbyClaim`).
  const named = own.some((e) => e.provider !== null);
  // With none of its own, the document's clues speak for it only if they name one provider: a log
  // that names several (requests to S3, to Azure, to GCS) says nothing of an error that names none.
  // (Unless only one of those it names sends the error's code: an S3 host in a log of Azure's and S3's is SlowDown's.)
  const documentProviders = new Set(document.flatMap((e) => (e.provider !== null && e.weight > WEIGHT.name ? [e.provider] : [])));
  const codeSenders = code !== null && documentProviders.size > 1 ? [...documentProviders].filter((p) => owners.providersOf(code).includes(p)) : [];
  let evidence: readonly Evidence[] =
    own.length > 0 ? own : documentProviders.size <= 1 ? document : codeSenders.length === 1 ? document.filter((e) => e.provider === codeSenders[0]) : [];
  // A request through a protocol was not answered by a provider that does not speak it (Azure's
  // GUID request IDs are sent by S3-compatible stores too).
  // (Only the error's own clues say so: a document's clues are of many requests.)
  const protocols = new Set(own.flatMap((e) => (e.speaks ? [e.speaks] : [])));
  const speaksAll = (provider: string) => [...protocols].every((p) => vocabulary.speaks.get(provider)?.includes(p));
  if (protocols.size > 0) evidence = evidence.filter((e) => e.provider === null || speaksAll(e.provider));
  let decided = weigh(evidence);
  const protocol = decided.protocol;
  const protocolReasons = [...new Set(evidence.filter((e) => e.provider === null).sort((a, b) => b.weight - a.weight).map((e) => e.reason))];
  // The code outranks the document's clues and names: only providers that send it count, if any does.
  const weak = !named || evidence.every((e) => e.weight <= WEIGHT.name);
  if (weak && code !== null && decided.provider !== null) {
    const having = owners.providersOf(code);
    if (having.length > 0 && !having.includes(decided.provider)) decided = weigh(evidence.filter((e) => e.provider === null || having.includes(e.provider)));
  }
  if (decided.provider !== null) return { ...decided, protocol };
  if (code !== null && facts.message !== null) {
    // A code several providers send, with a message only one of them sends (for any code): S3 says "The
    // request signature we calculated does not match…", COS "The Signature you specified is invalid.", GCS
    // "… Check your Google secret key …".
    const wording = owners.wordingOf(code, facts.message);
    if (wording && (protocols.size === 0 || speaksAll(wording.provider))) return { provider: wording.provider, protocol, reasons: [`the message is ${wording.name}'s wording`, ...protocolReasons] };
  }
  if (code !== null) {
    // No provider's clue, and a code only one provider (of the protocol) has: that provider sent it.
    const having = owners.providersOf(code).filter((p) => protocols.size === 0 || speaksAll(p));
    if (having.length === 1) return { provider: having[0]!, protocol, reasons: [`only ${owners.nameOf(having[0]!)} has this code`, ...protocolReasons] };
  }
  // Only the protocol is known: an S3-compatible server, whose entries are the protocol's reference provider's.
  if (protocol !== null) return { provider: null, protocol, reasons: protocolReasons };
  // Or the message says it: wording that only providers of one protocol send ("The request signature
  // we calculated does not match…" is S3's and MinIO's).
  const senders = facts.message !== null ? owners.sendersOf(facts.message) : [];
  const shared = senders.length > 0 ? (vocabulary.speaks.get(senders[0]!) ?? []).filter((p) => senders.every((s) => vocabulary.speaks.get(s)?.includes(p))) : [];
  if (shared.length === 1) return { provider: null, protocol: shared[0]!, reasons: [`the message is ${vocabulary.protocols.get(shared[0]!)?.name ?? shared[0]}'s wording`] };
  return { provider: null, protocol: null, reasons: [] };
}
