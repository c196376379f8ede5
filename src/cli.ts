import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { ErrlookupError, EXIT, InputError, UsageError } from './errors.js';
import { diagnose, getCatalogs, list, providers, search } from './index.js';
import { renderGithub } from './render/github.js';
import { renderHuman } from './render/human.js';
import { renderJson } from './render/json.js';
import { renderShort } from './render/short.js';
import type { Finding, Report } from './types.js';
import { escapeForTerminal, safeJson } from './render/escape.js';

const FORMATS = ['human', 'json', 'short', 'github'] as const;
type Format = (typeof FORMATS)[number];

/**
 * Chunk size for files, the same as stdin's. Each chunk becomes one latin1 string; at 64 KiB these
 * die young in V8's new space, and peak RSS on a 500 MiB log is about 95 MiB. 1 MiB chunks ran
 * about 15% faster but peaked at 130-147 MiB, too near the 150 MiB bound.
 */
const CHUNK_BYTES = 64 * 1024;

const ISSUES_URL = 'https://github.com/errlookup/errlookup/issues';

const EXAMPLES = `
Examples:
  errlookup ServerBusy                      look up a code (case, separators and typos tolerated)
  errlookup nosuchkey                       the same code, spelt loosely
  errlookup 503                             every code sent with HTTP 503, per provider
  errlookup "The specified key does not exist."
                                            find a code from the provider's message text
  curl -sS -i https://… | errlookup         diagnose a curl -i / -v transcript or raw XML/JSON body
  errlookup --file azcopy.log               diagnose a log, an SDK stack trace or a saved body
  errlookup --provider tencent-cos AccessDenied
  errlookup --json NoSuchKey | jq .         machine-readable output (schema/errlookup.schema.json)
  if curl -sS -i … | errlookup --retryable; then sleep 5; …; fi
  errlookup list --provider azure-blob --status 4xx
  errlookup search quota                    find entries by words in their meaning or fix
  errlookup completion bash > /etc/bash_completion.d/errlookup

Exit status: 0 a match, 1 no match (or, with --retryable, not retryable), 2 usage, input or output error,
3 a bug in errlookup.`;

/** What the CLI reads from its environment: passed in so tests can drive main() directly. */
export interface CliEnv {
  argv: string[];
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdoutIsTTY: boolean;
  /** The terminal's width, when stdout is one. */
  columns?: number;
  write(text: string): void;
  writeError(text: string): void;
}

interface OutputOptions {
  json?: boolean;
  format?: Format;
  color?: boolean;
  retryable?: boolean;
}

function chooseFormat(opts: OutputOptions): Format {
  if (opts.json && opts.format && opts.format !== 'json') throw new UsageError(`--json conflicts with --format ${opts.format}`);
  return opts.json ? 'json' : (opts.format ?? 'human');
}

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

function render(io: CliEnv, report: Report, opts: OutputOptions): number {
  const format = chooseFormat(opts);
  const matched = hasMatch(report);
  if (opts.retryable) {
    if (format !== 'human') emit(io, report, format, opts, matched);
    return isRetryable(report) ? EXIT.match : EXIT.noMatch;
  }
  emit(io, report, format, opts, matched);
  return matched ? EXIT.match : EXIT.noMatch;
}

function emit(io: CliEnv, report: Report, format: Format, opts: OutputOptions, matched: boolean): void {
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
      const text = renderHuman(report, { colorLevel: colorLevel(io, opts.color), width: io.stdoutIsTTY && io.columns ? Math.min(io.columns, 110) : undefined });
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
  if (file === undefined || file === '-') return io.stdin as AsyncIterable<Buffer>;
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


function buildProgram(io: CliEnv, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('errlookup')
    .description('Explain a failed cloud-storage request: Azure Blob Storage, Tencent Cloud COS and Amazon S3 error codes,\nHTTP statuses, XML/JSON error bodies, curl transcripts, SDK errors and AzCopy logs.')
    .usage('[options] [code|status|message...]')
    .argument('[query...]', 'an error code, an HTTP status, a provider message, or a whole error report')
    .option('-f, --file <path>', 'read the error report from a file ("-" for stdin)')
    .option('-p, --provider <id>', 'only this provider (see `errlookup providers`)')
    .option('--retryable', 'print nothing; exit 0 if retrying can help, 1 if not or nothing matched')
    .option('--json', 'print one JSON document (same as --format json)')
    .addOption(new Option('--format <format>', 'output style').choices(FORMATS))
    .option('--no-color', 'no colour, even on a terminal (NO_COLOR and FORCE_COLOR are honoured too)')
    .version(readVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.write(s), writeErr: (s) => io.writeError(s), outputError: () => {} });

  program.action(async (query: string[], opts: OutputOptions & { file?: string; provider?: string }) => {
    chooseFormat(opts);
    const text = query.join(' ');
    if (text.trim() && opts.file !== undefined) throw new UsageError('give either a query or --file, not both');
    let report: Report;
    if (text.trim()) {
      report = await diagnose(text, { provider: opts.provider });
    } else {
      if (opts.file === undefined && io.stdin.isTTY) {
        io.writeError(program.helpInformation() + EXAMPLES + '\n');
        setExit(EXIT.usage);
        return;
      }
      const seen = { content: false };
      report = await diagnose(counted(openInput(io, opts.file), opts.file, seen), { provider: opts.provider });
      if (!seen.content) throw new InputError(`no input: ${opts.file && opts.file !== '-' ? `"${escapeForTerminal(opts.file)}" is empty` : 'stdin was empty'}`);
    }
    setExit(render(io, report, opts));
  });

  // Subcommands share the program's options (--provider, --json, --format, --retryable, --no-color),
  // wherever they appear on the line: each action reads them with optsWithGlobals().
  program
    .command('list')
    .description('list catalog entries (with --provider, --retryable and the output options)')
    .option('-s, --status <status>', 'only entries with this status: 503, or a mask such as 4xx or 40x')
    .action((_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions & { provider?: string; status?: string }>();
      const report = list({ provider: opts.provider, status: opts.status, retryable: opts.retryable });
      setExit(renderListing(io, report, { ...opts, retryable: false }));
    });

  program.command('providers').description('list the catalogs, their sizes and their sources').action((_opts: unknown, cmd: Command) => {
    const opts = cmd.optsWithGlobals<OutputOptions>();
    const all = providers();
    const format = chooseFormat(opts);
    if (format === 'json') {
      io.write(`${safeJson({ schemaVersion: 1, providers: all, ...list() })}\n`);
    } else if (format === 'short') {
      io.write(all.map((p) => `${p.id} ${p.codes}`).join('\n') + '\n');
    } else {
      const width = Math.max(...all.map((p) => p.id.length));
      io.write(all.map((p) => `${p.id.padEnd(width)}  ${String(p.codes).padStart(4)} codes  ${p.name}\n${' '.repeat(width)}  checked against: ${p.checkedAgainst}`).join('\n') + '\n');
    }
    setExit(EXIT.match);
  });

  program
    .command('search')
    .description('find entries whose meaning, fix or message mention all the words')
    .argument('<words...>')
    .action((words: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions & { provider?: string }>();
      setExit(renderListing(io, search(words, { provider: opts.provider, retryable: opts.retryable }), { ...opts, retryable: false }));
    });

  program
    .command('completion')
    .description(`print a shell completion script (${SHELLS.join(', ')})`)
    .argument('<shell>', SHELLS.join(' | '))
    .action((shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`unknown shell "${shell}" (known: ${SHELLS.join(', ')})`);
      const set = getCatalogs();
      // Every option of the program and its subcommands, as commander defines them.
      const options = [program, ...program.commands].flatMap((c) => c.options);
      const seen = new Set<string>();
      const completionOptions = options.flatMap((o) => {
        if (!o.long || seen.has(o.long)) return [];
        seen.add(o.long);
        const values = o.long === '--provider' ? set.providerIds : o.argChoices;
        return [{ long: o.long, short: o.short, description: o.description, takesValue: o.required || o.optional, values, isFile: o.long === '--file' }];
      });
      const codes = [...new Set([...set.refs()].filter((r) => !r.catalog.generic).map((r) => r.entry.code))];
      io.write(completionScript(shell as Shell, { subcommands: program.commands.map((c) => c.name()), options: completionOptions, codes }));
      setExit(EXIT.match);
    });

  return program;
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
  return render(io, report, opts);
}

/**
 * Runs the CLI and returns its exit status. The only place that knows about argv, stdin, the
 * terminal and exit codes; everything below it takes values and returns values.
 */
export async function run(io: CliEnv): Promise<number> {
  let exit: number = EXIT.match;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    await program.parseAsync(io.argv, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.match;
      // commander puts its "(Did you mean …?)" hint on a second line, and quotes argv as typed.
      const message = e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
      io.writeError(`errlookup: ${escapeForTerminal(message)}\n`);
      return EXIT.usage;
    }
    if (e instanceof ErrlookupError) {
      io.writeError(`errlookup: ${escapeForTerminal(e.message)}\n`);
      return e.exitCode;
    }
    const detail = e instanceof Error ? e.message : String(e);
    io.writeError(`errlookup: internal error: ${escapeForTerminal(detail)}\nThis is a bug in errlookup; please report it at ${ISSUES_URL} with the command and input that caused it.\n`);
    return EXIT.bug;
  }
}

/** The process edge: wires the real argv, environment and streams to `run`. */
export async function main(): Promise<void> {
  // `errlookup list | head -1` closes stdout early: stop quietly rather than die on EPIPE.
  // Any other failure to write (a full disk) is reported on one line, with the usage/input/output status.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') process.stderr.write(`errlookup: cannot write output: ${escapeForTerminal(e.code ?? e.message)}\n`);
    process.exit(e.code === 'EPIPE' ? (process.exitCode ?? 0) : EXIT.usage);
  });
  const code = await run({
    argv: process.argv.slice(2),
    env: process.env,
    // process.stdin costs milliseconds to set up: only touch it when the input is read.
    get stdin() {
      return process.stdin;
    },
    stdoutIsTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns,
    write: (text) => void process.stdout.write(text),
    writeError: (text) => void process.stderr.write(text),
  });
  process.exitCode = code;
}
