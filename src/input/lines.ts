import { normalizeCode, withoutClassSuffix } from '../catalog.js';
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
  /** An XML body that was cut short. */
  partial?: boolean;
  /** The line is only a status and its words: it counts only if the words are the standard reason phrase. */
  reasonOnly?: boolean;
  /** `code` holds several space-separated candidate words; the first the catalog knows is the code. */
  codeWords?: boolean;
  /** The format itself names a provider family: an SDK only one provider ships. */
  evidence?: 'azure' | 'aws' | 'cos';
}

interface LineRule {
  /** A regular-expression source that must match somewhere in the line for `extract` to run. */
  trigger: string;
  /** Plain substrings, one of which the trigger needs: a cheap test that spares most lines the regular expression. */
  hints?: string[];
  /** Hints common in any log (`: `, `=`): tested one by one. The others are first tested all at once. */
  broad?: boolean;
  /** Runs only when no earlier rule found a code on the line. */
  fallback?: boolean;
  /** `before` is the previous line of the input, for formats that split one error over two lines. */
  extract(line: string, before?: string): LineFacts | null;
}

/**
 * A message as the service sent it, without what a client printed around it: a log line's prefix and
 * the exception classes that wrapped it ("…AmazonS3Exception: Please reduce your request rate."), a
 * "Description=" label, the stack trace, headers or SDK suffix after it, a stray quote. Null when what
 * is left says nothing ("null").
 */
export function tidyMessage(raw: string): string | null {
  // Longer than any provider message; and every step below stays linear in what is left.
  let m = raw.trim().slice(0, MAX_MESSAGE_CHARS);
  // The innermost exception is the service's: text up to the last "SomeException: " or .NET "---> " goes.
  let from = 0;
  for (const hit of m.matchAll(/(?:Exception|Error): |---> /g)) {
    let word = hit.index;
    while (word > 0 && isClassChar(m.charCodeAt(word - 1))) word--;
    const code = m.charCodeAt(word);
    if (hit[0] === '---> ' || (word < hit.index && code >= 65 && code <= 90)) from = hit.index + hit[0].length;
  }
  // Labels: "Message: ", "HTTP Error Message: ", minio-py's "AccessDenied: message: ".
  m = m.slice(from).replace(/^(?:[A-Z][A-Za-z]+: (?=message:))?(?:(?:(?:HTTP |AWS )?(?:Error ?)?Message|Error|Description)\s*[:=]\s*)+/i, '');
  // msrest's and older azure-core's wrapper: "Operation returned an invalid status 'The message.'"
  m = m.replace(/^Operation returned an invalid status (['"])(.+?)\1(?=\s|$).*$/s, '$2');
  // A stack frame ("at COSXML.Network…(", Python's traceback, PHP's "in file /app/….php on line 61"), a header ("Cache-Control: "), the SDK's own
  // suffix: Java's "(Service: …" or "(Status Code: …", AWS's "S3 Extended Request ID: …", Go v1's "status code: 403, …".
  // Separators may be escaped ("\\n\\tstatus code: 404" in a JSON log); a logfmt field after a closing quote ends it too.
  // (A match starts only where a run of separators does: a long run costs its length once.)
  m = m.replace(/(?<![\s,;\\])(?:[\s,;]|\\+[nrt])+(?:Traceback \(most recent call last\)|at [\w$.<>`[\]]+\(|in (?:file )?\/\S+ on line \d|[A-Z][a-z]+-[A-Z][\w-]*: |\((?:Service|Status Code): |(?:S3 )?Extended Request ID: |status code: \d{3}\b).*$/s, '');
  m = m.replace(/"\s+[a-z_][\w.]*=.*$/s, '"');
  m = withoutValueEnd(m);
  // Markdown's bold around a pasted message: "**Access Denied**".
  m = m.replace(/^\*\*(?=\S)|(?<=\S)\*\*$/g, '');
  // Quotes the client put around the message: runs of a quote at its ends that it has nowhere else, or
  // else one odd backtick or double quote at an end (a message pairs its own; an apostrophe may stand alone).
  for (const q of ['`', '"', "'"]) {
    let start = 0;
    let end = m.length;
    while (start < end && m[start] === q) start++;
    while (end > start && m[end - 1] === q) end--;
    const core = m.slice(start, end).trim();
    if (!core.includes(q)) m = core;
    else if (q !== "'" && m.split(q).length % 2 === 0) m = m.endsWith(q) ? m.slice(0, -1).trimEnd() : m.startsWith(q) ? m.slice(1).trimStart() : m;
  }
  // "Forbidden: Forbidden"
  const half = (m.length - 2) / 2;
  if (Number.isInteger(half) && half > 0 && m.slice(half, half + 2) === ': ' && m.slice(0, half) === m.slice(half + 2)) m = m.slice(0, half);
  // Placeholders: what a client prints when it has no message (awscli's "Unknown").
  return m === '' || /^(?:null|none|nil|undefined|unknown)$/i.test(m) ? null : m;
}

/** Characters that may end a value in the printout a message sat in: quotes, separators, white space. */
const VALUE_END = new Set([' ', '\t', '\r', '\n', ',', ';', '"', "'", '`']);

/**
 * A message without what ended it as a value in its printout (`…Access Denied",` in a JSON line,
 * `…exist.", "` in a list): a run of quotes, separators and spaces at its end with a `,` or `;` in it.
 * A closing quote stays if the message opened one. (A loop: an expression for it backtracks on long runs.)
 */
function withoutValueEnd(m: string): string {
  let end = m.length;
  let separated = false;
  while (end > 0 && VALUE_END.has(m[end - 1]!)) {
    separated ||= m[end - 1] === ',' || m[end - 1] === ';';
    end--;
  }
  if (!separated) return m;
  const kept = m.slice(0, end);
  const quote = m[end];
  if (quote !== '"' && quote !== "'" && quote !== '`') return kept;
  // An apostrophe may stand alone ("bucket's"): a single quote closes one that opens a word ("grant 'public-read',").
  const opened = quote === "'" ? /(?:^|\s)'[^'\s][^']*$/.test(kept) : kept.split(quote).length % 2 === 0;
  return opened ? kept + quote : kept;
}

/** Longer than any message a provider sends: what follows is no part of it. */
const MAX_MESSAGE_CHARS = 2048;

/** A character of a class name: a letter, a digit, `_` or `$`. */
function isClassChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
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

/** Matched against a line with its trailing spaces cut: a lazy value before a run of spaces and `\s*$` would be quadratic. */
const HEADER_LINE = /^\s*(?:\[[^\]]*\]\s*)?(->\s*"|<-\s*"|[<>]\s*)?([A-Za-z][A-Za-z0-9-]*)\s*:\s*\[?(.*?)\]?(?:\\r\\n)?"?$/;

/**
 * A status line's text after the number: Azure puts its message there, others the standard reason
 * phrase. The diagnoser tells them apart with the generic HTTP catalog (data/http.json).
 */
function reasonFields(reason: string): Pick<LineFacts, 'message'> {
  const r = reason.trim();
  return r ? { message: r } : {};
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
  const key = withoutClassSuffix(normalizeCode(code));
  if (/^\d{3}$/.test(key)) return Number(key);
  return Object.hasOwn(SYNTHETIC_CODES, key) ? SYNTHETIC_CODES[key]! : null;
}

/** `key: "value"` with the key in group 1's quotes, the value's quote in group 2 and the value in group 3. */
const KV_CODE = /(?:^|[\s{,(])(["']?)(?:code|errorCode|error_code|Code|ErrorCode|errorType)\1\s*[:=]\s*(["'])((?:\\.|(?!\2)[^\\])*)\2/;
const KV_MESSAGE = /(?:^|[\s{,(])(["']?)(?:message|Message|errorMessage)\1\s*[:=]\s*(["'])([A-Za-z](?:\\.|(?!\2)[^\\])*)\2/;
/**
 * OData's message is `{"lang": "en-US", "value": "…"}`: a `value` is a message only after a `lang`, on its
 * line or the one before. Azure's JS RestError prints every header as `"name": …, "value": …`.
 */
const KV_VALUE = /(?:^|[\s{,(])(["']?)value\1\s*[:=]\s*(["'])([A-Za-z](?:\\.|(?!\2)[^\\])*)\2/;
/** `name: 'NoSuchKeyError'` or `"errorType": "NoSuchKey"`: the error's class name as a candidate code. */
const KV_NAME = /(?:^|[\s{,(])(["']?)(?:name|errorType)\1\s*[:=]\s*(["'])(\w+)\2/;

const NAME_CODE = /^[A-Za-z][\w .-]{1,80}$/;

/** A `Name: message` or `NameError: message` lead, as JS, Go, Java and PHP (`Qcloud\Cos\…Exception: `) SDKs print errors: a code only if the catalog knows it. */
const CAMEL_LEAD = /(?:^|[\s`'"(>.\\])([A-Z][a-z]+[A-Z][A-Za-z0-9]+): (\S.*)$/;

/** A line that is one labelled field of a printed error: "s3fs: HTTP Error Code: 403", "    AWS Error Code:   AccessDenied". */
const FIELD_LINE = /^\W*(?:\w[\w.-]*: )?(?:(?:HTTP|AWS) )?(?:Error|Status) Code\s*:/;

/** Unquoted `Key=value` pairs, as NSError UserInfo, Go autorest and legacy SDK logs print them. */
function equalsPairs(line: string): LineFacts | null {
  const get = (key: string, value = '([^,;}\\s]+)') => new RegExp(`(?:^|[\\s{(,;])${key}=${value}`).exec(line)?.[1];
  const code = get('(?:Code|ErrorCode|error|code)', '"?([A-Za-z][\\w]+|\\d{3})"?');
  const status = get('(?:HTTP [Ss]tatus [Cc]ode|ErrorHTTPStatusCode|StatusCode|Status|status|statusCode)', '"?(\\d{3})\\b');
  const requestId = get('(?:RequestId|Server-Request-ID|RequestID)');
  const traceId = get('TraceId');
  const message = get('(?:Message|ErrorMessage|Exception|error_description)', '"?(.*?)"?(?:, [A-Z][\\w-]*=|[}>]\\s*$|$)');
  const facts: LineFacts = { slot: 'pairs', kind: 'sdk' };
  if (code && /^\d{3}$/.test(code)) facts.status = Number(code);
  else if (code) Object.assign(facts, { code, weakCode: true });
  if (status) facts.status = Number(status);
  if (requestId) facts.requestId = requestId;
  if (traceId) facts.fields = { TraceId: traceId };
  if (message) facts.message = message;
  return facts.code || facts.status || facts.requestId ? facts : null;
}

/**
 * Per-line rules, each for a format in the wild. Sources: curl's -i/-v output; azure-core
 * (Python) HttpResponseError and the legacy azure-storage loggers; Azure.RequestFailedException
 * (.NET); BlobStorageException (Java); azcore ResponseError (Go); azure-storage-blob-go and AzCopy
 * logs; botocore ClientError (current and 2014 forms); AWS SDK for Java v1/v2, Go v1/v2, C++, JS
 * v2/v3 and PHP; the COS SDKs' CosServiceError (Python), CosServiceException (Java), CosServerException
 * (.NET), ErrorResponse (Go), error objects (JS) and NSError (iOS). Real samples of each are in
 * test/fixtures/real/.
 */
const RULES: LineRule[] = [
  {
    // curl -i / -v, wire traces: "HTTP/1.1 403 Forbidden", "< HTTP/2 404", `-> "HTTP/1.1 403 Forbidden\r\n"`
    trigger: 'HTTP/[12](?:\\.[01])? [1-5]\\d\\d',
    hints: ['HTTP/'],
    extract(line) {
      // The status line ends the line, or an escaped CRLF ends it inside a string (a whole response logged on one line).
      const m = /(?:^|[\s"'<>-])HTTP\/\d(?:\.\d)?\s+(\d{3})\b[ \t]*([^\r\n"]*?)(?:\\r\\n|"?$)/.exec(line.trimEnd());
      if (!m || /^\s*>/.test(line)) return null;
      const status = Number(m[1]);
      if (status < 300 || status === 304) return { slot: 'status-line', kind: 'http', starts: true };
      return { slot: 'status-line', kind: 'http', status, starts: true, ...reasonFields(m[2]!) };
    },
  },
  {
    trigger: '(?:[xX]-(?:[mM][sS]|[cC]os|[aA]mz)-[A-Za-z-]{1,64}|[Ss]erver|[Dd]ate|[Aa]uthorization)\\s*:',
    hints: ['-ms-', '-Ms-', '-MS-', '-amz-', '-Amz-', '-AMZ-', '-cos-', '-Cos-', 'erver', 'ate', 'uthorization'],
    broad: true,
    extract(line) {
      const m = HEADER_LINE.exec(line.trimEnd());
      if (!m) return null;
      const name = m[2]!.toLowerCase();
      if (!Object.hasOwn(HEADER_FACTS, name) || !m[3]) return null;
      const direction = (m[1] ?? '').trim();
      const facts = HEADER_FACTS[name]!(m[3], direction.startsWith('>') || direction.startsWith('<-'));
      return facts ? { ...facts, kind: 'http' } : null;
    },
  },
  {
    // Headers printed as a Python dict or JSON object: 'x-ms-error-code': 'BlobNotFound'
    trigger: `["'][xX]-(?:ms|cos)-error-code["']\\s*:`,
    hints: ['rror-code'],
    extract(line) {
      const m = /["'][xX]-(?:ms|cos)-error-code["']\s*:\s*["'](\w+)["']/.exec(line);
      return m ? { slot: 'header-code', kind: 'http', code: m[1]! } : null;
    },
  },
  {
    // SAS start and expiry times in a URL: the clock-skew check compares them with the response time.
    trigger: '[?&]s[et]=\\d{4}-|q-sign-time=\\d',
    hints: ['se=', 'st=', 'q-sign-time='],
    broad: true,
    extract(line) {
      const fields: Record<string, string> = {};
      // COS presigned URLs carry their validity window as q-sign-time=<start>;<end> (";" may be %3B).
      const sign = /q-sign-time=(\d{9,11})(?:;|%3B)(\d{9,11})/i.exec(line);
      if (sign) Object.assign(fields, { SignTimeStart: sign[1]!, SignTimeEnd: sign[2]! });
      const se = /[?&]se=([^&\s"'\]]+)/.exec(line);
      const st = /[?&]st=([^&\s"'\]]+)/.exec(line);
      if (se) fields.SasExpiry = safeDecode(se[1]!);
      if (st) fields.SasStart = safeDecode(st[1]!);
      return { slot: 'sas', kind: 'text', fields };
    },
  },
  {
    trigger: 'Traceback \\(most recent|===== RESPONSE ERROR|==> REQUEST/RESPONSE|REQUEST/RESPONSE \\(Try=',
    hints: ['Traceback', 'RESPONSE'],
    extract(line) {
      const code = /RESPONSE ERROR \(ServiceCode=(\w+)\)/.exec(line)?.[1];
      return { slot: 'start', kind: 'sdk', starts: true, code };
    },
  },
  {
    // botocore: "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist."
    // and its 2014 form: "A client error (Unknown) occurred when calling the HeadObject operation:"
    trigger: 'An error occurred \\(|A (?:client|server) error \\(',
    hints: ['error occurred (', 'error ('],
    extract(line) {
      const m = /(?:An error occurred|A (?:client|server) error) \(([^)]{1,100})\) (?:occurred )?when calling the (\w+) operation(?: \(reached max retries: \d+\))?:? ?(.*)$/.exec(line);
      if (!m) return null;
      return { slot: 'sdk-exception', kind: 'sdk', code: m[1]!, message: m[3]!.trim() || undefined, fields: { Operation: m[2]! }, evidence: 'aws', starts: true };
    },
  },
  {
    // Go azcore: "RESPONSE 404: 404 The specified container does not exist."; AzCopy/blob-go: "RESPONSE Status: 403 This request is not…"
    trigger: 'RESPONSE (?:Status: )?\\d{3}',
    hints: ['RESPONSE '],
    extract(line) {
      const m = /RESPONSE (?:Status: )?(\d{3})(?::\s*\d{3})?\s*(.*)$/.exec(line);
      if (!m) return null;
      const status = Number(m[1]);
      if (status < 300) return { slot: 'status-line', kind: 'sdk', starts: true };
      return { slot: 'status-line', kind: 'sdk', status, starts: true, evidence: 'azure', ...reasonFields(m[2]!) };
    },
  },
  {
    // azure-storage-blob-go: "Description=403 This request is not authorized…, Details: (none)"
    trigger: 'Description=\\d{3} ',
    hints: ['Description='],
    extract(line) {
      const m = /Description=(\d{3}) (.*?)(?:, Details:.*)?$/.exec(line);
      return m ? { slot: 'sdk-status', kind: 'sdk', status: Number(m[1]), message: m[2]!.replace(/\.\.$/, '.'), evidence: 'azure' } : null;
    },
  },
  {
    // AzCopy: "ERR: [P#0-T#0] UPLOADFAILED: /src/file : 403 : This request is not authorized…. When Staging block. X-Ms-Request-Id: …"
    trigger: ' : \\d{3} : ',
    hints: [' : '],
    broad: true,
    extract(line) {
      const m = / : (\d{3}) : (?:\d{3} )?(.*?)(?:\.? When [^.]*\.?)?(?:(?<!\s)\s+X-Ms-Request-Id:\s*(\S+))?$/.exec(line.trimEnd());
      if (!m) return null;
      return { slot: 'azcopy-failure', kind: 'log', status: Number(m[1]), message: m[2]!.replace(/\.\.$/, '.'), requestId: m[3], evidence: 'azure', starts: true };
    },
  },
  {
    // azure-storage-blob-go / AzCopy: "ServiceCode=AuthorizationPermissionMismatch"
    trigger: 'ServiceCode=',
    hints: ['ServiceCode='],
    extract(line) {
      const m = /ServiceCode=(\w+)/.exec(line);
      return m ? { slot: 'sdk-code', kind: 'sdk', code: m[1]!, evidence: 'azure' } : null;
    },
  },
  {
    // Go azcore: "ERROR CODE: ContainerNotFound"
    trigger: 'ERROR CODE: ',
    hints: ['ERROR CODE'],
    extract(line) {
      const m = /ERROR CODE: (\w+)/.exec(line);
      return m ? { slot: 'sdk-code', kind: 'sdk', code: m[1]!, evidence: 'azure' } : null;
    },
  },
  {
    // azure-core (Python) "ErrorCode:BlobNotFound" and its newer "Code: BlobNotFound" line; .NET "ErrorCode: BlobNotFound".
    trigger: '(?<=^|[\\s`\'"(])(?:Error)?Code: ?[A-Z]',
    hints: ['Code:', 'Code :'],
    extract(line, before) {
      const m = /(?:^|[\s`'"(])(?:Error)?Code: ?([A-Z][A-Za-z0-9]{2,})\b(?!\s*\()/.exec(line);
      // azure-storage-blob-go lists the code again under "Time:…, Details:": the same error, not the next one.
      return m ? { slot: before?.trimEnd().endsWith('Details:') ? 'details-code' : 'sdk-code', kind: 'sdk', code: m[1]! } : null;
    },
  },
  {
    // azure-core (Python) "HttpResponseError: (AuthorizationFailure) This request is not authorized…"
    trigger: '(?:Error|Exception): \\(\\w+\\) ',
    hints: [': ('],
    extract(line) {
      const m = /(\w+(?:Error|Exception)): \((\w+)\) (.*)$/.exec(line);
      return m ? { slot: 'sdk-exception', kind: 'sdk', code: m[2]!, message: m[3]!.trim(), fields: { Exception: m[1]! } } : null;
    },
  },
  {
    // Azure .NET: "Status: 404 (The specified blob does not exist.)"; Java: 'Status code 403, "<?xml…'
    trigger: 'Status(?: code|:) \\d{3}',
    hints: ['Status'],
    extract(line) {
      // AzCopy's "RESPONSE Status: 403 …" is the RESPONSE rule's: read here too, it would be a second statement.
      const m = /(?<!RESPONSE )Status(?: code|:) (\d{3})(?: \((.*)\))?/.exec(line);
      if (!m) return null;
      return { slot: 'sdk-status', kind: 'sdk', status: Number(m[1]), ...(m[2] ? reasonFields(m[2]) : {}) };
    },
  },
  {
    // Many HTTP clients: "unexpected status 409", "HTTP status code=404", "HTTP Response Code: 404", "(HTTP 412)",
    // "returned an error: (503)", "Client error: 403", "StatusCodeError: 403 - ", "CosServerException: 403 - Forbidden",
    // "HTTP response code: 503", s3fs's "HTTP response code 403 was returned" (its 404s are the lookups it makes for every path), wget's "awaiting response... 409 …" and "ERROR 409: …", python logging '"HEAD /k HTTP/1.1" 404 0',
    // the Rust CRT's "MetaRequestResult { response_status: 404, …" (mountpoint-s3)
    trigger: '(?:unexpected status|with status code \\d{3}|[Ss]tatus [Cc]ode[=:]|HTTP [Rr]esponse [Cc]ode:|HTTP response code (?!404)\\d{3} was returned|\\(HTTP \\d{3}\\)|returned an error: \\(\\d{3}\\)|(?:Client|Server) error: \\d{3}|(?:Error|Exception): \\d{3} - |awaiting response\\.\\.\\. \\d{3}|ERROR \\d{3}: |HTTP/1\\.[01]" \\d{3} |response_status: \\d{3})',
    hints: ['tatus', 'HTTP', 'error:', 'Error:', 'Exception:', 'awaiting', 'ERROR'],
    extract(line) {
      const m =
        /(?:unexpected status|with status code|[Ss]tatus [Cc]ode[=:]|HTTP [Rr]esponse [Cc]ode:|HTTP response code(?= (?!404)\d{3} was returned)|returned an error:|(?:Client|Server) error:|(?:Error|Exception):|awaiting response\.\.\.|ERROR|HTTP\/1\.[01]"|response_status:)\s*\(?(\d{3})\)?(?: - | |: |\b)(.*)$/.exec(line) ??
        /\(HTTP (\d{3})\)()/.exec(line);
      // Go v1's "status code: 403, request id: …" is the Go rule's: read here too, it would be a second statement.
      if (!m || /status code: \d{3}, request id:/.test(line)) return null;
      const status = Number(m[1]);
      if (status < 300) return null;
      const rest = m[2]!.trim().replace(/^"|"$/g, '');
      const message = /^[A-Z][^<{"]{10,}[.!]?$/.test(rest) && !/^\d/.test(rest) ? rest.replace(/\.\.$/, '.') : undefined;
      return { slot: 'client-status', kind: 'sdk', status, ...(message ? reasonFields(message) : {}) };
    },
  },
  {
    // AWS SDK for Java v1, COS Java and PHP: "(Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: …)"
    trigger: 'Status Code: \\d{3}|Error Code: \\w',
    hints: ['Status Code', 'Error Code'],
    extract(line) {
      const status = /Status Code: (\d{3})/.exec(line);
      // S3A and other Hadoop clients write "Error Code: 403 Forbidden" when the response had no body.
      const code = /Error Code: ([A-Za-z][\w ]*?|\d{3})(?: [A-Z][a-z ]*)?\s*(?:[;,)]|$)/.exec(line);
      const requestId = /Request ID: ([^;,)\s]+)/.exec(line);
      const fields: Record<string, string> = {};
      const hostId = /Extended Request ID: ([^;,)\s]+)/.exec(line);
      const traceId = /Trace ID: ([^;,)\s]+)/.exec(line);
      const service = /\(Service: ([^;,]+)/.exec(line);
      if (hostId) fields.HostId = hostId[1]!;
      if (traceId) fields.TraceId = traceId[1]!;
      if (service) fields.Service = service[1]!;
      // The message ends at the next field, or at the quote or bracket that closes a list of errors; or it is what comes before "(Service:".
      const message = /Error Message: ([^;"\]]*)/.exec(line) ?? /^(.*?)\s*\(Service: /.exec(line);
      const text = message?.[1]?.trim();
      // One field on a line of its own ("HTTP Error Code: 403", then "AWS Error Code: AccessDenied", as s3fs
      // and the SDK's samples print them) is a part of the error, not a new one; a status there is a status.
      if (!text && !requestId && !service && (!status || !code) && FIELD_LINE.test(line)) {
        const number = code && /^\d{3}$/.test(code[1]!) ? Number(code[1]) : undefined;
        return {
          slot: 'java-field',
          kind: 'sdk',
          status: status ? Number(status[1]) : number,
          code: number === undefined ? code?.[1] : undefined,
          evidence: /\bAWS Error Code/.test(line) ? 'aws' : undefined,
        };
      }
      return {
        slot: 'sdk-java',
        kind: 'sdk',
        status: status ? Number(status[1]) : undefined,
        code: code?.[1],
        requestId: requestId?.[1],
        message: text || undefined,
        fields,
        evidence: service && /S3/.test(service[1]!) ? 'aws' : undefined,
        starts: true,
      };
    },
  },
  {
    // AWS SDK for Go v2: "https response error StatusCode: 404, RequestID: …, HostID: …, api error NoSuchKey: The specified key does not exist."
    trigger: 'api error \\w|StatusCode: \\d{3}, RequestID',
    hints: ['api error', 'StatusCode:'],
    extract(line) {
      const api = /api error (\w+): (.*?)(?:, previous error:.*)?$/.exec(line);
      const status = /StatusCode: (\d{3}), RequestID: ([^,\s]*),(?: HostID: ([^,\s]*),)?/.exec(line);
      const fields: Record<string, string> = {};
      if (status?.[3]) fields.HostId = status[3];
      return {
        // "api error …" on a line of its own continues the response error a wrapped line began.
        slot: status ? 'sdk-go' : 'sdk-go-api',
        kind: 'sdk',
        code: api?.[1],
        message: api?.[2]?.trim(),
        status: status ? Number(status[1]) : undefined,
        requestId: status?.[2] || undefined,
        fields,
        evidence: /operation error S3:/.test(line) ? 'aws' : undefined,
        starts: !!status,
      };
    },
  },
  {
    // AWS SDK for Go v1 (and rclone): "NoSuchKey: The specified key does not exist.\n\tstatus code: 404, request id: …, host id: …"
    trigger: 'status code: \\d{3}, request id:',
    hints: ['status code:'],
    extract(line) {
      const m = /(?:(?<!\w)([A-Z]\w+): (.*?)\s+)?status code: (\d{3}), request id: ([^,\s]*),?(?: host id: ([^\s"',]*))?/.exec(line);
      if (!m) return null;
      const fields: Record<string, string> = m[5] ? { HostId: m[5] } : {};
      // A status line with no "Code: message" before it goes with the statement before it, and starts nothing.
      const tail = !m[1];
      return { slot: tail ? 'sdk-go-status' : 'sdk-go', kind: 'sdk', code: m[1], message: m[2], status: Number(m[3]), requestId: m[4] && !m[4].startsWith('<') ? m[4] : undefined, fields, starts: !tail };
    },
  },
  {
    // AWS SDK for Kotlin (smithy-kotlin): "S3Exception: Service returned error code 403: Forbidden, Error type: Unknown,
    // Protocol response: HTTP 403 Forbidden, Request ID: 77Z6MWJM9PHWGK0D, Extended request ID: …"; with a body, "Error code: NoSuchKey".
    trigger: 'Protocol response: HTTP \\d{3}|Service returned error code ',
    hints: ['Protocol response', 'Service returned error code'],
    extract(line) {
      const status = /Protocol response: HTTP (\d{3})/.exec(line) ?? /Service returned error code (\d{3})\b/.exec(line);
      const code = /Error code: ([A-Za-z]\w+)/.exec(line) ?? /Service returned error code ([A-Za-z]\w+)/.exec(line);
      const requestId = /Request ID: ([^,\s]+)/.exec(line);
      const hostId = /Extended request ID: ([^,\s]+)/.exec(line);
      return {
        slot: 'sdk-kotlin',
        kind: 'sdk',
        status: status ? Number(status[1]) : undefined,
        code: code?.[1],
        requestId: requestId?.[1],
        fields: hostId ? { HostId: hostId[1]! } : undefined,
        evidence: 'aws',
        starts: true,
      };
    },
  },
  {
    // cos-go-sdk-v5: "GET https://…myqcloud.com/key: 404 NoSuchKey(Message: …, RequestId: …, TraceId: …)"
    trigger: '\\(Message: ',
    hints: ['(Message: '],
    extract(line) {
      // Found field by field, not by one expression (a lazy message before optional fields rescans the line).
      // Without its request's status (the error printed alone) the code counts only if the catalog knows it.
      const lead = /(?:(\d{3}) )?(?<!\w)([A-Z]\w+)\(Message: /.exec(line);
      if (!lead) return null;
      const rest = line.slice(lead.index + lead[0].length);
      const end = rest.search(/, (?:RequestId|TraceId): |\)\s*$/);
      const message = (end >= 0 ? rest.slice(0, end) : rest).replace(/,\s*$/, '').trim();
      const requestId = /RequestId: ([^,)\s]+)/.exec(rest)?.[1];
      const traceId = /TraceId: ([^,)\s]+)/.exec(rest)?.[1];
      return { slot: 'sdk-go', kind: 'sdk', status: lead[1] ? Number(lead[1]) : undefined, code: lead[2]!, weakCode: !lead[1], message: message || undefined, requestId, fields: traceId ? { TraceId: traceId } : {}, evidence: 'cos', starts: true };
    },
  },
  {
    // AWS SDK for PHP: "resulted in a `403 Forbidden` response" (older: "GET https://… in a 503 Slow Down response:")
    // … "AccessDenied (client): Access Denied - <?xml …"
    trigger: 'resulted in a `\\d{3}|https?://\\S+ in a \\d{3} [^`]*response:|\\w \\((?:client|server)\\): ',
    hints: ['resulted in', ' response:', '(client)', '(server)'],
    extract(line) {
      const status = /resulted in a `(\d{3})/.exec(line) ?? /https?:\/\/\S+ in a (\d{3}) [^`]*response:/.exec(line);
      const code = /(\w+) \((?:client|server)\): (.*?)(?: - |$)/.exec(line);
      return { slot: 'sdk-php', kind: 'sdk', status: status ? Number(status[1]) : undefined, code: code?.[1], message: code?.[2]?.trim() || undefined };
    },
  },
  {
    // Hadoop ABFS: 'Operation failed: "This request is not authorized…", 403, GET, https://…, AuthorizationPermissionMismatch, "…"'
    trigger: 'Operation failed: "',
    hints: ['Operation failed: "'],
    extract(line) {
      const m = /Operation failed: "(.*?)", (\d{3}), [A-Z]+, \S+?(?:, ([A-Z]\w+), ")?(?:$|, )/.exec(line);
      return m ? { slot: 'sdk-abfs', kind: 'sdk', status: Number(m[2]), message: m[1]!, code: m[3], evidence: 'azure', starts: true } : null;
    },
  },
  {
    // AWS SDK for .NET, body-less: "Error making request with Error Code Forbidden and Http Status Code Forbidden."
    trigger: 'Error Code \\w+ and Http Status Code',
    hints: ['and Http Status Code'],
    extract(line) {
      const m = /Error Code (\w+) and Http Status Code (\w+)/.exec(line);
      return m ? { slot: 'sdk-dotnet-aws', kind: 'sdk', code: m[1]!, evidence: 'aws', starts: true } : null;
    },
  },
  {
    // AWS SDK for C++: "Exception name: SlowDown", "Encountered AWSError 'SlowDown': Please reduce your request rate."
    trigger: "Exception name: \\w|AWSError '",
    hints: ['Exception name', 'AWSError'],
    extract(line) {
      const m = /Exception name: (\w+)/.exec(line) ?? /AWSError '(\w+)'/.exec(line);
      const message = /Error message: (.*?)(?:\\n|$)/.exec(line)?.[1] ?? /AWSError '\w+': (.*?)["\]]*$/.exec(line)?.[1];
      const status = /HTTP response code: (\d{3})/.exec(line);
      const requestId = /Request ID: (\w+)/.exec(line);
      return m ? { slot: 'sdk-cpp', kind: 'sdk', code: m[1]!, message, status: status ? Number(status[1]) : undefined, requestId: requestId?.[1] } : null;
    },
  },
  {
    // Ruby azure-core: "Azure::Core::Http::HTTPError: LeaseIdMissing (412): There is currently a lease on the blob…"
    // s3cmd: "ERROR: S3 error: 403 (SignatureDoesNotMatch): The request signature we calculated…"
    trigger: '(?<!\\w)[A-Z]\\w+ \\(\\d{3}\\): |\\d{3} \\([A-Z]\\w+\\): ',
    hints: ['): '],
    extract(line) {
      const codeFirst = /\b([A-Z]\w+) \((\d{3})\): (.*)$/.exec(line);
      const statusFirst = /\b(\d{3}) \(([A-Z]\w+)\): (.*)$/.exec(line);
      const [code, status, message] = codeFirst ? [codeFirst[1]!, codeFirst[2]!, codeFirst[3]!] : statusFirst ? [statusFirst[2]!, statusFirst[1]!, statusFirst[3]!] : [];
      if (!code) return null;
      return { slot: 'sdk-ruby', kind: 'sdk', code, status: Number(status), message: message!.replace(/>,.*$/, '').trim(), starts: true };
    },
  },
  {
    // Azure's message suffix on a line of its own: the line before it is the message.
    trigger: 'RequestId:[0-9a-f]{8}-',
    hints: ['RequestId:'],
    extract(line, before) {
      const m = /^\s*(?:\[\w+\]\s*)?RequestId:([0-9a-f-]{36})\s*$/.exec(line);
      if (!m) return null;
      const message = before?.trim().replace(/^(?:Message:\s*|<Message>|Description=)/, '');
      return { slot: 'azure-suffix', kind: 'text', requestId: m[1]!, message: message && /^[A-Z][^:<>{}]{10,}$/.test(message) ? message : undefined, evidence: 'azure' };
    },
  },
  {
    // A status and its reason phrase on a line of their own: "403 Forbidden"
    // Kept only when the words are the status's standard reason phrase (the diagnoser checks).
    trigger: '^\\W{0,3}[45]\\d\\d [A-Z][A-Za-z\' -]+$',
    extract(line) {
      const m = /^\W{0,3}([45]\d\d) ([A-Z][A-Za-z' -]+?)$/.exec(line.trimEnd());
      return m ? { slot: 'status-line', kind: 'text', status: Number(m[1]), message: m[2]!, reasonOnly: true, starts: true } : null;
    },
  },
  {
    // Fields printed one per line: "Message: Access Denied", "RequestId: A90F23D7BFA3C7EF", "HostId: …"
    trigger: '(?<=^|\\n)\\s*(?:(?:Message|RequestId|HostId|TraceId|Resource): \\S|AuthenticationErrorDetail: ?\\S)',
    hints: ['Message:', 'RequestId:', 'HostId:', 'TraceId:', 'Resource:', 'AuthenticationErrorDetail:'],
    extract(line) {
      // A value may be quoted, with a comma after it, as JS's util.inspect prints an object's fields: "RequestId: 'ABC',".
      // (String steps, not one expression: a lazy value before a trailing run of spaces would be quadratic.)
      const m = /^\s*(Message|RequestId|HostId|TraceId|Resource|AuthenticationErrorDetail): ?/.exec(line);
      if (!m) return null;
      const key = m[1]!;
      let value = line.slice(m[0].length).trim();
      if (value.endsWith(',')) value = value.slice(0, -1).trimEnd();
      const quote = value[0];
      if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) value = value.slice(1, -1);
      if (!value) return null;
      if (key === 'Message') return { slot: 'field-message', kind: 'text', message: value };
      if (key === 'RequestId') return { slot: 'field-request-id', kind: 'text', requestId: value };
      return { slot: `field-${key}`, kind: 'text', fields: { [key]: value } };
    },
  },
  {
    // A code on a line of its own, as some clients print it under "Message:": a code only if the catalog knows it.
    trigger: '^[A-Z][a-z]+[A-Z][A-Za-z0-9]+[ \\t]*$',
    extract(line) {
      const m = /^([A-Z][a-z]+[A-Z][A-Za-z0-9]+)\s*$/.exec(line);
      return m ? { slot: 'bare-code', kind: 'text', code: m[1]!, weakCode: true } : null;
    },
  },
  {
    // JSON bodies: Azure Data Lake {"error":{"code":…}} and Table OData {"odata.error":{"code":…}}
    trigger: `odata\\.error|["']error["']\\s*:\\s*\\{\\s*["']code["']`,
    hints: ['rror'],
    extract(line) {
      const text = line.replace(/\\"/g, '"');
      const code = /["']code["']\s*:\s*["']([A-Za-z]\w+)["']/.exec(text);
      const message = /["'](?:message|value)["']\s*:\s*["']([A-Z](?:\\.|[^"\\])*)["']/.exec(text);
      return code ? { slot: 'json-error', kind: 'json', code: code[1]!, message: message ? unquote(message[1]!) : undefined } : null;
    },
  },
  {
    // An error with fields as older Node's util.inspect prints it (minio-js): "{ [S3Error: The specified bucket does not exist]".
    // Only an …Error or …Exception class: "{ [Function: handler]" is any object, "{ [Error: connect ETIMEDOUT …]" no provider's.
    trigger: '^\\s*\\{ \\[[A-Z]\\w*(?:Error|Exception): ',
    hints: ['{ ['],
    extract(line) {
      const m = /^\s*\{ \[[A-Z]\w*(?:Error|Exception): (.+)\]$/.exec(line.trimEnd());
      return m ? { slot: 'kv', kind: 'json', message: m[1]! } : null;
    },
  },
  {
    // JSON bodies, JS error objects and Python dicts: "code": "PathNotFound", code: 'BlobNotFound', 'code': 'NoSuchKey'
    trigger: `(?:[cC]ode|errorType|[mM]essage|errorMessage|value|[rR]equest_?[iI][dD]|[tT]race_?[iI][dD]|AuthenticationErrorDetail)["']?\\s*[:=]\\s*["']|[sS]tatus(?:_?[cC]ode)?["']?\\s*[:=]\\s*["']?\\d{3}\\b|name["']?\\s*:\\s*["']\\w+(?:Error|Exception)["']`,
    hints: ['ode', 'essage', 'value', 'equest', 'race', 'tatus', 'rrorType', 'name', 'ErrorDetail'],
    broad: true,
    extract(line, before) {
      const text = line.includes('\\"') ? line.replace(/\\"/g, '"') : line;
      const code = KV_CODE.exec(text) ?? KV_NAME.exec(text);
      const status = /(?:^|[\s{,(])(["']?)(?:statusCode|status_code|StatusCode|status|httpStatusCode)\1\s*[:=]\s*["']?(\d{3})\b/.exec(text);
      const message = KV_MESSAGE.exec(text) ?? (text.includes('"lang"') || before?.includes('"lang"') ? KV_VALUE.exec(text) : null);
      const requestId = /(?:^|[\s{,(])(["']?)(?:requestId|RequestId|request_id|requestid|x-ms-request-id|x-cos-request-id|x-amz-request-id)\1\s*[:=]\s*["']([^"']{6,})["']/.exec(text);
      const traceId = /(?:^|[\s{,(])(["']?)(?:traceId|TraceId|trace_id|traceid)\1\s*[:=]\s*["']([^"']{6,})["']/.exec(text);
      const detail = /(["']?)AuthenticationErrorDetail\1\s*[:=]\s*(["'])((?:\\.|(?!\2)[^\\])*)\2/.exec(text);
      const codeValue = code?.[3];
      const facts: LineFacts = { slot: 'kv', kind: 'json' };
      if (codeValue && NAME_CODE.test(codeValue)) Object.assign(facts, { code: codeValue, weakCode: true });
      if (status) facts.status = Number(status[2]);
      if (message?.[3]) facts.message = unquote(message[3]);
      if (requestId) facts.requestId = requestId[2];
      const fields: Record<string, string> = {};
      if (traceId) fields.TraceId = traceId[2]!;
      if (detail) fields.AuthenticationErrorDetail = unquote(detail[3]!);
      if (Object.keys(fields).length) facts.fields = fields;
      return facts.code || facts.status || facts.message || facts.requestId || facts.fields ? facts : null;
    },
  },
  {
    trigger: '(?<=^|[\\s{(,;])(?:Code|ErrorCode|error|code|RequestId|Server-Request-ID|HTTP [Ss]tatus [Cc]ode|ErrorHTTPStatusCode|StatusCode|status)=["\\w]',
    hints: ['='],
    broad: true,
    extract: equalsPairs,
  },
  {
    // A status and a code side by side, on a line no other rule read a code from: "日志显示 `403 AccessDenied`",
    // "raise CosServiceError: 404 NoSuchBucket". The code counts only if the catalog knows it.
    trigger: '(?<![\\d.:,])[3-5]\\d\\d [A-Z][a-z]+[A-Z]',
    fallback: true,
    extract(line) {
      // Not a part of a number or a time ("10:22:33.412 AccessDenied").
      const m = /(?<![\d.:,])([3-5]\d\d) ([A-Z][a-z]+[A-Z][A-Za-z0-9]+)\b/.exec(line);
      return m ? { slot: 'status-code', kind: 'text', status: Number(m[1]), code: m[2]!, weakCode: true } : null;
    },
  },
  {
    // A code named anywhere on an error line: "S3 Error: NoSuchBucket, The specified bucket does not exist".
    // Each CamelCase word is a candidate; the diagnoser keeps the first the catalog knows.
    trigger: '[A-Z][a-z]+[A-Z][A-Za-z0-9]+',
    hints: ['rror', 'RROR', 'xception', 'ailed', 'AILED'],
    fallback: true,
    extract(line) {
      const words = line.match(/\b[A-Z][a-z]+[A-Z][A-Za-z0-9]+\b/g) ?? [];
      return words.length > 0 ? { slot: 'code-word', kind: 'text', code: words.slice(0, 8).join(' '), weakCode: true, codeWords: true } : null;
    },
  },
  {
    // "SlowDown: UnknownError", "InvalidRequest: Missing required header…", "NoSuchKeyException: null (Service: S3…)"
    trigger: '(?<=^|[\\s`\'"(>.\\\\])[A-Z][a-z]+[A-Z][A-Za-z0-9]+: \\S',
    hints: [': '],
    broad: true,
    extract(line) {
      const m = CAMEL_LEAD.exec(line);
      if (!m) return null;
      const message = m[2]!.replace(/`.*$/, '').trim();
      return { slot: 'camel-lead', kind: 'sdk', code: m[1]!, weakCode: true, message: /^[A-Z]/.test(message) && message.length > 10 ? message : undefined };
    },
  },
];

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const COMPILED = RULES.map((r) => ({
  hints: r.hints ?? null,
  gated: !!r.hints && !r.broad,
  fallback: r.fallback === true,
  test: new RegExp(r.trigger),
  extract: r.extract,
}));

/** Every specific hint at once: most lines have none, and then no specific rule needs a look. */
const SPECIFIC_HINTS = new RegExp(
  RULES.filter((r) => r.hints && !r.broad)
    .flatMap((r) => r.hints!)
    .map(escapeRegExp)
    .join('|'),
);

/** Whether `text` holds one of `words`. A plain loop: a closure per call adds up over a log's lines. */
export function holdsAny(text: string, words: readonly string[]): boolean {
  for (const word of words) if (text.includes(word)) return true;
  return false;
}

/** Everything the rules find in one line; `before` is the line before it, when known. */
export function extractLine(line: string, before?: string): LineFacts[] {
  const found: LineFacts[] = [];
  let coded = false;
  const specific = SPECIFIC_HINTS.test(line);
  for (const rule of COMPILED) {
    if (rule.gated && !specific) continue;
    if (rule.fallback && coded) continue;
    // Plain substring tests: a regular expression per rule would be compiled at start-up, each for one line.
    if (rule.hints && !holdsAny(line, rule.hints)) continue;
    if (!rule.test.test(line)) continue;
    const facts = rule.extract(line, before);
    if (facts) {
      found.push(facts);
      coded ||= !!facts.code;
    }
  }
  return found;
}
