/**
 * Messages and values as the service sent them, without what a client printed around them; and
 * the values that are no value at all (a placeholder request ID, "null").
 */

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
  // AzCopy and azure-storage-blob-go end a message that ends in a full stop with another one.
  if (m.endsWith('..') && !m.endsWith('...')) m = m.slice(0, -1);
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
export function unquote(raw: string): string {
  try {
    return JSON.parse(`"${raw.replace(/\\'/g, "'").replace(/(^|[^\\])"/g, '$1\\"')}"`) as string;
  } catch {
    return raw;
  }
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

/** What an SDK prints for a value it does not have ("S3 Extended Request ID: null"), or a paste's placeholder ("...,"). */
export const NO_VALUE = /^(?:null|none|nil|undefined|[.\-*_,\s…?—<>]+|x{3,}|<[\w -]+>)$/i;

/** What an SDK prints for a value the service never sent: unlike a redaction ("****"), no sign the value was there. */
export const NOTHING = /^(?:null|none|nil|undefined|)$/i;

/** A request ID that names no request: a placeholder has no letter or digit ("<>", "…", "???"). */
export function isPlaceholder(id: string): boolean {
  return !/[A-Za-z0-9]/.test(id) || NO_VALUE.test(id.trim());
}

