/**
 * Finds which of many literal strings a text holds, in one pass over the text (Aho–Corasick): the
 * hints of every format and clue are looked for at once, at a few nanoseconds a character, rather
 * than by one substring search each.
 */

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

  /** Each literal with the id `scan` marks it by; `fold`: the literals are lower case and the text is read with A–Z as a–z. */
  constructor(literals: readonly (readonly [number, string])[], fold = false) {
    this.#fold = fold;
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

  /** Sets `found[id]` to 1 for each literal the text holds (and leaves the others as they are). */
  scan(text: string, found: Uint8Array | Int8Array): void {
    const next = this.#next;
    const classOf = this.#classOf;
    const classes = this.#classes;
    const outStart = this.#outStart;
    const outputs = this.#outputs;
    const fold = this.#fold;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (fold && c >= 65 && c <= 90) c += 32;
      state = next[state * classes + (c < 128 ? classOf[c]! : 0)]!;
      const from = outStart[state]!;
      const to = outStart[state + 1]!;
      for (let o = from; o < to; o++) found[outputs[o]!] = 1;
    }
    for (const [id, literal] of this.#wide) if ((fold ? text.toLowerCase() : text).includes(literal)) found[id] = 1;
  }
}
