/**
 * The command-line conventions people bring from grep, jq, curl and the cloud CLIs, each through
 * the real CLI: what it reads (files, `-`, several queries, masks, UTF-16, empty input) and what a
 * miss says.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providers } from '../src/index.js';
import { providersWithCode } from './helpers/catalogs.js';
import { runCli } from './helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'errlookup-conventions-'));
const write = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const azure = write('azure.log', 'started\nHTTP/1.1 503 Egress is over the account limit.\nx-ms-error-code: ServerBusy\n');
const s3 = write('s3.xml', '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>\n');
const short = async (args: string[], stdin?: string | Buffer, cwd?: string) => {
  const r = await runCli(['--format', 'short', ...args], { stdin, cwd });
  return { ...r, lines: r.stdout.trim().split('\n').filter(Boolean) };
};

describe('what the main command reads', () => {
  it('reads stdin for "-", as cat, grep and jq do', async () => {
    const r = await short(['-'], 'x-ms-error-code: ServerBusy\n');
    expect(r.code).toBe(0);
    expect(r.lines).toEqual(['azure-blob ServerBusy 503 throttling exact 1 1']);
  });
  it('reads a path given as an argument, and says file:line for each finding of several files', async () => {
    const r = await short([azure, s3]);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l.split(' ').at(-1))).toEqual(expect.arrayContaining([`${azure}:2`, `${s3}:1`]));
  });
  it('takes --file more than once, and keeps each', async () => {
    const r = await short(['--file', azure, '--file', s3]);
    expect(r.lines.some((l) => l.endsWith(`${azure}:2`)) && r.lines.some((l) => l.endsWith(`${s3}:1`))).toBe(true);
  });
  it('reads a word only as a query, even when a file of that name exists; ./name reads the file', async () => {
    write('ServerBusy', '<Error><Code>NoSuchKey</Code></Error>\n');
    expect((await short(['ServerBusy'], undefined, dir)).lines[0]).toMatch(/ ServerBusy .* -$/);
    expect((await short(['./ServerBusy'], undefined, dir)).lines.every((l) => / NoSuchKey /.test(l))).toBe(true);
  });
  it('says a missing file is missing, on one line with exit 2, rather than looking its name up', async () => {
    const r = await runCli([join(dir, 'nope.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`errlookup: cannot read "${join(dir, 'nope.log')}": no such file\n`);
  });
  it('answers several codes as several lookups, and a phrase or a status with its reason as one', async () => {
    const two = await short(['ServerBusy', 'NoSuchKey']);
    expect(new Set(two.lines.map((l) => l.split(' ')[1]))).toEqual(new Set(['ServerBusy', 'NoSuchKey']));
    const statuses = await short(['403', '404']);
    expect(new Set(statuses.lines.flatMap((l) => l.split(' ')[2]!.split(',')).filter((s) => s === '403' || s === '404'))).toEqual(new Set(['403', '404']));
    const phrase = await short(['The', 'specified', 'key', 'does', 'not', 'exist.']);
    expect(new Set(phrase.lines.map((l) => l.split(' ')[1]))).toEqual(new Set(['NoSuchKey']));
    const reason = await short(['503', 'Slow', 'Down']);
    expect(new Set(reason.lines.map((l) => l.split(' ')[1]))).toEqual(new Set(['SlowDown']));
  });
  it('takes 4xx, 5xx and 40x as status masks', async () => {
    for (const [mask, test] of [['4xx', /^4\d\d$/], ['40x', /^40\d$/], ['5xx', /^5\d\d$/]] as const) {
      const r = await short([mask]);
      expect(r.code).toBe(0);
      expect(r.lines.length).toBeGreaterThan(1);
      for (const line of r.lines) expect(line.split(' ')[2]!.split(',').some((s) => test.test(s)), line).toBe(true);
    }
  });
  it('decodes UTF-16 with a byte-order mark, as PowerShell writes a log', async () => {
    const text = 'HTTP/1.1 503 Egress is over the account limit.\r\nx-ms-error-code: ServerBusy\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    for (const bytes of [le, be]) expect((await short(['-'], bytes)).lines).toEqual(['azure-blob ServerBusy 503 throttling exact 1 1']);
    expect((await short([write('ps.log', le)])).lines[0]).toMatch(/ServerBusy .* 1 .*ps\.log:1$/);
  });
  it('finds nothing in empty input: exit 1 and one line, for stdin, a file and /dev/null', async () => {
    for (const args of [[], ['-'], [write('empty.log', '')], ['/dev/null']]) {
      const r = await runCli(args, { stdin: '' });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^errlookup: nothing to read: [^\n]+\n$/);
    }
  });
});

describe('what a miss says', () => {
  it('a code asked of a provider that does not send it names the providers that do, on one line', async () => {
    const [id, name] = [providers()[0]!.id, providers()[0]!.name];
    const code = ['NoSuchKey', 'ServerBusy', 'BlobNotFound'].find((c) => !providersWithCode(c).includes(id) && providersWithCode(c).length > 0)!;
    const r = await runCli(['-p', id, code]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^errlookup: ${code} is not an? ${name} code; .+ sends? it\\n$`));
    expect(r.stderr).not.toContain('line 1');
  });
  it('a success or redirect status says it is no error; a word that finds nothing suggests search', async () => {
    expect((await runCli(['200'])).stderr).toMatch(/^errlookup: HTTP 200 is not an error status/);
    const r = await runCli(['throttled']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('errlookup search throttled');
  });
});
