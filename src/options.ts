/** What a command line can say: the output options, and the environment the CLI runs in. */
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
  /** The terminal's width and height, when stdout is one. */
  columns?: number;
  rows?: number;
  /** Shows text through a pager (on a terminal, for text taller than it), as git does; absent: written as is. */
  page?(text: string): Promise<void>;
  write(text: string): void;
  writeError(text: string): void;
}

export interface OutputOptions {
  json?: boolean;
  format?: Format;
  /** --color=WHEN (`always`, `never`, `auto`), or false for --no-color. */
  color?: boolean | ColorWhen;
  /** --width N: wrap human output at N columns, on a terminal or not. */
  width?: string;
  retryable?: boolean;
}

export const COLOR_WHEN = ['always', 'never', 'auto'] as const;
export type ColorWhen = (typeof COLOR_WHEN)[number];

/**
 * The command line as commander reads it: grep's `--color` with no value means `--color=auto`,
 * `--colour` is `--color` (commander would take the next word as the value), and `-v` is `-V`,
 * the version, as it always was here (curl's verbose `-v` has no meaning for errlookup).
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '--color' || a === '--colour' ? '--color=auto' : a.startsWith('--colour=') ? `--color=${a.slice(9)}` : a === '-v' ? '-V' : a));
}

/** Prose wrapped at word boundaries to `width` columns, each line after the first indented by `indent`. */
export function wrapText(text: string, width: number, indent = 0): string {
  const room = width - indent;
  if (room < 20 || text.length + indent <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The examples and the exit-status paragraph, wrapped to the terminal's width (each example's note under it when it does not fit). */
export function examplesFor(width: number): string {
  return EXAMPLES.split('\n')
    .map((line) => {
      if (line.length <= width) return line;
      const m = /^( {2}\S.*?)( {2,})(\S.*)$/.exec(line);
      if (m && m[1]!.length < width) return `${m[1]}\n${' '.repeat(Math.min(44, width - 20))}${wrapText(m[3]!, width, Math.min(44, width - 20))}`;
      return wrapText(line, width, line.startsWith('  ') ? 2 : 0);
    })
    .join('\n');
}

/** The main command's options. */
export interface MainOptions extends OutputOptions {
  /** --file, given any number of times (a string from the command line's fast path of old callers). */
  file?: string[] | string;
  provider?: string;
}

export function chooseFormat(opts: OutputOptions): Format {
  if (opts.json && opts.format && opts.format !== 'json') throw new UsageError(`--json conflicts with --format ${opts.format}`);
  return opts.json ? 'json' : (opts.format ?? 'human');
}
