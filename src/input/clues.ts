/**
 * Provider clues: what in the text says who answered. Every clue comes from a provider's data file
 * (`recognise`); this module only finds them: in a line's text, in a request ID's shape, and in the
 * fields an error carries.
 */
import type { Evidence } from '../types.js';
import type { Vocabulary } from '../vocabulary.js';
import { HintTable } from '../hints.js';
import { NOTHING } from './message.js';

export interface ClueFinder {
  /** The clues in one line (or body) of input. */
  inText(text: string): Evidence[];
  /** What a request ID's shape says: a GUID is Azure's, base64 of `<hex>_<hex>_…` COS's. */
  ofRequestId(requestId: string): Evidence | null;
  /** What a value printed as a request ID says when it is a placeholder that names no request, or null. */
  ofPlaceholder(requestId: string): Evidence | null;
  /** What the fields an error carries say: an AuthenticationErrorDetail is Azure's, a TraceId COS's. */
  ofFields(fields: Record<string, string>): Evidence[];
  /** The table that tests the clues' hints (the build packs its automaton). */
  hints: HintTable;
}

export function makeClueFinder(vocabulary: Vocabulary): ClueFinder {
  const clues = vocabulary.lineClues;
  const table = new HintTable(vocabulary.automata);
  const needs = clues.map((c) => table.add(c.hints, true));
  // Most lines hold no clue's literal: then, unless some clue needs none, nothing more is looked for.
  const always = clues.some((c) => c.hints.length === 0);
  const shapeOf = (requestId: string) => {
    const id = requestId.trim();
    for (const r of vocabulary.requestIds) {
      if (!r.shape.test(id)) continue;
      if (r.base64 && !r.base64.test(Buffer.from(id, 'base64').toString('latin1'))) continue;
      return r;
    }
    return null;
  };
  return {
    hints: table,
    inText(text) {
      const found: Evidence[] = [];
      if (!table.start(text) && !always) return found;
      for (const [i, clue] of clues.entries()) {
        if (!table.holds(needs[i]!)) continue;
        if (!clue.unless && !clue.value) {
          if (clue.pattern.test(text)) found.push(clue.evidence);
          continue;
        }
        const m = clue.pattern.exec(text);
        const value = m?.slice(1).find((g) => g !== undefined) ?? '';
        if (m && !clue.unless?.test(value) && (!clue.value || clue.value.test(value))) found.push(clue.evidence);
      }
      return found;
    },
    ofRequestId(requestId) {
      return shapeOf(requestId)?.evidence ?? null;
    },
    ofPlaceholder(requestId) {
      const shape = shapeOf(requestId);
      return shape?.placeholder ? shape.evidence : null;
    },
    ofFields(fields) {
      const found: Evidence[] = [];
      for (const b of vocabulary.bodyFields) {
        const value = Object.hasOwn(fields, b.field) ? fields[b.field] : undefined;
        if (value !== undefined && !NOTHING.test(value.trim()) && !b.unless?.test(value.trim()) && (!b.value || b.value.test(value.trim()))) found.push(b.evidence);
      }
      return found;
    },
  };
}
