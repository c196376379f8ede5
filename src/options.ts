/**
 * What a command line can say: the output options, the environment the CLI runs in, and the quick
 * reader of the common command lines that saves loading commander (program.ts) for them.
 */
import { UsageError } from './errors.js';

export const FORMATS = ['human', 'json', 'short', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export const EXAMPLES = `
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
  /** The input when no query or file is given: chunks, and whether it is a terminal (then errlookup shows its usage). */
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  stdoutIsTTY: boolean;
  /** The terminal's width, when stdout is one. */
  columns?: number;
  write(text: string): void;
  writeError(text: string): void;
}

export interface OutputOptions {
  json?: boolean;
  format?: Format;
  color?: boolean;
  retryable?: boolean;
}

/** The main command's options. */
export interface MainOptions extends OutputOptions {
  file?: string;
  provider?: string;
}

export function chooseFormat(opts: OutputOptions): Format {
  if (opts.json && opts.format && opts.format !== 'json') throw new UsageError(`--json conflicts with --format ${opts.format}`);
  return opts.json ? 'json' : (opts.format ?? 'human');
}

/** First words that commander reads as a subcommand rather than as a query. */
export const SUBCOMMANDS: ReadonlySet<string> = new Set(['list', 'providers', 'search', 'completion', 'help']);

const FLAGS: Readonly<Record<string, (opts: MainOptions) => void>> = {
  '--json': (o) => (o.json = true),
  '--retryable': (o) => (o.retryable = true),
  '--no-color': (o) => (o.color = false),
};
const VALUED: Readonly<Record<string, 'file' | 'provider' | 'format'>> = { '-f': 'file', '--file': 'file', '-p': 'provider', '--provider': 'provider', '--format': 'format' };

/**
 * The main command's common command lines, read without commander: query words and the main
 * command's options, each spelt out (`--file x`, `--file=x`, `-f x`). Anything else (a subcommand,
 * --help, --version, `--`, a bundle of short options, an unknown option, a value that looks like an
 * option or a --format that is not one) returns null, and commander reads the line, and reports any
 * error the way it always has. A test holds the two readers to the same answers.
 */
export function parseQuick(argv: readonly string[]): { query: string[]; opts: MainOptions } | null {
  const query: string[] = [];
  // As commander has it: defining --no-color makes `color` true unless the flag is given.
  const opts: MainOptions = { color: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      if (query.length === 0 && SUBCOMMANDS.has(arg)) return null;
      query.push(arg);
      continue;
    }
    const flag = FLAGS[arg];
    if (flag) {
      flag(opts);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const key = Object.hasOwn(VALUED, name) ? VALUED[name] : undefined;
    if (key === undefined) return null;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return null;
    if (key === 'format') {
      if (!(FORMATS as readonly string[]).includes(value)) return null;
      opts.format = value as Format;
    } else opts[key] = value;
  }
  return { query, opts };
}
