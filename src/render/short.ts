import type { Finding, Report } from '../types.js';
import { escapeForTerminal } from './escape.js';

/** A field as one awk column: no white space in it (a code's spaces become `_`, a file name's `%20`). */
const column = (text: string, space: string): string => escapeForTerminal(text).replace(/\s/g, space);

/** Where a finding was read: `file:line`, a line number, or `-` for a query typed as an argument. */
function where(f: Finding): string {
  if (f.line === null) return '-';
  return f.file ? `${column(f.file, '%20')}:${f.line}` : String(f.line);
}

/**
 * One line per match, errno/perror style, seven columns for grep and awk:
 * `provider code status[,status] retry-class match count where`, where `match` is how the entry was
 * found (`exact`, `alias`, `status`, `message`, `fuzzy`: a script tells a guess from a hit) and
 * `where` the first place the error appears (`file:line`, `line`, or `-`).
 */
export function renderShort(report: Report): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    for (const m of f.matches) lines.push([m.provider, column(m.code, '_'), m.statuses.join(','), m.retry, m.match, String(f.count), where(f)].join(' '));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
