import type { InputKind } from '../types.js';

/**
 * What one line of input says about an error. `slot` names the kind of statement: two statements
 * of the same slot never belong to one error (a second status line starts the next response).
 */
export interface LineFacts {
  slot: string;
  kind: InputKind;
  code?: string;
  /** The code came from a loose `code: "…"` pair, which is kept only if the catalog knows it. */
  weakCode?: boolean;
  status?: number;
  message?: string;
  requestId?: string;
  fields?: Record<string, string>;
  /** This line begins a new error report (a response's status line, a traceback, an AzCopy failure). */
  starts?: boolean;
}

interface LineRule {
  /** A regular-expression source that must match somewhere in the line for `extract` to run. */
  trigger: string;
  extract(line: string): LineFacts | null;
}

/** Undoes JSON/JS string escapes in a quoted value; returns the raw text if it is not valid JSON. */
function unquote(raw: string): string {
  try {
    return JSON.parse(`"${raw.replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')}"`) as string;
  } catch {
    return raw;
  }
}

/** Fields that name a time: kept for the clock-skew check. */
function timeField(name: string, value: string): Record<string, string> {
  return { [name]: value.trim() };
}

const HEADER_FACTS: Record<string, (value: string, isRequest: boolean) => Omit<LineFacts, 'kind'> | null> = {
  'x-ms-error-code': (v) => ({ slot: 'header-code', code: v }),
  'x-cos-error-code': (v) => ({ slot: 'header-code', code: v }),
  'x-ms-copy-source-error-code': (v) => ({ slot: 'header-copy-code', fields: { CopySourceErrorCode: v } }),
  'x-ms-request-id': (v) => ({ slot: 'header-request-id', requestId: v }),
  'x-amz-request-id': (v) => ({ slot: 'header-request-id', requestId: v }),
  'x-cos-request-id': (v) => ({ slot: 'header-request-id', requestId: v }),
  'x-cos-trace-id': (v) => ({ slot: 'header-trace-id', fields: { TraceId: v } }),
  'x-amz-id-2': (v) => ({ slot: 'header-host-id', fields: { HostId: v } }),
  server: (v, isRequest) => (isRequest ? null : { slot: 'header-server', fields: { Server: v } }),
  date: (v, isRequest) => ({ slot: isRequest ? 'header-request-date' : 'header-date', fields: timeField(isRequest ? 'RequestDate' : 'Date', v) }),
  'x-ms-date': (v) => ({ slot: 'header-request-date', fields: timeField('RequestDate', v) }),
  'x-amz-date': (v) => ({ slot: 'header-request-date', fields: timeField('RequestDate', v) }),
  authorization: (v) => {
    const m = /q-sign-time=(\d{9,11});(\d{9,11})/.exec(v);
    return m ? { slot: 'header-sign-time', fields: { SignTimeStart: m[1]!, SignTimeEnd: m[2]! } } : null;
  },
};

const HEADER_LINE = /^\s*([<>]\s*)?([A-Za-z][A-Za-z0-9-]*)\s*:\s*\[?(.*?)\]?\s*$/;

const STANDARD_REASON = /^(?:OK|Created|Accepted|No Content|Partial Content|Moved Permanently|Found|Not Modified|Temporary Redirect|Permanent Redirect|Bad Request|Unauthorized|Forbidden|Not Found|Method Not Allowed|Conflict|Length Required|Precondition Failed|Range Not Satisfiable|Requested Range Not Satisfiable|Payment Required|Request Timeout|Too Many Requests|Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Timeout|HTTP Version Not Supported|Continue)$/i;

/** A status line's reason phrase is a provider message when it is not one of the standard phrases (Azure puts its message there). */
function reasonFields(reason: string): Pick<LineFacts, 'message' | 'fields'> {
  const r = reason.trim();
  if (!r) return {};
  return STANDARD_REASON.test(r) ? { fields: { Reason: r } } : { message: r };
}

/** Codes SDKs invent for a response with no body, and the status each stands for. */
export const SYNTHETIC_CODES: Record<string, number> = {
  // botocore and the AWS SDKs (JS v2/v3, .NET, Go v2) for a body-less HEAD response
  notfound: 404,
  forbidden: 403,
  badrequest: 400,
  // cos-python-sdk-v5 send_request for a HEAD 404: "The Resource You Head Not Exist"
  nosuchresource: 404,
  // cos-python-sdk-v5 when the error body cannot be parsed
  unknown: 0,
};

/** The status an SDK-made code stands for, or null when the code is real. */
export function syntheticStatus(code: string): number | null {
  const key = code.toLowerCase().replace(/[\s_-]+/g, '');
  if (/^\d{3}$/.test(key)) return Number(key);
  return Object.hasOwn(SYNTHETIC_CODES, key) ? SYNTHETIC_CODES[key]! : null;
}

/** `key: "value"` with the key in group 1's quotes, the value's quote in group 2 and the value in group 3. */
const KV_CODE = /(?:^|[\s{,(])(["']?)(?:code|errorCode|error_code|Code|ErrorCode)\1\s*[:=]\s*(["'])((?:\\.|(?!\2)[^\\])*)\2/;
const KV_MESSAGE = /(?:^|[\s{,(])(["']?)(?:message|Message|value)\1\s*[:=]\s*(["'])((?:\\.|(?!\2)[^\\])*)\2/;

/**
 * Per-line rules, each for a format in the wild. Sources: curl's -i/-v output; azure-core
 * (Python) HttpResponseError; Azure.RequestFailedException (.NET); BlobStorageException (Java);
 * azcore ResponseError (Go); azure-storage-blob-go and AzCopy logs; botocore ClientError; AWS SDK
 * for Java v1/v2 AmazonServiceException; AWS SDK for Go v2 smithy errors; AWS SDK for PHP; the COS
 * SDKs' CosServiceError (Python), CosServiceException (Java), ErrorResponse (Go) and error objects (JS).
 */
const RULES: LineRule[] = [
  {
    trigger: 'HTTP/[12]',
    extract(line) {
      const m = /^\s*(?:<\s*)?HTTP\/\d(?:\.\d)?\s+(\d{3})\b[ \t]*([^\r\n]*)/.exec(line);
      if (!m) return null;
      const status = Number(m[1]);
      if (status < 300 || status === 304) return { slot: 'status-line', kind: 'http', starts: true };
      return { slot: 'status-line', kind: 'http', status, starts: true, ...reasonFields(m[2]!) };
    },
  },
  {
    trigger: '(?:[xX]-(?:[mM][sS]|[cC]os|[aA]mz)-[A-Za-z-]+|[Ss]erver|[Dd]ate|[Aa]uthorization)\\s*:',
    extract(line) {
      const m = HEADER_LINE.exec(line);
      if (!m) return null;
      const name = m[2]!.toLowerCase();
      if (!Object.hasOwn(HEADER_FACTS, name) || !m[3]) return null;
      const facts = HEADER_FACTS[name]!(m[3], (m[1] ?? '').startsWith('>'));
      return facts ? { ...facts, kind: 'http' } : null;
    },
  },
  {
    // SAS start and expiry times in a URL: the clock-skew check compares them with the response time.
    trigger: '[?&]s[et]=\\d{4}-',
    extract(line) {
      const fields: Record<string, string> = {};
      const se = /[?&]se=([^&\s"'\]]+)/.exec(line);
      const st = /[?&]st=([^&\s"'\]]+)/.exec(line);
      if (se) fields.SasExpiry = decodeURIComponent(se[1]!);
      if (st) fields.SasStart = decodeURIComponent(st[1]!);
      return { slot: 'sas', kind: 'text', fields };
    },
  },
  {
    trigger: 'Traceback \\(most recent|===== RESPONSE ERROR|==> REQUEST/RESPONSE|==> RESPONSE|REQUEST/RESPONSE \\(Try=',
    extract: () => ({ slot: 'start', kind: 'sdk', starts: true }),
  },
  {
    // botocore: "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist."
    trigger: 'An error occurred \\(',
    extract(line) {
      const m = /An error occurred \(([^)]{1,100})\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?:? ?(.*)$/.exec(line);
      if (!m) return null;
      return { slot: 'sdk-exception', kind: 'sdk', code: m[1]!, message: m[3]!.trim() || undefined, fields: { Operation: m[2]! }, starts: true };
    },
  },
  {
    // Go azcore: "RESPONSE 404: 404 The specified container does not exist."; AzCopy/blob-go: "RESPONSE Status: 403 This request is not…"
    trigger: 'RESPONSE (?:Status: )?\\d{3}',
    extract(line) {
      const m = /RESPONSE (?:Status: )?(\d{3})(?::\s*\d{3})?\s*(.*)$/.exec(line);
      if (!m) return null;
      const status = Number(m[1]);
      if (status < 300) return { slot: 'status-line', kind: 'sdk', starts: true };
      return { slot: 'status-line', kind: 'sdk', status, starts: true, ...reasonFields(m[2]!) };
    },
  },
  {
    // AzCopy: "ERR: [P#0-T#0] UPLOADFAILED: /src/file : 403 : This request is not authorized…. When Staging block. X-Ms-Request-Id: …"
    trigger: ' : \\d{3} : ',
    extract(line) {
      const m = / : (\d{3}) : (.*?)(?:\.? When [^.]*\.)?(?:\s+X-Ms-Request-Id:\s*(\S+))?\s*$/.exec(line);
      if (!m) return null;
      return { slot: 'azcopy-failure', kind: 'log', status: Number(m[1]), message: m[2]!.replace(/\.\.$/, '.'), requestId: m[3], starts: true };
    },
  },
  {
    // azure-storage-blob-go / AzCopy: "ServiceCode=AuthorizationPermissionMismatch"
    trigger: 'ServiceCode=',
    extract(line) {
      const m = /ServiceCode=(\w+)/.exec(line);
      return m ? { slot: 'sdk-code', kind: 'sdk', code: m[1]! } : null;
    },
  },
  {
    // Go azcore: "ERROR CODE: ContainerNotFound"
    trigger: 'ERROR CODE: ',
    extract(line) {
      const m = /ERROR CODE: (\w+)/.exec(line);
      return m ? { slot: 'sdk-code', kind: 'sdk', code: m[1]! } : null;
    },
  },
  {
    // azure-core (Python) "ErrorCode:BlobNotFound" and its newer "Code: BlobNotFound" line; .NET "ErrorCode: BlobNotFound".
    trigger: '(?:^|\\s)(?:Error)?Code: ?[A-Z]',
    extract(line) {
      const m = /(?:^|\s)(?:Error)?Code: ?([A-Z]\w+)\s*$/.exec(line);
      return m ? { slot: 'sdk-code', kind: 'sdk', code: m[1]! } : null;
    },
  },
  {
    // azure-core (Python) "HttpResponseError: (AuthorizationFailure) This request is not authorized…"
    trigger: '(?:Error|Exception): \\(\\w+\\) ',
    extract(line) {
      const m = /(\w+(?:Error|Exception)): \((\w+)\) (.*)$/.exec(line);
      return m ? { slot: 'sdk-exception', kind: 'sdk', code: m[2]!, message: m[3]!.trim(), fields: { Exception: m[1]! } } : null;
    },
  },
  {
    // Azure .NET: "Status: 404 (The specified blob does not exist.)"; Java: 'Status code 403, "<?xml…'
    trigger: 'Status(?: code|:) \\d{3}',
    extract(line) {
      const m = /Status(?: code|:) (\d{3})(?: \((.*)\))?/.exec(line);
      if (!m) return null;
      return { slot: 'sdk-status', kind: 'sdk', status: Number(m[1]), ...(m[2] ? reasonFields(m[2]) : {}) };
    },
  },
  {
    // AWS SDK for Java v1, COS Java and PHP: "(Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: …)"
    trigger: 'Status Code: \\d{3}|Error Code: \\w',
    extract(line) {
      const status = /Status Code: (\d{3})/.exec(line);
      const code = /Error Code: ([A-Za-z][\w ]*?)\s*(?:[;,)]|$)/.exec(line);
      const requestId = /Request ID: ([^;,)\s]+)/.exec(line);
      const fields: Record<string, string> = {};
      const hostId = /Extended Request ID: ([^;,)\s]+)/.exec(line);
      const traceId = /Trace ID: ([^;,)\s]+)/.exec(line);
      const service = /\(Service: ([^;,]+)/.exec(line);
      if (hostId) fields.HostId = hostId[1]!;
      if (traceId) fields.TraceId = traceId[1]!;
      if (service) fields.Service = service[1]!;
      const message = /Error Message: ([^;]*)/.exec(line) ?? /^(?:[\w.$]+(?:Exception|Error):\s*)?(.*?)\s*\(Service: /.exec(line);
      return {
        slot: 'sdk-java',
        kind: 'sdk',
        status: status ? Number(status[1]) : undefined,
        code: code?.[1],
        requestId: requestId?.[1],
        message: message?.[1]?.trim() || undefined,
        fields,
        starts: true,
      };
    },
  },
  {
    // AWS SDK for Go v2: "https response error StatusCode: 404, RequestID: …, HostID: …, api error NoSuchKey: The specified key does not exist."
    trigger: 'api error \\w|StatusCode: \\d{3}, RequestID',
    extract(line) {
      const api = /api error (\w+): (.*)$/.exec(line);
      const status = /StatusCode: (\d{3}), RequestID: ([^,\s]*),(?: HostID: ([^,\s]*),)?/.exec(line);
      const fields: Record<string, string> = {};
      if (status?.[3]) fields.HostId = status[3];
      return {
        slot: 'sdk-go',
        kind: 'sdk',
        code: api?.[1],
        message: api?.[2]?.trim(),
        status: status ? Number(status[1]) : undefined,
        requestId: status?.[2] || undefined,
        fields,
        starts: true,
      };
    },
  },
  {
    // cos-go-sdk-v5: "GET https://…myqcloud.com/key: 404 NoSuchKey(Message: …, RequestId: …, TraceId: …)"
    trigger: '\\(Message: ',
    extract(line) {
      const m = /(\d{3}) (\w+)\(Message: (.*?), RequestId: ([^,]*), TraceId: ([^)]*)\)/.exec(line);
      if (!m) return null;
      return { slot: 'sdk-go', kind: 'sdk', status: Number(m[1]), code: m[2]!, message: m[3]!, requestId: m[4] || undefined, fields: m[5] ? { TraceId: m[5] } : {}, starts: true };
    },
  },
  {
    // AWS SDK for PHP: "resulted in a `403 Forbidden` response" … "AccessDenied (client): Access Denied - <?xml …"
    trigger: 'resulted in a `\\d{3}|\\w \\((?:client|server)\\): ',
    extract(line) {
      const status = /resulted in a `(\d{3})/.exec(line);
      const code = /(\w+) \((?:client|server)\): (.*?)(?: - |$)/.exec(line);
      return { slot: 'sdk-php', kind: 'sdk', status: status ? Number(status[1]) : undefined, code: code?.[1], message: code?.[2]?.trim() || undefined };
    },
  },
  {
    // JSON bodies, JS error objects and Python dicts: "code": "PathNotFound", code: 'BlobNotFound', 'code': 'NoSuchKey'
    trigger: `[cC]ode["']?\\s*[:=]\\s*["']|[sS]tatus(?:_?[cC]ode)?["']?\\s*[:=]\\s*["']?\\d{3}\\b|(?:[mM]essage|value)["']?\\s*[:=]\\s*["']|[rR]equest_?[iI][dD]["']?\\s*[:=]\\s*["']|[tT]race_?[iI][dD]["']?\\s*[:=]\\s*["']`,
    extract(line) {
      const code = KV_CODE.exec(line);
      const status = /(?:^|[\s{,(])(["']?)(?:statusCode|status_code|StatusCode|status|httpStatusCode)\1\s*[:=]\s*["']?(\d{3})\b/.exec(line);
      const message = KV_MESSAGE.exec(line);
      const requestId = /(?:^|[\s{,(])(["']?)(?:requestId|RequestId|request_id|requestid|x-ms-request-id|x-cos-request-id|x-amz-request-id)\1\s*[:=]\s*["']([^"']{6,})["']/.exec(line);
      const traceId = /(?:^|[\s{,(])(["']?)(?:traceId|TraceId|trace_id|traceid)\1\s*[:=]\s*["']([^"']{6,})["']/.exec(line);
      const codeValue = code?.[3];
      const facts: LineFacts = { slot: 'kv', kind: 'json' };
      if (codeValue && /^[A-Za-z][\w .-]{1,80}$/.test(codeValue)) Object.assign(facts, { code: codeValue, weakCode: true });
      if (status) facts.status = Number(status[2]);
      if (message?.[3]) facts.message = unquote(message[3]);
      if (requestId) facts.requestId = requestId[2];
      if (traceId) facts.fields = { TraceId: traceId[2]! };
      return facts.code || facts.status || facts.message || facts.requestId || facts.fields ? facts : null;
    },
  },
];

/** One regular expression that finds every line some rule (or the XML or clue scan) could use. */
export function ruleTriggers(): string[] {
  return RULES.map((r) => r.trigger);
}

const COMPILED = RULES.map((r) => ({ test: new RegExp(r.trigger), extract: r.extract }));

/** Everything the rules find in one line. */
export function extractLine(line: string): LineFacts[] {
  const found: LineFacts[] = [];
  for (const rule of COMPILED) {
    if (!rule.test.test(line)) continue;
    const facts = rule.extract(line);
    if (facts) found.push(facts);
  }
  return found;
}
