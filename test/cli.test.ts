import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import schema from '../schema/errlookup.schema.json' with { type: 'json' };
import { run } from '../src/cli.js';
import { providers } from '../src/index.js';
import { providersWithCode } from './helpers/catalogs.js';
import { BIN, runCli } from './helpers/spawn.js';

const ajv = new Ajv2020.default({ allErrors: true });
const validate = ajv.compile(schema);

/** Runs the real CLI and checks its exit status; returns its output for further checks. */
async function expectCli(args: string[], status: number, stdin?: string) {
  const result = await runCli(args, { stdin });
  expect(result.code, `errlookup ${args.join(' ')}\n${result.stderr}`).toBe(status);
  expect(result.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  return result;
}

/** Runs the CLI with --json and validates the document against the published schema. */
async function expectJson(args: string[], status: number, stdin?: string) {
  const { stdout } = await expectCli(['--json', ...args], status, stdin);
  const doc = JSON.parse(stdout);
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return doc as { findings: { input: Record<string, unknown>; count: number; line: number | null; matches: Record<string, unknown>[] }[] };
}

const tmp = mkdtempSync(join(tmpdir(), 'errlookup-cli-'));
const xmlBody = '<?xml version="1.0" encoding="utf-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a/b.txt</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>9Ke1j2uhNNFL3ps6yCa7xeKj7dumMEErfSfUMYGbJyiKqDo5dNW9rZ2bOBX3Ma2lmg5yAlKdPX0=</HostId></Error>';
const curlHead = 'HTTP/1.1 404 The specified blob does not exist.\r\nContent-Length: 0\r\nServer: Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0\r\nx-ms-request-id: 2fbd3a2c-701e-0075-5c7b-5f5b45000000\r\nx-ms-error-code: BlobNotFound\r\nDate: Mon, 23 Nov 2026 10:00:00 GMT\r\n\r\n';

describe('errlookup <query>', () => {
  it('explains a code: provider, status, meaning, fix, retry and docs', async () => {
    const { stdout } = await expectCli(['ServerBusy'], 0);
    expect(stdout).toMatch(/^ServerBusy {2}HTTP 503 {2}Azure Blob Storage {2}\(exact match\)$/m);
    for (const label of ['Meaning', 'Fix', 'Retry', 'Docs']) expect(stdout).toMatch(new RegExp(`^ {2}${label} +\\S`, 'm'));
    expect(stdout).toContain('yes: throttled');
    expect(stdout).not.toContain('\u001b'); // not a terminal: no colour
  });

  it.each([
    ['nosuchkey', 'NoSuchKey', 'exact'],
    ['SERVER_BUSY', 'ServerBusy', 'exact'],
    ['SlowDwon', 'SlowDown', 'fuzzy'],
    ['The specified key does not exist.', 'NoSuchKey', 'message'],
    ['503', 'ServerBusy', 'status'],
  ])('%s finds %s (%s)', async (query, code, how) => {
    const doc = await expectJson([query], 0);
    const match = doc.findings[0]!.matches.find((m) => m.code === code);
    expect(match?.match).toBe(how);
  });

  it('says first what a query was when it names no code (an azure-core exception for a status)', async () => {
    const { stdout } = await expectCli(['ResourceExistsError'], 0);
    expect(stdout).toMatch(/^Note {7}ResourceExistsError is the exception azure-core raises for any HTTP 409: .*\n\nBlobAlreadyExists {2}HTTP 409 /);
  });

  it('lists a code two providers share once per provider, labelled', async () => {
    const { stdout } = await expectCli(['--format', 'short', 'NoSuchKey'], 0);
    const sharing = providersWithCode('NoSuchKey');
    expect(sharing.length).toBeGreaterThan(1);
    expect(stdout).toBe(sharing.map((p) => `${p} NoSuchKey 404 permanent exact 1 -\n`).join(''));
  });

  it('narrows with --provider and rejects an unknown one with exit 2, naming the valid ids', async () => {
    const { stdout } = await expectCli(['--format', 'short', '--provider', 'tencent-cos', 'NoSuchKey'], 0);
    expect(stdout).toBe('tencent-cos NoSuchKey 404 permanent exact 1 -\n');
    const bad = await expectCli(['--provider', 'azur', 'ServerBusy'], 2);
    expect(bad.stderr).toMatch(/^errlookup: unknown provider "azur" \(did you mean azure-blob\? known: [a-z0-9-]+(?:, [a-z0-9-]+)+\)\n$/);
    for (const p of providers()) expect(bad.stderr).toContain(p.id);
  });

  it('says "no match" with suggestions and exits 1', async () => {
    const { stdout, stderr } = await expectCli(['SignatureMismatch'], 1);
    expect(stdout).toBe('');
    expect(stderr).toContain('errlookup: no match for "SignatureMismatch"');
    expect(stderr).toContain('Did you mean: SignatureDoesNotMatch');
  });

  it('escapes control characters that usage errors quote from the command line', async () => {
    for (const args of [['--provider', '\u001b[31m\u202e', 'x'], ['completion', '\u001b]0;x\u0007'], ['list', '--status', '\u009b5xx'], ['--jsn\u001b[31m']]) {
      const { stderr } = await expectCli(args, 2);
      expect(stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(stderr).toMatch(/\\u00(1b|9b)/);
    }
  });

  it('turns usage errors into exit 2 with one line, not commander\'s 1', async () => {
    for (const args of [['--bogus'], ['--format', 'xml', 'x'], ['list', '--status', '6xx'], ['completion', 'tcsh'], ['--json', '--format', 'short', 'x']]) {
      const { stderr } = await expectCli(args, 2);
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(stderr).toMatch(/^errlookup: /);
    }
  });
});

describe('errlookup on stdin and --file', () => {
  it('diagnoses an XML body on stdin', async () => {
    const doc = await expectJson([], 0, xmlBody);
    expect(doc.findings[0]!.input).toMatchObject({ kind: 'xml', code: 'NoSuchKey', requestId: '4442587FB7D0A2F9', provider: 'aws-s3' });
    expect(doc.findings[0]!.matches.map((m) => m.provider)).toEqual(['aws-s3']);
  });

  it('diagnoses a curl -i transcript of a HEAD with no body from x-ms-error-code', async () => {
    const doc = await expectJson([], 0, curlHead);
    expect(doc.findings[0]!.input).toMatchObject({ kind: 'http', code: 'BlobNotFound', status: 404, provider: 'azure-blob' });
  });

  it('reads --file, and - as stdin', async () => {
    const file = join(tmp, 'body.xml');
    writeFileSync(file, xmlBody);
    expect((await expectJson(['--file', file], 0)).findings[0]!.input.code).toBe('NoSuchKey');
    expect((await expectJson(['--file', '-'], 0, xmlBody)).findings[0]!.input.code).toBe('NoSuchKey');
  });

  it('heads a log with several errors with how many there are', async () => {
    const log = `${curlHead}\n\n\n${xmlBody}\n\n\n${xmlBody.replace('4442587FB7D0A2F9', '5553698AC8E1B3A0')}\n`;
    const { stdout } = await expectCli([], 0, log);
    expect(stdout.split('\n')[0]).toBe('2 distinct errors, 3 occurrences in all, in order of first appearance:');
  });

  it('treats a multi-line argument as a report', async () => {
    const doc = await expectJson([curlHead], 0);
    expect(doc.findings[0]!.input.code).toBe('BlobNotFound');
  });

  it('reports unreadable input with exit 2 and one line', async () => {
    expect((await expectCli(['--file', join(tmp, 'missing.log')], 2)).stderr).toBe(`errlookup: cannot read "${join(tmp, 'missing.log')}": no such file\n`);
    expect((await expectCli(['--file', tmp], 2)).stderr).toBe(`errlookup: cannot read "${tmp}": it is a directory\n`);
    expect((await expectCli(['--file', join(tmp, 'body.xml'), 'ServerBusy'], 2)).stderr).toMatch(/^errlookup: give either a query or files/);
  });

  it('treats empty input, or white space alone, as nothing found: exit 1 and one line', async () => {
    for (const stdin of ['', '  \n\n \t\n']) expect((await expectCli([], 1, stdin)).stderr).toBe('errlookup: nothing to read: stdin was empty\n');
  });

  it('gives the same answer for a report as an argument and on stdin', async () => {
    for (const text of ['HTTP/1.1 503 Slow Down', '403 Forbidden', 'An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.']) {
      const asArg = await expectJson([text], 0);
      const onStdin = await expectJson([], 0, text);
      expect(asArg.findings.map((f) => f.matches.map((m) => m.code))).toEqual(onStdin.findings.map((f) => f.matches.map((m) => m.code)));
    }
  });

  it('exits 1 when the input holds no storage error', async () => {
    const { stderr } = await expectCli([], 1, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n'.repeat(50));
    expect(stderr).toBe('errlookup: no storage error found in the input\n');
  });
});

describe('output formats', () => {
  it('--format short prints provider, code, statuses, retry class, how it matched, count and where', async () => {
    const { stdout } = await expectCli(['--format', 'short', 'InvalidObjectState', '--provider', 'tencent-cos'], 0);
    expect(stdout).toBe('tencent-cos InvalidObjectState 403,409 permanent exact 1 -\n');
  });

  it('--format github prints one ::error annotation with the code, provider and fix', async () => {
    const { stdout } = await expectCli(['--format', 'github'], 0, xmlBody);
    expect(stdout).toMatch(/^::error title=errlookup%3A NoSuchKey \(Amazon S3%2C HTTP 404\)::.*Fix: .*Retry: no \(permanent\)\./);
    // One annotation, then the one-line summary.
    expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(/^::error /), 'errlookup: 1 distinct error, 1 occurrence: NoSuchKey']);
    // A code several providers share: one annotation, naming the others it may be.
    const shared = await expectCli(['--format', 'github', 'NoSuchKey'], 0);
    const names = new Map(providers().map((p) => [p.id, p.name]));
    const [first, ...others] = providersWithCode('NoSuchKey');
    const annotations = shared.stdout.trim().split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toContain(`NoSuchKey (${names.get(first!)}`);
    for (const p of others) expect(annotations[0]).toContain(`NoSuchKey (${names.get(p)})`);
  });

  it.each([
    [{ FORCE_COLOR: '1' }, [], true],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, [], false],
    [{ FORCE_COLOR: '1' }, ['--no-color'], false],
    [{ FORCE_COLOR: '0' }, [], false],
    [{}, [], false],
  ])('colour with env %o and flags %o: %s', async (env, flags, coloured) => {
    const { stdout } = await runCli([...flags, 'ServerBusy'], { env: env as Record<string, string> });
    expect(stdout.includes('\u001b['), stdout.slice(0, 80)).toBe(coloured);
  });
});

describe('--retryable', () => {
  it.each([
    ['ServerBusy', 0],
    ['InternalError', 0],
    ['NoSuchKey', 1],
    ['RequestTimeTooSkewed', 1],
    ['NotARealCode', 1],
  ])('%s exits %i and prints nothing', async (query, status) => {
    const { stdout } = await expectCli(['--retryable', query], status);
    expect(stdout).toBe('');
  });

  it('works in an if statement on a piped response', async () => {
    const throttled = 'HTTP/1.1 503 Egress is over the account limit.\r\nx-ms-error-code: ServerBusy\r\n\r\n';
    expect((await runCli(['--retryable'], { stdin: throttled })).code).toBe(0);
    expect((await runCli(['--retryable'], { stdin: curlHead })).code).toBe(1);
    const shell = await runCli([], {});
    expect(shell.code).toBe(1); // sanity: nothing on stdin is nothing found
  });

  it('exits 1 when any error found is unmatched or not retryable', async () => {
    const slowDownAndUnknown = 'An error occurred (SlowDown) when calling the PutObject operation: Please reduce your request rate.\n\n\n<Error><Code>WeirdNewCode</Code><Message>x</Message></Error>\n';
    expect((await runCli(['--retryable'], { stdin: slowDownAndUnknown })).code).toBe(1);
    expect((await runCli(['--retryable', '500'])).code).toBe(0); // a bare 500 is retried by the SDKs
    expect((await runCli(['--retryable', '501'])).code).toBe(1);
  });

  it.each([
    [['--retryable', 'ServerBusy'], 0],
    [['--retryable', 'NoSuchKey'], 1],
    [['NoSuchKey'], 0],
    [['NotARealCode'], 1],
  ])('%j exits %i with its output sent to /dev/null, as a script writes it', (argv, status) => {
    const devNull = openSync('/dev/null', 'w');
    const r = spawnSync(process.execPath, [BIN, ...argv], { stdio: ['ignore', devNull, 'pipe'], encoding: 'utf8' });
    closeSync(devNull);
    expect(r.status).toBe(status);
    if (status === 0) expect(r.stderr).toBe('');
  });

  it('prints the JSON document when combined with --json', async () => {
    const doc = await expectJson(['--retryable', 'SlowDown'], 0);
    expect(doc.findings[0]!.matches[0]!.retryable).toBe(true);
  });
});

describe('subcommands', () => {
  it('providers shows each catalog with its size and sources', async () => {
    const { stdout } = await expectCli(['providers'], 0);
    expect(stdout).toMatch(/^azure-blob +\d+ codes {2}Azure Blob Storage$/m);
    expect(stdout).toMatch(/^tencent-cos +\d+ codes {2}Tencent Cloud COS$/m);
    expect(stdout).toMatch(/^aws-s3 +\d+ codes {2}Amazon S3$/m);
    expect(stdout).toContain('checked against:');
  });

  it('list filters by provider, status mask and retryability, as list matches in JSON', async () => {
    const doc = await expectJson(['list', '--provider', 'azure-blob', '--status', '5xx', '--retryable'], 0);
    const matches = doc.findings[0]!.matches;
    expect(matches.length).toBeGreaterThan(3);
    for (const m of matches) {
      expect(m).toMatchObject({ provider: 'azure-blob', match: 'list', retryable: true });
      expect((m.statuses as number[]).some((s) => s >= 500)).toBe(true);
    }
    expect(matches.map((m) => m.code)).toContain('ServerBusy');
  });

  it('search finds entries by words in their meaning or fix', async () => {
    const { stdout } = await expectCli(['search', 'quota'], 0);
    expect(stdout.split('\n').length).toBeGreaterThan(2);
    const doc = await expectJson(['search', 'signature'], 0);
    expect(doc.findings[0]!.matches.map((m) => m.code)).toContain('SignatureDoesNotMatch');
    await expectCli(['search', 'zzzyyyxxx'], 1);
  });

  it.each(['bash', 'zsh', 'fish'])('completion %s names subcommands, options, providers and codes', async (shell) => {
    const { stdout } = await expectCli(['completion', shell], 0);
    for (const word of ['list', 'providers', 'provider', 'format', 'azure-blob', 'tencent-cos', 'ServerBusy', 'NoSuchKey']) expect(stdout).toContain(word);
  });

  it('bash completion is valid bash', async () => {
    const file = join(tmp, 'completion.bash');
    writeFileSync(file, (await expectCli(['completion', 'bash'], 0)).stdout);
    const { execFileSync } = await import('node:child_process');
    expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
  });

  it('--version and --help work; --help shows examples for each input form', async () => {
    expect((await expectCli(['--version'], 0)).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const { stdout } = await expectCli(['--help'], 0);
    for (const example of ['errlookup ServerBusy', 'errlookup 503', 'curl -sS -i', '--file azcopy.log', '--retryable', 'Exit status']) expect(stdout).toContain(example);
  });
});

describe('run() at the process edge', () => {
  function io(argv: string[], stdin: Readable & { isTTY?: boolean }, terminal?: { columns: number }) {
    const out: string[] = [];
    const err: string[] = [];
    const env = { argv, env: { NO_COLOR: '1' }, stdin, stdoutIsTTY: !!terminal, columns: terminal?.columns, write: (s: string) => void out.push(s), writeError: (s: string) => void err.push(s) };
    return { out, err, env };
  }

  it('wraps prose to the terminal width, and not when piped', async () => {
    const onTerminal = io(['ServerBusy'], Readable.from([]), { columns: 80 });
    expect(await run(onTerminal.env)).toBe(0);
    const lines = onTerminal.out.join('').split('\n');
    expect(Math.max(...lines.filter((l) => !l.includes('https://')).map((l) => l.length))).toBeLessThanOrEqual(80);
    const piped = io(['ServerBusy'], Readable.from([]));
    await run(piped.env);
    expect(piped.out.join('')).toMatch(/^ {2}Fix {8}.{120,}$/m);
  });

  it('prints help and exits 2 with no arguments on a terminal, without reading it', async () => {
    const stdin = Object.assign(new Readable({ read() {} }), { isTTY: true });
    const t = io([], stdin);
    expect(await run(t.env)).toBe(2);
    expect(t.err.join('')).toContain('Usage: errlookup');
    expect(t.out.join('')).toBe('');
  });
});
