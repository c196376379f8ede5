/**
 * The command line's fast path, derived from commander's definition (src/program.ts): the build
 * reads the main command's options off the program (`describeCommandLine`) and writes them into the
 * CLI bundle, and `readCommonCommandLine` reads the common command lines with that table, so a
 * lookup need not load commander. Anything the table does not cover (a subcommand, --help,
 * --version, `--`, bundled short options, an unknown option, a value that looks like an option, a
 * choice that is not one) goes to commander, which reads it and reports its errors. There is one
 * definition of the options: commander's; a test holds the two readings to the same answers.
 */

/** One option of the main command, as commander defines it. */
export interface OptionSpec {
  long: string;
  short?: string;
  /** The key commander stores it under (`--no-color` → `color`). */
  key: string;
  takesValue: boolean;
  /** `--no-x`: false when given, true by default. */
  negates: boolean;
  /** Given any number of times, each value kept (`--file a --file b`): a list, empty by default. */
  repeats?: boolean;
  choices?: string[];
}

export interface CommandLineTable {
  /** First words commander reads as a subcommand. */
  subcommands: string[];
  options: OptionSpec[];
}

/** What the table says of a program: built from commander's own Command (the build and the tests call this). */
export function describeCommandLine(program: {
  commands: readonly { name(): string; aliases(): string[] }[];
  options: readonly { long?: string; short?: string; negate: boolean; required: boolean; optional: boolean; argChoices?: string[]; defaultValue?: unknown; attributeName(): string }[];
}): CommandLineTable {
  const help = ['-h', '--help', '-v', '--version', '-V'];
  return {
    subcommands: [...program.commands.flatMap((c) => [c.name(), ...c.aliases()]), 'help'],
    options: program.options
      .filter((o) => o.long && !help.includes(o.long))
      .map((o) => ({
        long: o.long!,
        ...(o.short ? { short: o.short } : {}),
        key: o.attributeName(),
        takesValue: o.required || o.optional,
        negates: o.negate,
        ...(Array.isArray(o.defaultValue) ? { repeats: true } : {}),
        ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
      })),
  };
}

/** The main command's query words and options, as commander would read them; null for anything else. */
export function readCommonCommandLine(table: CommandLineTable, argv: readonly string[]): { query: string[]; opts: Record<string, unknown> } | null {
  const query: string[] = [];
  // As commander has it: a negating option's key is true unless the option is given.
  const opts: Record<string, unknown> = Object.fromEntries([
    // (When a `--x <value>` shares the key, commander leaves it unset: `--color=WHEN` beside `--no-color`.)
    ...table.options.filter((o) => o.negates && !table.options.some((p) => p.key === o.key && !p.negates)).map((o) => [o.key, true]),
    ...table.options.filter((o) => o.repeats).map((o) => [o.key, [] as string[]]),
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      if (query.length === 0 && table.subcommands.includes(arg)) return null;
      query.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = table.options.find((o) => o.long === name || o.short === name);
    if (!spec) return null;
    if (!spec.takesValue) {
      if (eq > 0) return null;
      opts[spec.key] = !spec.negates;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return null;
    if (spec.choices && !spec.choices.includes(value)) return null;
    if (spec.repeats) (opts[spec.key] as string[]).push(value);
    else opts[spec.key] = value;
  }
  return { query, opts };
}
