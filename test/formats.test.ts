/**
 * Every format recipe of data/formats/ reads its samples as it declares: the line (with the line
 * before it, when the sample gives one), through every format, admitted against the catalogs, makes
 * a statement of this format that says what the sample's `reads` says (null: it reads as nothing).
 * Formats are discovered from data/: a new format needs samples, and no change here.
 */
import { describe, expect, it } from 'vitest';
import { admit, makeLexicon } from '../src/admit.js';
import { bundledCatalogs } from '../src/pack.js';
import { readData } from '../src/data/read.js';
import { makeRunners, readBody, readLine } from '../src/input/formats.js';
import type { Statement } from '../src/input/statement.js';
import { bundledVocabulary } from '../src/vocabulary.js';

const vocabulary = bundledVocabulary();
const runners = makeRunners(vocabulary);
const lexicon = makeLexicon(bundledCatalogs(), vocabulary);
const formats = readData().formats;

/** What the format made of the sample, admitted: its statement, or null. */
function reading(id: string, reader: string | undefined, line: string, before: string | undefined): Statement | null {
  if (reader === 'json') {
    const st = readBody(runners, line);
    return st && st.format === id ? admit(lexicon, st) : null;
  }
  const read = [...readLine(runners, line, before), ...readLine(runners, line, before, true)].filter((st) => st.format === id);
  return read.map((st) => admit(lexicon, st)).find((st) => st !== null) ?? null;
}

/** A statement's value for a key of `reads`: its own facts, its role, or a field. */
function valueOf(st: Statement, key: string): unknown {
  if (['code', 'status', 'message', 'requestId', 'role', 'success', 'madeUp'].includes(key)) return (st as unknown as Record<string, unknown>)[key] ?? null;
  return st.fields?.[key] ?? null;
}

describe.each(formats.map((f) => [f.id, f] as const))('%s', (id, format) => {
  it.each(format.samples.map((s) => [s.line.length > 90 ? `${s.line.slice(0, 87)}…` : s.line, s] as const))('reads %j as declared', (_line, sample) => {
    const st = reading(id, format.reader, sample.line, sample.before);
    if (sample.reads === null) {
      expect(st, 'reads as nothing').toBeNull();
      return;
    }
    expect(st, 'makes a statement').not.toBeNull();
    const got = Object.fromEntries(Object.keys(sample.reads).map((k) => [k, valueOf(st!, k)]));
    expect(got).toEqual(sample.reads);
  });
  it('names only what the vocabulary knows', () => {
    for (const other of format.yieldsTo ?? []) expect(formats.map((f) => f.id)).toContain(other);
  });
});

describe('the formats as a whole', () => {
  it('each has samples, and one that reads as something', () => {
    for (const f of formats) expect(f.samples.some((s) => s.reads !== null), f.id).toBe(true);
  });
  it('each line format is tried only on lines its hints allow, and the hints come from its patterns', () => {
    for (const f of vocabulary.formats) {
      if (f.reader) continue;
      // A format that needs no literal at all would run its expressions on every line: name it here only with a reason.
      const always = ['status-reason-line', 'bare-code', 'status-and-code'];
      if (!always.includes(f.id)) expect(f.hints.length, f.id).toBeGreaterThan(0);
    }
  });
});
