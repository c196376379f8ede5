/**
 * Every fixture of every provider's folder, read as its manifest row says it must read: the real
 * samples people posted (test/fixtures/<provider>/manifest.json, `real`) and the hand-made edge
 * cases alike. Folders and rows are discovered: a new provider's fixtures need no change here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose, type Finding } from '../src/index.js';
import { CONTEXT_AFTER, CONTEXT_BEFORE, HAS_ANCHOR, THOROUGH_BYTES } from '../src/input/scan.js';
import { allSamples, brief, type Sample } from './helpers/samples.js';

type Input = Parameters<typeof diagnose>[0];
const samples = allSamples();

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
/** The bytes of a text, as a stream of `size`-byte chunks (cuts fall anywhere, UTF-8 sequences included). */
async function* chunks(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
/** The text up to (not including) the last `</Error>`: a body whose end was lost. */
const cutBeforeClose = (text: string): string => text.slice(0, text.lastIndexOf('</Error>'));
/** The text cut inside the element after the last `<Code>…</Code>`: a body cut mid-element. */
const cutMidElement = (text: string): string => {
  const code = text.lastIndexOf('</Code>');
  const open = text.indexOf('>', text.indexOf('<', code + '</Code>'.length));
  return text.slice(0, open + 8);
};

/** The finding a row's `finds` names, or its only finding. */
function theFinding(s: Sample, findings: Finding[]): Finding {
  const summary = findings.map(brief).join(' ');
  if (s.finds) {
    const [provider, code, status] = s.finds.split('/');
    const hit = findings.find(
      (f) =>
        String(f.input.provider) === provider &&
        (code === 'null' ? f.input.code === null : f.input.code?.toLowerCase() === code!.toLowerCase()) &&
        (status === 'null' || f.input.status === Number(status)),
    );
    expect(hit, `want ${s.finds}, got ${summary}`).toBeDefined();
    return hit!;
  }
  expect(findings.map(brief), 'exactly one finding').toHaveLength(1);
  return findings[0]!;
}

/** Everything the row says of its finding, and what every finding must be. */
function check(s: Sample, findings: Finding[], expect_ = s.expect): void {
  if (s.findings) expect(findings.map(brief)).toEqual(s.findings);
  if (s.findings && !expect_) return;
  const f = s.findings ? findings[0]! : theFinding(s, findings);
  const want = expect_ ?? {};
  const input = f.input;
  const got = { provider: input.provider, protocol: input.protocol, server: input.server, code: input.code, status: input.status, requestId: input.requestId, message: input.message, kind: input.kind, line: f.line, count: f.count };
  const { evidence, notes, matches, matchRetry, clock, skewSeconds, fields, ...facts } = want;
  expect(got).toMatchObject(facts);
  if (!s.findings) {
    expect(f.matches.length, `no catalog match for ${brief(f)}`).toBeGreaterThan(0);
    if (input.code) expect(f.matches.map((m) => m.code.toLowerCase())).toContain(input.code.toLowerCase());
    // Matches come from the provider that sent it (and the generic HTTP catalog), none from a neighbour.
    if (input.provider && want.provider) expect([...new Set(f.matches.map((m) => m.provider).filter((p) => p !== 'http'))]).toEqual([input.provider]);
  }
  for (const reason of evidence ?? []) expect(input.evidence).toContain(reason);
  if (notes) expect(f.notes.join('\n')).toMatch(new RegExp(notes));
  if (matches) expect(f.matches.map((m) => m.code)).toEqual(expect.arrayContaining(matches));
  if (matchRetry) expect(f.matches.map((m) => `${m.code}:${m.retry}`)).toEqual(expect.arrayContaining(matchRetry));
  if (clock !== undefined) expect(f.clock?.verdict ?? null, f.clock?.detail).toBe(clock);
  if (skewSeconds !== undefined) expect(f.clock?.skewSeconds).toBe(skewSeconds);
  if (fields) expect(input.fields).toMatchObject(fields);
}

/** What every reading of any input must be: one error reported once, in the service's words, with no placeholder values. */
function checkSane(s: Sample, findings: Finding[]): void {
  const said = findings.map((f) => `${f.input.provider}/${f.input.code ?? f.input.message}/${f.input.status}`);
  if (!s.repeats) expect(said.filter((k, i) => said.indexOf(k) !== i)).toEqual([]);
  // Nor is a part of an error a finding of its own: a status with no code beside the same status with one.
  const parts = findings.filter((f) => f.input.code === null && f.input.status !== null && findings.some((g) => g.input.code && g.input.status === f.input.status));
  expect(parts.map((f) => `line ${f.line}: ${f.input.status}`)).toEqual([]);
  // A value an SDK did not have ("Request ID: null") is no value.
  for (const f of findings) expect([f.input.requestId, ...Object.values(f.input.fields)].filter((v) => v && /^(?:null|none|undefined)$/i.test(v))).toEqual([]);
  // A message is the service's words, not what a client printed around them.
  for (const f of findings) expect(f.input.message ?? '').not.toMatch(/[A-Z]\w*(?:Exception|Error): |Traceback|\(Service: |^(?:Description|ErrorMessage)=|\sat [\w.$]+\(|^[`'"]|[`'"]$|^null$/);
}

describe.each([...new Set(samples.map((s) => s.folder))])('%s', (folder) => {
  describe.each(samples.filter((s) => s.folder === folder).map((s) => [s.file, s] as const))('%s', (_file, s) => {
    it('reads as its manifest says', async () => {
      expect(s.source, 'every fixture says where it came from').toMatch(/\S{8,}/);
      const { findings } = await diagnose(s.text);
      check(s, findings);
      checkSane(s, findings);
    });
    const ways: Record<NonNullable<Sample['variants']>[number], () => Input> = {
      crlf: () => crlf(s.text),
      bom: () => `\uFEFF${s.text}`,
      bytes: () => Buffer.from(s.text, 'utf8'),
      'bytes-bom-crlf': () => Buffer.from(`\uFEFF${crlf(s.text)}`, 'utf8'),
      chunks: () => chunks(s.text, 7),
      'cut-before-close': () => cutBeforeClose(s.text),
      'cut-mid-element': () => cutMidElement(s.text),
    };
    for (const variant of s.variants ?? []) {
      it(`reads the same ${variant}`, async () => {
        const { findings } = await diagnose(ways[variant]());
        // A body cut short still names its provider and code; the rest may be lost with its end.
        const cut = variant.startsWith('cut') ? { expect: { provider: s.expect?.provider, code: s.expect?.code } } : {};
        check({ ...s, ...cut }, findings, cut.expect ?? s.expect);
      });
    }
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

describe('all the real samples in one log, cut into chunks anywhere', () => {
  const real = samples.filter((s) => s.real);
  // Short filler lines, so that all the samples fit in the first MiB.
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `worker-${i % 16} seq=${i}`).join('\n');
  // 60 filler lines between samples: more than the 40 across which facts may join one error.
  const all = real.map((s) => s.text).join(`\n${filler(60)}\n`);
  const logs = { 'in the first MiB, where every line is read': filler(100), 'past the first MiB, where only lines near anchor words are': filler(80_000) };
  it.each(Object.entries(logs))('%s: the findings of the whole log', async (_, lead) => {
    const bytes = Buffer.from(`${lead}\n${all}\n${filler(60)}\n`);
    // Each log is what its name says: wholly in the first MiB, or wholly past it.
    if (lead.length < THOROUGH_BYTES) expect(bytes.length).toBeLessThan(THOROUGH_BYTES);
    else expect(lead.length).toBeGreaterThan(THOROUGH_BYTES);
    const whole = await diagnose(bytes);
    expect(whole.findings.length).toBeGreaterThan(real.length / 4);
    const start = Buffer.byteLength(lead);
    /** The log streamed in chunks that end at these byte offsets. */
    async function* cutAt(cuts: number[]): AsyncIterable<Buffer> {
      let from = 0;
      for (const cut of [...cuts].sort((a, b) => a - b).concat(bytes.length)) {
        yield bytes.subarray(from, cut);
        from = cut;
      }
    }
    // Every sample's error is found (and counted) in the log, however many samples share its code.
    // Past the first MiB, only lines near an anchor word are read: a sample whose code is on none of them is not counted there.
    const wanted = new Map<string, number>();
    for (const s of real) {
      const code = s.finds?.split('/')[1];
      if (!code || code === 'null') continue;
      if (lead.length < THOROUGH_BYTES || readPastFirstMiB(s.text, code)) wanted.set(code.toLowerCase(), (wanted.get(code.toLowerCase()) ?? 0) + 1);
    }
    const counted = new Map<string, number>();
    for (const f of whole.findings) if (f.input.code) counted.set(f.input.code.toLowerCase(), (counted.get(f.input.code.toLowerCase()) ?? 0) + f.count);
    const short = [...wanted].filter(([code, n]) => (counted.get(code) ?? 0) < n).map(([code, n]) => `${code}: ${counted.get(code) ?? 0} of ${n}`);
    expect(short).toEqual([]);
    // Every line of the samples a chunk of its own: each line starts a chunk, and each run of lines is cut after every line.
    const lineStarts = [...bytes.subarray(start).toString('latin1').matchAll(/\n/g)].map((m) => start + m.index + 1).filter((at) => at < bytes.length);
    expect(await diagnose(cutAt(lineStarts))).toEqual(whole);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: start, max: bytes.length - 1 }), { minLength: 1, maxLength: 200 }), async (cuts) => {
        expect(await diagnose(cutAt(cuts))).toEqual(whole);
      }),
      { numRuns: 15 },
    );
  }, 90_000);
});
