import { CLUE_TRIGGERS } from './provider.js';
import { ruleTriggers } from './lines.js';
import { MAX_XML_BYTES } from './xml.js';

/** A part of the input worth reading closely: one line, or an XML error body that may span lines. */
export interface Region {
  text: string;
  /** 1-based line number where the region starts. */
  line: number;
  isXml: boolean;
  /** The line before a line region (up to 2 KiB of it): some formats put the message there. */
  before?: string;
}

/** A line longer than this is read in windows: memory stays bounded even for a 100 MB line. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** How much of a long line around a hit is read. */
const HIT_WINDOW = 8 * 1024;

const XML_START = /<\?xml|<Error[\s>]|&lt;Error&gt;|\\u003cError|<Code>|&lt;Code&gt;/;
const XML_END = /<\/Error\s*>|&lt;\/Error&gt;|\\u003c\/Error\\u003e|<\\\/Error>/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One global expression for every line any extractor could use. Lines it does not hit are never
 * decoded or split, which is what makes a gigabyte log cheap to read.
 */
const CANDIDATE = new RegExp(
  [XML_START.source, ...ruleTriggers(), ...CLUE_TRIGGERS.map(escapeRegExp)].map((s) => `(?:${s})`).join('|'),
  'g',
);

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Bytes held as a latin1 string (one char per byte) turned back into UTF-8 text. */
function utf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/**
 * Reads input chunk by chunk and hands each candidate region to `onRegion`. Chunks are decoded as
 * latin1, which is byte-for-byte and cannot fail, and only the regions are decoded as UTF-8.
 * Holds at most one chunk, one long line's window and one unfinished XML body.
 */
export class RegionScanner {
  #pending = '';
  #line = 1;
  readonly #onRegion: (region: Region) => void;

  constructor(onRegion: (region: Region) => void) {
    this.#onRegion = onRegion;
  }

  push(chunk: Buffer | string): void {
    this.#pending += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    this.#scan(false);
  }

  end(): void {
    this.#scan(true);
    this.#pending = '';
  }

  #scan(final: boolean): void {
    const text = this.#pending;
    let limit = final ? text.length : text.lastIndexOf('\n') + 1;
    if (limit === 0 && text.length >= MAX_LINE_BYTES) limit = text.length;
    if (limit === 0) return;

    let counted = 0;
    let line = this.#line;
    let resume = limit;
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null && m.index < limit; m = CANDIDATE.exec(text)) {
      // A trigger may begin with the white space before its word, the line break included.
      let at = m.index;
      while (text.charCodeAt(at) === 10 || text.charCodeAt(at) === 13) at++;
      const lineStart = at === 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1;
      line += countNewlines(text, counted, lineStart);
      counted = lineStart;
      let lineEnd = text.indexOf('\n', at);
      if (lineEnd < 0 || lineEnd > limit) lineEnd = limit;

      const from = Math.max(lineStart, at - HIT_WINDOW);
      const to = Math.min(lineEnd, Math.max(at, from) + 2 * HIT_WINDOW);
      const window = text.slice(from, to);

      // An XML body that starts on this line: find where it ends, perhaps lines later.
      let xml: { start: number; stop: number } | null = null;
      const xmlAt = window.search(XML_START);
      if (xmlAt >= 0) {
        const start = from + xmlAt;
        const cap = Math.min(text.length, start + MAX_XML_BYTES);
        XML_END.lastIndex = start;
        const close = XML_END.exec(text);
        const end = close && close.index < cap ? close.index + close[0].length : -1;
        if (end < 0 && !final && cap === text.length && text.length - start < MAX_XML_BYTES) {
          // The body goes on in the next chunk: come back to this line when it arrives.
          resume = lineStart;
          break;
        }
        xml = { start, stop: end >= 0 ? end : Math.min(cap, Math.max(lineEnd, start)) };
      }

      const beforeStart = lineStart > 0 ? Math.max(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 2048) : lineStart;
      this.#onRegion({ text: utf8(window), line, isXml: false, before: lineStart > 0 ? utf8(text.slice(beforeStart, lineStart - 1)) : undefined });
      let next = lineEnd + 1;
      if (xml) {
        this.#onRegion({ text: utf8(text.slice(xml.start, xml.stop)), line, isXml: true });
        if (xml.stop > lineEnd) {
          const after = text.indexOf('\n', xml.stop);
          next = after < 0 ? text.length : after + 1;
        }
      }
      CANDIDATE.lastIndex = Math.max(next, at + 1);
      if (next > resume) resume = Math.min(next, text.length);
    }
    this.#line = line + countNewlines(text, counted, resume);
    this.#pending = text.slice(resume);
  }
}
