import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(ROOT, 'bin', 'errlookup.cjs');
export const TIME_BIN = '/usr/bin/time';

export interface RunOptions {
  /** Bytes for stdin; a Readable is piped with backpressure (for inputs too big to hold). Omitted: stdin is closed empty. */
  stdin?: string | Buffer | Readable;
  /** Added to the environment (NO_COLOR and FORCE_COLOR are removed first unless given here). */
  env?: Record<string, string>;
  /** The child is killed after this long; `timedOut` is then true. Default 60 s. */
  timeoutMs?: number;
  /** Measure the child's peak RSS (KiB) with GNU time, or a node wrapper when time is missing. */
  measureRss?: boolean;
  /** The directory to run in (default: the repository). */
  cwd?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
  stderrBytes: Buffer;
  ms: number;
  timedOut: boolean;
  /** Peak resident set size in KiB, when `measureRss` was set. */
  maxRssKb: number | null;
}

function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return { ...env, ...extra };
}

/** Runs the real CLI (bin/errlookup.cjs) in a child process. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let command = process.execPath;
  let argv = [BIN, ...args];
  let rssDir: string | null = null;
  let rssFile: string | null = null;
  if (opts.measureRss) {
    rssDir = mkdtempSync(join(tmpdir(), 'errlookup-rss-'));
    rssFile = join(rssDir, 'rss');
    if (existsSync(TIME_BIN)) {
      command = TIME_BIN;
      argv = ['-f', '%M', '-o', rssFile, process.execPath, BIN, ...args];
    } else {
      const cli = new URL('../../dist/cli.cjs', import.meta.url).href;
      const script =
        `import { writeFileSync } from 'node:fs';` +
        `process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));` +
        `process.argv.splice(1, 0, 'errlookup');` +
        `const { main } = await import(${JSON.stringify(cli)}); await main();`;
      argv = ['--input-type=module', '-e', script, '--', ...args];
    }
  }

  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { cwd: opts.cwd ?? ROOT, env: childEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);

    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // The CLI may exit before reading all of stdin: that is its right, not a test failure.
    child.stdin.on('error', () => {});

    const input = opts.stdin;
    if (input instanceof Readable) {
      input.on('error', () => {});
      input.pipe(child.stdin);
      child.on('exit', () => input.destroy());
    } else if (input !== undefined) {
      child.stdin.end(input);
    } else {
      child.stdin.end();
    }

    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      let maxRssKb: number | null = null;
      if (rssFile && rssDir) {
        try {
          const text = readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '';
          const n = Number.parseInt(text, 10);
          // GNU time %M is KiB; resourceUsage().maxRSS is KiB too.
          maxRssKb = Number.isFinite(n) ? n : null;
        } catch {
          maxRssKb = null;
        }
        rmSync(rssDir, { recursive: true, force: true });
      }
      const stdoutBytes = Buffer.concat(out);
      const stderrBytes = Buffer.concat(err);
      resolvePromise({
        code,
        signal,
        stdout: stdoutBytes.toString('utf8'),
        stderr: stderrBytes.toString('utf8'),
        stdoutBytes,
        stderrBytes,
        ms,
        timedOut,
        maxRssKb,
      });
    });
  });
}

/**
 * Characters the contract forbids in any output: C0 controls except LF and TAB, DEL, C1 controls,
 * and the bidi controls. `allow` lists characters permitted in this context (default LF and TAB).
 */
export function unsafeCharacters(text: string, allow = '\n\t'): string[] {
  const found: string[] = [];
  for (const ch of text) {
    if (allow.includes(ch)) continue;
    const c = ch.codePointAt(0)!;
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f) {
      found.push(`U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
    }
  }
  return [...new Set(found)];
}

/** The contract for exit 2: exactly one line on stderr, starting "errlookup: ", and no stack trace. */
export function isOneErrorLine(stderr: string): boolean {
  return /^errlookup: [^\n]*\n?$/.test(stderr) && !/\n\s+at /.test(stderr);
}
