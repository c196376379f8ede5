/**
 * The shapes of the files in data/ (data/README.md describes every field): a provider file
 * (data/providers/<id>.json), a format recipe (data/formats/<id>.json) and the field vocabulary
 * (data/fields.json). src/data/check.ts checks files against these shapes; the build packs them.
 */
import type { BodilessNote, CatalogEntry, InputKind, SdkException } from '../types.js';

/** How much a kind of clue counts when the provider is decided (src/identify.ts). */
export type ClueWeight = 'host' | 'header' | 'server' | 'body' | 'requestId' | 'name';

/** A pattern found anywhere in a line that says who answered. */
export interface TextClue {
  pattern: string;
  /** A text the pattern finds: the recogniser test reads it. */
  sample: string;
  /** Regular-expression flags: only `i`. */
  flags?: string;
  reason: string;
  /** For `texts`: the weight of the clue (hosts are `host`). */
  weight?: ClueWeight;
  /** The clue says the request went through this protocol (`s3-api`): providers that do not speak it are ruled out. */
  speaks?: string;
}

/** Words (SDK packages, exception classes, tool names) that name a provider or a protocol. */
export interface NameClue {
  words: string[];
  reason: string;
  speaks?: string;
}

/** An element of the error body (or a field an SDK printed from it) that only this provider sends. */
export interface BodyFieldClue {
  field: string;
  /** A value of this shape is anybody's (an OpenTelemetry trace ID is no COS TraceId). */
  unlessValue?: string;
  /** Only a value of this shape is this provider's (AWS's HostId is base64; MinIO's is hex, Ceph's names a zone). */
  value?: string;
  /** The evidence's words, when not "<field> in the error". */
  reason?: string;
  /** With `value`: a value of the shape, which the recogniser test reads. */
  sample?: string;
}

/** A request-ID shape this provider issues. */
export interface RequestIdShape {
  shape: string;
  /** A request ID of the shape: the recogniser test reads it. */
  sample: string;
  flags?: string;
  reason: string;
  /** The ID is base64, and decoded it has this shape. */
  base64?: string;
  weight?: ClueWeight;
  /** A fixed value the server writes in place of a request ID (the same in every body): it names the provider, never a request. */
  placeholder?: boolean;
}

export interface Recognise {
  hosts?: TextClue[];
  /** Response headers this provider sends (lower case): the field each fills, or "" for a clue only. */
  headers?: Record<string, string>;
  /** Request headers only this provider's clients send, and the field each fills: not clues. */
  requestHeaders?: Record<string, string>;
  /** Any other header with one of these prefixes, named anywhere: a weak clue (`name` weight). */
  headerPrefixes?: string[];
  /** Values of the `Server` response header. */
  server?: string[];
  bodyFields?: BodyFieldClue[];
  texts?: TextClue[];
  requestIds?: RequestIdShape[];
  names?: NameClue[];
  /** An error that only a tool of this protocol names, just after this provider's host or header, is this provider's. */
  claimsNearby?: string[];
}

/**
 * What the provider's own SDKs retry (data/README.md, `sdkRetries`): the retry classes of its
 * entries follow it, and test/catalog.test.ts holds every entry to it.
 */
export interface SdkRetries {
  /** The SDK sources read, with versions or commits. */
  sdks: string;
  /** Statuses the SDKs retry whatever the code. */
  statuses: number[];
  /** Codes the SDKs retry whatever the status. */
  codes?: string[];
  /** What the SDKs count as throttling (retried with backoff): statuses and codes. */
  throttling?: { statuses?: number[]; codes?: string[] };
  /** Codes of this file the SDKs disagree on, and how: the entry keeps the class chosen for it, and its fix says so. */
  disputed?: Record<string, string>;
}

export interface ProviderData {
  id: string;
  name: string;
  /** Short names users type for --provider (`s3`, `azure`). */
  aliases?: string[];
  /** The generic HTTP catalog: it answers a status only when no provider entry has it. */
  generic?: boolean;
  checkedAgainst: string;
  docs: string;
  /** Protocols this provider speaks (`s3-api`, `azure-rest`). */
  speaks?: string[];
  recognise?: Recognise;
  /** Codes SDKs make up for a response with no body, and the status each stands for (0: none). */
  madeUpCodes?: Record<string, number>;
  sdkExceptions?: Record<string, SdkException>;
  bodiless?: Record<string, BodilessNote>;
  /**
   * A provider that answers with another's codes (Wasabi, IBM COS with S3's): every entry of `from`
   * that this file does not have is its too, and a finding matched to one says `note`.
   */
  inherits?: { from: string; note: string };
  sdkRetries?: SdkRetries;
  entries: CatalogEntry[];
}

/** A protocol several providers answer in (data/protocols.json). */
export interface ProtocolData {
  id: string;
  name: string;
  /** Who answered, in words, when only the protocol is known: "an S3-compatible server". */
  server: string;
  /** The provider whose catalog defines the protocol's codes. */
  reference: string;
  /** What a finding from an unnamed server says of the reference provider's entries. */
  note: string;
  /** Clues that name only the protocol. */
  recognise?: Recognise;
}

export type Role = 'marks' | 'opens' | 'continues' | 'repeats';
export type CodeTrust = 'sent' | 'named' | 'loose';
export type ReaderName = 'headers' | 'kv' | 'pairs' | 'labels' | 'query' | 'last-sentences' | 'json';

/** Where a JSON body's facts are, as paths (`error/errors/0/reason`): a body has the shape when every `requires` path is there and a code or status is. */
export interface JsonShape {
  code?: string;
  status?: string;
  message?: string;
  requestId?: string;
  fields?: Record<string, string>;
  requires?: string[];
}

/** What a format's printout says of who answered. */
export interface FormatNames {
  provider?: string;
  speaks?: string;
  reason: string;
  /** Only when these fields (read by the format) match these patterns. */
  when?: Record<string, string>;
}

export interface FormatSample {
  /** A line, or for the `json` reader a whole body. */
  line: string;
  before?: string;
  /** What the line reads as, once admitted: null when it reads as nothing. `role` and `success` may be given too. */
  reads: Record<string, string | number | boolean | null> | null;
}

export interface FormatData {
  id: string;
  printout: string;
  source: string;
  kind: InputKind;
  role: Role;
  trust: CodeTrust;
  /** The code is loose when the statement lacks this (cos-go-sdk-v5's code without its status). */
  looseWithout?: 'status';
  /** The code (or, for last-sentences, the message) is a list of candidates: the first the catalogs know counts. */
  candidates?: boolean;
  /** A loose code the catalogs do not know leaves the line nothing to say (`drop-line`), or makes its message a lead (`lead`). */
  unknownCode?: 'drop-line' | 'lead';
  reader?: ReaderName;
  /** For the `json` reader: the shapes of the bodies it reads, tried in turn. */
  shapes?: JsonShape[];
  /** Alternatives: the first that matches is read. Named groups: code, status, message, requestId, or a field. */
  patterns?: string[];
  /** Patterns each searched on its own: each adds the groups not yet read. */
  find?: string[];
  /** The line is read only if this matches. */
  when?: string;
  /** The line is not read if this matches. */
  unless?: string;
  /** The line is read only if this matches it or the line before it. */
  near?: string;
  /** The line is not read when one of these formats read it. */
  yieldsTo?: string[];
  /** Read only when no other format found a code on the line, or when the line read as nothing. */
  fallback?: 'no-code' | 'nothing-read';
  /** When the line before matches `pattern`, the statement has this role. */
  after?: { pattern: string; role: Role };
  /** A 2xx or 304 this format reads is a response that succeeded: it ends the report before it. */
  endsResponse?: boolean;
  /**
   * How the message is judged: `reason`, the line stands only if it is the status's reason phrase;
   * `sentence`, it is kept only if it reads as one (a capital, ten characters, no markup);
   * `capitalised`, only if it starts with a capital and is longer than ten characters.
   */
  message?: 'reason' | 'sentence' | 'capitalised';
  /** The message is the line before, without `strip`, if it has `shape`. */
  messageBefore?: { strip: string; shape: string };
  names?: FormatNames;
  /** Facts the printout states by its form alone: `{ "status": 404 }` for a client's "object doesn't exist". */
  sets?: { status?: number };
  /** How a statement with only a message stands (see src/assemble.ts): `exception`, when it is a provider's message word for word. */
  via?: 'exception';
  /** `\"` in the line is read as `"` (a body escaped inside a log string). */
  unescape?: boolean;
  samples: FormatSample[];
}

/** A reader's spellings of one field. */
export type FieldSpellings = Partial<Record<'xml' | 'kv' | 'pairs' | 'labels' | 'headers' | 'requestHeaders' | 'query', string[]>>;

export interface FieldsData {
  fields: Record<string, FieldSpellings>;
}

/** Everything data/ holds, checked. */
export interface Data {
  providers: ProviderData[];
  protocols: ProtocolData[];
  formats: FormatData[];
  fields: FieldsData;
}
