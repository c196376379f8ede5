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
  /** The locale cannot show `▶` and `…`: `>` and `...` instead. */
  ascii?: boolean;
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

/** Labels fill this many columns; a longer one (MaxAllowedSkewMilliseconds) gets a line of its own. */
const LABEL = 10;

function label(c: Styles, name: string): string {
  return c.dim(name.padEnd(LABEL));
}

/** A labelled field at `indent`, its value wrapped under the value column. */
function field(c: Styles, indent: number, name: string, value: string, width: number | undefined): string {
  const at = indent + LABEL + 1;
  const pad = ' '.repeat(indent);
  if (name.length > LABEL) return `${pad}${c.dim(name)}\n${' '.repeat(at)}${wrap(value, at, width)}`;
  return `${pad}${label(c, name)} ${wrap(value, at, width)}`;
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
  const head = `${escapeForTerminal(m.code)}  HTTP ${m.statuses.join(', ')}  ${m.providerName}  (${how})`;
  // A header too wide for the width puts how it matched on a line of its own.
  const split = width !== undefined && indent.length + head.length > width;
  return [
    `${indent}${c.code(escapeForTerminal(m.code))}  ${c.bold(`HTTP ${m.statuses.join(', ')}`)}  ${m.providerName}${split ? `\n${indent}  ` : '  '}${c.dim(`(${how})`)}`,
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
    const why = input.evidence.length ? ` (${escapeForTerminal(input.evidence.join(', '))})` : '';
    // Wrapped as one text, then the evidence dimmed (the styles add no width when plain).
    const text = wrap(`${name}${why}`, 2 + LABEL + 1, width);
    lines.push(`  ${label(c, 'Provider')} ${text.slice(0, name.length)}${why ? c.dim(text.slice(name.length)) : ''}`);
  }
  if (input.message) lines.push(field(c, 2, 'Message', escapeForTerminal(input.message), width));
  if (input.requestId) lines.push(field(c, 2, 'RequestId', escapeForTerminal(input.requestId), width));
  for (const [name, value] of Object.entries(input.fields)) lines.push(field(c, 2, name, escapeForTerminal(value), width));
  if (f.clock) {
    const verdict = f.clock.verdict === 'likely' ? 'clock skew likely' : 'clock skew unlikely';
    const text = field(c, 2, 'Clock', `${verdict}: ${escapeForTerminal(f.clock.detail)}`, width);
    lines.push(text.replace(verdict, f.clock.verdict === 'likely' ? c.yellow(verdict) : c.green(verdict)));
  }
  for (const note of f.notes) lines.push(field(c, 2, 'Note', escapeForTerminal(note), width));
  return lines;
}

/** A query that fits more codes than this starts with a summary. */
const MANY = 10;

function summaryOf(f: Finding): string {
  const per = new Map<string, number>();
  for (const m of f.matches) per.set(m.provider, (per.get(m.provider) ?? 0) + 1);
  const asked = f.input.status ? `HTTP ${f.input.status}` : escapeForTerminal(f.input.code ?? f.input.message ?? 'this query');
  const counts = [...per].map(([p, n]) => `${p} ${n}`).join(', ');
  return `${asked} fits ${f.matches.length} codes (${counts}). Narrow it with --provider <id>, or look up the code itself.`;
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
    // A query many codes fit (a bare status): how many, per provider, and how to narrow it down.
    if (query && f.input.kind === 'status' && f.matches.length > MANY) lines.push(wrap(summaryOf(f), 0, options.width), '');
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
  const text = blocks.length ? `${blocks.join('\n\n')}\n` : '';
  return options.ascii ? text.replace(/▶/g, '>').replace(/…/g, '...') : text;
}
