/**
 * The process edge: the real argv, environment, descriptors and exit status, wired to \`run\`. The
 * only module that touches \`process\`.
 */
import { spawn } from 'node:child_process';
import { fstatSync, readSync, statSync, writeSync } from 'node:fs';
import { run } from './cli.js';
import { EXIT } from './errors.js';
import { escapeForTerminal } from './render/escape.js';
import { CHUNK_BYTES } from './sources.js';

/** A failed write to stdout or stderr: a closed pipe ends the run quietly, anything else on one line. */
function outputFailed(e: NodeJS.ErrnoException): never {
  if (e.code !== 'EPIPE') {
    try {
      const reason = e.code === 'ENOSPC' ? 'no space left on device' : e.code === 'EDQUOT' ? 'disk quota exceeded' : e.code === 'EIO' ? 'input/output error' : (e.code ?? e.message);
      writeSync(2, `errlookup: cannot write output: ${escapeForTerminal(reason)}\n`);
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
    rows: stdoutIsTTY ? process.stdout.rows : undefined,
    page: (text) => page(text, process.env.PAGER),
    write: fdWriter(1),
    writeError: fdWriter(2),
  });
  process.exitCode = code;
}

/**
 * Shows text through the pager, as git does: $PAGER, or `less -FRX` (quit if it fits, keep colours,
 * leave the screen as it is). A pager that cannot start leaves the text written as is.
 */
function page(text: string, pager: string | undefined): Promise<void> {
  const command = pager?.trim() || 'less';
  return new Promise((resolve) => {
    const child = spawn(command, [], { stdio: ['pipe', 'inherit', 'inherit'], shell: true, env: { ...process.env, LESS: process.env.LESS ?? 'FRX' } });
    let failed = false;
    child.on('error', () => {
      failed = true;
      fdWriter(1)(text);
      resolve();
    });
    child.on('close', (code) => {
      // 127: the shell found no such pager.
      if (!failed && code === 127) fdWriter(1)(text);
      resolve();
    });
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
}
