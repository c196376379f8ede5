/**
 * The command-line conventions people bring from grep, jq, curl and the cloud CLIs, each through
 * the real CLI: what it reads (files, `-`, several queries, masks, UTF-16, empty input) and what a
 * miss says.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import { providers } from '../src/index.js';
import { providersWithCode } from './helpers/catalogs.js';
import { BIN, runCli } from './helpers/spawn.js';

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

describe('colour, as grep, ls and git decide it', () => {
  const coloured = async (flags: string[], env: Record<string, string>) => (await runCli([...flags, 'ServerBusy'], { env })).stdout.includes('\u001b[');
  it.each([
    [['--color=always'], {}, true],
    [['--colour=always'], {}, true],
    [['--color=never'], { FORCE_COLOR: '1' }, false],
    [['--color=auto'], {}, false],
    [['--color'], {}, false],
    [['--no-color'], { FORCE_COLOR: '1' }, false],
    [[], { FORCE_COLOR: '' }, false],
    [[], { CLICOLOR_FORCE: '1' }, true],
    [[], { CLICOLOR_FORCE: '1', NO_COLOR: '1' }, false],
    [[], { FORCE_COLOR: '1', TERM: 'dumb' }, true],
  ])('flags %j, env %j: coloured %s', async (flags, env, want) => expect(await coloured(flags, env as Record<string, string>)).toBe(want));
  it('TERM=dumb means no colour on a terminal', async () => {
    const out: string[] = [];
    const io = { argv: ['ServerBusy'], env: { TERM: 'dumb' }, stdin: Object.assign((async function* () {})(), { isTTY: true }), stdoutIsTTY: true, columns: 100, write: (t: string) => out.push(t), writeError: (t: string) => out.push(t) };
    await run(io);
    expect(out.join('')).not.toContain('\u001b[');
    await run({ ...io, env: {} });
    expect(out.join('')).toContain('\u001b[');
  });
});

describe('help and version', () => {
  it('errlookup help, errlookup help <command> and <command> --help show that help', async () => {
    expect((await runCli(['help'])).stdout).toMatch(/^Usage: errlookup /);
    for (const args of [['help', 'list'], ['list', '--help']]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: errlookup list /);
      expect(r.stdout).toContain('--status');
    }
    const r = await runCli(['help', 'lsit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('errlookup: unknown command "lsit" (did you mean list?)\n');
  });
  it.each([['lsit', 'list'], ['serach', 'search'], ['provider', 'providers']])('a mistyped command %s says did you mean %s', async (typed, meant) => {
    const r = await runCli([typed]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`did you mean the command errlookup ${meant}?`);
  });
  it('--help at 80 columns breaks no word: every line fits, and every word of the help is whole', async () => {
    const wide = (await runCli(['--help'], { env: { COLUMNS: '400' } })).stdout;
    const narrow = (await runCli(['--help'], { env: { COLUMNS: '80' } })).stdout;
    for (const line of narrow.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(narrow.split(/\s+/).filter(Boolean)).toEqual(wide.split(/\s+/).filter(Boolean));
  });
  it('a bare errlookup on a terminal prints a short usage and points to --help, exit 2', async () => {
    const err: string[] = [];
    const code = await run({ argv: [], env: {}, stdin: Object.assign((async function* () {})(), { isTTY: true }), stdoutIsTTY: true, write: () => {}, writeError: (t) => err.push(t) });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/^Usage: errlookup .*\n(?:.*\n)?Try 'errlookup --help'/);
    expect(err.join('').split('\n').length).toBeLessThan(6);
  });
  it.each([['-V'], ['-v'], ['--version']])('%s prints the version', async (flag) => {
    const r = await runCli([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('human output', () => {
  const long = 'x-ms-error-code: AuthenticationFailed\n<Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.</Message><AuthenticationErrorDetail>Request date header too old: Mon, 01 Jan 2024 00:00:00 GMT</AuthenticationErrorDetail></Error>\n';
  it.each([[['--width', '60'], {}], [[], { COLUMNS: '60' }]])('wraps every field at %j %j when piped, long labels keeping the layout', async (flags, env) => {
    const r = await runCli([...flags, '-'], { stdin: long, env: env as Record<string, string> });
    // Only a word longer than the room (a URL) runs past it, alone after its label.
    for (const line of r.stdout.split('\n')) expect(line.length <= 60 || /^\s*\S+\s+\S+$/.test(line), line).toBe(true);
    expect(r.stdout).toMatch(/\n {2}AuthenticationErrorDetail\n {13}\S/);
  });
  it('keeps one line per field when piped with no width (for grep)', async () => {
    const r = await runCli(['-'], { stdin: long });
    expect(r.stdout.split('\n').some((l) => l.length > 100)).toBe(true);
  });
  it('uses ASCII for its glyphs when the locale is not UTF-8', async () => {
    const r = await runCli(['-'], { stdin: long, env: { LC_ALL: 'C' } });
    expect(r.stdout.startsWith('> AuthenticationFailed')).toBe(true);
    expect(r.stdout).not.toMatch(/[▶…]/);
    expect((await runCli(['-'], { stdin: long, env: { LC_ALL: 'en_US.UTF-8' } })).stdout.startsWith('▶')).toBe(true);
  });
  it('a status many codes fit starts with how many, per provider, and how to narrow it', async () => {
    const r = await runCli(['400']);
    expect(r.stdout.split('\n')[0]).toMatch(/^HTTP 400 fits \d+ codes \((?:[a-z0-9-]+ \d+, )+[a-z0-9-]+ \d+\)\. Narrow it with --provider <id>/);
  });
  it('goes through the pager on a terminal when it does not fit, and not otherwise', async () => {
    const paged: string[] = [];
    const written: string[] = [];
    const io = { argv: ['400'], env: {}, stdin: Object.assign((async function* () {})(), { isTTY: true }), stdoutIsTTY: true, columns: 100, rows: 40, write: (t: string) => written.push(t), writeError: () => {}, page: async (t: string) => void paged.push(t) };
    await run(io);
    expect(paged).toHaveLength(1);
    expect(written).toEqual([]);
    await run({ ...io, argv: ['ServerBusy'], rows: 200 });
    expect(paged).toHaveLength(1);
    expect(written.join('')).toContain('ServerBusy');
  });
  it('says "no space left on device" when the output cannot be written for want of space', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, 'ServerBusy', '--json'], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('errlookup: cannot write output: no space left on device\n');
    } finally {
      closeSync(full);
    }
  });
});

describe('bash completion, run in bash', () => {
  const script = write('completion.bash', '');
  /** What _errlookup offers for a command line whose last word is being completed. */
  const offers = async (words: string[]): Promise<string[]> => {
    writeFileSync(script, (await runCli(['completion', 'bash'])).stdout);
    const line = `source ${JSON.stringify(script)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _errlookup; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', line], { cwd: dir, encoding: 'utf8' });
    return r.stdout.split('\n').filter(Boolean);
  };
  it('completes --provider=<TAB> and --provider <TAB> with the provider ids', async () => {
    const ids = providers().map((p) => p.id);
    expect(await offers(['errlookup', '--provider='])).toEqual(expect.arrayContaining(ids));
    expect(await offers(['errlookup', '--provider', ''])).toEqual(expect.arrayContaining(ids));
  });
  it("offers a subcommand's own options after it, and --help everywhere", async () => {
    expect(await offers(['errlookup', 'list', '--st'])).toEqual(['--status']);
    expect(await offers(['errlookup', '--st'])).toEqual([]);
    expect(await offers(['errlookup', '--he'])).toEqual(['--help']);
  });
  it('completes file names for --file and as arguments', async () => {
    expect(await offers(['errlookup', '--file', 'azu'])).toEqual(['azure.log']);
    expect(await offers(['errlookup', 'azure.l'])).toContain('azure.log');
  });
});

describe('--format github in CI', () => {
  it('annotates each error at its file and line, with the count and request ID, throttling as a warning', async () => {
    const log = write('ci.log', ['x-ms-request-id: 5c1f0d7e-601e-0042-2b5a-9bc4f1000000', 'x-ms-error-code: BlobNotFound', 'HTTP/1.1 404 The specified blob does not exist.', '', '', '', '', 'HTTP/1.1 503 Egress is over the account limit.', 'x-ms-error-code: ServerBusy', ''].join('\n'));
    const r = await runCli(['--format', 'github', log]);
    const lines = r.stdout.trim().split('\n');
    expect(lines.find((l) => l.includes('BlobNotFound'))).toMatch(new RegExp(`^::error file=${log.replace(/[/.]/g, (c) => `\\${c}`)},line=1,title=errlookup%3A BlobNotFound .*Request ID: 5c1f0d7e-601e-0042-2b5a-9bc4f1000000\\.`));
    expect(lines.find((l) => l.includes('ServerBusy'))).toMatch(/^::warning file=.*,line=8,title=errlookup%3A ServerBusy /);
    expect(lines.at(-1)).toBe('errlookup: 2 distinct errors, 2 occurrences: BlobNotFound, ServerBusy');
  });
  it('never prints more error annotations than GitHub shows: the rest are grouped, and a summary ends it', async () => {
    const codes = ['BlobNotFound', 'ContainerNotFound', 'AuthenticationFailed', 'AuthorizationFailure', 'InvalidBlobType', 'LeaseIdMissing', 'BlobAlreadyExists', 'ContainerAlreadyExists', 'InvalidRange', 'ConditionNotMet', 'AccountIsDisabled', 'InvalidResourceName'];
    const text = codes.map((c, i) => `line ${i}\nx-ms-error-code: ${c}\nHTTP/1.1 4${String(i).padStart(2, '0')} x\n\n\n\n\n\n`).join('');
    const r = await runCli(['--format', 'github', write('many.log', text)]);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(10);
    expect(errors.at(-1)).toMatch(/^::error title=errlookup%3A 3 more errors::Not annotated one by one/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^errlookup: 12 distinct errors, 12 occurrences: /);
  });
});
