import type { ChalkInstance } from 'chalk';
import type { Finding, Match, Report, RetryClass } from '../types.js';
import { escapeForTerminal } from './escape.js';

export interface HumanOptions {
  /** How text is coloured: PLAIN for none (pipes, NO_COLOR, --no-color), chalkStyles(…) on a terminal. */
  styles: Styles;
  /** Wrap prose to this many columns (a terminal's width); undefined keeps one line per field, for grep. */
  width?: number;
  /** Several files were read: each finding says which, as `file:line`. */
  showFiles?: boolean;
}

const RETRY_TEXT = {
  throttling: 'yes: throttled; back off exponentially (e.g. 1 s, 2 s, 4 s … with jitter) and retry',
  transient: 'yes: transient; retry soon with a short backoff',
  'clock-skew': 'not as is: fix the clock or the signing time first, then retry',
  permanent: 'no: the same request will fail again until something is changed',
} as const satisfies Record<RetryClass, string>;

const MATCH_TEXT = {
  exact: 'exact match',
  alias: 'alias',
  status: 'by HTTP status',
  message: 'by message text',
  fuzzy: 'fuzzy match',
  list: 'catalog',
} as const satisfies Record<Match['match'], string>;

/** The styles the renderer uses: chalk's on a terminal, none at all otherwise. */
export interface Styles {
  bold(text: string): string;
  dim(text: string): string;
  underline(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  /** A code's name: bold cyan. */
  code(text: string): string;
}

const same = (text: string): string => text;

/** No colour: the text exactly as given, and no need to load chalk. */
export const PLAIN: Styles = { bold: same, dim: same, underline: same, green: same, yellow: same, red: same, code: same };

export function chalkStyles(c: ChalkInstance): Styles {
  return { bold: c.bold, dim: c.dim, underline: c.underline, green: c.green, yellow: c.yellow, red: c.red, code: c.bold.cyan };
}

function label(c: Styles, name: string): string {
  return c.dim(name.padEnd(10));
}

/** Prose after a label, wrapped at word boundaries with a hanging indent when a width is set. */
function wrap(text: string, indent: number, width: number | undefined): string {
  if (!width || width - indent < 30 || text.length + indent <= width) return text;
  const room = width - indent;
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

function renderMatch(c: Styles, m: Match, indent: string, width: number | undefined): string[] {
  const at = indent.length + 13;

  const how = m.score < 1 ? `${MATCH_TEXT[m.match]}, score ${m.score}` : MATCH_TEXT[m.match];
  const retryText = wrap(RETRY_TEXT[m.retry], indent.length + 13, width);
  const retry = m.retryable ? c.green(retryText) : m.retry === 'clock-skew' ? c.yellow(retryText) : c.red(retryText);
  return [
    `${indent}${c.code(escapeForTerminal(m.code))}  ${c.bold(`HTTP ${m.statuses.join(', ')}`)}  ${m.providerName}  ${c.dim(`(${how})`)}`,
    `${indent}  ${label(c, 'Meaning')} ${wrap(m.meaning, at, width)}`,
    `${indent}  ${label(c, 'Fix')} ${wrap(m.fix, at, width)}`,
    `${indent}  ${label(c, 'Retry')} ${retry}`,
    `${indent}  ${label(c, 'Docs')} ${c.underline(m.docs)}`,
  ];
}

/** What the input said, for findings read from a report rather than typed as a query. */
function renderInput(c: Styles, f: Finding, width: number | undefined, showFiles: boolean): string[] {
  const { input } = f;
  const what = [input.code ?? (input.status ? 'no error code' : 'error'), input.status ? `HTTP ${input.status}` : null].filter(Boolean).join(', ');
  const at = f.line === null ? '' : showFiles && f.file ? `${escapeForTerminal(f.file)}:${f.line}` : `line ${f.line}`;
  const seen = f.count > 1 ? `seen ${f.count} times, first on ${at}` : at;
  const lines = [`${c.bold(`▶ ${escapeForTerminal(what)}`)}${seen ? c.dim(`  (${seen})`) : ''}`];
  if (input.provider || input.server) {
    const name = input.provider ? (f.matches.find((m) => m.provider === input.provider)?.providerName ?? input.provider) : input.server!;
    lines.push(`  ${label(c, 'Provider')} ${name}${input.evidence.length ? c.dim(` (${escapeForTerminal(input.evidence.join(', '))})`) : ''}`);
  }
  if (input.message) lines.push(`  ${label(c, 'Message')} ${escapeForTerminal(input.message)}`);
  if (input.requestId) lines.push(`  ${label(c, 'RequestId')} ${escapeForTerminal(input.requestId)}`);
  for (const [name, value] of Object.entries(input.fields)) {
    lines.push(`  ${label(c, name)} ${escapeForTerminal(value)}`);
  }
  if (f.clock) {
    const verdict = f.clock.verdict === 'likely' ? c.yellow('clock skew likely') : c.green('clock skew unlikely');
    lines.push(`  ${label(c, 'Clock')} ${verdict}: ${escapeForTerminal(f.clock.detail)}`);
  }
  for (const note of f.notes) lines.push(`  ${label(c, 'Note')} ${wrap(escapeForTerminal(note), 13, width)}`);
  return lines;
}

/** A query that matched nothing, on one line: why, or what it asked. */
export function missLine(f: Finding): string {
  if (f.notes.length > 0) return `errlookup: ${escapeForTerminal(f.notes.join('; '))}`;
  const asked = escapeForTerminal(f.input.code ?? f.input.message ?? String(f.input.status ?? ''));
  return `errlookup: no match for "${asked}"`;
}

function isQuery(f: Finding): boolean {
  return f.line === null && (f.input.kind === 'code' || f.input.kind === 'status' || f.input.kind === 'text');
}

/** Findings as text for a person. With PLAIN styles the text has no escape sequences at all. */
export function renderHuman(report: Report, options: HumanOptions): string {
  const c = options.styles;
  const blocks: string[] = [];
  const read = report.findings.filter((f) => !isQuery(f));
  if (read.length > 1) {
    // A log: say up front how much there is, as errors counted by kind.
    const total = read.reduce((sum, f) => sum + f.count, 0);
    blocks.push(c.bold(`${read.length} distinct errors, ${total} occurrences in all, in order of first appearance:`));
  }
  for (const f of report.findings) {
    const lines: string[] = [];
    const query = isQuery(f);
    if (!query) lines.push(...renderInput(c, f, options.width, options.showFiles === true));
    // A query's notes say what the query itself was (an SDK's exception name for a status); a miss's, why it missed.
    else if (f.matches.length > 0) for (const note of f.notes) lines.push(`${label(c, 'Note')} ${wrap(escapeForTerminal(note), 11, options.width)}`, '');
    if (f.matches.length === 0) {
      lines.push(query ? missLine(f) : `  ${c.dim('no catalog entry matches this error')}`);
      if (f.suggestions.length) lines.push(`${query ? '' : '  '}Did you mean: ${f.suggestions.map(escapeForTerminal).join(', ')}?`);
    }
    f.matches.forEach((m, i) => {
      if (i > 0 || !query) lines.push('');
      lines.push(...renderMatch(c, m, query ? '' : '  ', options.width));
    });
    blocks.push(lines.join('\n'));
  }
  return blocks.length ? `${blocks.join('\n\n')}\n` : '';
}
