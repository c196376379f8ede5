/**
 * Assembly: the statements of consecutive lines become one error (an Occurrence) until a
 * statement says it is another's: another request ID, a second opening statement, a second value
 * for what the error already has, a gap of many lines. Assembly reads no catalog: it works on
 * admitted statements only (src/admit.ts).
 */
import type { Statement } from './input/statement.js';
import { splitMessageSuffix, NO_VALUE } from './input/message.js';
import { normalizeCode } from './text.js';
import type { ErrorFacts, Evidence, InputKind } from './types.js';

/** Facts more than this many lines apart belong to different errors. */
export const MAX_GAP_LINES = 40;

/** One error being assembled from consecutive lines. */
export interface Occurrence {
  facts: ErrorFacts;
  /** The code came from a statement that is sure of it (not a loose candidate). */
  codeStrong: boolean;
  /** Each format's facts the error already has (`format:code`, `format:status` …): a second one is another error. */
  keys: Set<string>;
  /** A statement that opens a report (a status line, an exception line) is in it. */
  opened: boolean;
  /** It is a response that succeeded (a 2xx status line): its headers belong to it, and the next report starts anew. */
  success: boolean;
  /** Its XML body was cut short: a whole copy of it may follow. */
  partialXml: boolean;
  /** How its message may stand with no code or status (see Statement.via). */
  via: Set<NonNullable<Statement['via']>>;
  firstLine: number;
  lastLine: number;
  kinds: Set<InputKind>;
}

export function newOccurrence(line: number): Occurrence {
  return {
    facts: { kind: 'text', code: null, status: null, message: null, requestId: null, fields: {}, evidence: [], synthetic: false },
    codeStrong: false,
    keys: new Set(),
    opened: false,
    success: false,
    partialXml: false,
    via: new Set(),
    firstLine: line,
    lastLine: line,
    kinds: new Set(),
  };
}

export function hasError(o: Occurrence): boolean {
  return o.facts.code !== null || (o.facts.status !== null && o.facts.status >= 300);
}

/** The facts a statement states, each by its format: two statements of one format with the same fact are two errors. */
function keysOf(st: Statement): string[] {
  const keys: string[] = [];
  if (st.code) keys.push(`${st.format}:code`);
  if (st.status) keys.push(`${st.format}:status`);
  if (st.message) keys.push(`${st.format}:message`);
  if (st.requestId) keys.push(`${st.format}:requestId`);
  return keys;
}

/** Whether a statement describes a different error from the one being assembled. */
export function startsAnother(o: Occurrence, st: Statement, line: number): boolean {
  if (line - o.lastLine > MAX_GAP_LINES) return true;
  const { facts } = o;
  // A response that succeeded is no part of the error before it, nor the next report a part of it.
  if (st.success) return true;
  // Nothing of an error is glued onto a response that succeeded (its headers stay with it).
  if (o.success && (st.role === 'marks' || st.status !== undefined || st.madeUp !== undefined || !!st.code || !!st.candidates || !!st.message)) return true;
  if (st.requestId && facts.requestId) return st.requestId.trim() !== facts.requestId;
  // A marker (Traceback, "===== RESPONSE ERROR") opens a report; a second opening statement starts the next one.
  if ((st.role === 'marks' || (st.role === 'opens' && o.opened)) && hasError(o)) return true;
  const sameBodyAgain = st.format === 'xml' && o.partialXml && !!st.code && !!facts.code && normalizeCode(st.code) === normalizeCode(facts.code);
  if (st.role !== 'repeats' && !sameBodyAgain && keysOf(st).some((k) => o.keys.has(k))) return true;
  // A loose code reaches here only if a catalog knows it (src/admit.ts): every code counts as one.
  if (st.code && facts.code && !facts.synthetic && o.codeStrong && normalizeCode(st.code) !== normalizeCode(facts.code)) return true;
  return !!(st.status && facts.status && st.status !== facts.status);
}

/** Adds a statement's facts to the error; `clues` says what a request ID and fields reveal of the provider. */
export function addStatement(o: Occurrence, st: Statement, line: number, clues: { ofRequestId(id: string): Evidence | null }): void {
  const { facts } = o;
  for (const key of keysOf(st)) o.keys.add(key);
  if (st.role === 'opens') o.opened = true;
  if (st.success) o.success = true;
  if (st.format === 'xml') o.partialXml = st.partial === true;
  if (st.via) o.via.add(st.via);
  o.lastLine = line;
  o.kinds.add(st.kind);
  if (st.madeUp !== undefined) {
    if (facts.code === null) facts.synthetic = true;
    if (st.madeUp > 0 && facts.status === null) facts.status = st.madeUp;
  }
  if (st.code) {
    const strong = st.trust !== 'loose';
    // An SDK that said "no code" (a bare 403) is contradicted only by a real code, not by a loose one
    // (Hadoop's java.nio.file.AccessDeniedException around a body-less S3 HEAD).
    if ((facts.code === null && !facts.synthetic) || ((facts.synthetic || !o.codeStrong) && strong)) {
      facts.code = st.code.trim();
      facts.synthetic = false;
      o.codeStrong = strong;
    }
  }
  if (st.status && facts.status === null) facts.status = st.status;
  // A request ID the line names outright comes before one found in a message's Azure suffix.
  if (st.requestId && facts.requestId === null) setRequestId(facts, st.requestId, clues);
  if (st.message && (facts.message === null || st.format === 'xml')) {
    const split = splitMessageSuffix(st.message);
    if (split.message) facts.message = split.message;
    if (split.requestId && facts.requestId === null) setRequestId(facts, split.requestId, clues);
    if (split.time && !Object.hasOwn(facts.fields, 'Time')) facts.fields.Time = split.time;
  }
  if (st.fields) {
    for (const [k, v] of Object.entries(st.fields)) if (v && !NO_VALUE.test(v) && !Object.hasOwn(facts.fields, k)) facts.fields[k] = v;
  }
  if (st.names) facts.evidence.push(st.names);
}

function setRequestId(facts: ErrorFacts, requestId: string, clues: { ofRequestId(id: string): Evidence | null }): void {
  if (NO_VALUE.test(requestId.trim()) || !/[A-Za-z0-9]/.test(requestId)) return;
  facts.requestId = requestId.trim();
  const e = clues.ofRequestId(facts.requestId);
  if (e) facts.evidence.push(e);
}

/** Merges a later report of the same request (same request ID) into the earlier one. */
export function mergeOccurrences(into: Occurrence, from: Occurrence): void {
  const a = into.facts;
  const b = from.facts;
  if (b.code && (a.code === null || a.synthetic || (!into.codeStrong && from.codeStrong))) {
    a.code = b.code;
    a.synthetic = b.synthetic;
    into.codeStrong = from.codeStrong;
  }
  a.status ??= b.status;
  a.message ??= b.message;
  for (const [k, v] of Object.entries(b.fields)) if (!Object.hasOwn(a.fields, k)) a.fields[k] = v;
  a.evidence.push(...b.evidence);
  for (const k of from.kinds) into.kinds.add(k);
  into.lastLine = from.lastLine;
}

/** Kinds in the order that describes a finding best. */
const KIND_RANK: InputKind[] = ['xml', 'http', 'sdk', 'json', 'log', 'text'];

/** The kind that describes an error best: a log's when the error came from a log's lines among others. */
export function kindOf(o: Occurrence): InputKind {
  if (o.kinds.size > 1 && o.kinds.has('log')) return 'log';
  return KIND_RANK.find((k) => o.kinds.has(k)) ?? 'text';
}
