/** Where a report comes from: a file, read in reused chunks, or stdin; a file that cannot be read is an input error. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ErrlookupError, InputError } from './errors.js';
import type { CliEnv } from './options.js';
import { escapeForTerminal } from './render/escape.js';

/**
 * Chunk size for files, the same as stdin's. Each chunk becomes one latin1 string; at 64 KiB these
 * die young in V8's new space, and peak RSS on a 500 MiB log is about 95 MiB. 1 MiB chunks ran
 * about 15% faster but peaked at 130-147 MiB, too near the 150 MiB bound.
 */
export const CHUNK_BYTES = 64 * 1024;

/** The input as a stream of chunks, from a file or stdin; missing files and directories are input errors. */
export function openInput(io: CliEnv, file: string | undefined): AsyncIterable<Buffer | string> {
  if (file === undefined || file === '-') return io.stdin;
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
export async function* counted(source: AsyncIterable<Buffer | string>, file: string | undefined, seen: { content: boolean }): AsyncIterable<Buffer | string> {
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

