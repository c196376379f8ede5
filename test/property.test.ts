/**
 * Property tests: the CLI's `run(io)` from dist/cli.cjs, driven in-process (a child process per
 * case would be far too slow for 10,000 runs). `npm test` uses FUZZ_RUNS=200 by default;
 * `npm run fuzz` sets FUZZ_RUNS=10000. The --file position uses a quarter of the runs.
 *
 * For every input, in every position (argv query, stdin, --file):
 *  - run() resolves (never rejects) with 0, 1 or 2; exit 2 means exactly one "errlookup: " line on stderr;
 *  - with --json and exit 0/1, stdout is exactly one JSON document of the documented shape;
 *  - no raw C0 (except LF/TAB in human output, LF in JSON layout), DEL, C1 or bidi control
 *    characters reach stdout or stderr, in human mode with colour off and in --json mode.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { run, type CliEnv } from '../dist/cli.cjs';
import { isOneErrorLine, unsafeCharacters } from './helpers/spawn.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? '') > 0 ? Number(process.env.FUZZ_RUNS) : 200;
const FILE_RUNS = Math.max(10, Math.floor(RUNS / 4));
/** One run() that has not settled after this long is reported as a hang. */
const RUN_TIMEOUT_MS = 10_000;
/** Properties may take long under `npm run fuzz`; the per-test budget grows with the run count. */
const TEST_TIMEOUT_MS = Math.max(60_000, RUNS * 200);

const SUBCOMMANDS = new Set(['list', 'providers', 'search', 'completion', 'help']);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let fileSeq = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'errlookup-prop-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function runInProcess(argv: string[], stdin: Buffer = Buffer.alloc(0)): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliEnv = {
    argv,
    env: {},
    stdin: Readable.from([stdin]),
    stdoutIsTTY: false,
    write: (t) => void out.push(t),
    writeError: (t) => void err.push(t),
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      run(io),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`run() did not settle within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
      }),
    ]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } catch (e) {
    throw new Error(`run() rejected or hung for argv ${JSON.stringify(argv)}: ${(e as Error)?.stack ?? String(e)}`);
  } finally {
    clearTimeout(timer);
  }
}

function fail(what: string, o: Outcome): never {
  throw new Error(`${what}\n  exit ${o.code}\n  stdout ${JSON.stringify(o.stdout.slice(0, 400))}\n  stderr ${JSON.stringify(o.stderr.slice(0, 400))}`);
}

const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

/** The --json document's shape, as the contract states it. Returns a reason, or null when it holds. */
function jsonShapeProblem(text: string): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `stdout is not exactly one JSON document: ${(e as Error).message}`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'document is not an object';
  const d = doc as { schemaVersion?: unknown; findings?: unknown };
  if (d.schemaVersion !== 1) return `schemaVersion is ${JSON.stringify(d.schemaVersion)}`;
  if (!Array.isArray(d.findings)) return 'findings is not an array';
  for (const [i, f] of (d.findings as Record<string, unknown>[]).entries()) {
    const input = f.input as Record<string, unknown> | undefined;
    if (!input || typeof input !== 'object') return `findings[${i}].input missing`;
    if (typeof input.kind !== 'string') return `findings[${i}].input.kind not a string`;
    for (const k of ['code', 'message', 'requestId', 'provider']) if (!isStrOrNull(input[k])) return `findings[${i}].input.${k} not string|null`;
    if (!(input.status === null || typeof input.status === 'number')) return `findings[${i}].input.status not number|null`;
    if (!(Number.isInteger(f.count) && (f.count as number) >= 1)) return `findings[${i}].count is ${JSON.stringify(f.count)}`;
    if (!(f.line === null || typeof f.line === 'number')) return `findings[${i}].line is ${JSON.stringify(f.line)}`;
    if (!Array.isArray(f.matches)) return `findings[${i}].matches not an array`;
    for (const [j, m] of (f.matches as Record<string, unknown>[]).entries()) {
      const at = `findings[${i}].matches[${j}]`;
      if (typeof m.provider !== 'string') return `${at}.provider`;
      if (typeof m.code !== 'string') return `${at}.code`;
      if (!Array.isArray(m.statuses) || !m.statuses.every((s) => typeof s === 'number')) return `${at}.statuses`;
      if (typeof m.retryable !== 'boolean') return `${at}.retryable`;
      if (typeof m.retry !== 'string') return `${at}.retry`;
      if (typeof m.match !== 'string') return `${at}.match`;
      if (typeof m.score !== 'number' || !Number.isFinite(m.score)) return `${at}.score`;
    }
  }
  return null;
}

/** All three properties for one outcome. `jsonExpected`: --json was given and the argv cannot have picked a subcommand or help. */
function check(o: Outcome, json: boolean, jsonExpected: boolean): void {
  if (![0, 1, 2].includes(o.code)) fail(`exit status ${o.code} (3 means an internal bug)`, o);
  if (/internal error|\n\s+at /.test(o.stderr)) fail('internal error or stack trace on stderr', o);
  if (o.code === 2 && !isOneErrorLine(o.stderr)) fail('exit 2 without exactly one "errlookup: " line on stderr', o);
  const badOut = unsafeCharacters(o.stdout, json ? '\n' : '\n\t');
  if (badOut.length) fail(`raw control characters on stdout (${json ? 'json' : 'human'}): ${badOut.join(' ')}`, o);
  const badErr = unsafeCharacters(o.stderr);
  if (badErr.length) fail(`raw control characters on stderr (${json ? 'json' : 'human'}): ${badErr.join(' ')}`, o);
  if (json && jsonExpected && o.code !== 2) {
    const problem = jsonShapeProblem(o.stdout);
    if (problem) fail(`--json: ${problem}`, o);
  }
}

// ---------------------------------------------------------------- arbitraries

const FRAGMENTS = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<Error><Code>',
  '</Code>',
  '<Message>',
  '</Message>',
  '<RequestId>',
  '</RequestId>',
  '<Resource>',
  '</Resource>',
  '</Error>',
  '<![CDATA[',
  ']]>',
  'HTTP/1.1 503',
  'HTTP/1.1 503 Service Unavailable',
  'HTTP/1.1 403 Forbidden',
  'x-ms-error-code: ',
  'x-ms-request-id: ',
  'x-amz-request-id: ',
  'x-cos-request-id: ',
  'An error occurred (',
  ') when calling the GetObject operation: ',
  'Status Code: ',
  'Error Code: ',
  '{"error":{"code":"',
  '","message":"',
  '"}}',
  '\u001b',
  '\u001b[31m',
  '\u001b]0;t\u0007',
  '\u0007',
  '\u0008',
  '\u0000',
  '\u009b',
  '\u0085',
  '\u202e',
  '\u2066',
  '\u200f',
  '\u2028',
  '\r\n',
  '\n',
  '\r',
  '\t',
  ' ',
  '&lt;Error&gt;',
  '&lt;Code&gt;',
  '&lt;/Error&gt;',
  '\\u003cError\\u003e',
  '\\u003c/Error\\u003e',
  '&#27;',
  '&#x9b;',
  '&#x202e;',
  'ServerBusy',
  'NoSuchKey',
  'AccessDenied',
  'SlowDown',
  'RequestTimeTooSkewed',
  'AuthenticationFailed',
  '503',
  '404',
  '__proto__',
  'constructor',
];

const binaryString = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary-ascii', maxLength: 200 }));
const graphemeString = fc.string({ unit: 'grapheme', maxLength: 120 });
const byteArray = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a));
const mixture = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 12 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }), {
    maxLength: 40,
  })
  .map((parts) => parts.join(''));

type Source = { name: string; arb: fc.Arbitrary<Buffer> };
const SOURCES: Source[] = [
  { name: "fc.string unit 'binary'", arb: binaryString.map((s) => Buffer.from(s, 'utf8')) },
  { name: "fc.string unit 'grapheme'", arb: graphemeString.map((s) => Buffer.from(s, 'utf8')) },
  { name: 'byte arrays', arb: byteArray },
  { name: 'spliced fragments of real error formats', arb: mixture.map((s) => Buffer.from(s, 'utf8')) },
];

/** For argv the input is text: bytes are read as latin1 so every byte (controls included) survives. */
const asArg = (b: Buffer, name: string): string => (name === 'byte arrays' ? b.toString('latin1') : b.toString('utf8'));

// ---------------------------------------------------------------- properties

/** One property per input source, in one input position. */
function eachSource(position: string, numRuns: number, property: (input: Buffer, name: string) => Promise<void>) {
  describe(position, () => {
    for (const { name, arb } of SOURCES) {
      it(name, async () => fc.assert(fc.asyncProperty(arb, (input) => property(input, name)), { numRuns }), TEST_TIMEOUT_MS);
    }
  });
}

describe('run(io) properties', () => {
  eachSource('input on stdin', RUNS, async (input) => {
    check(await runInProcess([], input), false, true);
    check(await runInProcess(['--json'], input), true, true);
  });

  eachSource('input as the argv query', RUNS, async (bytes, name) => {
    const q = asArg(bytes, name);
    // As typed: option-like queries are allowed to be usage errors, but must still be safe.
    check(await runInProcess([q]), false, true);
    if (q.startsWith('-')) check(await runInProcess(['--json', q]), true, false);
    // After "--" the query is always a query, so --json must print the document.
    check(await runInProcess(['--json', '--', q]), true, !SUBCOMMANDS.has(q));
  });

  eachSource('input in a --file', FILE_RUNS, async (input) => {
    const file = join(dir, `case-${fileSeq++}.log`);
    writeFileSync(file, input);
    try {
      check(await runInProcess(['--file', file]), false, true);
      check(await runInProcess(['--json', '--file', file]), true, true);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
