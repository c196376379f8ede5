import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/index.js';
import { CONTEXT_AFTER, CONTEXT_BEFORE, HAS_ANCHOR, THOROUGH_BYTES } from '../src/input/scan.js';

/** One collected sample: real error output people posted publicly, saved verbatim (see `source`). */
interface Sample {
  file: string;
  source: string;
  kind: string;
  provider: string | null;
  code: string | null;
  status: number | null;
  note: string;
}

const dir = new URL('fixtures/real/', import.meta.url);
const samples: Sample[] = ['azure', 's3', 'cos'].flatMap((name) => JSON.parse(readFileSync(new URL(`${name}.manifest.json`, dir), 'utf8')) as Sample[]);

describe('real-world samples', () => {
  it('has at least 40 samples covering all three providers', () => {
    expect(samples.length).toBeGreaterThanOrEqual(40);
    expect(new Set(samples.map((s) => s.provider).filter((p) => p !== null))).toEqual(new Set(['azure-blob', 'aws-s3', 'tencent-cos']));
    for (const s of samples) expect(s.source, s.file).toMatch(/\S{8,}/);
  });

  it.each(samples.map((s) => [s.file, s] as const))('%s names its provider and code', async (_file, s) => {
    const { findings } = await diagnose(readFileSync(new URL(s.file, dir)));
    const summary = findings.map((f) => `${f.input.provider}/${f.input.code}/${f.input.status}`).join(' ');
    const hit = findings.find(
      (f) =>
        f.input.provider === s.provider &&
        (s.code === null ? f.input.code === null : f.input.code?.toLowerCase() === s.code.toLowerCase()) &&
        (s.status === null || f.input.status === s.status),
    );
    expect(hit, `want ${s.provider}/${s.code}/${s.status}, got ${summary}`).toBeDefined();
    expect(hit!.matches.length, `no catalog match for ${summary}`).toBeGreaterThan(0);
    // A message is the service's words, not what a client printed around them.
    // One error is reported once: no two findings say the same. (This 2014 awscli --debug log states its
    // one 404 twice, through two loggers, with nothing to tie the two together.)
    const said = findings.map((f) => `${f.input.provider}/${f.input.code}/${f.input.status}`);
    if (s.file !== 's3/awscli-2014-head-object-404-client-error-unknown.txt') expect(said.filter((k, i) => said.indexOf(k) !== i)).toEqual([]);
    // Nor is a part of it a finding of its own: a status with no code beside the same status with one.
    const parts = findings.filter((f) => f.input.code === null && findings.some((g) => g.input.code && g.input.status === f.input.status));
    expect(parts.map((f) => `line ${f.line}: ${f.input.status}`)).toEqual([]);
    // A value an SDK did not have ("Request ID: null") is no value.
    for (const f of findings) expect([f.input.requestId, ...Object.values(f.input.fields)].filter((v) => v && /^(?:null|none|undefined)$/i.test(v))).toEqual([]);
    for (const f of findings) expect(f.input.message ?? '').not.toMatch(/[A-Z]\w*(?:Exception|Error): |Traceback|\(Service: |^(?:Description|ErrorMessage)=|\sat [\w.$]+\(|^[`'"]|[`'"]$|^null$/);
  });
});

/**
 * Whether a sample's code is on a line that is read past the first MiB: within CONTEXT_BEFORE lines
 * before or CONTEXT_AFTER lines after a line with an anchor word (README, "What it reads").
 */
function readPastFirstMiB(text: string, code: string): boolean {
  const lines = text.split('\n');
  const anchored = lines.map((line) => HAS_ANCHOR.test(line));
  return lines.some((line, i) => line.toLowerCase().includes(code.toLowerCase()) && anchored.slice(Math.max(0, i - CONTEXT_AFTER), i + CONTEXT_BEFORE + 1).includes(true));
}

describe('all the samples in one log, cut into chunks anywhere', () => {
  // Short filler lines, so that all the samples fit in the first MiB.
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `worker-${i % 16} seq=${i}`).join('\n');
  // 60 filler lines between samples: more than the 40 across which facts may join one error.
  const all = samples.map((s) => readFileSync(new URL(s.file, dir), 'utf8')).join(`\n${filler(60)}\n`);
  const logs = { 'in the first MiB, where every line is read': filler(100), 'past the first MiB, where only lines near anchor words are': filler(80_000) };
  it.each(Object.entries(logs))('%s: the findings of the whole log', async (_, lead) => {
    const bytes = Buffer.from(`${lead}\n${all}\n${filler(60)}\n`);
    // Each log is what its name says: wholly in the first MiB, or wholly past it.
    if (lead.length < THOROUGH_BYTES) expect(bytes.length).toBeLessThan(THOROUGH_BYTES);
    else expect(lead.length).toBeGreaterThan(THOROUGH_BYTES);
    const whole = await diagnose(bytes);
    expect(whole.findings.length).toBeGreaterThan(40);
    const start = Buffer.byteLength(lead);
    /** The log streamed in chunks that end at these byte offsets. */
    async function* chunks(cuts: number[]): AsyncIterable<Buffer> {
      let from = 0;
      for (const cut of [...cuts].sort((a, b) => a - b).concat(bytes.length)) {
        yield bytes.subarray(from, cut);
        from = cut;
      }
    }
    // Every sample's error is found (and counted) in the log, however many samples share its code.
    // Past the first MiB, only lines near an anchor word are read: a sample whose code is on none of them is not counted there.
    const wanted = new Map<string, number>();
    for (const s of samples) {
      const readable = lead.length < THOROUGH_BYTES || (s.code !== null && readPastFirstMiB(readFileSync(new URL(s.file, dir), 'utf8'), s.code));
      if (s.code && readable) wanted.set(s.code.toLowerCase(), (wanted.get(s.code.toLowerCase()) ?? 0) + 1);
    }
    const counted = new Map<string, number>();
    for (const f of whole.findings) if (f.input.code) counted.set(f.input.code.toLowerCase(), (counted.get(f.input.code.toLowerCase()) ?? 0) + f.count);
    const short = [...wanted].filter(([code, n]) => (counted.get(code) ?? 0) < n).map(([code, n]) => `${code}: ${counted.get(code) ?? 0} of ${n}`);
    expect(short).toEqual([]);
    // Every line of the samples a chunk of its own: each line starts a chunk, and each run of lines is cut after every line.
    const lineStarts = [...bytes.subarray(start).toString('latin1').matchAll(/\n/g)].map((m) => start + m.index + 1).filter((at) => at < bytes.length);
    expect(await diagnose(chunks(lineStarts))).toEqual(whole);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: start, max: bytes.length - 1 }), { minLength: 1, maxLength: 200 }), async (cuts) => {
        expect(await diagnose(chunks(cuts))).toEqual(whole);
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});
