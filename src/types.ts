/** How much a retry can help: see data/README.md. */
export type RetryClass = 'throttling' | 'transient' | 'clock-skew' | 'permanent';

export const RETRY_CLASSES = ['throttling', 'transient', 'clock-skew', 'permanent'] as const satisfies readonly RetryClass[];

/** One error code of one provider, as stored in data/<provider>.json. */
export interface CatalogEntry {
  code: string;
  statuses: number[];
  message?: string;
  otherMessages?: string[];
  /** Messages with variable parts (a principal, a bucket), as anchored regular expressions. */
  messagePatterns?: string[];
  meaning: string;
  fix: string;
  retry: RetryClass;
  retryable: boolean;
  /** A wrong client clock can cause this error: the clock check runs for it. */
  clock?: boolean;
  docs: string;
  aliases?: string[];
  service?: string;
  /** The entry is the `inherits.from` provider's, which this one answers with (data/README.md). */
  inherited?: boolean;
}

/** What a provider's body-less response (a HEAD, say) with this status usually means. */
export interface BodilessNote {
  codes: string[];
  note: string;
}

/** An SDK exception that stands for a kind of failure rather than a code (data/README.md, `sdkExceptions`). */
export interface SdkException {
  /** The SDK that raises it (`azure-core`). */
  sdk: string;
  statuses: number[];
  codes: string[];
  raisedFor: string;
}

/** One provider's catalog: its entries and what its lookups need (data/providers/<id>.json). */
export interface Catalog {
  provider: string;
  name: string;
  /** Short names users type for --provider. */
  aliases: string[];
  checkedAgainst: string;
  docs: string;
  generic: boolean;
  bodiless: Record<string, BodilessNote>;
  sdkExceptions: Record<string, SdkException>;
  /** Said of a finding matched to an entry inherited from another provider's catalog. */
  inheritNote?: string;
  entries: CatalogEntry[];
}

/** How a match was found, in the order the matcher tries them. `list` marks catalog listings. */
export type MatchKind = 'exact' | 'alias' | 'status' | 'message' | 'fuzzy' | 'list';

export interface Match {
  provider: string;
  providerName: string;
  code: string;
  statuses: number[];
  meaning: string;
  fix: string;
  retryable: boolean;
  retry: RetryClass;
  docs: string;
  match: MatchKind;
  /** 1 for exact, alias, status and listing; lower for message prefixes and fuzzy hits. */
  score: number;
}

/** The kinds of input a finding can come from. */
export type InputKind =
  | 'code'
  | 'status'
  | 'text'
  | 'xml'
  | 'json'
  | 'http'
  | 'sdk'
  | 'log'
  | 'list';

/** A provider and the reason errlookup believes it sent the error. */
export interface Evidence {
  /** Who the clue names; null for a clue that names only a protocol (an AWS SDK: `speaks` says which). */
  provider: string | null;
  reason: string;
  weight: number;
  /** The clue says the request went through this protocol (`s3-api`): providers that do not speak it did not answer. */
  speaks?: string;
}

/** Facts pulled out of the input for one error. */
export interface ErrorFacts {
  kind: InputKind;
  code: string | null;
  status: number | null;
  message: string | null;
  requestId: string | null;
  /** Further named fields: TraceId, HostId, Resource, AuthenticationErrorDetail, Date, ServerTime, … */
  fields: Record<string, string>;
  evidence: Evidence[];
  /** True when the code was made up by an SDK from the status alone (botocore "(403)", "NotFound", COS "NoSuchResource"). */
  synthetic: boolean;
}

export interface ClockCheck {
  verdict: 'likely' | 'unlikely';
  detail: string;
  skewSeconds: number | null;
}

export interface Finding {
  input: {
    kind: InputKind;
    code: string | null;
    status: number | null;
    message: string | null;
    requestId: string | null;
    provider: string | null;
    /** The protocol the request went through, when the input says (`s3-api`), whoever answered. */
    protocol: string | null;
    /** Who answered, in words, when no provider is named but the protocol is ("an S3-compatible server"). */
    server: string | null;
    /** Why the provider (or the protocol) was chosen, strongest first. */
    evidence: string[];
    fields: Record<string, string>;
  };
  count: number;
  line: number | null;
  /** The file it was read from, when it came from one (not stdin, not an argument). */
  file?: string;
  matches: Match[];
  /** Close candidates when nothing matched well. */
  suggestions: string[];
  notes: string[];
  clock: ClockCheck | null;
}

export interface Report {
  /** The version of this shape, as in the CLI's --json (schema/errlookup.schema.json); set on what the library returns. */
  schemaVersion?: number;
  findings: Finding[];
}
