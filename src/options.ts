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
  /** --file, given any number of times (a string from the command line's fast path of old callers). */
  file?: string[] | string;
  provider?: string;
}

export function chooseFormat(opts: OutputOptions): Format {
  if (opts.json && opts.format && opts.format !== 'json') throw new UsageError(`--json conflicts with --format ${opts.format}`);
  return opts.json ? 'json' : (opts.format ?? 'human');
}
