import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../src/index.js';

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
  });
});
