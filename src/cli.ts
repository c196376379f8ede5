import { readFileSync } from 'node:fs';
import { ErrlookupError, EXIT, UsageError } from './errors.js';
import { diagnose, getCatalogs, list } from './index.js';
import { planInputs, STATUS_MASK } from './inputs.js';
import { readCommonCommandLine, type CommandLineTable } from './argv.js';
import { chooseFormat, normalizeArgv, wrapText, type CliEnv, type Format, type MainOptions, type OutputOptions } from './options.js';
import { renderGithub } from './render/github.js';
import { chalkStyles, missLine, PLAIN, renderHuman, type Styles } from './render/human.js';
import { renderJson } from './render/json.js';
import { renderShort } from './render/short.js';
import type { Finding, Report } from './types.js';
import { escapeForTerminal } from './render/escape.js';
import { counted, openInput } from './sources.js';

export type { CliEnv } from './options.js';


const ISSUES_URL = 'https://github.com/errlookup/errlookup/issues';

/**
 * chalk 5 ignores NO_COLOR, so the rules are applied here, as grep, ls and git have them:
 * --no-color or --color=never; --color=always; then NO_COLOR, FORCE_COLOR (empty forces nothing),
 * CLICOLOR_FORCE, TERM=dumb, and last whether stdout is a terminal.
 */
export function colorLevel(io: Pick<CliEnv, 'env' | 'stdoutIsTTY'>, flag: OutputOptions['color']): 0 | 1 | 2 | 3 {
  if (flag === false || flag === 'never') return 0;
  const { NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, TERM } = io.env;
  const forced = (): 1 | 2 | 3 => {
    const level = Number(FORCE_COLOR);
    return level >= 1 && level <= 3 ? (level as 1 | 2 | 3) : 1;
  };
  if (flag === 'always') return forced();
  if (NO_COLOR !== undefined && NO_COLOR !== '') return 0;
  if (FORCE_COLOR !== undefined && FORCE_COLOR !== '') return FORCE_COLOR === '0' || FORCE_COLOR === 'false' ? 0 : forced();
  if (CLICOLOR_FORCE !== undefined && CLICOLOR_FORCE !== '' && CLICOLOR_FORCE !== '0') return 1;
  if (TERM === 'dumb') return 0;
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

/** Where human text wraps: --width, else the terminal's width, else COLUMNS when piped; undefined keeps one line per field. */
function widthFor(io: CliEnv, opts: OutputOptions): number | undefined {
  if (opts.width !== undefined) {
    const n = Number(opts.width);
    if (!Number.isInteger(n) || n < 20) throw new UsageError(`bad --width "${opts.width}" (expected a number of columns, 20 or more)`);
    return n;
  }
  if (io.stdoutIsTTY && io.columns) return Math.min(io.columns, 110);
  const columns = Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns >= 20 ? columns : undefined;
}

/** Whether the locale can show `▶` and `…` (LC_ALL, then LC_CTYPE, then LANG; none set: UTF-8, as on most systems). */
function isUtf8Locale(env: CliEnv['env']): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG;
  return !locale || /utf-?8/i.test(locale);
}

async function render(io: CliEnv, report: Report, opts: OutputOptions, styles: Styles, showFiles = false): Promise<number> {
  const format = chooseFormat(opts);
  const matched = hasMatch(report);
  if (opts.retryable) {
    if (format !== 'human') await emit(io, report, format, styles, matched, { showFiles, width: undefined, ascii: false });
    return isRetryable(report) ? EXIT.match : EXIT.noMatch;
  }
  await emit(io, report, format, styles, matched, { showFiles, width: format === 'human' ? widthFor(io, opts) : undefined, ascii: !isUtf8Locale(io.env) });
  return matched ? EXIT.match : EXIT.noMatch;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

async function emit(io: CliEnv, report: Report, format: Format, styles: Styles, matched: boolean, view: { showFiles: boolean; width: number | undefined; ascii: boolean }): Promise<void> {
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
      const text = renderHuman(report, { styles, ...view });
      if (!matched) io.writeError(text);
      else if (io.page && io.stdoutIsTTY && io.rows && countLines(text) > io.rows) await io.page(text);
      else io.write(text);
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


/** A listing prints compactly by default: one line per entry, its meaning wrapped under itself at the output's width. */
async function renderListing(io: CliEnv, report: Report, opts: OutputOptions): Promise<number> {
  const format = chooseFormat(opts);
  const matched = hasMatch(report);
  if (format === 'human') {
    if (!matched) {
      io.writeError('errlookup: no entries match\n');
      return EXIT.noMatch;
    }
    const matches = report.findings[0]!.matches;
    const codeWidth = Math.min(48, Math.max(...matches.map((m) => m.code.length)));
    const providerWidth = Math.max(...matches.map((m) => m.provider.length));
    const indent = providerWidth + codeWidth + 8 + 10 + 4;
    const width = widthFor(io, opts);
    const text = matches.map((m) => `${m.provider.padEnd(providerWidth)} ${m.code.padEnd(codeWidth)} ${m.statuses.join(',').padEnd(8)} ${m.retry.padEnd(10)} ${width ? wrapText(m.meaning, width, indent) : m.meaning}`).join('\n') + '\n';
    if (io.page && io.stdoutIsTTY && io.rows && countLines(text) > io.rows) await io.page(text);
    else io.write(text);
    return EXIT.match;
  }
  return render(io, report, opts, PLAIN);
}

/**
 * The main command: looks up the queries, or diagnoses the files (or stdin), and prints one report.
 * Returns the exit status; `help` gives the short usage, for a bare `errlookup` on a terminal.
 */
async function runMain(io: CliEnv, args: string[], opts: MainOptions, subcommands: readonly string[]): Promise<number> {
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
    // A mistyped command (`lsit`, `serach`) is no code either: say which command it may be.
    const only = findings.length === 1 ? findings[0]! : undefined;
    if (only && only.matches.length === 0 && plan.queries.length === 1 && /^[a-z]+$/.test(plan.queries[0]!)) {
      const { closest } = await import('./fuzzy.js');
      const command = closest(plan.queries[0]!, subcommands.filter((c) => c !== 'help'));
      if (command) only.notes = [`no code or message "${plan.queries[0]}"${command.replace('did you mean ', 'did you mean the command errlookup ')}`];
    }
  } else {
    const sources = plan.files.length > 0 ? plan.files : ['-'];
    if (plan.files.length === 0 && io.stdin.isTTY) {
      io.writeError(SHORT_USAGE);
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
async function runProgram(io: CliEnv, subcommands: readonly string[]): Promise<number> {
  const { buildProgram, CommanderError } = await import('./program.js');
  let exit: number = EXIT.match;
  const setExit = (code: number): void => void (exit = code);
  const program = buildProgram(
    io,
    {
      main: async (query, opts) => setExit(await runMain(io, query, opts, subcommands)),
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

/** What a bare `errlookup` on a terminal prints: how to call it, and where the help is. */
const SHORT_USAGE = `Usage: errlookup [options] [code|status|message|file...]
       … | errlookup            (a curl transcript, an error body, a log)
Try 'errlookup --help' for the options and examples.
`;

declare const ERRLOOKUP_COMMAND_LINE: CommandLineTable | undefined;

/** The main command's options as commander defines them: written into the bundle by the build, or, run from source, read off the program. */
async function commandLineTable(io: CliEnv): Promise<CommandLineTable> {
  if (typeof ERRLOOKUP_COMMAND_LINE === 'object') return ERRLOOKUP_COMMAND_LINE;
  const [{ buildProgram }, { describeCommandLine }] = await Promise.all([import('./program.js'), import('./argv.js')]);
  return describeCommandLine(buildProgram(io, { main: async () => {}, listing: async () => EXIT.match, setExit: () => {} }, readVersion()));
}

/**
 * Runs the CLI and returns its exit status. The only place that knows about argv, stdin, the
 * terminal and exit codes; everything below it takes values and returns values.
 */
export async function run(io: CliEnv): Promise<number> {
  try {
    // The common command lines are read with the table derived from commander's definition; the rest by commander itself.
    const argv = normalizeArgv(io.argv);
    const table = await commandLineTable(io);
    const quick = readCommonCommandLine(table, argv);
    return quick ? await runMain({ ...io, argv }, quick.query, quick.opts as MainOptions, table.subcommands) : await runProgram({ ...io, argv }, table.subcommands);
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
