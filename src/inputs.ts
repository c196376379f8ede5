/**
 * What the main command reads, from its arguments: files (grep style: a path, `-` for stdin, or
 * `--file`, any number of them) or queries typed by hand (several codes are several lookups; a
 * phrase, or a status with its reason or code, is one).
 */
import { statSync } from 'node:fs';
import type { CatalogSet } from './catalog.js';
import { InputError, UsageError } from './errors.js';
import { findByName } from './match.js';
import { escapeForTerminal } from './render/escape.js';

export interface Plan {
  /** Files to read, in order; `-` is stdin. */
  files: string[];
  /** Queries to look up, each on its own. */
  queries: string[];
}

/**
 * A word that looks like a path: one word (no white space, markup or URL scheme) with a directory
 * separator, or ending in a short lower-case extension (`logs/azcopy.log`, `body.xml`).
 */
const PATH_LIKE = /^(?![A-Za-z][\w+.-]*:\/\/)[^\s<>{}"|]*(?:[/\\][^\s<>{}"|]*|\.[a-z0-9]{1,5})$/;

/** A status, or a status mask (`4xx`, `40x`). */
export const STATUS_WORD = /^[1-5](?:\d\d|\dx|xx)$/i;
/** A status mask only: every code of its statuses, as `list --status` gives them. */
export const STATUS_MASK = /^[1-5](?:\dx|xx)$/i;

/**
 * Where each argument goes. A word that looks like a path is a file, and must exist; any other word
 * is part of a query, even if a file of that name exists (`./ServerBusy` reads that file).
 */
export function planInputs(set: CatalogSet, args: readonly string[], fileOptions: readonly string[]): Plan {
  const files = [...fileOptions];
  const words: string[] = [];
  for (const arg of args) {
    if (arg === '-' || PATH_LIKE.test(arg)) files.push(arg);
    else words.push(arg);
  }
  if (words.length > 0 && files.length > 0) {
    throw new UsageError(`give either a query or files, not both ("${escapeForTerminal(words.join(' '))}" is no file: a file name needs a directory or an extension, as ./${escapeForTerminal(words[0]!)})`);
  }
  for (const file of files) if (file !== '-') checkReadable(file);
  return { files, queries: splitQueries(set, words) };
}

function checkReadable(file: string): void {
  try {
    if (statSync(file).isDirectory()) throw new InputError(`cannot read "${escapeForTerminal(file)}": it is a directory`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read "${escapeForTerminal(file)}": ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(e))}`);
  }
}

/**
 * The queries several words make: each its own when every word is a code the catalogs know, or
 * every word a status (`errlookup ServerBusy NoSuchKey`, `errlookup 403 404`, as `errno 2 13`);
 * otherwise one query (a message, "503 Slow Down", a status and a mistyped code).
 */
export function splitQueries(set: CatalogSet, words: readonly string[]): string[] {
  if (words.length === 0) return [];
  if (words.length === 1 || words.some((w) => /\s/.test(w.trim()))) return [words.join(' ')];
  if (words.every((w) => STATUS_WORD.test(w))) return [...words];
  if (words.every((w) => !STATUS_WORD.test(w) && findByName(set, w) !== null)) return [...words];
  return [words.join(' ')];
}
