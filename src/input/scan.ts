import { countNewlines, isJsonObject, jsonEnd, linesBack, linesForward, truncatedEnd, utf8 } from './positions.js';
import { MAX_XML_BYTES, XML_CLOSE } from './xml.js';

/** A part of the input worth reading closely: one line, or an error body (XML, or a JSON object) that may span lines. */
export interface Region {
  text: string;
  /** 1-based line number where the region starts. */
  line: number;
  /** A body: an XML `<Error>`, or a JSON object that parses as one. Absent for a line. */
  body?: 'xml' | 'json';
  /** The line before a line region (up to 2 KiB of it): some formats put the message there. */
  before?: string;
  /** Read as part of the input's first MiB, where every line is read. */
  thorough?: boolean;
}

/** A line longer than this is read in windows: memory stays bounded even for a 100 MB line. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** How much of a long line around an anchor is read. */
const LINE_WINDOW = 8 * 1024;
/**
 * The first MiB of an input (all of anything pasted) is read line by line, every line. Past it,
 * only the neighbourhood of an anchor is: a gigabyte log is mostly lines no error touches.
 */
export const THOROUGH_BYTES = 1024 * 1024;
/** Lines read before and after an anchor line: a curl command and its headers, an AzCopy block. */
export const CONTEXT_BEFORE = 2;
export const CONTEXT_AFTER = 4;
/**
 * An error body spans at most this many lines (the longest seen in the fixtures spans 16): a body
 * whose closing tag is farther away was cut short, and the lines after it are read as lines.
 */
const MAX_XML_LINES = 64;
/** At most this much of a chunk's last lines is kept for the context of an anchor at the next chunk's start. */
const KEPT_CONTEXT_BYTES = 2 * LINE_WINDOW;

/**
 * Words that every error report the extractors understand carries at least once: `<Code>`,
 * `ErrorCode`, `x-ms-error-code`, `An error occurred`, `HTTP/1.1 503`, `Status Code`, an
 * `…Exception`, AzCopy's `UPLOADFAILED`, Go azcore's `ERROR CODE`, cos-go-sdk-v5's `(Message: `.
 * (Not a JS error object's `code: '…'`: Node logs are full of `code: 'ECONNRESET'`.)
 * Few plain literals keep this one regular expression near memchr speed.
 */
const ANCHOR = /Code|rror|HTTP\/|tatus|xception|CODE|FAILED|\(Message: /g;
/** The same words, for testing one line: an anchor inside a context window widens it. */
export const HAS_ANCHOR = new RegExp(ANCHOR.source);

const XML_START = /<\?xml|<Error[\s>]|&lt;Error&gt;|\\u003cError|<Code>|&lt;Code&gt;/;
const XML_END = new RegExp(XML_CLOSE.source, 'g');
/** The start of a second body inside the first one's span. */
const XML_RESTART = /<\?xml|<Error>/;

/** Where a JSON object may start: a `{` before a quoted key, or one that ends its line (pretty-printed). */
const JSON_START = /\{\s*"|\{\s*$/;

/**
 * Reads input chunk by chunk and hands each region worth reading to `onRegion`. Chunks are decoded
 * as latin1, which is byte-for-byte and cannot fail, and only the regions are decoded as UTF-8.
 * Holds at most one chunk, one long line's window and one unfinished XML body.
 */
export class RegionScanner {
  /** Bytes not yet read: the unfinished last line, or an XML body waiting for its end. */
  #pending: Buffer = Buffer.alloc(0);
  /** Line number of the first line in #pending. */
  #line = 1;
  /** Bytes of input before #pending. */
  #offset = 0;
  /** Lines up to this number are context of an anchor and must be read, even if they arrive in a later chunk. */
  #owedThrough = 0;
  /** The line before the next one to read, when the chunk's end cut a run of lines short: a run reads on with it. */
  #runBefore: string | undefined;
  readonly #onRegion: (region: Region) => void;
  /** Whether a JSON object is a body of its own (not when re-reading one that no format's shape fits). */
  readonly #objects: boolean;

  constructor(onRegion: (region: Region) => void, options: { objects?: boolean } = {}) {
    this.#onRegion = onRegion;
    this.#objects = options.objects ?? true;
  }

  /** A reused buffer where the leftover and the next chunk are joined: no allocation per chunk. */
  #stage: Buffer = Buffer.alloc(0);

  /** The next bytes of input. The scanner copies what it keeps, so the caller may reuse the buffer. */
  push(chunk: Buffer): void {
    if (this.#pending.length === 0) {
      this.#scan(false, chunk.toString('latin1'));
      return;
    }
    // One copy into a flat latin1 string; joining the leftover as bytes keeps V8 from flattening a 1 MiB string.
    const size = this.#pending.length + chunk.length;
    if (this.#stage.length < size) this.#stage = Buffer.allocUnsafe(Math.max(size, 2 * this.#stage.length));
    this.#pending.copy(this.#stage, 0);
    chunk.copy(this.#stage, this.#pending.length);
    this.#scan(false, this.#stage.toString('latin1', 0, size));
  }

  end(): void {
    this.#scan(true, this.#pending.toString('latin1'));
    this.#pending = Buffer.alloc(0);
  }

  #scan(final: boolean, text: string): void {
    let limit = final ? text.length : text.lastIndexOf('\n') + 1;
    if (limit === 0 && text.length >= MAX_LINE_BYTES) limit = text.length;
    if (limit === 0) {
      this.#pending = Buffer.from(text, 'latin1');
      return;
    }

    // The reader's state: everything before `pos` is done, and `line` is the number of the line at `pos`.
    const state = { pos: 0, line: this.#line, carry: -1 };
    // A run of lines the last chunk's end cut short goes on here, with the line before this chunk's first.
    const carried = this.#runBefore;
    this.#runBefore = undefined;
    if (state.line <= this.#owedThrough) {
      this.#readLines(text, state, linesForward(text, 0, this.#owedThrough - state.line + 1, limit), limit, final, carried);
    }
    while (state.pos < limit && state.carry < 0) {
      if (this.#offset + state.pos < THOROUGH_BYTES) {
        const stop = Math.min(limit, Math.max(state.pos + 1, THOROUGH_BYTES - this.#offset));
        this.#readLines(text, state, linesForward(text, stop, 1, limit), limit, final, state.pos === 0 ? carried : undefined);
        continue;
      }
      ANCHOR.lastIndex = state.pos;
      const m = ANCHOR.exec(text);
      if (!m || m.index >= limit) {
        // The last lines stay for the next chunk, where an anchor on its first line reads them as context
        // (they hold no anchor: searching them again finds nothing). Long ones are let go, to bound memory.
        const keep = linesBack(text, limit, CONTEXT_BEFORE, state.pos);
        const next = limit - keep <= KEPT_CONTEXT_BYTES ? keep : limit;
        state.line += countNewlines(text, state.pos, next);
        state.pos = next;
        break;
      }
      const hitLine = m.index === 0 ? 0 : text.lastIndexOf('\n', m.index - 1) + 1;
      const from = linesBack(text, hitLine, CONTEXT_BEFORE, state.pos);
      state.line += countNewlines(text, state.pos, from);
      state.pos = from;
      this.#owedThrough = state.line + countNewlines(text, from, hitLine) + CONTEXT_AFTER;
      this.#readLines(text, state, linesForward(text, hitLine, CONTEXT_AFTER + 1, limit), limit, final);
    }
    const resume = state.carry >= 0 ? state.carry : state.pos;
    this.#line = state.line;
    this.#offset += resume;
    this.#pending = Buffer.from(text.slice(resume), 'latin1');
  }

  /** Reads every line from state.pos up to `to`, emitting a region for each, and an XML region where a body starts. */
  #readLines(text: string, state: { pos: number; line: number; carry: number }, until: number, limit: number, final: boolean, first?: string): void {
    let before = first;
    let to = until;
    const widen = this.#offset + state.pos >= THOROUGH_BYTES;
    while (state.pos < to) {
      const start = state.pos;
      let end = text.indexOf('\n', start);
      if (end < 0 || end > limit) end = limit;
      const stopAt = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end; // CRLF: the CR is not text
      const lineText = stopAt - start > 2 * LINE_WINDOW ? this.#window(text, start, stopAt) : text.slice(start, stopAt);
      let next = end + 1;

      // An XML body that starts on this line: find where it ends, perhaps lines later.
      let xml: { from: number; stop: number; restart: boolean } | null = null;
      const xmlAt = lineText.length > 0 ? lineText.search(XML_START) : -1;
      if (xmlAt >= 0) {
        const from = text.indexOf(lineText.slice(xmlAt, xmlAt + 16), start);
        // A body ends within MAX_XML_BYTES and MAX_XML_LINES of its start, or it was cut short.
        XML_END.lastIndex = from;
        const close = XML_END.exec(text);
        const byteCap = Math.min(text.length, from + MAX_XML_BYTES);
        const reach = close && close.index < byteCap ? close.index : byteCap;
        // Lines are counted only as far as the close (most bodies close on their first line).
        const lineCap = linesForward(text, from, MAX_XML_LINES, reach);
        const cap = lineCap < reach ? lineCap : byteCap;
        const bounded = from + MAX_XML_BYTES <= text.length || lineCap < reach;
        let stop = close && close.index < cap ? close.index + close[0].length : -1;
        // A body cut short ("(truncated...)") followed by another: the first ends where the next begins.
        const own = text.indexOf('Error', from) + 5;
        const again = own > 5 ? text.slice(own, stop >= 0 ? stop : cap).search(XML_RESTART) : -1;
        if (again >= 0) stop = own + again;
        if (stop < 0 && !final && !bounded) {
          // The body goes on in the next chunk: come back to this line when it arrives.
          state.carry = start;
          this.#runBefore = before;
          return;
        }
        xml = { from, stop: stop >= 0 ? stop : truncatedEnd(text, end, Math.min(cap, limit)), restart: again >= 0 };
      }

      // A JSON object that starts on this line, when no XML body does: it ends where its braces balance.
      let json: { from: number; stop: number } | null = null;
      const jsonAt = xml || !this.#objects || lineText.length === 0 ? -1 : lineText.search(JSON_START);
      if (jsonAt >= 0) {
        const from = text.indexOf(lineText.slice(jsonAt, jsonAt + 16), start);
        const byteCap = Math.min(text.length, from + MAX_XML_BYTES);
        const cap = Math.min(byteCap, linesForward(text, from, MAX_XML_LINES, byteCap));
        const stop = jsonEnd(text, from, cap);
        const bounded = from + MAX_XML_BYTES <= text.length || cap < byteCap;
        if (stop < 0 && !final && !bounded) {
          // The object goes on in the next chunk: come back to this line when it arrives.
          state.carry = start;
          this.#runBefore = before;
          return;
        }
        if (stop >= 0 && isJsonObject(text.slice(from, stop))) json = { from, stop };
      }
      const body = xml ?? json;
      const bodyAt = xml ? xmlAt : jsonAt;

      if (widen && HAS_ANCHOR.test(lineText)) {
        this.#owedThrough = state.line + CONTEXT_AFTER;
        to = Math.max(to, linesForward(text, start, CONTEXT_AFTER + 1, limit));
      }
      // A body cut short and another after it on the same line (a JSON-escaped log message): the rest
      // of the line, from the next body on, is read as a line of its own with the same number.
      const again = xml?.restart === true && xml.stop < stopAt;
      // A line that starts a body is read without it: the body is a region of its own, read once.
      const own = body ? lineText.slice(0, bodyAt) + (body.stop < stopAt && !again ? ` ${text.slice(body.stop, Math.min(stopAt, body.stop + 2 * LINE_WINDOW))}` : '') : lineText;
      if (own.trim().length > 0) {
        const decoded = utf8(own);
        this.#onRegion({ text: decoded, line: state.line, before, thorough: !widen });
        before = decoded.length <= 2048 ? decoded : undefined;
      }
      if (body) {
        this.#onRegion({ text: utf8(text.slice(body.from, body.stop)), line: state.line, body: xml ? 'xml' : 'json', thorough: !widen });
        if (again) {
          state.pos = body.stop;
          continue;
        }
        if (body.stop > end) {
          // Reading goes on after the body's last line; after a body cut short, with the line where the next one starts.
          const after = xml?.restart ? text.lastIndexOf('\n', body.stop - 1) : text.indexOf('\n', body.stop);
          next = after < 0 ? text.length : after + 1;
          state.line += countNewlines(text, end, Math.min(next, text.length));
          state.pos = Math.min(next, text.length);
          continue;
        }
      }
      state.line += end < text.length && text.charCodeAt(end) === 10 ? 1 : 0;
      state.pos = Math.min(next, Math.max(limit, end));
    }
    if (state.pos >= limit) this.#runBefore = before;
  }

  /** The part of a very long line worth reading: around its first anchor, or its start. */
  #window(text: string, start: number, end: number): string {
    ANCHOR.lastIndex = start;
    const m = ANCHOR.exec(text);
    const at = m && m.index < end ? m.index : start;
    const from = Math.max(start, at - LINE_WINDOW);
    return text.slice(from, Math.min(end, from + 2 * LINE_WINDOW));
  }
}
