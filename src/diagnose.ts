import { normalizeCode, normalizeMessage, type CatalogSet } from './catalog.js';
import { checkClock } from './input/clock.js';
import { extractLine, syntheticStatus, tidyMessage, type LineFacts } from './input/lines.js';
import { decideProvider, findEvidence, requestIdEvidence, WEIGHT } from './input/provider.js';
import { RegionScanner, type Region } from './input/stream.js';
import { isXmlParserLoaded, loadXmlParser, mayNeedXmlParser, parseErrorXml, XML_CLOSE } from './input/xml.js';
import { findByMessage, findByName, findByStatus, lookupReport, toMatch } from './match.js';
import type { ErrorFacts, Evidence, Finding, InputKind, Match, Report } from './types.js';

export interface DiagnoseOptions {
  /** Only this provider's catalog (already checked with `checkProvider`). */
  provider?: string;
}

/** Facts more than this many lines apart belong to different errors. */
const MAX_GAP_LINES = 40;
/** At most this many distinct findings are kept; further distinct errors are counted, not listed. */
export const MAX_FINDINGS = 500;
/** Inputs up to this size with no recognisable error report are looked up as a whole, as a query. */
const QUERY_FALLBACK_BYTES = 64 * 1024;
/** Statements too loose to make a one-line input a report rather than a query. */
const WEAK_SLOTS = new Set(['bare-code', 'camel-lead', 'lead-message', 'exception-message', 'code-word', 'tail-message']);
/** Words that make a line an error line, for messages found at its end. */
const ERROR_WORDS = /rror|RROR|ailed|AILED|xception|[Dd]enied/;
/** Loose statements that repeat what a report already says: a second one never starts a new error. */
const ECHO_SLOTS = new Set(['lead-message', 'exception-message', 'code-word', 'details-code', 'sdk-go-status']);
/** Clue-only lines this close after an error's last fact count as its evidence. */
const EVIDENCE_REACH_LINES = 2;
/** Longer than any provider message: such text is not a query. */
const MAX_QUERY_CHARS = 600;
/** Kinds in the order that describes a finding best. */
const KIND_RANK: InputKind[] = ['xml', 'http', 'sdk', 'json', 'log', 'text'];

/** One error being assembled from consecutive lines. */
interface Group {
  facts: ErrorFacts;
  codeStrong: boolean;
  slots: Set<string>;
  /** A statement that opens an error report (a status line, an exception line) is in the group. */
  started: boolean;
  /** The group's XML body was cut short: a whole copy of it may follow. */
  partialXml: boolean;
  /** Every fact came from a loose form (a bare code, an exception lead): on one line of its own, that is a query. */
  weakOnly: boolean;
  firstLine: number;
  lastLine: number;
  kinds: Set<InputKind>;
}

interface Aggregate {
  facts: ErrorFacts;
  /** The provider the error's own evidence names (part of the aggregate's key); after #byDecidedProvider, the one it is reported under. */
  provider: string | null;
  count: number;
  line: number;
  weakOnly: boolean;
}

function newGroup(line: number): Group {
  return {
    facts: { kind: 'text', code: null, status: null, message: null, requestId: null, fields: {}, evidence: [], synthetic: false },
    codeStrong: false,
    slots: new Set(),
    started: false,
    partialXml: false,
    weakOnly: true,
    firstLine: line,
    lastLine: line,
    kinds: new Set(),
  };
}

function hasError(g: Group): boolean {
  return g.facts.code !== null || (g.facts.status !== null && g.facts.status >= 300);
}

/**
 * Slots whose facts may come a part at a time: each part is a statement of its own. AWS's PHP SDK
 * says "resulted in a `404 Not Found` response:", then the body, then "NoSuchKey (client): …".
 */
const SPLIT_SLOTS = new Set(['kv', 'pairs', 'sdk-php', 'java-field']);
/** The statements a line makes, for telling whether a group already has one of the same kind. */
function slotKeys(f: LineFacts): string[] {
  if (!SPLIT_SLOTS.has(f.slot)) return [f.slot];
  const keys: string[] = [];
  if (f.code) keys.push(`${f.slot}:code`);
  if (f.status) keys.push(`${f.slot}:status`);
  if (f.message) keys.push(`${f.slot}:message`);
  if (f.requestId) keys.push(`${f.slot}:requestId`);
  return keys;
}

function hasPayload(f: LineFacts): boolean {
  return !!(f.code || f.status || f.requestId || f.message);
}

/** Whether a line's facts describe a different error from the one being assembled. */
function conflicts(g: Group, f: LineFacts, line: number): boolean {
  if (line - g.lastLine > MAX_GAP_LINES) return true;
  const { facts } = g;
  if (f.requestId && facts.requestId) return f.requestId.trim() !== facts.requestId;
  // A marker (Traceback, "===== RESPONSE ERROR") opens a report; a second opening statement starts the next one.
  if (f.starts && hasError(g) && (f.slot === 'start' || g.started)) return true;
  const sameBodyAgain = f.slot === 'xml' && g.partialXml && !!f.code && !!facts.code && normalizeCode(f.code) === normalizeCode(facts.code);
  if (hasPayload(f) && !sameBodyAgain && !ECHO_SLOTS.has(f.slot) && slotKeys(f).some((k) => g.slots.has(k))) return true;
  // Loose codes reach here only if the catalog knows them (#vet), so every code counts as one.
  if (f.code && facts.code && !facts.synthetic && syntheticStatus(f.code) === null) {
    if (g.codeStrong && normalizeCode(f.code) !== normalizeCode(facts.code)) return true;
  }
  return !!(f.status && facts.status && f.status !== facts.status);
}

/** Azure appends "RequestId:<guid>\nTime:<timestamp>" to every message: split it off into fields. */
export function splitMessageSuffix(message: string): { message: string; requestId?: string; time?: string } {
  // Each "RequestId:" is tried in turn with an expression anchored there, and the message before it is
  // trimmed by hand: one expression over the whole text would rescan every run of spaces before it.
  for (let at = message.indexOf('RequestId:'); at >= 0; at = message.indexOf('RequestId:', at + 1)) {
    // A redacted ID ("ece1bXXX****") counts when Time: follows it.
    const m = /^RequestId:([0-9a-f]{8}-[0-9a-f-]{27}|[^\s\\]+(?=(?:\s|\\n)+Time:))(?:\s|\\n|\[\w+\])*(?:Time:(\d{4}-\d\d-\d\dT[\d:.]+Z))?/.exec(message.slice(at, at + 256));
    if (m) return { message: withoutTrailingSeparators(message.slice(0, at)), requestId: m[1], time: m[2] };
  }
  return { message: message.trim() };
}

/** Text with the spaces, escaped newlines ("\\n") and "[Tag]"s at its end removed. */
function withoutTrailingSeparators(text: string): string {
  let t = text;
  for (;;) {
    const trimmed = t.trimEnd();
    if (trimmed.endsWith('\\n')) t = trimmed.slice(0, -2);
    else if (trimmed.endsWith(']') && /\[\w+\]$/.test(trimmed.slice(-64))) t = trimmed.slice(0, trimmed.lastIndexOf('['));
    else return trimmed.trim();
  }
}

/** A code that only an SDK's text reports (not an XML body or a header) may be one the SDK made up. */
function isSdkText(f: LineFacts): boolean {
  return f.slot !== 'xml' && f.slot !== 'header-code' && f.slot !== 'json-error';
}

function addFacts(g: Group, f: LineFacts, line: number): void {
  const { facts } = g;
  for (const key of slotKeys(f)) g.slots.add(key);
  if (f.starts && f.slot !== 'start') g.started = true;
  if (f.slot === 'xml') g.partialXml = f.partial === true;
  if (!WEAK_SLOTS.has(f.slot)) g.weakOnly = false;
  g.lastLine = line;
  g.kinds.add(f.kind);
  if (f.code) {
    const synthetic = isSdkText(f) ? syntheticStatus(f.code) : null;
    if (synthetic !== null) {
      if (facts.code === null) facts.synthetic = true;
      if (synthetic > 0 && facts.status === null) facts.status = synthetic;
    } else {
      // A loose candidate (a class name, a `code: '…'` pair) arrives in the catalog's spelling, or not at all (#vet).
      const strong = !f.weakCode;
      // An SDK that said "no code" (a bare 403) is contradicted only by a real code, not by a loose one
      // (Hadoop's java.nio.file.AccessDeniedException around a body-less S3 HEAD).
      const replace = (facts.code === null && !facts.synthetic) || ((facts.synthetic || !g.codeStrong) && strong);
      if (replace) {
        facts.code = f.code.trim();
        facts.synthetic = false;
        g.codeStrong = strong;
      }
    }
  }
  if (f.status && facts.status === null) facts.status = f.status;
  // A request ID the line names outright comes before one found in a message's Azure suffix.
  if (f.requestId && facts.requestId === null) setRequestId(facts, f.requestId);
  if (f.message && (facts.message === null || f.slot === 'xml')) {
    const split = splitMessageSuffix(f.message);
    if (split.message) facts.message = split.message;
    if (split.requestId && facts.requestId === null) setRequestId(facts, split.requestId);
    if (split.time && !Object.hasOwn(facts.fields, 'Time')) facts.fields.Time = split.time;
  }
  if (f.fields) {
    for (const [k, v] of Object.entries(f.fields)) if (v && !NO_VALUE.test(v) && !Object.hasOwn(facts.fields, k)) facts.fields[k] = v;
  }
  if (f.evidence) facts.evidence.push(FORMAT_EVIDENCE[f.evidence]);
}

/** What an SDK prints for a value it does not have ("S3 Extended Request ID: null"), or a paste's placeholder ("...,"). */
const NO_VALUE = /^(?:null|none|nil|undefined|[.\-*_,\s…?—<>]+|x{3,}|<[\w -]+>)$/i;

/** A request ID that names no request: a placeholder has no letter or digit ("<>", "…", "???"). */
function isPlaceholder(id: string): boolean {
  return !/[A-Za-z0-9]/.test(id) || NO_VALUE.test(id.trim());
}

function setRequestId(facts: ErrorFacts, requestId: string): void {
  if (isPlaceholder(requestId)) return;
  facts.requestId = requestId.trim();
  const e = requestIdEvidence(facts.requestId);
  if (e) facts.evidence.push(e);
}

/** The weight of a clue that is only a name: an SDK's or a tool's, or a message format's. */
const NAME_WEIGHT = WEIGHT.sdk;

/** A message format only one provider's SDKs or tools print. */
const FORMAT_EVIDENCE = {
  azure: { provider: 'azure-blob', reason: 'Azure SDK or AzCopy message format', weight: NAME_WEIGHT },
  aws: { provider: 'aws-s3', reason: 'AWS SDK message format', weight: NAME_WEIGHT, s3Api: true },
  cos: { provider: 'tencent-cos', reason: 'COS SDK message format', weight: NAME_WEIGHT },
} as const satisfies Record<NonNullable<LineFacts['evidence']>, Evidence>;

/** What makes two errors one finding: provider, code, status; and for an error known by its message alone, the message. */
function aggregateKey(provider: string | null, f: ErrorFacts): string {
  const message = f.code === null && f.status === null && f.message !== null ? normalizeMessage(f.message) : '';
  return `${provider}|${f.code ? normalizeCode(f.code) : ''}|${f.status}|${f.synthetic}|${message}`;
}

/** Merges a later report of the same request (same request ID) into the earlier one. */
function mergeGroups(into: Group, from: Group): void {
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

/** Turns one XML error body into line facts. */
function xmlFacts(text: string): LineFacts | null {
  const fields = parseErrorXml(text);
  if (!fields) return null;
  const { Code, Message, RequestId, ...rest } = fields;
  const partial = !XML_CLOSE.test(text);
  return { slot: 'xml', kind: 'xml', code: Code, message: Message, requestId: RequestId, fields: rest as Record<string, string>, partial };
}

/**
 * Reads an input (in chunks of any size) and reports each distinct error in it once, with how
 * often and from which line it appears. Memory stays bounded whatever the input's size.
 */
export class Diagnoser {
  readonly #set: CatalogSet;
  readonly #options: DiagnoseOptions;
  readonly #scanner: RegionScanner;
  readonly #aggregates = new Map<string, Aggregate>();
  readonly #documentEvidence = new Map<string, Evidence>();
  #group: Group | null = null;
  /** The last finished group, held back in case the next one reports the same request. */
  #held: Group | null = null;
  /** The catalog's spelling of a code, or null when no catalog has it. */
  readonly #canonical = (code: string): string | null => {
    const refs = findByName(this.#set, code)?.refs;
    // Providers may spell one code differently (Azure's InvalidUri, S3's InvalidURI): the input's own spelling wins.
    return (refs?.find((r) => r.entry.code === code.trim()) ?? refs?.[0])?.entry.code ?? null;
  };
  /** Clues of the last few lines read, for an error that starts right after them. */
  readonly #recent: { line: number; evidence: Evidence[] }[] = [];
  /** The last strong COS clue (a host, a header) and its line: an S3 tool's error soon after it was sent to COS. */
  #cosClue: { line: number; evidence: Evidence } | null = null;
  /** For an error that started within MAX_GAP_LINES after a strong COS clue: that clue. */
  readonly #nearCos = new WeakMap<ErrorFacts, Evidence>();
  #head = '';
  #bytes = 0;
  #dropped = 0;

  constructor(set: CatalogSet, options: DiagnoseOptions = {}) {
    this.#set = set;
    this.#options = options;
    this.#scanner = new RegionScanner((region) => this.#onRegion(region));
  }

  /** Feeds the next chunk. Loads the XML parser first if the chunk may hold an XML body. */
  async push(chunk: Buffer | string): Promise<void> {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (this.#bytes < QUERY_FALLBACK_BYTES) this.#head += bytes.toString('latin1', 0, Math.min(bytes.length, QUERY_FALLBACK_BYTES - this.#bytes));
    this.#bytes += bytes.length;
    if (!isXmlParserLoaded() && mayNeedXmlParser(bytes)) await loadXmlParser();
    this.#scanner.push(bytes);
  }

  /** Ends the input and returns the findings. */
  async end(): Promise<Report> {
    this.#scanner.end();
    this.#flush();
    this.#aggregate(this.#held);
    this.#held = null;
    const findings: Finding[] = [];
    for (const aggregate of this.#foldStatusless(this.#byDecidedProvider())) findings.push(this.#resolve(aggregate));
    if (this.#bytes <= QUERY_FALLBACK_BYTES && [...this.#aggregates.values()].every((a) => a.weakOnly)) {
      const text = Buffer.from(this.#head, 'latin1').toString('utf8').trim();
      // One line with no error report in it (a code, a status, a message) is a query typed or piped by
      // hand; if the lookup finds nothing, what the line's loose forms named still stands.
      if (text.length > 0 && text.length <= MAX_QUERY_CHARS && !text.includes('\n')) {
        const looked = await lookupReport(this.#set, text, this.#options);
        if (looked.findings.some((f) => f.matches.length > 0) || findings.length === 0) return looked;
      }
    }
    if (this.#dropped > 0 && findings.length > 0) {
      findings[findings.length - 1]!.notes.push(`${this.#dropped} further occurrences of other errors were counted but not listed (more than ${MAX_FINDINGS} distinct errors)`);
    }
    return { findings };
  }

  #onRegion(region: Region): void {
    // Plain loops, not filter/flatMap: this runs for every line near an anchor, some 270k times in a 500 MiB log.
    const lineFacts: LineFacts[] = [];
    if (region.isXml) {
      const f = xmlFacts(region.text);
      const vetted = f && this.#vet(f);
      if (vetted) lineFacts.push(vetted);
    } else {
      for (const f of extractLine(region.text, region.before)) {
        const vetted = this.#vet(f);
        if (vetted) lineFacts.push(vetted);
      }
      if (lineFacts.length === 0) {
        const tail = this.#tailMessage(region.text);
        if (tail) lineFacts.push(tail);
      }
    }
    // Clues count for the error being assembled or about to start (a request line just before its
    // response), and for the document as a whole while its first MiB is read.
    const inReach = this.#group !== null && region.line - this.#group.lastLine <= EVIDENCE_REACH_LINES;
    const evidence = findEvidence(region.text);
    if (inReach || region.thorough !== false || lineFacts.length > 0) {
      for (const e of evidence) if (!this.#documentEvidence.has(e.reason)) this.#documentEvidence.set(e.reason, e);
    }
    // The facts of one line are one statement: the line as a whole may start a new error, never a part of it.
    const group = this.#group;
    if (group && lineFacts.some((f) => conflicts(group, f, region.line))) this.#flush();
    for (const f of lineFacts) {
      if (!this.#group) {
        this.#group = newGroup(region.line);
        if (this.#cosClue && region.line - this.#cosClue.line <= MAX_GAP_LINES) this.#nearCos.set(this.#group.facts, this.#cosClue.evidence);
        // The request line just before a response names who answered it ("HEAD https://bucket.s3.amazonaws.com/…").
        for (const r of this.#recent) if (region.line - r.line <= EVIDENCE_REACH_LINES) this.#group.facts.evidence.push(...r.evidence);
      }
      addFacts(this.#group, f, region.line);
    }
    for (const e of evidence) if (e.provider === 'tencent-cos' && e.weight > NAME_WEIGHT) this.#cosClue = { line: region.line, evidence: e };
    if (evidence.length > 0) {
      this.#recent.push({ line: region.line, evidence });
      if (this.#recent.length > EVIDENCE_REACH_LINES) this.#recent.shift();
    }
    // Clues on the lines right around an error belong to it (a curl command, its headers); farther ones only to the document.
    if (this.#group && evidence.length > 0 && region.line - this.#group.lastLine <= EVIDENCE_REACH_LINES) {
      this.#group.facts.evidence.push(...evidence);
    }
  }

  /**
   * An error line that ends with a provider's exact message ("mc: <ERROR> Unable to list folder.
   * Access Denied."): the message is the report, found by the catalog's message index.
   */
  #tailMessage(text: string): LineFacts | null {
    if (!ERROR_WORDS.test(text)) return null;
    const parts = text.trim().split(/(?<=[.!:])\s+/);
    for (const n of [1, 2]) {
      if (parts.length <= n) break;
      const candidate = parts.slice(-n).join(' ');
      if (candidate.length >= 8 && this.#set.lookup('message', normalizeMessage(candidate)).length > 0) return { slot: 'tail-message', kind: 'text', message: candidate };
    }
    return null;
  }

  /**
   * A loose code candidate the catalog knows is given the catalog's spelling; one it does not know is
   * no code at all, and a fact that was only that candidate is dropped (null).
   */
  #vet(fact: LineFacts): LineFacts | null {
    // A body's message is the service's own; a client's text may carry what the client printed around it.
    let f = fact.message && fact.slot !== 'xml' ? { ...fact, message: tidyMessage(fact.message) ?? undefined } : fact;
    // A placeholder ID ("...", "null") names no request: it neither ties two errors together nor tells them apart.
    if (f.requestId !== undefined && isPlaceholder(f.requestId)) f = { ...f, requestId: undefined };
    // A standard reason phrase ("Forbidden", "Not Found") is no provider message: keep it as the Reason field.
    const generic = this.#set.generic?.provider;
    if (f.message && f.status && generic && findByName(this.#set, f.message, generic)?.refs.some((r) => r.entry.statuses.includes(f.status!))) {
      const { message, reasonOnly: _reason, ...rest } = f;
      return this.#vet({ ...rest, fields: { ...f.fields, Reason: message } });
    }
    if (f.reasonOnly) return null;
    if (f.codeWords && f.code) {
      const known = f.code.split(' ').find((w) => this.#set.lookup('code', normalizeCode(w)).length > 0);
      return known ? { ...f, code: this.#canonical(known)!, codeWords: false } : null;
    }
    if (!f.weakCode || !f.code) return f;
    // "404 NoSuchKey": the pair counts only where the code is sent with that status.
    if (f.slot === 'status-code' && !findByName(this.#set, f.code)?.refs.some((r) => r.entry.statuses.includes(f.status!))) return null;
    const canonical = this.#canonical(f.code);
    if (canonical !== null) return { ...f, code: canonical };
    // A bare code, or a status next to a code, says nothing when the code is none.
    if (f.slot === 'bare-code' || f.slot === 'status-code') return null;
    const { code: _dropped, weakCode: _weak, ...rest } = f;
    // An exception line whose class name is no code still carries the message, as a lead only.
    // (A lead's one CamelCase word is no message: "…exist.ErrorCode: ResourceNotFound" is a code's label and
    // the code. One plain word is: "AmazonS3Exception: Forbidden".)
    const message = rest.message;
    if (f.slot === 'camel-lead') return message && !/^[A-Z][a-z]+[A-Z]\w*$/.test(message) ? { ...rest, slot: /(?:Exception|Error)$/.test(f.code) ? 'exception-message' : 'lead-message' } : null;
    return rest;
  }

  #flush(): void {
    const g = this.#group;
    this.#group = null;
    if (!g) return;
    // A provider's message with no code or status (Azure's text with its RequestId/Time suffix, or
    // closing an error line) is still an error report.
    // (Looked up only for a group with no code or status: a message index search per error is not free.)
    // An exception's message (an …Exception or …Error class's) that is a provider's own sentence, word for
    // word ("…StorageException: The specified container does not exist.") is one too.
    const knownMessage = () => {
      if (g.facts.message === null) return false;
      if (g.facts.requestId !== null || g.slots.has('tail-message')) return findByMessage(this.#set, g.facts.message) !== null;
      return g.slots.has('exception-message') && findByMessage(this.#set, g.facts.message)?.score === 1;
    };
    if (!hasError(g) && !knownMessage()) return;
    const held = this.#held;
    if (held && held.facts.requestId !== null && held.facts.requestId === g.facts.requestId && g.firstLine - held.lastLine <= MAX_GAP_LINES) {
      mergeGroups(held, g);
      return;
    }
    this.#aggregate(held);
    this.#held = g;
  }

  #aggregate(g: Group | null): void {
    if (!g) return;
    g.facts.kind = KIND_RANK.find((k) => g.kinds.has(k)) ?? 'text';
    if (g.kinds.size > 1 && g.kinds.has('log')) g.facts.kind = 'log';
    const decided = decideProvider(g.facts.evidence);
    const key = aggregateKey(decided.provider, g.facts);
    const found = this.#aggregates.get(key);
    if (found) {
      found.count++;
      found.weakOnly &&= g.weakOnly;
    } else if (this.#aggregates.size >= MAX_FINDINGS) this.#dropped++;
    else this.#aggregates.set(key, { facts: g.facts, provider: decided.provider, count: 1, line: g.firstLine, weakOnly: g.weakOnly });
  }

  /**
   * The aggregates keyed by the provider each is reported under (#decide), not the one its own clues
   * name: two that differ only there are one error (one with a clue of its own, one without).
   */
  #byDecidedProvider(): Aggregate[] {
    const all = [...this.#aggregates.values()].map((a) => ({ ...a }));
    // An error known by its message alone is the error of a code that came with that message, if one did.
    const coded = new Map<string, Aggregate>();
    for (const a of all) if (a.facts.code && a.facts.message) coded.set(normalizeMessage(a.facts.message), a);
    const merged = new Map<string, Aggregate>();
    for (const a of all) {
      const own = this.#decide(a.facts).provider;
      const sameMessage = !a.facts.code && a.facts.status === null && a.facts.message ? coded.get(normalizeMessage(a.facts.message)) : undefined;
      // …and only when its own clues, if any, name the same provider as that error's.
      const twinProvider = sameMessage ? this.#decide(sameMessage.facts).provider : null;
      const twin = sameMessage && (a.facts.evidence.length === 0 || own === null || own === twinProvider) ? sameMessage : undefined;
      const provider = twin ? twinProvider : own;
      const key = aggregateKey(provider, (twin ?? a).facts);
      const found = merged.get(key);
      if (found) {
        found.count += a.count;
        found.line = Math.min(found.line, a.line);
        found.weakOnly &&= a.weakOnly;
      } else merged.set(key, twin ? { ...twin, provider, count: a.count, line: a.line } : { ...a, provider });
    }
    return [...merged.values()];
  }

  /** Folds an error reported without a status into the one report of the same code that has one. */
  #foldStatusless(all: Aggregate[]): Aggregate[] {
    const keep: Aggregate[] = [];
    for (const a of all) {
      if (a.facts.status === null && a.facts.code) {
        const code = normalizeCode(a.facts.code);
        const twins = all.filter((b) => b !== a && b.facts.status !== null && b.facts.code && normalizeCode(b.facts.code) === code && b.provider === a.provider);
        if (twins.length === 1) {
          twins[0]!.count += a.count;
          twins[0]!.line = Math.min(twins[0]!.line, a.line);
          continue;
        }
      }
      keep.push(a);
    }
    return keep;
  }

  /**
   * Who sent an error: its own clues decide, or else the document's. The document's clues name the
   * providers a log talks to, not who sent this error: among them, only one whose catalog has the code.
   */
  #decide(facts: ErrorFacts): { provider: string | null; reasons: string[] } {
    const own = facts.evidence;
    const document = [...this.#documentEvidence.values()];
    // The error's own clues decide, or else the document's. One exception: an S3 tool's name alone (s3cmd,
    // botocore, aws-sdk-go) just after a COS host or header (the tool's endpoint) is the tool talking to COS.
    let evidence = own.length > 0 ? own : document;
    const nearCos = this.#nearCos.get(facts);
    if (nearCos && own.length > 0 && own.every((e) => e.weight <= NAME_WEIGHT && e.s3Api)) evidence = [...own, nearCos];
    // A request through the S3 API was not answered by Azure, whose request IDs (GUIDs) other stores send too.
    if (evidence.some((e) => e.s3Api)) evidence = evidence.filter((e) => e.provider !== 'azure-blob');
    let decided = decideProvider(evidence);
    // The code outranks the document's clues and names: only providers that send it count, if any does.
    const code = facts.synthetic ? null : facts.code;
    const weak = own.length === 0 || evidence.every((e) => e.weight <= NAME_WEIGHT);
    if (weak && code !== null && decided.provider !== null && !findByName(this.#set, code, decided.provider) && findByName(this.#set, code)?.refs.some((r) => !r.catalog.generic)) {
      decided = decideProvider(evidence.filter((e) => findByName(this.#set, code, e.provider) !== null));
    }
    return decided.provider === null && code !== null && facts.message !== null ? (this.#wording(code, facts.message) ?? decided) : decided;
  }

  /**
   * A code several providers send, with the message only one of them sends for it: S3 says "The request
   * signature we calculated does not match…", COS "The Signature you specified is invalid.".
   */
  #wording(code: string, message: string): { provider: string; reasons: string[] } | null {
    const byMessage = findByMessage(this.#set, message);
    if (byMessage?.score !== 1) return null;
    const key = normalizeCode(code);
    const owners = byMessage.refs.filter((r) => !r.catalog.generic && normalizeCode(r.entry.code) === key);
    const providers = new Set(owners.map((r) => r.catalog.provider));
    return providers.size === 1 ? { provider: owners[0]!.catalog.provider, reasons: [`the message is ${owners[0]!.catalog.name}'s wording`] } : null;
  }

  #resolve({ facts, count, line }: Aggregate): Finding {
    const decided = this.#decide(facts);
    const provider = this.#options.provider ?? decided.provider;
    const finding: Finding = {
      input: {
        kind: facts.kind,
        code: facts.synthetic ? null : facts.code,
        status: facts.status,
        message: facts.message,
        requestId: facts.requestId,
        provider,
        evidence: this.#options.provider ? ['--provider option'] : decided.reasons,
        fields: facts.fields,
      },
      count,
      line,
      matches: [],
      suggestions: [],
      notes: [],
      clock: null,
    };
    explain(this.#set, finding, this.#options.provider);
    if (finding.input.provider === null) {
      const named = new Set(finding.matches.filter((m) => m.provider !== this.#set.generic?.provider).map((m) => m.provider));
      if (named.size === 1 && finding.input.code) {
        const [only] = named;
        finding.input.provider = only!;
        finding.input.evidence = [`only ${finding.matches[0]!.providerName} has this code`];
      }
    }
    return finding;
  }
}

/** Fills a finding's matches and notes from its extracted facts. */
function explain(set: CatalogSet, finding: Finding, only: string | undefined): void {
  const { code, status, message, provider, fields } = finding.input;
  const scope = only;
  let matches: Match[] = [];
  if (code) {
    const byName = (provider ? findByName(set, code, provider) : null) ?? findByName(set, code, scope);
    if (byName) matches = byName.refs.map((r) => toMatch(r, byName.kind, 1));
    else finding.notes.push(`"${code}" is not in errlookup's catalogs${status ? `; showing what HTTP ${status} means instead` : ''}`);
  }
  if (message) {
    const byMessage = findByMessage(set, message, provider ?? scope) ?? findByMessage(set, message, scope);
    if (matches.length === 0) {
      if (byMessage) matches = byMessage.refs.map((r) => toMatch(r, 'message', byMessage.score));
    } else {
      // A message that is itself a more specific entry of the same provider (COS sends AccessDenied
      // with "Request has expired") leads: it says more than the code does.
      const specific = findByName(set, message, matches[0]!.provider)?.refs ?? (byMessage?.score === 1 ? byMessage.refs : []);
      const extra = specific.filter((r) => r.catalog.provider === matches[0]!.provider && !matches.some((m) => m.code === r.entry.code));
      matches = [...extra.map((r) => toMatch(r, 'message', 1)), ...matches];
    }
  }
  if (!code && status) {
    // A status with no code: a HEAD, or an SDK that made a code up. Say what it usually means where it came from.
    const catalogs = provider ? [set.catalog(provider)].filter((c) => c !== undefined) : set.catalogs.filter((c) => !c.generic);
    const likely: Match[] = [];
    for (const catalog of catalogs) {
      const note = Object.hasOwn(catalog.bodiless, String(status)) ? catalog.bodiless[String(status)] : undefined;
      if (!note) continue;
      finding.notes.push(`${catalog.name}: ${note.note}`);
      for (const c of note.codes) {
        const hit = findByName(set, c, catalog.provider);
        if (hit) likely.push(...hit.refs.map((r) => toMatch(r, 'status', 1)));
      }
    }
    if (matches.length === 0) matches = likely;
  }
  if (matches.length === 0 && status) {
    if (matches.length === 0) matches = findByStatus(set, status, provider ?? scope).map((r) => toMatch(r, 'status', 1));
    if (matches.length === 0 && provider) matches = findByStatus(set, status).map((r) => toMatch(r, 'status', 1));
  }
  const sensitive = matches.some((m) => findByName(set, m.code, m.provider)?.refs.some((r) => r.entry.clock === true));
  const clock = checkClock(sensitive, message, fields);
  if (clock) {
    finding.clock = clock;
    if (clock.verdict === 'likely') {
      matches = matches.map((m) => (m.retry === 'permanent' ? { ...m, retry: 'clock-skew' as const, retryable: false } : m));
    }
  }
  finding.matches = matches;
}

/** Diagnoses a whole text held in memory: the library's entry for arguments and small inputs. */
export async function diagnoseText(set: CatalogSet, text: string, options: DiagnoseOptions = {}): Promise<Report> {
  const d = new Diagnoser(set, options);
  await d.push(text);
  return d.end();
}

/** Diagnoses a stream of bytes (stdin, a file) chunk by chunk. */
export async function diagnoseStream(set: CatalogSet, stream: AsyncIterable<Buffer | string>, options: DiagnoseOptions = {}): Promise<Report> {
  const d = new Diagnoser(set, options);
  for await (const chunk of stream) await d.push(chunk);
  return d.end();
}
