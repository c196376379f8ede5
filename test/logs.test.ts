/**
 * Logs as people have them: every real sample among ordinary application-log lines (successes,
 * access-log 404s, `status=200`, non-storage exceptions, hosts of every provider) reads as it reads
 * alone, at its own lines, and the ordinary lines give no finding.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, type Finding } from '../src/index.js';
import { allSamples, fixtureText } from './helpers/samples.js';

const ordinary = fixtureText('none/log/ordinary-app-log-lines.txt').trimEnd();
const before = ordinary.split('\n').length;
const real = allSamples().filter((s) => s.real);
/** A finding as `provider/code/status@line`, its line counted from `from`. */
const said = (f: Finding, from = 0) => `${f.input.provider}/${f.input.code}/${f.input.status}@${f.line === null ? null : f.line - from}`;

describe('ordinary application-log lines', () => {
  it('give no finding: access-log 404s, status=200, successes, other exceptions, hosts of every provider', async () => {
    const { findings } = await diagnose(`${ordinary}\n`.repeat(5));
    expect(findings.map((f) => said(f))).toEqual([]);
  });
});

describe.each(real.map((s) => [s.path, s] as const))('%s among ordinary log lines', (_path, s) => {
  it('reads as alone, at its own lines, and nothing of the lines around is glued on', async () => {
    const alone = (await diagnose(s.text)).findings.map((f) => said(f)).sort();
    const among = (await diagnose(`${ordinary}\n${s.text.trimEnd()}\n${ordinary}\n`)).findings.map((f) => said(f, before)).sort();
    expect(among).toEqual(s.inLog ? [...s.inLog].sort() : alone);
  });
});

describe('all real samples in one application log', () => {
  it('no finding starts on an ordinary line', async () => {
    const parts: string[] = [ordinary];
    const ordinaryLines = new Set<number>(Array.from({ length: before }, (_, i) => i + 1));
    let line = before;
    for (const s of real) {
      const text = s.text.trimEnd();
      parts.push(text, ordinary);
      line += text.split('\n').length;
      for (let i = 1; i <= before; i++) ordinaryLines.add(line + i);
      line += before;
    }
    const { findings } = await diagnose(`${parts.join('\n')}\n`);
    expect(findings.filter((f) => f.line !== null && ordinaryLines.has(f.line)).map((f) => said(f))).toEqual([]);
  });
});
