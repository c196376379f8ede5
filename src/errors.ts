/** Exit statuses: the CLI's contract with scripts (README "Exit status"). */
export const EXIT = {
  match: 0,
  noMatch: 1,
  usage: 2,
  bug: 3,
} as const;

/** An error that is the user's to fix; the CLI prints its message on one line and exits with `exitCode`. */
export class ErrlookupError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    // Named in words, not by the class: a minified bundle renames classes ("N: unknown provider").
    this.name = 'ErrlookupError';
    this.exitCode = exitCode;
  }
}

/** Bad arguments or options. */
export class UsageError extends ErrlookupError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** Input that cannot be read: a missing file, a directory, a permission problem. */
export class InputError extends ErrlookupError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'InputError';
  }
}
