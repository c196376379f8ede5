import type { Finding, Report } from '../types.js';
import { escapeForTerminal } from './escape.js';

/** GitHub's workflow-command escaping: data escapes %, CR and LF; property values also `:` and `,`. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub shows at most this many annotations of each level per step (errors, warnings). */
export const GITHUB_ANNOTATIONS_SHOWN = 10;

/** An annotation's level: a throttling error a retry will clear is a warning, anything else an error. */
function levelOf(f: Finding): 'error' | 'warning' {
  return f.matches.length > 0 && f.matches.every((m) => m.retry === 'throttling') ? 'warning' : 'error';
}

/** What an error is called in a title and a summary: its code, or its status. */
function nameOf(f: Finding): string {
  return f.input.code ?? (f.input.status ? `HTTP ${f.input.status}` : (f.input.message ?? 'error'));
}

function annotation(f: Finding, level: 'error' | 'warning'): string {
  const at = f.file && f.line !== null ? `file=${escapeProperty(f.file)},line=${f.line},` : '';
  const seen = f.count > 1 ? ` Seen ${f.count} times${f.line !== null ? `, first on line ${f.line}` : ''}.` : '';
  const id = f.input.requestId ? ` Request ID: ${f.input.requestId}.` : '';
  const m = f.matches[0];
  if (!m) {
    const title = `errlookup: no match for ${nameOf(f)}`;
    return `::${level} ${at}title=${escapeProperty(escapeForTerminal(title))}::${escapeData(escapeForTerminal(`errlookup found no catalog entry for this error.${seen}${id}`))}`;
  }
  const who = f.input.provider ? m.providerName : (f.input.server ?? m.providerName);
  const title = `errlookup: ${m.code} (${who}, HTTP ${m.statuses.join('/')})`;
  const retry = m.retryable ? `Retry: yes (${m.retry}).` : `Retry: no (${m.retry}).`;
  const others = f.matches.length > 1 ? ` Also possible: ${f.matches.slice(1).map((o) => `${o.code} (${o.providerName})`).join(', ')}.` : '';
  const body = `${m.meaning} Fix: ${m.fix} ${retry}${seen}${id}${others} Docs: ${m.docs}`;
  return `::${level} ${at}title=${escapeProperty(escapeForTerminal(title))}::${escapeData(escapeForTerminal(body))}`;
}

/**
 * GitHub Actions annotations, one per error found (at its file and line when it came from a file),
 * a warning for throttling a retry clears; no more of each level than GitHub shows (the rest are
 * grouped into the last one), and a one-line summary at the end.
 */
export function renderGithub(report: Report): string {
  const lines: string[] = [];
  for (const level of ['error', 'warning'] as const) {
    const of = report.findings.filter((f) => levelOf(f) === level);
    const shown = of.length > GITHUB_ANNOTATIONS_SHOWN ? of.slice(0, GITHUB_ANNOTATIONS_SHOWN - 1) : of;
    for (const f of shown) lines.push(annotation(f, level));
    const rest = of.slice(shown.length);
    if (rest.length > 0) {
      const names = rest.map((f) => `${nameOf(f)}${f.count > 1 ? ` ×${f.count}` : ''}`).join(', ');
      lines.push(`::${level} title=${escapeProperty(`errlookup: ${rest.length} more ${level === 'error' ? 'errors' : 'warnings'}`)}::${escapeData(escapeForTerminal(`Not annotated one by one (GitHub shows ${GITHUB_ANNOTATIONS_SHOWN} per step): ${names}. Run errlookup on the log for all of them.`))}`);
    }
  }
  const total = report.findings.reduce((n, f) => n + f.count, 0);
  const summary =
    report.findings.length === 0
      ? 'errlookup: no storage error found'
      : `errlookup: ${report.findings.length} distinct error${report.findings.length === 1 ? '' : 's'}, ${total} occurrence${total === 1 ? '' : 's'}: ${report.findings.map(nameOf).slice(0, 20).join(', ')}${report.findings.length > 20 ? ', …' : ''}`;
  lines.push(escapeData(escapeForTerminal(summary)));
  return `${lines.join('\n')}\n`;
}
