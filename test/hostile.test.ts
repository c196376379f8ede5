/**
 * Hostile inputs against the real CLI (bin/errlookup.cjs in a child process). Each case asserts the
 * contract: exit 0/1/2 and never 3, one "errlookup: " line on stderr for exit 2, no raw control or
 * bidi characters from the input in any output, and bounded time and memory.
 *
 * Run `npm run build` first: these tests drive dist/ through bin/errlookup.cjs.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliEnv } from '../dist/cli.cjs';
import { BIN, isOneErrorLine, runCli, unsafeCharacters, type RunResult } from './helpers/spawn.js';

const RSS_LIMIT_KB = 150 * 1024;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'errlookup-hostile-'));
});
afterAll(() => {
  if (dir) {
    try {
      chmodSync(join(dir, 'unreadable.log'), 0o644);
    } catch {
      /* not created */
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

interface JsonFinding {
  input: { kind: string; code: string | null; status: number | null; message: string | null; requestId: string | null; provider: string | null };
  count: number;
  line: number | null;
  matches: { provider: string; code: string }[];
}

function parseJson(r: RunResult): { schemaVersion: number; findings: JsonFinding[] } {
  let doc: { schemaVersion: number; findings: JsonFinding[] };
  try {
    doc = JSON.parse(r.stdout) as typeof doc;
  } catch (e) {
    throw new Error(`--json stdout is not one JSON document (${(e as Error).message}); first 200 chars: ${JSON.stringify(r.stdout.slice(0, 200))}`);
  }
  expect(doc.schemaVersion).toBe(1);
  expect(Array.isArray(doc.findings)).toBe(true);
  return doc;
}

/** Exit is 0/1/2, never 3, no crash signal, no stack trace, no internal-error banner. */
function expectNoCrash(r: RunResult): void {
  expect(r.timedOut, 'timed out').toBe(false);
  expect(r.signal).toBeNull();
  expect([0, 1, 2]).toContain(r.code);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |RangeError|Maximum call stack|heap out of memory/);
  if (r.code === 2) expect(isOneErrorLine(r.stderr), `stderr for exit 2: ${JSON.stringify(r.stderr.slice(0, 300))}`).toBe(true);
}

function expectSafe(r: RunResult, json: boolean): void {
  expect(unsafeCharacters(r.stdout, json ? '\n' : '\n\t'), 'stdout').toEqual([]);
  expect(unsafeCharacters(r.stderr), 'stderr').toEqual([]);
}

/** A Readable that yields `block` `times` times, with backpressure: nothing big is ever held. */
function repeated(block: Buffer, times: number): Readable {
  let sent = 0;
  return new Readable({
    highWaterMark: 4 * 1024 * 1024,
    read() {
      while (sent < times) {
        sent++;
        if (!this.push(block)) return;
      }
      this.push(null);
    },
  });
}

/** Seeded 32-bit PRNG (mulberry32), so the random input is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

describe('hostile input', () => {
  it('XML billion-laughs entity bomb inside an <Error> body: no expansion, fast', async () => {
    const decls = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) decls.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const body =
      `<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Error [\n${decls.join('\n')}\n]>\n` +
      `<Error><Code>ServerBusy</Code><Message>&lol9;</Message><RequestId>&lol9;</RequestId></Error>\n`;
    for (const args of [['--json'], []]) {
      const r = await runCli(args, { stdin: body, timeoutMs: 30_000, env: { FORCE_COLOR: '0' } });
      expectNoCrash(r);
      expect([0, 1]).toContain(r.code);
      expect(r.ms).toBeLessThan(30_000);
      expect(r.stdout.length + r.stderr.length).toBeLessThan(64 * 1024);
      expect(r.stdout + r.stderr).not.toContain('lol'.repeat(10));
      expectSafe(r, args.includes('--json'));
    }
  });

  it('huge DOCTYPE with an external entity: no file contents, bounded', async () => {
    const many: string[] = [];
    let size = 0;
    for (let i = 0; size < 1024 * 1024; i++) {
      const d = `<!ENTITY e${i} "${'x'.repeat(64)}">\n`;
      many.push(d);
      size += d.length;
    }
    const body =
      `<?xml version="1.0"?>\n<!DOCTYPE Error [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n<!ENTITY y SYSTEM "file:///etc/hostname">\n${many.join('')}]>\n` +
      `<Error><Code>&x;</Code><Message>&x;&y;</Message><Resource>&x;</Resource></Error>\n`;
    const r = await runCli(['--json'], { stdin: body, timeoutMs: 30_000 });
    expectNoCrash(r);
    expect(r.ms).toBeLessThan(30_000);
    expect(r.stdout + r.stderr).not.toMatch(/root:.*:0:0:/);
    expect(r.stdout + r.stderr).not.toContain('/bin/');
    expect(r.stdout.length + r.stderr.length).toBeLessThan(256 * 1024);
    expectSafe(r, true);
  });

  it('100,000-deep element nesting inside and around <Error>: no crash', async () => {
    const depth = 100_000;
    const body =
      '<a>'.repeat(depth) +
      '<Error><Code>ServerBusy</Code><Message>' +
      '<a>'.repeat(depth) +
      'deep' +
      '</a>'.repeat(depth) +
      '</Message></Error>' +
      '</a>'.repeat(depth) +
      '\n';
    for (const args of [['--json'], []]) {
      const r = await runCli(args, { stdin: body, timeoutMs: 30_000, env: { FORCE_COLOR: '0' } });
      expectNoCrash(r);
      expect(r.code).not.toBe(3);
      expect(r.ms).toBeLessThan(30_000);
      expect(r.stdout.length + r.stderr.length).toBeLessThan(256 * 1024);
      expectSafe(r, args.includes('--json'));
    }
  });

  it('100 MB single line from a file, error code in the middle: found, RSS < 150 MB', async () => {
    const file = join(dir, 'one-line.log');
    const fd = openSync(file, 'w');
    const filler = Buffer.alloc(1024 * 1024, 'lorem ipsum dolor sit amet ');
    for (let i = 0; i < 50; i++) writeSync(fd, filler);
    writeSync(fd, ' <Error><Code>ServerBusy</Code><Message>The server is busy.</Message></Error> ');
    for (let i = 0; i < 50; i++) writeSync(fd, filler);
    closeSync(fd);
    const r = await runCli(['--json', '--file', file], { measureRss: true, timeoutMs: 60_000 });
    rmSync(file, { force: true });
    expectNoCrash(r);
    expect(r.code).toBe(0);
    const doc = parseJson(r);
    expect(doc.findings.some((f) => f.input.code === 'ServerBusy' && f.matches.some((m) => m.code === 'ServerBusy'))).toBe(true);
    expect(r.maxRssKb, 'peak RSS measured').not.toBeNull();
    expect(r.maxRssKb!).toBeLessThan(RSS_LIMIT_KB);
    expect(r.ms).toBeLessThan(30_000);
    // Output holds a window of the line at most, not the line itself.
    expect(r.stdout.length).toBeLessThan(256 * 1024);
  });

  // Size choice: 200 MB by default so `npm test` stays quick (about 4 s here); ERRLOOKUP_HEAVY=1
  // streams the full 1 GB the contract is about (about 20 s here) with the same assertions.
  const HEAVY = process.env.ERRLOOKUP_HEAVY === '1';
  const STREAM_MB = HEAVY ? 1024 : 200;
  it(
    `${STREAM_MB} MB streamed to stdin: exit 0, exact count, RSS < 150 MB, < 120 s`,
    async () => {
      const lines: string[] = [];
      let pairs = 0;
      let size = 0;
      while (size < 1024 * 1024 - 8 * 1024) {
        for (let i = 0; i < 60; i++) {
          const l = `2024-05-01T12:00:${String(i).padStart(2, '0')}.000Z INFO transfer job 7f3a worker ${i} copied block ${i * 4096} bytes ok`;
          lines.push(l);
          size += l.length + 1;
        }
        lines.push('HTTP/1.1 503 The server is busy.', 'x-ms-error-code: ServerBusy');
        size += 62;
        pairs++;
      }
      const block = Buffer.from(`${lines.join('\n')}\n`);
      const times = Math.round((STREAM_MB * 1024 * 1024) / block.length);
      const r = await runCli(['--json'], { stdin: repeated(block, times), measureRss: true, timeoutMs: 150_000 });
      expectNoCrash(r);
      expect(r.code).toBe(0);
      const doc = parseJson(r);
      const busy = doc.findings.filter((f) => f.input.code === 'ServerBusy');
      expect(busy.reduce((n, f) => n + f.count, 0)).toBe(pairs * times);
      expect(doc.findings.reduce((n, f) => n + f.count, 0)).toBe(pairs * times);
      expect(busy[0]!.input.status).toBe(503);
      expect(r.maxRssKb, 'peak RSS measured').not.toBeNull();
      expect(r.maxRssKb!).toBeLessThan(RSS_LIMIT_KB);
      expect(r.ms).toBeLessThan(120_000);
    },
    HEAVY ? 180_000 : 60_000,
  );

  it('1 MiB of error lines shaped to make expressions backtrack (long runs inside messages): done in seconds', async () => {
    const run = ' '.repeat(16_000);
    const shapes = [
      `{"code":"NoSuchKey","message":"a${run}b"}`,
      `  RequestId: '${run}x`,
      `NoSuchKey(Message: a${run}b`,
      `botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: A${', '.repeat(8_000)}b`,
      `x Error: ${'A$'.repeat(8_000)}Error: ok`,
      `HTTP/1.1 403 Forbidden${run}x`,
      `The specified blob does not exist.${run}RequestId:${run}x`,
      `x (Message: ${'Aa'.repeat(8_000)}y`,
      `x): ${'Aa'.repeat(8_000)}y`,
      `${'A: '.repeat(5_000)}status code: x`,
      '403 A(Message: m, RequestId: r, TraceId: t '.repeat(400).slice(0, 16_384),
    ];
    const text = Array.from({ length: 77 }, (_, i) => shapes[i % shapes.length]).join('\n');
    const r = await runCli(['--json'], { stdin: Buffer.from(text), timeoutMs: 30_000 });
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('2 MiB of lines of one long run of dashes before a labelled field, or of repeated header prefixes: done in seconds', async () => {
    const shapes = [`${'-'.repeat(16_000)}x Error Code: AccessDenied`, `${'x-cos-'.repeat(2_700)} ErrorCode`];
    const text = Array.from({ length: 128 }, (_, i) => shapes[i % 2]).join('\n');
    const r = await runCli(['--json'], { stdin: Buffer.from(text), timeoutMs: 120_000 });
    expectNoCrash(r);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('6 MB of messages that end in a long run of spaces (each one under the 2 KiB message cap): done in seconds', async () => {
    const text = Array.from({ length: 3_000 }, (_, i) => `<Error><Code>NoSuchKey</Code></Error> message="m${i}${' '.repeat(2_030)}x"`).join('\n');
    const r = await runCli(['--json'], { stdin: Buffer.from(text), timeoutMs: 60_000 });
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('1 MB of seeded random binary with NUL bytes: exit 1, one stderr line', async () => {
    const next = mulberry32(0x5eed);
    const bytes = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(next(), i);
    for (let i = 0; i < bytes.length; i += 97) bytes[i] = 0;
    const r = await runCli([], { stdin: bytes, timeoutMs: 30_000 });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(isOneErrorLine(r.stderr), JSON.stringify(r.stderr.slice(0, 300))).toBe(true);
    expectSafe(r, false);
    expect(r.ms).toBeLessThan(30_000);
  });

  it('invalid UTF-8 inside <Message>: exit 0, output is valid UTF-8', async () => {
    const body = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="utf-8"?>\n<Error><Code>ServerBusy</Code><Message>bad '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(' and '),
      Buffer.from([0xff]),
      Buffer.from(' here</Message><RequestId>r-'),
      Buffer.from([0xfe, 0x80]),
      Buffer.from('</RequestId></Error>\n'),
    ]);
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (const args of [['--json'], []]) {
      const r = await runCli(args, { stdin: body, timeoutMs: 30_000, env: { FORCE_COLOR: '0' } });
      expectNoCrash(r);
      expect(r.code).toBe(0);
      expect(() => strict.decode(r.stdoutBytes), 'stdout is valid UTF-8').not.toThrow();
      expect(() => strict.decode(r.stderrBytes), 'stderr is valid UTF-8').not.toThrow();
      expect(r.stdoutBytes.includes(0xff)).toBe(false);
      expect(r.stdoutBytes.includes(0xfe)).toBe(false);
      expectSafe(r, args.includes('--json'));
      if (args.includes('--json')) {
        const f = parseJson(r).findings.find((x) => x.input.code === 'ServerBusy');
        expect(f?.input.message).toMatch(/^bad .*here$/);
      }
    }
  });

  it('empty stdin: exit 1 (nothing found), one "errlookup: " line; --json still prints its document', async () => {
    for (const args of [[], ['--json'], ['--file', '-'], ['-']]) {
      const r = await runCli(args, { stdin: '' });
      expectNoCrash(r);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(args.includes('--json') ? `${JSON.stringify({ schemaVersion: 1, findings: [] }, null, 2)}\n` : '');
      expect(isOneErrorLine(r.stderr), JSON.stringify(r.stderr)).toBe(true);
    }
  });

  describe('--file that cannot be read', () => {
    /** Exit 2, nothing on stdout, and one stderr line that names the path. */
    async function expectUnreadable(path: string, extra: string[] = []) {
      const r = await runCli([...extra, '--file', path]);
      expectNoCrash(r);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(isOneErrorLine(r.stderr), JSON.stringify(r.stderr)).toBe(true);
      expect(r.stderr).toContain(path);
    }

    it('a directory: exit 2, one line naming the path', async () => {
      const sub = join(dir, 'a-directory');
      mkdirSync(sub, { recursive: true });
      await expectUnreadable(sub);
    });

    it('a missing file: exit 2, one line naming the path', async () => {
      await expectUnreadable(join(dir, 'no-such-file.log'), ['--json']);
    });

    // root reads a mode-000 file anyway, so the case means nothing there.
    it.skipIf(process.getuid?.() === 0)('an unreadable file (chmod 000): exit 2, one line naming the path', async () => {
      const file = join(dir, 'unreadable.log');
      writeFileSync(file, 'x-ms-error-code: ServerBusy\n');
      chmodSync(file, 0o000);
      await expectUnreadable(file);
    });
  });

  it('__proto__ / constructor / prototype as tags, codes and provider: no crash, no pollution', async () => {
    const body =
      '<?xml version="1.0"?>\n<Error><Code>ServerBusy</Code><__proto__><polluted>yes</polluted><Code>x</Code></__proto__>' +
      '<constructor><prototype><polluted>yes</polluted></prototype></constructor><prototype>p</prototype>' +
      '<Message>m</Message><hasOwnProperty>1</hasOwnProperty><toString>t</toString></Error>\n';
    const xml = await runCli(['--json'], { stdin: body });
    expectNoCrash(xml);
    expect([0, 1]).toContain(xml.code);
    parseJson(xml);

    for (const word of ['__proto__', 'constructor', 'hasOwnProperty', 'prototype', 'toString']) {
      const r = await runCli([word]);
      expectNoCrash(r);
      expect(r.code, `errlookup ${word} (stdout: ${JSON.stringify(r.stdout.slice(0, 120))})`).toBe(1);
    }
    for (const id of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const r = await runCli(['--provider', id, 'ServerBusy']);
      expectNoCrash(r);
      expect(r.code, `--provider ${id}`).toBe(2);
      expect(isOneErrorLine(r.stderr), JSON.stringify(r.stderr)).toBe(true);
    }

    // In-process, so that a polluted Object.prototype would be visible to this test.
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const out: string[] = [];
    const io = (argv: string[], stdin: string): CliEnv => ({
      argv,
      env: {},
      stdin: Readable.from([Buffer.from(stdin)]),
      stdoutIsTTY: false,
      write: (t) => void out.push(t),
      writeError: (t) => void out.push(t),
    });
    for (const argv of [['--json'], []]) expect([0, 1]).toContain(await run(io(argv, body)));
    expect([0, 1]).toContain(await run(io(['__proto__'], '')));
    expect(await run(io(['--provider', '__proto__', 'x'], ''))).toBe(2);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('terminal escapes in <Message>, <RequestId>, <Resource> are shown escaped, never raw', async () => {
    const nasty = 'a\u001b[31mred\u001b]0;title\u0007 bel\u0007 cr\r bs\u0008 c1\u009b rlo\u202e lri\u2066 lrm\u200e end';
    const body =
      '<?xml version="1.0" encoding="utf-8"?>\n<Error><Code>AuthenticationFailed</Code>' +
      `<Message>${nasty}</Message><RequestId>req-\u001b[2J\u202e-1</RequestId><Resource>/c/\u001b]0;pwn\u0007\u009b/b</Resource>` +
      `<AuthenticationErrorDetail>${nasty}</AuthenticationErrorDetail></Error>\n`;
    const human = await runCli([], { stdin: body, env: { FORCE_COLOR: '0' } });
    expectNoCrash(human);
    expect(human.code).toBe(0);
    expectSafe(human, false);
    expect(human.stdout).toContain('\\u001b');
    expect(human.stdout).toContain('\\u009b');
    expect(human.stdout).toContain('\\u202e');

    const json = await runCli(['--json'], { stdin: body });
    expectNoCrash(json);
    expect(json.code).toBe(0);
    // The raw JSON text: only the newlines of its layout, no C0/C1/bidi characters.
    expectSafe(json, true);
    expect(json.stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    parseJson(json);
  });

  it('unknown option: one escaped stderr line (extra: not in the brief list)', async () => {
    const r = await runCli(['--jsn\u001b[31m\u202e']);
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expectSafe(r, false);
    const r2 = await runCli(['--jsn']);
    expect(r2.code).toBe(2);
    expect(isOneErrorLine(r2.stderr), JSON.stringify(r2.stderr)).toBe(true);
  });

  it('`errlookup list | head -1` in a shell: no EPIPE, no stack trace', async () => {
    for (const sub of ['list', 'list --json']) {
      const script = `"${process.execPath}" "${BIN}" ${sub} | head -1`;
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/EPIPE|\n\s+at |Error:/);
      expect(r.stderr).toBe('');
    }
  });
});
