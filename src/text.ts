/** How codes and messages are compared: the normal forms every index and lookup uses. */

/** Case and the separators `_ - . space` (and apostrophes, for reason phrases) do not distinguish codes. */
export function normalizeCode(code: string): string {
  return code.toLowerCase().replace(/[\s_.'’-]+/g, '');
}

/**
 * Whether two names start with a letter of the same case (or with no letter): an input's code
 * "Found" or "InternalError" is not GCS's JSON reason "found" or "internalError".
 */
export function sameInitialCase(a: string, b: string): boolean {
  const upper = (s: string) => s[0] !== undefined && s[0] !== s[0].toLowerCase();
  return upper(a) === upper(b);
}

/** A normalised name without an exception class's `exception` or `error` suffix (a plain string test: no expression to compile at start-up). */
export function withoutClassSuffix(key: string): string {
  for (const suffix of ['exception', 'error']) if (key.endsWith(suffix)) return key.slice(0, -suffix.length);
  return key;
}

/**
 * Message text compared loosely: case, white space, a trailing full stop and Azure's per-request
 * "RequestId:… Time:…" suffix are ignored.
 */
export function normalizeMessage(message: string): string {
  // String searches where they do what an expression would: each expression costs a compile at start-up.
  const lower = message.toLowerCase();
  const suffix = lower.indexOf('requestid:');
  const text = (suffix >= 0 ? lower.slice(0, suffix) : lower).replace(/\s+/g, ' ').trim();
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || text[end - 1] === ' ')) end--;
  return text.slice(0, end);
}
