/**
 * The errors of a whole input, once it has ended: each keyed by what it says, its provider decided
 * once, and an error reported in parts (its message alone, or its code without the status) counted
 * with the whole report of it.
 */
import type { Decision } from './identify.js';
import { normalizeCode, normalizeMessage } from './text.js';
import type { ErrorFacts } from './types.js';

export interface Aggregate {
  facts: ErrorFacts;
  /** The decision, made once when the input has ended. */
  decision: Decision;
  count: number;
  line: number;
}

/** What an error with no clue of its own is keyed by before the decision: its code, status and message. */
export function aggregateKey(provider: string | null, f: ErrorFacts): string {
  const message = f.code === null && f.status === null && f.message !== null ? normalizeMessage(f.message) : '';
  return `${provider}|${f.code ? normalizeCode(f.code) : ''}|${f.status}|${f.synthetic}|${message}`;
}

/**
 * Each error's provider, decided once, and the errors keyed by it: two that differ only in the
 * provider their own clues name (one with a clue of its own, one without) are one error.
 */
export function decideEach(aggregates: Aggregate[], decide: (facts: ErrorFacts) => Decision): Aggregate[] {
  const all = aggregates.map((a) => ({ ...a, decision: decide(a.facts) }));
  // An error known by its message alone is the error of a code that came with that message, if one did…
  const coded = new Map<string, Aggregate>();
  for (const a of all) if (a.facts.code && a.facts.message) coded.set(normalizeMessage(a.facts.message), a);
  const merged = new Map<string, Aggregate>();
  for (const a of all) {
    const sameMessage = !a.facts.code && a.facts.status === null && a.facts.message ? coded.get(normalizeMessage(a.facts.message)) : undefined;
    // …and only when its own clues, if any, name the same provider as that error's.
    const whole = sameMessage && (a.facts.evidence.length === 0 || a.decision.provider === null || a.decision.provider === sameMessage.decision.provider) ? sameMessage : undefined;
    const decision = whole ? whole.decision : a.decision;
    const key = aggregateKey(decision.provider, (whole ?? a).facts);
    const found = merged.get(key);
    if (found) {
      found.count += a.count;
      found.line = Math.min(found.line, a.line);
    } else merged.set(key, whole ? { ...whole, count: a.count, line: a.line } : a);
  }
  return [...merged.values()];
}

/** Folds an error reported without a status into the one report of the same code, from the same provider, that has one. */
export function foldStatusless(all: Aggregate[]): Aggregate[] {
  const keep: Aggregate[] = [];
  for (const a of all) {
    if (a.facts.status === null && a.facts.code) {
      const code = normalizeCode(a.facts.code);
      const withStatus = all.filter((b) => b !== a && b.facts.status !== null && b.facts.code && normalizeCode(b.facts.code) === code && b.decision.provider === a.decision.provider);
      if (withStatus.length === 1) {
        withStatus[0]!.count += a.count;
        withStatus[0]!.line = Math.min(withStatus[0]!.line, a.line);
        continue;
      }
    }
    keep.push(a);
  }
  return keep;
}
