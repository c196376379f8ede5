import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { ErrlookupError, EXIT, InputError, UsageError } from './errors.js';
import { diagnose, getCatalogs } from './index.js';
import { readCommonCommandLine, type CommandLineTable } from './argv.js';
import { chooseFormat, EXAMPLES, type CliEnv, type Format, type MainOptions, type OutputOptions } from './options.js';
import { renderGithub } from './render/github.js';
import { chalkStyles, PLAIN, renderHuman, type Styles } from './render/human.js';
import { renderJson } from './render/json.js';
import { renderShort } from './render/short.js';
import type { Finding, Report } from './types.js';
import { escapeForTerminal } from './render/escape.js';

export type { CliEnv } from './options.js';

/**
 * Chunk size for files, the same as stdin's. Each chunk becomes one latin1 string; at 64 KiB these
 * die young in V8's new space, and peak RSS on a 500 MiB log is about 95 MiB. 1 MiB chunks ran
 * about 15% faster but peaked at 130-147 MiB, too near the 150 MiB bound.
 */
const CHUNK_BYTES = 64 * 1024;

const ISSUES_URL = 'https://github.com/errlookup/errlookup/issues';

/** chalk 5 ignores NO_COLOR, so the rules are applied here: --no-color, then NO_COLOR, then FORCE_COLOR, then the terminal. */
export function colorLevel(io: Pick<CliEnv, 'env' | 'stdoutIsTTY'>, flag: boolean | undefined): 0 | 1 | 2 | 3 {
  if (flag === false) return 0;
  const { NO_COLOR, FORCE_COLOR } = io.env;
  if (NO_COLOR !== undefined && NO_COLOR !== '') return 0;
  if (FORCE_COLOR !== undefined) {
    if (FORCE_COLOR === '0' || FORCE_COLOR === 'false') return 0;
    const level = Number(FORCE_COLOR);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  }
  return io.stdoutIsTTY ? 1 : 0;
}

function hasMatch(report: Report): boolean {
  return report.findings.some((f) => f.matches.length > 0);
}

/**
 * --retryable: every error found was matched, and a plain retry can help each. A finding whose
 * matches disagree (a bare status such as 500 fits several codes) counts as retryable only if
 * the SDKs retry that status as such: the generic HTTP entry says so.
 */
export function isRetryable(report: Report): boolean {
  if (report.findings.length === 0) return false;
  return report.findings.every((f) => {
    if (f.matches.length === 0) return false;
    if (f.matches.every((m) => m.retryable)) return true;
    if (f.input.code !== null || f.input.status === null) return false;
    return getCatalogs().generic?.entries.find((e) => e.statuses.includes(f.input.status!))?.retryable === true;
  });
}

/** chalk's styles at the colour level, loading chalk only when there is colour to show. */
async function stylesFor(io: CliEnv, opts: OutputOptions): Promise<Styles> {
  const level = colorLevel(io, opts.color);
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  return chalkStyles(new Chalk({ level }));
}

function render(io: CliEnv, report: Report, opts: OutputOptions, styles: Styles): number {
  const format = chooseFormat(opts);
  const matched = hasMatch(report);
  if (opts.retryable) {
    if (format !== 'human') emit(io, report, format, styles, matched);
    return isRetryable(report) ? EXIT.match : EXIT.noMatch;
  }
  emit(io, report, format, styles, matched);
  return matched ? EXIT.match : EXIT.noMatch;
}

function emit(io: CliEnv, report: Report, format: Format, styles: Styles, matched: boolean): void {
  switch (format) {
    case 'json':
      io.write(renderJson(report));
      return;
    case 'short':
      io.write(renderShort(report));
      for (const f of report.findings) if (f.matches.length === 0) io.writeError(noMatchLine(f));
      if (report.findings.length === 0) io.writeError('errlookup: no storage error found in the input\n');
      return;
    case 'github':
      io.write(renderGithub(report));
      return;
    case 'human': {
      if (report.findings.length === 0) {
        io.writeError('errlookup: no storage error found in the input\n');
        return;
      }
      const text = renderHuman(report, { styles, width: io.stdoutIsTTY && io.columns ? Math.min(io.columns, 110) : undefined });
      if (matched) io.write(text);
      else io.writeError(text);
      return;
    }
    default:
      format satisfies never;
  }
}

function noMatchLine(f: Finding): string {
  const asked = escapeForTerminal(f.input.code ?? f.input.message ?? (f.input.status ? `HTTP ${f.input.status}` : 'the input'));
  return `errlookup: no match for "${asked}"${f.suggestions.length ? ` (did you mean: ${f.suggestions.map(escapeForTerminal).join(', ')}?)` : ''}\n`;
}

/** The input as a stream of chunks, from a file or stdin; missing files and directories are input errors. */
function openInput(io: CliEnv, file: string | undefined): AsyncIterable<Buffer | string> {
  if (file === undefined || file === '-') return io.stdin;
  let isDirectory = false;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch (e) {
    throw describeFsError(e, file);
  }
  if (isDirectory) throw new InputError(`cannot read "${escapeForTerminal(file)}": it is a directory`);
  return readFileChunks(file);
}

/**
 * A file's bytes in chunks of CHUNK_BYTES, read synchronously into one reused buffer: no allocation
 * per chunk, so memory stays flat however large the file. A chunk is valid until the next one is
 * requested; the diagnoser copies what it keeps. Synchronous reads: the diagnoser is the only work
 * on the event loop, and awaiting a thread-pool read per 64 KiB chunk left it idle ~10% of the time.
 * (Reading 1 MiB at a time and handing out 64 KiB slices measured no faster.)
 */
async function* readFileChunks(file: string): AsyncIterable<Buffer> {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}

function describeFsError(e: unknown, file: string): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : ((e as Error).message ?? String(e));
  return new InputError(`cannot read "${escapeForTerminal(file)}": ${reason}`);
}

/** Notes whether any non-blank byte passes, so an empty input can be told apart from one with no errors in it. */
async function* counted(source: AsyncIterable<Buffer | string>, file: string | undefined, seen: { content: boolean }): AsyncIterable<Buffer | string> {
  try {
    for await (const chunk of source) {
      // Input that is only white space is as empty as none.
      if (!seen.content && /\S/.test(typeof chunk === 'string' ? chunk : chunk.toString('latin1'))) seen.content = true;
      yield chunk;
    }
  } catch (e) {
    if (e instanceof ErrlookupError) throw e;
    throw describeFsError(e, file ?? 'stdin');
  }
}

declare const ERRLOOKUP_VERSION: string | undefined;

/** The bundle has the version built in; run from source, it reads package.json. */
function readVersion(): string {
  if (typeof ERRLOOKUP_VERSION === 'string') return ERRLOOKUP_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}


/** A listing prints compactly by default: one line per entry. */
function renderListing(io: CliEnv, report: Report, opts: OutputOptions): number {
  const format = chooseFormat(opts);
  const matched = hasMatch(report);
  if (format === 'human') {
    if (!matched) {
      io.writeError('errlookup: no entries match\n');
      return EXIT.noMatch;
    }
    const matches = report.findings[0]!.matches;
    const width = Math.min(48, Math.max(...matches.map((m) => m.code.length)));
    io.write(matches.map((m) => `${m.provider.padEnd(12)} ${m.code.padEnd(width)} ${m.statuses.join(',').padEnd(8)} ${m.retry.padEnd(10)} ${m.meaning}`).join('\n') + '\n');
    return EXIT.match;
  }
  return render(io, report, opts, PLAIN);
}

/**
 * The main command: looks up the query, or diagnoses the file or stdin, and prints the report.
 * Returns the exit status; `help` prints the usage, for a bare `errlookup` on a terminal.
 */
async function runMain(io: CliEnv, query: string[], opts: MainOptions, help: () => Promise<string>): Promise<number> {
  chooseFormat(opts);
  const text = query.join(' ');
  if (text.trim() && opts.file !== undefined) throw new UsageError('give either a query or --file, not both');
  let report: Report;
  if (text.trim()) {
    report = await diagnose(text, { provider: opts.provider });
  } else {
    if (opts.file === undefined && io.stdin.isTTY) {
      io.writeError(await help());
      return EXIT.usage;
    }
    const seen = { content: false };
    report = await diagnose(counted(openInput(io, opts.file), opts.file, seen), { provider: opts.provider });
    if (!seen.content) throw new InputError(`no input: ${opts.file && opts.file !== '-' ? `"${escapeForTerminal(opts.file)}" is empty` : 'stdin was empty'}`);
  }
  return render(io, report, opts, await stylesFor(io, opts));
}

/** Reads the command line with commander and runs what it says. */
async function runProgram(io: CliEnv): Promise<number> {
  const { buildProgram, CommanderError } = await import('./program.js');
  let exit: number = EXIT.match;
  const setExit = (code: number): void => void (exit = code);
  const program = buildProgram(
    io,
    {
      main: async (query, opts) => setExit(await runMain(io, query, opts, async () => usageOf(program))),
      listing: (report, opts) => renderListing(io, report, opts),
      setExit,
    },
    readVersion(),
  );
  try {
    await program.parseAsync(io.argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.match;
    // commander puts its "(Did you mean …?)" hint on a second line, and quotes argv as typed.
    const message = e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
    io.writeError(`errlookup: ${escapeForTerminal(message)}\n`);
    return EXIT.usage;
  }
  return exit;
}

/** The usage a bare `errlookup` on a terminal prints: commander's help and the examples. */
function usageOf(program: { helpInformation(): string }): string {
  return program.helpInformation() + EXAMPLES + '\n';
}

/** The usage, from commander's definition of the program, for a command line read without it. */
async function usage(io: CliEnv): Promise<string> {
  const { buildProgram } = await import('./program.js');
  return usageOf(buildProgram(io, { main: async () => {}, listing: () => EXIT.match, setExit: () => {} }, readVersion()));
}

declare const ERRLOOKUP_COMMAND_LINE: CommandLineTable | undefined;

/** The main command's options as commander defines them: written into the bundle by the build, or, run from source, read off the program. */
async function commandLineTable(io: CliEnv): Promise<CommandLineTable> {
  if (typeof ERRLOOKUP_COMMAND_LINE === 'object') return ERRLOOKUP_COMMAND_LINE;
  const [{ buildProgram }, { describeCommandLine }] = await Promise.all([import('./program.js'), import('./argv.js')]);
  return describeCommandLine(buildProgram(io, { main: async () => {}, listing: () => EXIT.match, setExit: () => {} }, readVersion()));
}

/**
 * Runs the CLI and returns its exit status. The only place that knows about argv, stdin, the
 * terminal and exit codes; everything below it takes values and returns values.
 */
export async function run(io: CliEnv): Promise<number> {
  try {
    // The common command lines are read with the table derived from commander's definition; the rest by commander itself.
    const quick = readCommonCommandLine(await commandLineTable(io), io.argv);
    return quick ? await runMain(io, quick.query, quick.opts as MainOptions, () => usage(io)) : await runProgram(io);
  } catch (e) {
    if (e instanceof ErrlookupError) {
      io.writeError(`errlookup: ${escapeForTerminal(e.message)}\n`);
      return e.exitCode;
    }
    const detail = e instanceof Error ? e.message : String(e);
    io.writeError(`errlookup: internal error: ${escapeForTerminal(detail)}\nThis is a bug in errlookup; please report it at ${ISSUES_URL} with the command and input that caused it.\n`);
    return EXIT.bug;
  }
}

/** A failed write to stdout or stderr: a closed pipe ends the run quietly, anything else on one line. */
function outputFailed(e: NodeJS.ErrnoException): never {
  if (e.code !== 'EPIPE') {
    try {
      writeSync(2, `errlookup: cannot write output: ${escapeForTerminal(e.code ?? e.message)}\n`);
    } catch {
      // stderr is gone too: the exit status is all that is left.
    }
  }
  process.exit(e.code === 'EPIPE' ? (process.exitCode ?? 0) : EXIT.usage);
}

/**
 * Writes straight to a file descriptor: process.stdout would first set up a stream, and for a pipe
 * the net module, a few milliseconds of a 30 ms start-up. A descriptor a parent left non-blocking
 * may refuse a write (EAGAIN); from then on the stream, which waits, takes the output.
 */
function fdWriter(fd: 1 | 2): (text: string) => void {
  let stream: NodeJS.WriteStream | undefined;
  return (text) => {
    if (stream) return void stream.write(text);
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') outputFailed(e as NodeJS.ErrnoException);
      stream = fd === 1 ? process.stdout : process.stderr;
      stream.on('error', outputFailed);
      stream.write(bytes.subarray(done));
    }
  };
}

/**
 * stdin, read straight from fd 0 in reused chunks: process.stdin would first set up a stream (and
 * for a pipe the net module). A descriptor a parent left non-blocking (EAGAIN) hands the rest over
 * to process.stdin. Like readFileChunks, a chunk is valid until the next one is requested.
 */
async function* readStdin(): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (;;) {
    let read: number;
    try {
      read = readSync(0, buffer, 0, CHUNK_BYTES, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EOF') return;
      if (code !== 'EAGAIN') throw e;
      yield* process.stdin as AsyncIterable<Buffer>;
      return;
    }
    if (read === 0) return;
    yield buffer.subarray(0, read);
  }
}

/**
 * Whether a descriptor is a terminal. Pipes and files are told apart by fstat, and /dev/null (where
 * scripts send the output of `errlookup --retryable …`) by its device number, all without loading
 * the tty module, which brings in net and streams: a few milliseconds.
 */
function isTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice()) return false;
    if (stat.rdev === statSync('/dev/null', { throwIfNoEntry: false })?.rdev) return false;
  } catch {
    return false;
  }
  return process.getBuiltinModule('node:tty').isatty(fd);
}

/** The process edge: wires the real argv, environment and streams to `run`. */
export async function main(): Promise<void> {
  // `errlookup list | head -1` closes stdout early: fdWriter stops quietly rather than die on EPIPE.
  // Any other failure to write (a full disk) is reported on one line, with the usage/input/output status.
  const stdoutIsTTY = isTerminal(1);
  const code = await run({
    argv: process.argv.slice(2),
    env: process.env,
    // Asked only when there is no query and no file: a character device costs loading the tty module.
    stdin: {
      get isTTY() {
        return isTerminal(0);
      },
      [Symbol.asyncIterator]: readStdin,
    },
    stdoutIsTTY,
    columns: stdoutIsTTY ? process.stdout.columns : undefined,
    write: fdWriter(1),
    writeError: fdWriter(2),
  });
  process.exitCode = code;
}
