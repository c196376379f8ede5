/**
 * The commander definition of the CLI: every command, option and help text, the one definition of
 * the command line. Loaded only when a command line needs it (a subcommand, --help, --version, an
 * unusual option, or an error to report), because loading commander costs more than a whole
 * lookup: the common command lines are read with a table the build derives from this definition
 * (src/argv.ts).
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { EXIT, UsageError } from './errors.js';
import { getCatalogs, list, providers, search } from './index.js';
import { safeJson } from './render/escape.js';
import { chooseFormat, COLOR_WHEN, examplesFor, FORMATS, type CliEnv, type MainOptions, type OutputOptions } from './options.js';
import { closest } from './fuzzy.js';
import type { Report } from './types.js';

export { CommanderError };

/** What the program's actions do, given by cli.ts: the program itself only parses. */
export interface ProgramActions {
  /** The main command: a query, or input from a file or stdin. */
  main(query: string[], opts: MainOptions): Promise<void>;
  /** Prints a listing (list, search) and returns its exit status. */
  listing(report: Report, opts: OutputOptions): Promise<number>;
  setExit(code: number): void;
}

export function buildProgram(io: CliEnv, actions: ProgramActions, version: string): Command {
  const { setExit } = actions;
  const width = helpWidth(io);
  const program = new Command();
  program
    .name('errlookup')
    .description('Explain a failed cloud-storage request: error codes, HTTP statuses, XML/JSON error bodies, curl transcripts, SDK errors and logs, from Azure, Amazon S3 and S3-compatible stores, Google Cloud Storage and more (errlookup providers lists them).')
    .usage('[options] [code|status|message...|file...]')
    .argument('[query...]', 'an error code, an HTTP status, a provider message, or a whole error report')
    .option('-f, --file <path>', 'read an error report from a file ("-" for stdin); may be given more than once', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('-p, --provider <id>', 'only this provider (see `errlookup providers`)')
    .option('--retryable', 'print nothing; exit 0 if retrying can help, 1 if not or nothing matched')
    .option('--json', 'print one JSON document (same as --format json)')
    .addOption(new Option('--format <format>', 'output style').choices(FORMATS))
    .addOption(new Option('--color <when>', 'colour: always, never or auto (the default: on a terminal); --color alone is auto').choices(COLOR_WHEN))
    .option('--no-color', 'no colour, as --color=never (NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE and TERM=dumb are honoured too)')
    .option('-w, --width <columns>', 'wrap text at this many columns (default: the terminal\'s width; none when piped)')
    .version(version, '-V, --version', 'print the version (-v too)')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', () => examplesFor(width))
    .showSuggestionAfterError(true)
    // A repeatable option's empty default says nothing in the help.
    .configureHelp({ optionDescription: (option) => Help.prototype.optionDescription.call(new Help(), option).replace(' (default: [])', '') })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.write(s), writeErr: (s) => io.writeError(s), outputError: () => {}, getOutHelpWidth: () => width, getErrHelpWidth: () => width });

  program.action((query: string[], opts: MainOptions) => actions.main(query, opts));

  // Subcommands share the program's options (--provider, --json, --format, --retryable, --no-color),
  // wherever they appear on the line: each action reads them with optsWithGlobals().
  program
    .command('list')
    .description('list catalog entries (with --provider, --retryable and the output options)')
    .option('-s, --status <status>', 'only entries with this status: 503, or a mask such as 4xx or 40x')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions & { provider?: string; status?: string }>();
      const report = list({ provider: opts.provider, status: opts.status, retryable: opts.retryable });
      setExit(await actions.listing(report, { ...opts, retryable: false }));
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
    .action(async (words: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<OutputOptions & { provider?: string }>();
      setExit(await actions.listing(search(words, { provider: opts.provider, retryable: opts.retryable }), { ...opts, retryable: false }));
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
      // --help and --version, which commander keeps apart from the options.
      completionOptions.push({ long: '--help', short: '-h', description: 'show the help', takesValue: false, values: undefined, isFile: false });
      completionOptions.push({ long: '--version', short: '-V', description: 'print the version', takesValue: false, values: undefined, isFile: false });
      const commandOptions = Object.fromEntries(program.commands.filter((c) => c.options.length > 0).map((c) => [c.name(), c.options.flatMap((o) => (o.long ? [o.long] : []))]));
      const codes = [...new Set([...set.refs()].filter((r) => !r.catalog.generic).map((r) => r.entry.code))];
      io.write(completionScript(shell as Shell, { subcommands: program.commands.map((c) => c.name()), options: completionOptions, commandOptions, codes }));
      setExit(EXIT.match);
    });

  // `errlookup help [command]`, as git and cargo have it.
  program
    .command('help')
    .description('show the help of errlookup or of one of its commands')
    .argument('[command]')
    .action((name: string | undefined) => {
      const target = name === undefined ? program : program.commands.find((c) => c.name() === name);
      if (!target) throw new UsageError(`unknown command "${name}"${closest(name!, program.commands.map((c) => c.name()))}`);
      io.write(target.helpInformation() + (target === program ? `${examplesFor(width)}\n` : ''));
      setExit(EXIT.match);
    });

  return program;
}

/** The width help is wrapped at: --width's, the terminal's, or 80. */
function helpWidth(io: CliEnv): number {
  const given = Number(io.env.COLUMNS);
  return Math.max(40, Math.min(io.columns ?? (given > 0 ? given : 80), 120));
}
