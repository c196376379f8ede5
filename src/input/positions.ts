/** Positions in text held as latin1 (one char per byte): lines before and after, where a body ends, and the text as UTF-8. */

/**
 * Where the JSON object that starts at `from` ends (after its closing brace), found by counting
 * braces outside strings; -1 when it does not close by `cap`.
 */
export function jsonEnd(text: string, from: number, cap: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < cap; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */ && --depth === 0) return i + 1;
  }
  return -1;
}

/** Whether text is one JSON object: a JSON body is a region only if it parses (a JS object printed by util.inspect is read as lines). */
export function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Where a body with no closing tag ends: after the XML-looking lines that follow its first line. */
export function truncatedEnd(text: string, lineEnd: number, ceiling: number): number {
  let at = lineEnd;
  while (at < ceiling) {
    const next = text.indexOf('\n', at + 1);
    const stop = next < 0 || next > ceiling ? ceiling : next;
    if (!/^\s*</.test(text.slice(at + 1, Math.min(stop, at + 256)))) break;
    at = stop;
  }
  return at;
}

export function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const NON_ASCII = /[\u0080-\u00ff]/;

/** Bytes held as a latin1 string (one char per byte) turned back into UTF-8 text; ASCII is the same either way. */
export function utf8(latin1: string): string {
  return NON_ASCII.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1;
}

/** The start of the line `count` lines before the one starting at `lineStart`, not before `floor`. */
export function linesBack(text: string, lineStart: number, count: number, floor: number): number {
  let at = lineStart;
  for (let i = 0; i < count && at > floor; i++) at = text.lastIndexOf('\n', at - 2) + 1;
  return Math.max(at, floor);
}

/** The end (after the newline) of the line `count` lines after the one ending at `lineEnd`, not past `ceiling`. */
export function linesForward(text: string, lineEnd: number, count: number, ceiling: number): number {
  let at = lineEnd;
  for (let i = 0; i < count && at < ceiling; i++) {
    const next = text.indexOf('\n', at);
    at = next < 0 ? ceiling : next + 1;
  }
  return Math.min(at, ceiling);
}
