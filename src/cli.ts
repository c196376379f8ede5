import { readFileSync } from 'node:fs';
import { ErrlookupError, EXIT } from './errors.js';
import { diagnose, getCatalogs, list } from './index.js';
import { planInputs, STATUS_MASK } from './inputs.js';
import { readCommonCommandLine, type CommandLineTable } from './argv.js';
import { chooseFormat, EXAMPLES, type CliEnv, type Format, type MainOptions, type OutputOptions } from './options.js';
import { renderGithub } from './render/github.js';
import { chalkStyles, missLine, PLAIN, renderHuman, type Styles } from './render/human.js';
import { renderJson } from './render/json.js';
import { renderShort } from './render/short.js';
import type { Finding, Report } from './types.js';
import { escapeForTerminal } from './render/escape.js';
import { counted, openInput } from './sources.js';

export type { CliEnv } from './options.js';


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

function render(io: CliEnv, report: Report, opts: OutputOptions, styles: Styles, showFiles = false): number {
  const format = chooseFormat(opts);
  const matched = hasMatch(report);
  if (opts.retryable) {
    if (format !== 'human') emit(io, report, format, styles, matched, showFiles);
    return isRetryable(report) ? EXIT.match : EXIT.noMatch;
  }
  emit(io, report, format, styles, matched, showFiles);
  return matched ? EXIT.match : EXIT.noMatch;
}

function emit(io: CliEnv, report: Report, format: Format, styles: Styles, matched: boolean, showFiles: boolean): void {
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
      const text = renderHuman(report, { styles, width: io.stdoutIsTTY && io.columns ? Math.min(io.columns, 110) : undefined, showFiles });
      if (matched) io.write(text);
      else io.writeError(text);
      return;
    }
    default:
      format satisfies never;
  }
}

function noMatchLine(f: Finding): string {
  return `${missLine(f)}${f.suggestions.length ? ` (did you mean: ${f.suggestions.map(escapeForTerminal).join(', ')}?)` : ''}\n`;
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
 * The main command: looks up the queries, or diagnoses the files (or stdin), and prints one report.
 * Returns the exit status; `help` gives the short usage, for a bare `errlookup` on a terminal.
 */
async function runMain(io: CliEnv, args: string[], opts: MainOptions, help: () => Promise<string>): Promise<number> {
  chooseFormat(opts);
  const set = getCatalogs();
  const fileOptions = typeof opts.file === 'string' ? [opts.file] : (opts.file ?? []);
  const plan = planInputs(set, args, fileOptions);
  const scope = { provider: opts.provider };
  const findings: Finding[] = [];
  if (plan.queries.length > 0) {
    for (const query of plan.queries) {
      const report = STATUS_MASK.test(query) ? list({ ...scope, status: query }) : await diagnose(query, scope);
      // A query typed as an argument has no line of its own, unless it is a whole pasted report.
      for (const f of report.findings) findings.push(query.includes('\n') ? f : { ...f, line: null });
    }
  } else {
    const sources = plan.files.length > 0 ? plan.files : ['-'];
    if (plan.files.length === 0 && io.stdin.isTTY) {
      io.writeError(await help());
      return EXIT.usage;
    }
    let empty = 0;
    for (const file of sources) {
      const seen = { content: false };
      const report = await diagnose(counted(openInput(io, file), file === '-' ? undefined : file, seen), scope);
      if (!seen.content) empty++;
      for (const f of report.findings) findings.push(file === '-' ? f : { ...f, file });
    }
    if (empty === sources.length) {
      // An empty log (a clean run, /dev/null) is nothing found, not a usage error: a CI step that scans one must not look broken.
      io.writeError(`errlookup: nothing to read: ${sources.length === 1 ? (sources[0] === '-' ? 'stdin was empty' : `"${escapeForTerminal(sources[0]!)}" is empty`) : 'every input was empty'}\n`);
      if (chooseFormat(opts) === 'json') io.write(renderJson({ findings: [] }));
      return EXIT.noMatch;
    }
  }
  return render(io, { findings }, opts, await stylesFor(io, opts), plan.files.length > 1);
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
