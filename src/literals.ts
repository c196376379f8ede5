/**
 * Finds which of many literal strings a text holds, in one pass over the text (Aho–Corasick): the
 * hints of every format and clue are looked for at once, at a few nanoseconds a character, rather
 * than by one substring search each.
 */

/**
 * A built automaton, as the build writes it (dist/automata.bin, `writeAutomata`): building one
 * costs some 8 ms of a start-up (a table of states × character classes); reading it back, well
 * under one.
 */
export interface PackedLiteralSet {
  /** The literals, in id order, as given: a set is reused only for the same list. */
  literals: string[];
  fold: boolean;
  classOf: number[];
  classes: number;
  next: Uint16Array | Int32Array;
  outStart: number[];
  outputs: number[];
  wide: [number, string][];
}

/** Automata in one file: a 4-byte length, a JSON head, then each transition table, 4-byte aligned. */
export function writeAutomata(sets: readonly PackedLiteralSet[]): Buffer {
  let at = 0;
  const tables = sets.map(({ next }) => {
    const place = { at, bytes: next.byteLength, wide: next instanceof Int32Array };
    at += Math.ceil(next.byteLength / 4) * 4;
    return place;
  });
  const head = Buffer.from(JSON.stringify(sets.map(({ next: _next, ...rest }, i) => ({ ...rest, table: tables[i] }))), 'utf8');
  const start = 4 + Math.ceil(head.length / 4) * 4;
  const file = Buffer.alloc(start + at);
  file.writeUInt32LE(head.length, 0);
  head.copy(file, 4);
  for (const [i, { next }] of sets.entries()) Buffer.from(next.buffer, next.byteOffset, next.byteLength).copy(file, start + tables[i]!.at);
  return file;
}

/** The automata `writeAutomata` wrote; the tables are views on the file's bytes, not copies. */
export function readAutomata(file: Buffer): PackedLiteralSet[] {
  const length = file.readUInt32LE(0);
  const start = 4 + Math.ceil(length / 4) * 4;
  type Head = Omit<PackedLiteralSet, 'next'> & { table: { at: number; bytes: number; wide: boolean } };
  const heads = JSON.parse(file.toString('utf8', 4, 4 + length)) as Head[];
  // A view needs an aligned offset: a file read whole has its own buffer, else the bytes are copied once.
  const bytes = file.byteOffset % 4 === 0 ? file : Buffer.from(file);
  return heads.map(({ table, ...rest }) => {
    const offset = bytes.byteOffset + start + table.at;
    const next = table.wide ? new Int32Array(bytes.buffer, offset, table.bytes / 4) : new Uint16Array(bytes.buffer, offset, table.bytes / 2);
    return { ...rest, next };
  });
}

/** An automaton over a set of literals; `scan` marks each literal the text holds. */
export class LiteralSet {
  /** Character code (below 128) → its class; every other character is class 0, which no literal has. */
  readonly #classOf = new Uint8Array(128);
  readonly #classes: number;
  /** state × class → next state (16 bits when the automaton is small enough: half the memory to read, fewer cache misses). */
  readonly #next: Int32Array | Uint16Array;
  /** For each state, the literals that end there (and at its suffix states), as a list in #outputs. */
  readonly #outStart: Int32Array;
  readonly #outputs: number[];
  readonly #fold: boolean;
  /** Literals with a character past ASCII, looked for with `includes`. */
  readonly #wide: [number, string][] = [];
  /** How many literals it looks for. */
  readonly size: number;

  /** The literals, by id: what `pack` records. */
  readonly #literals: string[];

  /**
   * Each literal with the id `scan` marks it by; `fold`: the literals are lower case and the text is
   * read with A–Z as a–z. Of `prebuilt`, a packed set of the same literals is taken as it is.
   */
  constructor(literals: readonly (readonly [number, string])[], fold = false, prebuilt: readonly PackedLiteralSet[] = []) {
    this.#fold = fold;
    this.#literals = [];
    for (const [id, literal] of literals) this.#literals[id] = literal;
    const packed = prebuilt.find((p) => p.fold === fold && sameList(p.literals, this.#literals));
    if (packed) {
      this.size = literals.length;
      this.#classOf.set(packed.classOf);
      this.#classes = packed.classes;
      this.#next = packed.next;
      this.#outStart = Int32Array.from(packed.outStart);
      this.#outputs = packed.outputs;
      this.#wide = packed.wide;
      return;
    }
    this.size = literals.length;
    let classes = 1;
    for (const [, literal] of literals) {
      for (let i = 0; i < literal.length; i++) {
        const c = literal.charCodeAt(i);
        if (c < 128 && this.#classOf[c] === 0) this.#classOf[c] = classes++;
      }
    }
    this.#classes = classes;
    // The trie. A literal with a character past ASCII can hold none of the text's ASCII: it is found by `includes` (below).
    const trie: number[][] = [new Array<number>(classes).fill(-1)];
    const ends: number[][] = [[]];
    for (const [id, literal] of literals) {
      let state = 0;
      let ascii = true;
      for (let i = 0; i < literal.length && ascii; i++) {
        const c = literal.charCodeAt(i);
        if (c >= 128) ascii = false;
        else {
          const k = this.#classOf[c]!;
          if (trie[state]![k]! < 0) {
            trie[state]![k] = trie.length;
            trie.push(new Array<number>(classes).fill(-1));
            ends.push([]);
          }
          state = trie[state]![k]!;
        }
      }
      if (ascii) ends[state]!.push(id);
      else this.#wide.push([id, literal]);
    }
    // Failure links, breadth first; each state's transitions completed through them.
    const fail = new Int32Array(trie.length);
    const queue: number[] = [];
    for (let k = 0; k < classes; k++) {
      const s = trie[0]![k]!;
      if (s > 0) queue.push(s);
      else trie[0]![k] = 0;
    }
    trie[0]![0] = 0;
    for (let q = 0; q < queue.length; q++) {
      const state = queue[q]!;
      ends[state]!.push(...ends[fail[state]!]!);
      for (let k = 0; k < classes; k++) {
        const s = trie[state]![k]!;
        if (s > 0 && k > 0) {
          fail[s] = trie[fail[state]!]![k]!;
          queue.push(s);
        } else trie[state]![k] = k === 0 ? 0 : trie[fail[state]!]![k]!;
      }
    }
    this.#next = trie.length < 65536 ? new Uint16Array(trie.length * classes) : new Int32Array(trie.length * classes);
    for (const [state, row] of trie.entries()) this.#next.set(row, state * classes);
    this.#outStart = new Int32Array(trie.length + 1);
    this.#outputs = [];
    for (const [state, list] of ends.entries()) {
      this.#outStart[state] = this.#outputs.length;
      this.#outputs.push(...new Set(list));
    }
    this.#outStart[trie.length] = this.#outputs.length;
  }

  /** The automaton as data, for the build to write and a start-up to read back. */
  pack(): PackedLiteralSet {
    return {
      literals: this.#literals,
      fold: this.#fold,
      classOf: [...this.#classOf],
      classes: this.#classes,
      next: this.#next,
      outStart: [...this.#outStart],
      outputs: this.#outputs,
      wide: this.#wide,
    };
  }

  /** Sets `found[id]` to 1 for each literal the text holds (and leaves the others as they are); whether it holds any. */
  scan(text: string, found: Uint8Array | Int8Array): boolean {
    const next = this.#next;
    const classOf = this.#classOf;
    const classes = this.#classes;
    const outStart = this.#outStart;
    const outputs = this.#outputs;
    const fold = this.#fold;
    let state = 0;
    let any = false;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (fold && c >= 65 && c <= 90) c += 32;
      state = next[state * classes + (c < 128 ? classOf[c]! : 0)]!;
      const from = outStart[state]!;
      const to = outStart[state + 1]!;
      if (from === to) continue;
      any = true;
      for (let o = from; o < to; o++) found[outputs[o]!] = 1;
    }
    for (const [id, literal] of this.#wide) {
      if (!(fold ? text.toLowerCase() : text).includes(literal)) continue;
      found[id] = 1;
      any = true;
    }
    return any;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
