/**
 * The short cuts that keep start-up fast must give the answers the full paths give:
 *  - the command line's fast path, read with the table derived from commander's definition, reads a
 *    command line as commander does, or declines it; the bundle holds the table the program has now;
 *  - a bare word or status is answered by lookup exactly as the diagnoser would answer it;
 *  - the packed data the build writes holds exactly what data/ holds;
 *  - hints derived from patterns drop no line a pattern would read;
 *  - the fuzzy pre-filter's distance bound never exceeds the real edit distance;
 *  - V8 takes the code caches the build wrote, and a cache it refuses changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeCommandLine, readCommonCommandLine } from '../src/argv.js';
import { catalogOf } from '../src/catalog.js';
import { buildAutomata } from '../src/input/automata.js';
import { readAutomata, writeAutomata } from '../src/literals.js';
import { bufferSource, bundledCatalogs, fileSource, openCatalogs, packCatalogs } from '../src/pack.js';
import { readData } from '../src/data/read.js';
import { diagnose, lookup } from '../src/index.js';
import { makeClueFinder } from '../src/input/clues.js';
import { makeRunners, readLine } from '../src/input/formats.js';
import { distanceAtLeast, editDistance, similarity } from '../src/fuzzy.js';
import type { CliEnv, MainOptions } from '../src/options.js';
import { buildProgram } from '../src/program.js';
import { normalizeCode, normalizeMessage } from '../src/text.js';
import { bundledVocabulary, compileVocabulary, vocabularySource } from '../src/vocabulary.js';
import { ROOT } from './helpers/spawn.js';

/** What commander makes of a command line: the main command's query and options, or that it did something else. */
async function commanderReads(argv: string[]): Promise<{ query: string[]; opts: MainOptions } | 'other'> {
  const io: CliEnv = { argv, env: {}, stdin: process.stdin, stdoutIsTTY: false, write: () => {}, writeError: () => {} };
  let seen: { query: string[]; opts: MainOptions } | 'other' = 'other';
  const program = buildProgram(io, { main: async (query, opts) => void (seen = { query, opts: { ...opts } }), listing: async () => 0, setExit: () => {} }, '0.0.0');
  for (const cmd of program.commands) cmd.action(() => void (seen = 'other'));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch {
    return 'other';
  }
  return seen;
}

const quietIo: CliEnv = { argv: [], env: {}, stdin: process.stdin, stdoutIsTTY: false, write: () => {}, writeError: () => {} };
const table = describeCommandLine(buildProgram(quietIo, { main: async () => {}, listing: async () => 0, setExit: () => {} }, '0.0.0'));
const parseQuick = (argv: string[]) => readCommonCommandLine(table, argv);

describe('the command line, read with the table derived from commander, as commander reads it', () => {
  it('is the table the CLI bundle holds: the build wrote what the program defines now', () => {
    const bundle = readFileSync(join(ROOT, 'dist/errlookup.cjs'), 'utf8');
    for (const o of table.options) expect(bundle, o.long).toContain(JSON.stringify(o.long));
    expect(bundle).toContain(JSON.stringify(table.subcommands));
  });

  it.each([
    [['ServerBusy']],
    [['The', 'specified', 'key', 'does', 'not', 'exist.']],
    [['--json', 'NoSuchKey']],
    [['NoSuchKey', '--json']],
    [['--format', 'short', '503']],
    [['--format=github', '503']],
    [['-p', 'azure-blob', 'AccessDenied']],
    [['--provider=tencent-cos', 'AccessDenied', '--no-color']],
    [['--retryable']],
    [['--retryable', '--json', '--file', 'x.log']],
    [['-f', 'x.log']],
    [['--file=x.log', '--provider', 'aws-s3', '--provider', 'azure-blob']],
    [[]],
  ])('%j: same answer', async (argv) => {
    const quick = parseQuick(argv);
    expect(quick).not.toBeNull();
    expect(quick).toEqual(await commanderReads(argv));
  });

  it.each([
    [['list']],
    [['--json', 'list']],
    [['search', 'quota']],
    [['providers']],
    [['completion', 'bash']],
    [['help']],
    [['--help']],
    [['-h']],
    [['--version']],
    [['--', '-x']],
    [['-jp', 'x']],
    [['--format', 'yaml', 'x']],
    [['--format=']],
    [['--file']],
    [['--file', '-']],
    [['--bogus', 'x']],
    [['-1']],
    [['--provider', '--json']],
  ])('%j: declined', (argv) => {
    expect(parseQuick(argv)).toBeNull();
  });

  it('declines exactly the subcommands commander has', () => {
    const program = buildProgram(quietIo, { main: async () => {}, listing: async () => 0, setExit: () => {} }, '0.0.0');
    for (const name of [...program.commands.map((c) => c.name()), 'help']) expect(parseQuick([name]), name).toBeNull();
  });

  it('reads any line of the options it knows, and words, as commander does, or leaves it to commander', async () => {
    const token = fc.oneof(
      fc.constantFrom(...table.options.flatMap((o) => [o.long, ...(o.short ? [o.short] : [])]), '-', '--', '-x', '--bogus'),
      fc.constantFrom('ServerBusy', 'json', 'short', 'aws-s3', 's3', 'x.log', '503', 'list', ''),
      fc.constantFrom(...table.options.filter((o) => o.takesValue).map((o) => `${o.long}=${o.choices?.[0] ?? 'v'}`)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 5 }), async (argv) => {
        const quick = parseQuick(argv);
        if (quick) expect(quick, JSON.stringify(argv)).toEqual(await commanderReads(argv));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a bare word or status gets the answer the diagnoser gives', () => {
  const set = bundledCatalogs();
  const words = [
    ...new Set([
      ...[...set.refs()].flatMap((r) => [r.entry.code, ...(r.entry.aliases ?? [])]),
      ...[...set.refs()].flatMap((r) => r.entry.statuses.map(String)),
      'SlowDwon',
      'nosuchkey',
      'ServerBsy',
      'AccessDeniedException',
      'StorageErrorCode.SERVER_BUSY',
      'xyzzy',
      '299',
    ]),
  ].filter((w) => /^(?:[A-Za-z][\w.-]{0,63}|[1-5]\d\d)$/.test(w));

  it(`for all ${words.length} codes, aliases and statuses, and some typos`, async () => {
    for (const word of words) {
      // A Buffer goes the diagnoser's way (as stdin does); a string may take the short cut.
      expect(await diagnose(word), word).toEqual(await diagnose(Buffer.from(word)));
    }
  }, 60_000);
});

describe('the packed data (dist/catalogs.json, dist/vocabulary.json)', () => {
  const data = readData();
  it.each(['in memory', 'read from the file a range at a time'])('hold exactly the checked catalogs of data/, and the same keys, %s', (how) => {
    const file = readFileSync(`${ROOT}/dist/catalogs.json`);
    const catalogs = data.providers.map((p, _, all) => catalogOf(p, all));
    // The build wrote what the writer makes of data/ now: a stale or hand-edited pack fails here.
    expect(file.toString()).toEqual(packCatalogs(catalogs));
    const packed = openCatalogs(how === 'in memory' ? bufferSource(file) : fileSource(`${ROOT}/dist/catalogs.json`));
    const entries = catalogs.flatMap((c) => c.entries);
    // Every key of every index finds the same entries as a plain scan of data/ does (the first entries
    // read one by one, the rest from the whole entries part).
    const keysOf = {
      code: (e: (typeof entries)[number]) => [normalizeCode(e.code)],
      alias: (e: (typeof entries)[number]) => (e.aliases ?? []).map(normalizeCode),
      status: (e: (typeof entries)[number]) => e.statuses.map(String),
      message: (e: (typeof entries)[number]) => [e.message, ...(e.otherMessages ?? [])].filter((m): m is string => !!m).map(normalizeMessage),
    };
    for (const name of ['code', 'alias', 'status', 'message'] as const) {
      const keys = new Set(entries.flatMap(keysOf[name]));
      for (const key of keys) expect(packed.lookup(name, key).map((r) => r.entry), `${name} ${key}`).toEqual(entries.filter((e) => keysOf[name](e).includes(key)));
    }
    expect(JSON.parse(JSON.stringify(packed.catalogs))).toEqual(JSON.parse(JSON.stringify(catalogs)));
    expect(packed.lookup('alias', 'nosuchkeyexception').map((r) => r.entry.code)).toEqual(['NoSuchKey']);
    expect(packed.lookup('code', 'nosuchkeyexc')).toEqual([]);
  });
  it('hold the vocabulary of data/, with the hints derived now', () => {
    expect(JSON.parse(readFileSync(`${ROOT}/dist/vocabulary.json`, 'utf8'))).toEqual(JSON.parse(JSON.stringify(vocabularySource(data))));
  });
  it('hold the hint tables\' automata (dist/automata.bin) as a run from data/ builds them, and a run takes them as they are', () => {
    const built = buildAutomata(compileVocabulary(vocabularySource(data)));
    const file = readFileSync(`${ROOT}/dist/automata.bin`);
    expect(file.equals(writeAutomata(built))).toBe(true);
    const read = readAutomata(file);
    expect(read.map((a) => ({ ...a, next: [...a.next] }))).toEqual(built.map((a) => ({ ...a, next: [...a.next] })));
    // A table given the packed automaton of its own literals takes it, and finds what a table built from scratch finds.
    const packed = makeRunners(compileVocabulary(vocabularySource(data), read));
    const fresh = makeRunners(compileVocabulary(vocabularySource(data)));
    for (const line of ['HTTP/1.1 403 Forbidden', '<Code>NoSuchKey</Code>', 'x-ms-error-code: ServerBusy', 'googleapi: Error 404: No such object']) {
      packed.hints.start(line);
      fresh.hints.start(line);
      expect(packed.list.map((r) => packed.hints.holds(r.hints)), line).toEqual(fresh.list.map((r) => fresh.hints.holds(r.hints)));
    }
  });
});

describe('hints derived from patterns', () => {
  const vocabulary = bundledVocabulary();
  // The same vocabulary with no hint at all: every pattern tried on every line.
  const source = vocabularySource(readData());
  const unhinted = compileVocabulary({ ...source, formats: source.formats.map((f) => ({ ...f, hints: [] })) });
  const clues = makeClueFinder(vocabulary);
  const allClues = makeClueFinder({ ...vocabulary, lineClues: vocabulary.lineClues.map((c) => ({ ...c, hints: [] })) });
  const runners = makeRunners(vocabulary);
  const every = makeRunners(unhinted);
  const everyRunner = { ...every, list: every.list.map((r) => ({ ...r, hints: [] })), fallbacks: every.fallbacks.map((r) => ({ ...r, hints: [] })) };
  const fixtureLines = readdirSync(join(ROOT, 'test/fixtures'), { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .flatMap((f) => readFileSync(join(f.parentPath, f.name), 'utf8').split('\n'));
  const words = [...new Set([...vocabulary.lineClues.flatMap((c) => c.hints.flat()), ...vocabulary.formats.flatMap((f) => f.hints.flat())])];
  const line = fc
    .array(fc.oneof(fc.constantFrom(...words).chain((w) => fc.constantFrom(w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1))), fc.constantFrom(' ', '.', ': ', '=', '"', "'", '<', '>', '(', ')', '403', 'AccessDenied', 'x'), fc.string({ maxLength: 3 })), { maxLength: 8 })
    .map((parts) => parts.join(''));
  const read = (rs: typeof runners, l: string) => JSON.stringify(readLine(rs, l, undefined));
  const found = (finder: typeof clues, l: string) => finder.inText(l).map((e) => e.reason).join();

  it(`drop no statement and no clue on the ${fixtureLines.length} lines of the fixtures`, () => {
    expect(fixtureLines.filter((l) => read(runners, l) !== read(everyRunner, l))).toEqual([]);
    expect(fixtureLines.filter((l) => found(clues, l) !== found(allClues, l))).toEqual([]);
  });
  it('drop none on text made of the words the patterns look for, in any case', () => {
    fc.assert(fc.property(line, (l) => read(runners, l) === read(everyRunner, l) && found(clues, l) === found(allClues, l)), { numRuns: 3000 });
  });
});

describe('the fuzzy pre-filter', () => {
  it('bounds the edit distance from below, so it never drops a name scoring could keep', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => distanceAtLeast(a, b) <= editDistance(a, b)),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', 'ß') }), fc.string({ unit: fc.constantFrom('a', 'b', 'c') }), (a, b) => distanceAtLeast(a, b) <= editDistance(a, b)));
  });
});

describe('normalizeMessage', () => {
  /** The expressions it was written with, before string searches took their place. */
  const asWritten = (m: string) => m.replace(/\s*RequestId:[\s\S]*$/i, '').replace(/\s+/g, ' ').trim().replace(/[.\s]+$/, '').toLowerCase();
  it('gives what its expressions gave, for any text', () => {
    const part = fc.oneof(fc.string(), fc.constantFrom('RequestId:', 'requestid:', 'REQUESTID: x', 'İ', 'K', ' . ', '.\n', '\t', '\u00a0', '\ufeff', 'Request Id:'));
    fc.assert(fc.property(fc.array(part, { maxLength: 6 }), (parts) => normalizeMessage(parts.join('')) === asWritten(parts.join(''))), { numRuns: 3000 });
  });
});

describe("the CLI bundle's own file URL (its first line)", () => {
  const banner = readFileSync(join(ROOT, 'dist/errlookup.cjs'), 'utf8').split('\n')[0]!;
  const urlOf = new Function('__filename', 'require', `${banner}; return __errlookupUrl;`) as (file: string, req: NodeRequire) => string;
  it('is what pathToFileURL gives, for any absolute path', () => {
    const segment = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '.', '-', '+', '@', ' ', '%', '#', '?', 'é', '\\', ':'), minLength: 1, maxLength: 6 }).filter((x) => x !== '.' && x !== '..');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (parts) => {
        const file = `/${parts.join('/')}`;
        return urlOf(file, createRequire(import.meta.url)) === pathToFileURL(file).href;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the fuzzy search', () => {
  const codes = [...bundledCatalogs().refs()].filter((r) => !r.catalog.generic && r.entry.code.length >= 6).map((r) => r.entry.code);
  it('matches a code at least as well as the code a one-edit typo came from', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...codes), fc.nat(), fc.constantFrom('a', 'e', 'x', 'z', 'Q'), fc.constantFrom('delete', 'insert', 'replace', 'swap'), async (code, at, ch, edit) => {
        const i = at % code.length;
        const typo =
          edit === 'delete' ? code.slice(0, i) + code.slice(i + 1)
          : edit === 'insert' ? code.slice(0, i) + ch + code.slice(i)
          : edit === 'replace' ? code.slice(0, i) + ch + code.slice(i + 1)
          : code.slice(0, i) + code.slice(i + 1, i + 2) + code[i] + code.slice(i + 2);
        const own = similarity(normalizeCode(typo), normalizeCode(code));
        if (own < 0.75) return;
        const best = (await lookup(typo)).findings[0]!.matches[0];
        expect(best?.score ?? 0, `${typo} (from ${code})`).toBeGreaterThanOrEqual(Math.round(own * 1000) / 1000);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the code caches (src/boot.cts)', () => {
  /** In a fresh node: the CLI in `dist` run on each argv; what it printed, and what became of each bundle's cache. */
  function inFreshNode(dist: string, argvs: string[][]): { out: string[]; compiled: { file: string; cacheRejected?: boolean }[] } {
    const script = `
      const cli = require(${JSON.stringify(`${dist}/cli.cjs`)});
      (async () => {
        const out = [];
        for (const argv of ${JSON.stringify(argvs)}) {
          let text = '';
          const stdin = { isTTY: true, async *[Symbol.asyncIterator]() {} };
          await cli.run({ argv, env: {}, stdin, stdoutIsTTY: false, write: (t) => (text += t), writeError: (t) => (text += t) });
          out.push(text);
        }
        const compiled = cli[Symbol.for('errlookup.compiled')].map(({ file, cacheRejected }) => ({ file: file.slice(${dist.length + 1}), cacheRejected }));
        process.stdout.write(JSON.stringify({ out, compiled }));
      })();`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as ReturnType<typeof inFreshNode>;
  }
  const argvs = [['ServerBusy'], ['SlowDwon'], ['<Error><Code>SlowDown</Code></Error>'], ['--help']];

  it('are taken by V8 for the CLI bundle and each bundle it loads, each loaded only when needed', () => {
    const { compiled } = inFreshNode(`${ROOT}/dist`, argvs);
    // In load order: a lookup loads no report reader, and only a fuzzy one loads fuse.js.
    expect(compiled).toEqual([
      { file: 'errlookup.cjs', cacheRejected: false },
      { file: 'vendor/fuse.cjs', cacheRejected: false },
      { file: 'diagnose.cjs', cacheRejected: false },
      { file: 'vendor/commander.cjs', cacheRejected: false },
    ]);
  });

  it('load bundles that require each other as Node would: a cycle gets the exports so far', () => {
    const dir = mkdtempSync(join(tmpdir(), 'errlookup-cycle-'));
    try {
      cpSync(`${ROOT}/dist/cli.cjs`, `${dir}/cli.cjs`);
      writeFileSync(`${dir}/errlookup.cjs`, "exports.early = 1;\nconst d = require('./diagnose.cjs');\nexports.fromDiagnose = d.seen;\n");
      writeFileSync(`${dir}/diagnose.cjs`, "exports.seen = require('./errlookup.cjs').early;\n");
      const script = `const cli = require(${JSON.stringify(`${dir}/cli.cjs`)}); process.stdout.write(JSON.stringify({ ...cli }));`;
      expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))).toEqual({ early: 1, fromDiagnose: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('change no answer when V8 refuses one or it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'errlookup-cache-'));
    try {
      cpSync(`${ROOT}/dist`, dir, { recursive: true });
      writeFileSync(`${dir}/errlookup.cjs.cache`, Buffer.alloc(4096, 7));
      rmSync(`${dir}/vendor/fuse.cjs.cache`);
      const spoiled = inFreshNode(dir, argvs);
      expect(spoiled.compiled.slice(0, 2)).toEqual([
        { file: 'errlookup.cjs', cacheRejected: true },
        { file: 'vendor/fuse.cjs', cacheRejected: undefined },
      ]);
      expect(spoiled.out).toEqual(inFreshNode(`${ROOT}/dist`, argvs).out);
      expect(spoiled.out[0]).toContain('ServerBusy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
