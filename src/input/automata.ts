/**
 * The hint tables' automata, built once by the build (scripts/build.mjs) and written into
 * dist/vocabulary.json: a start-up that reads a report then takes them as they are.
 */
import type { PackedLiteralSet } from '../literals.js';
import type { Vocabulary } from '../vocabulary.js';
import { makeClueFinder } from './clues.js';
import { makeRunners } from './formats.js';

export function buildAutomata(vocabulary: Vocabulary): PackedLiteralSet[] {
  return [makeRunners(vocabulary).hints.pack(), makeClueFinder(vocabulary).hints.pack()];
}
