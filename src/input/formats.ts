/**
 * Reads one line with every format recipe (data/formats/): each that finds its printout there
 * makes a statement. Pure: the line and the vocabulary in, statements out; whether a loose code is
 * a code at all is decided later, once (src/admit.ts).
 */
import type { Role } from '../data/types.js';
import type { Evidence } from '../types.js';
import type { PackedFormat, Vocabulary } from '../vocabulary.js';
import { WEIGHT } from '../vocabulary.js';
import { readJsonBody } from './json.js';
import { unquote } from './message.js';
import { HintTable } from '../hints.js';
import { makeReaders, readerHints, whenFirstRead, type Reader } from './readers.js';
import { isSuccess, type Parts, type Statement } from './statement.js';

/** A format made ready to read lines. Every field is always set: one shape for all, read in a hot loop. */
interface Runner {
  format: PackedFormat;
  /** 0: read always; 1: only when no other format found a code on the line; 2: only when the line read as nothing. */
  fallback: 0 | 1 | 2;
  /** The formats that, having read the line, make this one skip it. */
  yieldsTo: readonly string[];
  /** The literals (their ids in the runners' HintTable) a line must hold one of each of. */
  hints: number[][];
  when: RegExp | null;
  unless: RegExp | null;
  near: RegExp | null;
  after: { pattern: RegExp; role: Role } | null;
  messageBefore: { strip: RegExp; shape: RegExp } | null;
  read: Reader;
  names: { evidence: Evidence; when: [string, RegExp][] } | null;
}

/** The groups of a match as a statement's parts: code, status, message, requestId, and fields. */
function addGroups(parts: Parts, groups: Record<string, string | undefined> | undefined): void {
  if (!groups) return;
  for (const [name, value] of Object.entries(groups)) {
    if (value === undefined || value === '') continue;
    if (name === 'code') parts.code ??= value;
    else if (name === 'status') parts.status ??= Number(value);
    else if (name === 'message') parts.message ??= value;
    else if (name === 'requestId') parts.requestId ??= value;
    else if (!(parts.fields && Object.hasOwn(parts.fields, name))) (parts.fields ??= {})[name] = value;
  }
}

/** A reader of `patterns` (the first alternative that matches) and `find` (each on its own). */
function patternReader(f: PackedFormat): Reader {
  const patterns = (f.patterns ?? []).map((p) => new RegExp(p, f.candidates ? 'g' : ''));
  const find = (f.find ?? []).map((p) => new RegExp(p));
  return (raw) => {
    const line = f.unescape && raw.includes('\\"') ? raw.replace(/\\"/g, '"') : raw;
    const parts: Parts = {};
    if (f.candidates) {
      const words = [...line.matchAll(patterns[0]!)].slice(0, 8).map((m) => m.groups?.code).filter((w): w is string => !!w);
      return words.length ? { candidates: words } : null;
    }
    if (patterns.length > 0) {
      const m = patterns.map((p) => p.exec(line)).find((x) => x !== null);
      if (!m) return null;
      addGroups(parts, m.groups);
    }
    for (const p of find) addGroups(parts, p.exec(line)?.groups);
    // A body escaped inside a log string: its message's own escapes (`\\n`) are undone too.
    if (f.unescape && parts.message) parts.message = unquote(parts.message);
    return patterns.length > 0 || parts.code || parts.status || parts.message || parts.requestId || parts.fields ? parts : null;
  };
}

/** Whether a message reads as a sentence of a provider's: a capital, at least ten more characters, no markup. */
function isSentence(text: string): boolean {
  return /^[A-Z][^<{"]{10,}[.!]?$/.test(text);
}

/** The statement a format makes of what it read, or null when what it read is nothing. */
function toStatement(r: Runner, parts: Parts, before: string | undefined): Statement | null {
  const f = r.format;
  const st: Statement = { format: f.id, role: f.role, trust: f.trust, ...f.sets, ...parts, kind: parts.kind ?? f.kind };
  if (st.status !== undefined && isSuccess(st.status)) {
    // A success ends the report before it only where the format prints a response's status (curl's status line).
    delete st.status;
    if (f.endsResponse) return { format: f.id, kind: f.kind, role: f.role, trust: f.trust, success: true };
    delete st.message;
  }
  if (st.message !== undefined && f.message === 'sentence') {
    const text = st.message.trim().replace(/^"|"$/g, '');
    if (isSentence(text)) st.message = text;
    else delete st.message;
  }
  if (st.message !== undefined && f.message === 'capitalised' && !(/^[A-Z]/.test(st.message.trim()) && st.message.trim().length > 10)) delete st.message;
  if (f.message === 'reason') st.reasonOnly = true;
  if (r.messageBefore && st.message === undefined && before !== undefined) {
    const text = before.trim().replace(r.messageBefore.strip, '');
    if (r.messageBefore.shape.test(text)) st.message = text;
  }
  if (r.after && before !== undefined && r.after.pattern.test(before.trimEnd())) st.role = r.after.role;
  if (f.looseWithout === 'status' && st.status === undefined) st.trust = 'loose';
  if (f.via && !st.code && st.status === undefined) st.via = f.via;
  if (f.unknownCode) st.unknownCode = f.unknownCode;
  if (r.names && r.names.when.every(([field, p]) => p.test(st.fields?.[field] ?? ''))) st.names = r.names.evidence;
  const said = st.code || st.candidates || st.messageCandidates || st.status || st.message || st.requestId || st.fields;
  return said || f.role === 'marks' ? st : null;
}

/** The formats, made ready to read lines, in reading order, and the table that tests their hints. */
export interface Runners {
  /** Those that read every line, and those read only when a line read as nothing. */
  list: Runner[];
  fallbacks: Runner[];
  /** Those that read a JSON body. */
  bodies: Runner[];
  hints: HintTable;
}

/** The runners for a vocabulary. */
export function makeRunners(vocabulary: Vocabulary): Runners {
  const readers = makeReaders(vocabulary);
  const table = new HintTable(vocabulary.automata);
  const list = vocabulary.formats.map((f): Runner => {
    // A reader's own names, and whatever its gate (`when`) needs.
    const own = f.reader && f.reader !== 'json' ? readerHints(vocabulary, f.reader) : { hints: [], ignoreCase: false };
    const n = f.names;
    return {
      format: f,
      fallback: f.fallback === 'no-code' ? 1 : f.fallback === 'nothing-read' ? 2 : 0,
      yieldsTo: f.yieldsTo ?? [],
      hints: [...table.add(own.hints, own.ignoreCase), ...table.add(f.hints, false)],
      when: f.when ? new RegExp(f.when) : null,
      unless: f.unless ? new RegExp(f.unless) : null,
      near: f.near ? new RegExp(f.near) : null,
      after: f.after ? { pattern: new RegExp(f.after.pattern), role: f.after.role } : null,
      messageBefore: f.messageBefore ? { strip: new RegExp(f.messageBefore.strip), shape: new RegExp(f.messageBefore.shape) } : null,
      read: f.reader === 'json' ? () => null : f.reader ? readers[f.reader] : whenFirstRead(() => patternReader(f)),
      names: n
        ? {
            evidence: { provider: n.provider ?? null, reason: n.reason, weight: WEIGHT.name, ...(n.speaks ? { speaks: n.speaks } : {}) },
            when: Object.entries(n.when ?? {}).map(([field, p]) => [field, new RegExp(p)]),
          }
        : null,
    };
  });
  const lines = list.filter((r) => r.format.reader !== 'json');
  return { list: lines.filter((r) => r.fallback !== 2), fallbacks: lines.filter((r) => r.fallback === 2), bodies: list.filter((r) => r.format.reader === 'json'), hints: table };
}

/**
 * Every statement the formats make of one line; `before` is the line before it, when known.
 * `fallback` selects the formats read only when the line read as nothing (after admission).
 */
/** The statement of a JSON body, from the first format whose shape fits it; null when none does. */
export function readBody(runners: Runners, body: string): Statement | null {
  const read = readJsonBody(
    runners.bodies.map((r) => r.format),
    body,
  );
  if (!read) return null;
  return toStatement(runners.bodies.find((r) => r.format === read.format)!, read.parts, undefined);
}

/**
 * The statements without the loose codes that are an exception class another format on the line
 * read as such (gsutil's "AccessDeniedException: 403 …"): a class is no code.
 */
function withoutClassNames(statements: Statement[]): Statement[] {
  const classes = statements.flatMap((st) => (st.fields?.Exception ? [st.fields.Exception] : []));
  if (classes.length === 0) return statements;
  return statements.flatMap((st): Statement[] => {
    if (st.trust !== 'loose') return [st];
    const candidates = st.candidates?.filter((c) => !classes.includes(c));
    if (st.candidates && candidates!.length === 0) return [];
    if (st.code && classes.includes(st.code)) {
      const { code: _class, ...rest } = st;
      return rest.message || rest.status || rest.requestId || rest.fields ? [rest] : [];
    }
    return [candidates ? { ...st, candidates } : st];
  });
}

/** Whether one of these formats made one of the statements. */
function yields(formats: readonly string[], statements: readonly Statement[]): boolean {
  for (const st of statements) if (formats.includes(st.format)) return true;
  return false;
}

/** A line as a format reads it: without trailing space, and out of the backticks Markdown put around it ("` ErrorCode:ServerBusy`"). */
function lineText(line: string): string {
  const text = line.trimEnd();
  const start = text.length - text.trimStart().length;
  if (text.length - start < 3 || text[start] !== '`' || text[text.length - 1] !== '`' || text[start + 1] === '`') return text;
  return text.slice(start + 1, -1).trim();
}

export function readLine(runners: Runners, line: string, before: string | undefined, fallback = false): Statement[] {
  const text = lineText(line);
  const found: Statement[] = [];
  let coded = false;
  const hints = runners.hints;
  hints.start(text);
  for (const r of fallback ? runners.fallbacks : runners.list) {
    if (r.fallback === 1 && coded) continue;
    // The line's literals were found in one pass: most lines hold none of a format's hints, and then its expressions never run.
    if (!hints.holds(r.hints)) continue;
    if (r.when !== null && !r.when.test(text)) continue;
    if (r.unless !== null && r.unless.test(text)) continue;
    if (r.near !== null && !r.near.test(text) && !(before !== undefined && r.near.test(before))) continue;
    if (r.yieldsTo.length > 0 && yields(r.yieldsTo, found)) continue;
    const parts = r.read(text, before);
    if (!parts) continue;
    const st = toStatement(r, parts, before);
    if (!st) continue;
    found.push(st);
    coded ||= !!(st.code || st.candidates);
  }
  return withoutClassNames(found);
}
