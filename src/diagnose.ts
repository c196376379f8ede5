/**
 * The report reader: bytes → regions (src/input/scan.ts) → statements (formats, admitted once) →
 * one error each (src/assemble.ts) → its provider, decided once (src/identify.ts) → a finding with
 * the entries it matched (src/explain.ts). Memory stays bounded whatever the input's size.
 */
import { TextDecoder as UTF16 } from 'node:util';
import { admit, makeLexicon, type Lexicon } from './admit.js';
import { addStatement, hasError, kindOf, MAX_GAP_LINES, mergeOccurrences, newOccurrence, startsAnother, type Occurrence } from './assemble.js';
import type { CatalogSet } from './catalog.js';
import { explain } from './explain.js';
import { aggregateKey, decideEach, foldStatusless, type Aggregate } from './findings.js';
import { decideProvider, weigh, withNearbyClaim, type CodeOwners } from './identify.js';
import { makeClueFinder, type ClueFinder } from './input/clues.js';
import { makeRunners, readBody, readLine } from './input/formats.js';
import { RegionScanner, type Region } from './input/scan.js';
import type { Statement } from './input/statement.js';
import { isXmlParserLoaded, loadXmlParser, makeXmlReader, mayNeedXmlParser, XML_CLOSE, type XmlReader } from './input/xml.js';
import { findByMessage, findByName, isBareQuery, lookupReport } from './match.js';
import { normalizeCode } from './text.js';
import type { Evidence, Finding, Report } from './types.js';
import { bundledVocabulary, WEIGHT, type Vocabulary } from './vocabulary.js';

export interface DiagnoseOptions {
  /** Only this provider's catalog (already checked with `checkProvider`). */
  provider?: string;
}

/** At most this many distinct findings are kept; further distinct errors are counted, not listed. */
export const MAX_FINDINGS = 500;
/** Inputs up to this size with no recognisable error report are looked up as a whole, as a query. */
const QUERY_FALLBACK_BYTES = 64 * 1024;
/**
 * A provider's host or header claims an S3 tool's error (`claimsNearby`) only this many log records
 * before it (the debug lines of the same call: request, response, traceback); farther off, or past
 * MAX_GAP_LINES, it is another request's.
 */
const CLAIM_REACH_RECORDS = 3;
/** Clue-only lines this close after an error's last fact count as its evidence. */
const EVIDENCE_REACH_LINES = 2;
/**
 * Where an application's log record starts: a level word (`INFO`, `ERROR` …), after the record's
 * timestamp and thread if it has them (`2024-05-01T10:00:03Z INFO`, `[10:00:03] [main] WARN`), glog's
 * `E0501 10:00:03`, or a web access-log line (`10.0.0.7 - - [01/May/2024…`). A CI runner's timestamp
 * alone (GitHub Actions prints one before every line) starts none, nor do stack frames.
 */
const RECORD_START = /^(?:\[?(?:\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d[.,\d]*Z?|\d\d:\d\d:\d\d[.,\d]*)\]?\s+(?:\[[^\]\n]{1,40}\]\s+)?)?\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL|NOTICE)\b|^[IWEF]\d{4} \d\d:\d\d|^\d{1,3}(?:\.\d{1,3}){3} \S+ \S+ \[/;

/** A status that succeeded, with its reason phrase, anywhere in a line ("GET https://… 200 OK"): a request that worked. */
const SUCCESS_REPLY = /\b(?:200 OK|201 Created|202 Accepted|204 No Content|206 Partial Content|304 Not Modified)\b/;

/** Longer than any provider message: such text is not a query. */
const MAX_QUERY_CHARS = 600;

/** What the readers of one vocabulary and catalog set share: made once, on the first report. */
interface Readers {
  vocabulary: Vocabulary;
  runners: ReturnType<typeof makeRunners>;
  clues: ClueFinder;
  xml: XmlReader;
  lexicon: Lexicon;
  owners: CodeOwners;
}

const readersBySet = new WeakMap<CatalogSet, Readers>();

function readersFor(set: CatalogSet): Readers {
  let readers = readersBySet.get(set);
  if (!readers) {
    const vocabulary = bundledVocabulary();
    const owners: CodeOwners = {
      nameOf: (provider) => set.catalog(provider)?.name ?? provider,
      sendersOf(message) {
        const byMessage = findByMessage(set, message);
        return byMessage?.score === 1 ? [...new Set(byMessage.refs.filter((r) => !r.catalog.generic).map((r) => r.catalog.provider))] : [];
      },
      providersOf: (code) => [...new Set((findByName(set, code)?.refs ?? []).filter((r) => !r.catalog.generic).map((r) => r.catalog.provider))],
      wordingOf(code, message) {
        const byMessage = findByMessage(set, message);
        if (byMessage?.score !== 1) return null;
        const senders = new Set(byMessage.refs.filter((r) => !r.catalog.generic).map((r) => r.catalog.provider));
        const key = normalizeCode(code);
        const hit = byMessage.refs.find((r) => !r.catalog.generic && normalizeCode(r.entry.code) === key);
        return hit && senders.size === 1 ? { provider: hit.catalog.provider, name: hit.catalog.name } : null;
      },
    };
    readers = {
      vocabulary,
      runners: makeRunners(vocabulary),
      clues: makeClueFinder(vocabulary),
      xml: makeXmlReader(vocabulary.spellings.xml),
      lexicon: makeLexicon(set, vocabulary),
      owners,
    };
    readersBySet.set(set, readers);
  }
  return readers;
}

/**
 * Reads an input (in chunks of any size) and reports each distinct error in it once, with how
 * often and from which line it appears.
 */
export class Diagnoser {
  readonly #set: CatalogSet;
  readonly #options: DiagnoseOptions;
  readonly #r: Readers;
  readonly #scanner: RegionScanner;
  readonly #aggregates = new Map<string, Aggregate>();
  readonly #documentEvidence = new Map<string, Evidence>();
  #occurrence: Occurrence | null = null;
  /** The last finished error, held back in case the next one reports the same request. */
  #held: Occurrence | null = null;
  /** Clues of the last few lines read, for an error that starts right after them. */
  readonly #recent: { line: number; evidence: Evidence[] }[] = [];
  /** The last strong clue (a host, a header) of each provider that claims a tool's errors near it. */
  readonly #claims = new Map<string, { line: number; records: number; evidence: Evidence }>();
  /** How many log records (RECORD_START) have been read. */
  #records = 0;
  /** For an error that started soon after such a clue: the clues. */
  readonly #nearby = new WeakMap<Occurrence, Evidence[]>();
  #head = '';
  #bytes = 0;
  /** Errors that are only a status, held back: one is a finding if it is all the input says (see #flush). */
  readonly #bare: Occurrence[] = [];
  /** Errors that started on a log record's line (an access log's, not a response's status line). */
  readonly #inRecord = new WeakSet<Occurrence>();
  /** For UTF-16 input (a byte-order mark first): the decoder that turns it into UTF-8, chunk by chunk. */
  #utf16: UTF16 | null | undefined;
  #dropped = 0;

  constructor(set: CatalogSet, options: DiagnoseOptions = {}) {
    this.#set = set;
    this.#options = options;
    this.#r = readersFor(set);
    this.#scanner = new RegionScanner((region) => this.#onRegion(region));
  }

  /** Feeds the next chunk. Loads the XML parser first if the chunk may hold an XML body. */
  async push(chunk: Buffer | string): Promise<void> {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    // PowerShell's `>` and Out-File write UTF-16 with a byte-order mark: read as its text, in UTF-8.
    if (this.#utf16 === undefined && bytes.length >= 2) {
      const bom = bytes[0]! * 256 + bytes[1]!;
      this.#utf16 = bom === 0xfffe ? new UTF16('utf-16le') : bom === 0xfeff ? new UTF16('utf-16be') : null;
    }
    if (this.#utf16) bytes = Buffer.from(this.#utf16.decode(bytes, { stream: true }), 'utf8');
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
    if (this.#aggregates.size === 0 && this.#bare.length === 1 && this.#bytes <= QUERY_FALLBACK_BYTES) this.#aggregate(this.#bare[0]!);
    const decided = decideEach([...this.#aggregates.values()], (facts) => decideProvider(this.#r.vocabulary, this.#r.owners, facts, [...this.#documentEvidence.values()]));
    const findings: Finding[] = foldStatusless(decided).map((a) =>
      explain(this.#set, a.facts, a.decision, a.count, a.line, this.#options.provider, a.decision.protocol ? this.#r.vocabulary.protocols.get(a.decision.protocol) : undefined),
    );
    if (this.#bytes <= QUERY_FALLBACK_BYTES) {
      const text = Buffer.from(this.#head, 'latin1').toString('utf8').trim();
      // One word or status is a query typed or piped by hand, as is one line in which no report could be
      // read; if the lookup finds nothing, what the line's forms named still stands.
      const query = isBareQuery(text) || (text.length <= MAX_QUERY_CHARS && !text.includes('\n') && findings.every((f) => f.matches.length === 0));
      if (text.length > 0 && query) {
        const looked = await lookupReport(this.#set, text, this.#options);
        if (looked.findings.some((f) => f.matches.length > 0) || findings.length === 0) return looked;
      }
    }
    if (this.#dropped > 0 && findings.length > 0) {
      findings[findings.length - 1]!.notes.push(`${this.#dropped} further occurrences of other errors were counted but not listed (more than ${MAX_FINDINGS} distinct errors)`);
    }
    return { findings };
  }

  /**
   * The statements of a region, admitted: a body's, or a line's (and, if the line said nothing, its
   * fallback formats'); null for a JSON object that no format's shape fits, which is read as lines.
   */
  #statements(region: Region): Statement[] | null {
    const { lexicon, runners } = this.#r;
    const admitted: Statement[] = [];
    const take = (list: Statement[]) => {
      // Plain loops, not filter/map: this runs for every line near an anchor, some 270k times in a 500 MiB log.
      for (const st of list) {
        const a = admit(lexicon, st);
        if (a) admitted.push(a);
      }
    };
    if (region.body === 'xml') {
      const fields = this.#r.xml(region.text);
      if (fields) {
        const { Code, Message, RequestId, ...rest } = fields;
        take([{ format: 'xml', kind: 'xml', role: 'continues', trust: 'sent', code: Code, message: Message, requestId: RequestId, fields: rest, partial: !XML_CLOSE.test(region.text) }]);
      }
      return admitted;
    }
    if (region.body === 'json') {
      const st = readBody(runners, region.text);
      if (!st) return null;
      take([st]);
      return admitted;
    }
    take(readLine(runners, region.text, region.before));
    if (admitted.length === 0) take(readLine(runners, region.text, region.before, true));
    return admitted;
  }

  #onRegion(region: Region): void {
    const statements = this.#statements(region);
    if (statements === null) {
      // A JSON object that no format's shape fits is no body: its lines are read as lines, and an XML
      // body in one of its strings as a body (test/fixtures/gcs/sdk-php: a Nextcloud log entry).
      const lines = new RegionScanner((r) => this.#onRegion({ ...r, line: region.line + r.line - 1, thorough: region.thorough }), { objects: false });
      lines.push(Buffer.from(region.text, 'utf8'));
      lines.end();
      return;
    }
    // A new log record ("2024-05-01T10:00:03Z INFO …", an access-log line) that says nothing of an error
    // ends the one before it, and what the records before it named is theirs, not the next error's.
    const record = region.body === undefined && RECORD_START.test(region.text);
    if (record) {
      this.#records++;
      this.#recent.length = 0;
      // …and so does one whose only fact is a status (an access log's 404): it is not this error's.
      const statusOnly = statements.length > 0 && statements.every((st) => !st.code && !st.candidates && !st.requestId && !st.fields) && statements.some((st) => st.status !== undefined);
      if ((statements.length === 0 || statusOnly) && this.#occurrence) this.#flush();
    }
    const evidence = this.#r.clues.inText(region.text);
    for (const st of statements) {
      if (st.fields) evidence.push(...this.#r.clues.ofFields(st.fields));
      // A placeholder in a request ID's place (the same in every body) says who answered, not which request.
      const placeholder = st.requestId ? this.#r.clues.ofPlaceholder(st.requestId) : null;
      if (placeholder) {
        evidence.push(placeholder);
        delete st.requestId;
      }
    }
    // Clues count for the error being assembled or about to start (a request line just before its
    // response), and for the document as a whole while its first MiB is read.
    const inReach = this.#occurrence !== null && region.line - this.#occurrence.lastLine <= EVIDENCE_REACH_LINES;
    if (inReach || region.thorough !== false || statements.length > 0) {
      for (const e of evidence) if (!this.#documentEvidence.has(e.reason)) this.#documentEvidence.set(e.reason, e);
    }
    // The statements of one line belong together: the line as a whole may start a new error, never a part of it.
    const current = this.#occurrence;
    if (current && statements.some((st) => startsAnother(current, st, region.line))) this.#flush();
    for (const st of statements) {
      if (!this.#occurrence) {
        this.#open(region.line);
        if (record) this.#inRecord.add(this.#occurrence!);
      }
      addStatement(this.#occurrence!, st, region.line, this.#r.clues);
    }
    // A host or header of a request that succeeded claims no error after it.
    const succeeded = statements.some((st) => st.success) || (region.body === undefined && SUCCESS_REPLY.test(region.text));
    if (!succeeded) for (const e of evidence) if (e.provider !== null && e.weight > WEIGHT.name && this.#isClaimant(e.provider)) this.#claims.set(e.provider, { line: region.line, records: this.#records, evidence: e });
    if (evidence.length > 0) {
      this.#recent.push({ line: region.line, evidence });
      if (this.#recent.length > EVIDENCE_REACH_LINES) this.#recent.shift();
    }
    // Clues on the lines right around an error belong to it (a curl command, its headers); farther ones only to the document.
    if (this.#occurrence && evidence.length > 0 && region.line - this.#occurrence.lastLine <= EVIDENCE_REACH_LINES) {
      this.#occurrence.facts.evidence.push(...evidence);
    }
  }

  #isClaimant(provider: string): boolean {
    for (const claimants of this.#r.vocabulary.claimsNearby.values()) if (claimants.includes(provider)) return true;
    return false;
  }

  #open(line: number): void {
    const o = newOccurrence(line);
    this.#occurrence = o;
    const near = [...this.#claims.values()].filter((c) => line - c.line <= MAX_GAP_LINES && this.#records - c.records <= CLAIM_REACH_RECORDS).map((c) => c.evidence);
    if (near.length > 0) this.#nearby.set(o, near);
    // The request line just before a response names who answered it ("HEAD https://bucket.s3.amazonaws.com/…").
    for (const r of this.#recent) if (line - r.line <= EVIDENCE_REACH_LINES) o.facts.evidence.push(...r.evidence);
  }

  /** An error that is only a status: no code, request ID, field, provider message, or clue of any provider or protocol. */
  #bareStatus(o: Occurrence): boolean {
    const f = o.facts;
    if (f.code !== null || f.requestId !== null || Object.keys(f.fields).length > 0 || f.evidence.length > 0) return false;
    return f.message === null || this.#r.lexicon.message(f.message) === null;
  }

  /** Whether an error with no code or status still stands: its message is a provider's, and it is more than a name's lead. */
  #standsByMessage(o: Occurrence): boolean {
    const { message, requestId } = o.facts;
    if (message === null) return false;
    if (requestId !== null || o.via.has('tail')) return this.#r.lexicon.message(message) !== null;
    return o.via.has('exception') && this.#r.lexicon.message(message) === 'exact';
  }

  #flush(): void {
    const o = this.#occurrence;
    this.#occurrence = null;
    if (!o) return;
    if (!hasError(o) && !this.#standsByMessage(o)) return;
    if (this.#bareStatus(o)) {
      // A status with no storage evidence of its own (a web access log's 404) is no storage error, unless
      // the whole input is one bare response (curl -I of a HEAD, not a log record): kept aside until the end says which.
      if (this.#bare.length < 2 && !this.#inRecord.has(o)) this.#bare.push(o);
      return;
    }
    const held = this.#held;
    if (held && held.facts.requestId !== null && held.facts.requestId === o.facts.requestId && o.firstLine - held.lastLine <= MAX_GAP_LINES) {
      mergeOccurrences(held, o);
      return;
    }
    this.#aggregate(held);
    this.#held = o;
  }

  #aggregate(o: Occurrence | null): void {
    if (!o) return;
    o.facts.kind = kindOf(o);
    o.facts.evidence = withNearbyClaim(this.#r.vocabulary, o.facts.evidence, this.#nearby.get(o) ?? []);
    const key = aggregateKey(weigh(o.facts.evidence).provider, o.facts);
    const found = this.#aggregates.get(key);
    if (found) {
      found.count++;
    } else if (this.#aggregates.size >= MAX_FINDINGS) this.#dropped++;
    else this.#aggregates.set(key, { facts: o.facts, decision: { provider: null, protocol: null, reasons: [] }, count: 1, line: o.firstLine });
  }
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
