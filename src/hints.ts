import { LiteralSet, type PackedLiteralSet } from './literals.js';

/**
 * Hints derived from a regular expression: literal strings at least one of which every match
 * contains. A line holding none of them cannot match, so a plain substring test spares it the
 * expression. The build derives every format's and clue's hints this way: no hint list is kept by
 * hand beside the pattern it mirrors.
 *
 * The reading is conservative: where the source uses a construct this reader does not follow, the
 * part is taken to require nothing, so a hint set is never too narrow (a test checks every
 * format's samples against its hints).
 */

/** What a part of an expression requires: one of these literals (null: nothing known). */
type Need = string[] | null;

/** Everything a part requires: each need holds at once (a line must hold a literal of each). */
type Needs = string[][];

interface Cursor {
  source: string;
  at: number;
}

/** The shortest literal of a need, the measure of how selective it is. */
function strength(need: Need): number {
  return need === null || need.length === 0 ? 0 : Math.min(...need.map((s) => s.length));
}

/** The better of two needs: the more selective; on a tie, the one with fewer literals. */
function better(a: Need, b: Need): Need {
  const sa = strength(a);
  const sb = strength(b);
  if (sa !== sb) return sa > sb ? a : b;
  return (a?.length ?? Infinity) <= (b?.length ?? Infinity) ? a : b;
}

/** The literal character an escape stands for, or null for a class or an assertion (`\d`, `\b`). */
function escaped(c: Cursor): string | null {
  const ch = c.source[c.at + 1] ?? '';
  c.at += 2;
  if ('dDwWsSbB'.includes(ch)) return null;
  if (ch === 'n') return '\n';
  if (ch === 't') return '\t';
  if (ch === 'r') return '\r';
  if (ch === 'x') {
    c.at += 2;
    return null;
  }
  if (ch === 'u') {
    c.at += 4;
    return null;
  }
  if (/[1-9k]/.test(ch)) return null;
  return ch;
}

/** Skips a character class `[...]`. */
function skipClass(c: Cursor): void {
  c.at++;
  if (c.source[c.at] === '^') c.at++;
  if (c.source[c.at] === ']') c.at++;
  while (c.at < c.source.length && c.source[c.at] !== ']') c.at += c.source[c.at] === '\\' ? 2 : 1;
  c.at++;
}

/** A quantifier at the cursor: its minimum count, or null when there is none. */
function quantifier(c: Cursor): number | null {
  const ch = c.source[c.at];
  let min: number | null = null;
  if (ch === '*' || ch === '?') [min, c.at] = [0, c.at + 1];
  else if (ch === '+') [min, c.at] = [1, c.at + 1];
  else if (ch === '{') {
    const m = /^\{(\d+)(?:,\d*)?\}/.exec(c.source.slice(c.at));
    if (!m) return null;
    [min, c.at] = [Number(m[1]), c.at + m[0].length];
  } else return null;
  if (c.source[c.at] === '?') c.at++;
  return min;
}

/** A disjunction of conjunctions, as one need: the strongest conjunct of each alternative, joined. */
function either(alternatives: Needs[]): Needs {
  const picked = alternatives.map((needs) => needs.reduce<Need>((best, n) => better(best, n), null));
  if (picked.some((n) => n === null || n.length === 0)) return [];
  return [minimal([...new Set(picked.flatMap((n) => n!))])];
}

/** Reads alternatives up to a `)` or the end: what every one of them requires. */
function alternation(c: Cursor): Needs {
  const alternatives: Needs[] = [sequence(c)];
  while (c.source[c.at] === '|') {
    c.at++;
    alternatives.push(sequence(c));
  }
  return alternatives.length === 1 ? alternatives[0]! : either(alternatives);
}

/** Reads one sequence: everything it requires, from the literal runs and the groups in it. */
function sequence(c: Cursor): Needs {
  const needs: Needs = [];
  let run = '';
  const endRun = () => {
    if (run) needs.push([run]);
    run = '';
  };
  while (c.at < c.source.length && c.source[c.at] !== '|' && c.source[c.at] !== ')') {
    const ch = c.source[c.at]!;
    let literal: string | null = null;
    let inner: Needs = [];
    let isLiteral = false;
    if (ch === '(') {
      const look = /^\(\?<?[=!]/.test(c.source.slice(c.at, c.at + 4));
      const m = /^\((?:\?:|\?<[A-Za-z]\w*>|\?<?[=!])?/.exec(c.source.slice(c.at))!;
      c.at += m[0].length;
      inner = alternation(c);
      c.at++; // ')'
      if (look) inner = [];
    } else if (ch === '[') {
      skipClass(c);
    } else if (ch === '\\') {
      literal = escaped(c);
      isLiteral = literal !== null;
    } else if (ch === '.' || ch === '^' || ch === '$') {
      c.at++;
    } else {
      literal = ch;
      isLiteral = true;
      c.at++;
    }
    const min = quantifier(c);
    if (isLiteral) {
      if (min === 0) endRun();
      else {
        run += literal;
        if (min !== null) endRun();
      }
      continue;
    }
    endRun();
    if (min !== 0) needs.push(...inner);
  }
  endRun();
  return needs;
}

/** A need without the literals that hold another of its literals: a line holding the longer holds the shorter. */
export function minimal(need: readonly string[]): string[] {
  return need.filter((a) => !need.some((b) => b !== a && a.includes(b)));
}

/**
 * Everything every match of `source` requires: sets of literals, a line must hold one of each;
 * lower-cased for a case-insensitive pattern. Sets whose shortest literal is a single character
 * are left out (a test that would pass nearly every line); an empty list means nothing is known.
 */
export function requiredHints(source: string, caseInsensitive = false): string[][] {
  const c: Cursor = { source, at: 0 };
  const needs = alternation(c)
    .map((n) => (caseInsensitive ? [...new Set(n.map((s) => s.toLowerCase()))] : n))
    .map(minimal)
    .filter((n) => strength(n) >= 2);
  const seen = new Set<string>();
  return needs.filter((n) => {
    const key = [...n].sort().join('\u0000');
    return !seen.has(key) && (seen.add(key), true);
  });
}

/** The most selective single need of a pattern (its longest shortest literal), or null when none is known. */
export function requiredLiterals(source: string, caseInsensitive = false): string[] | null {
  return requiredHints(source, caseInsensitive).reduce<Need>((best, n) => better(best, n), null);
}

/** What a line must hold for one of several patterns to match: one need, each pattern's strongest; [] if one needs nothing. */
export function hintsOfAny(sources: readonly string[], caseInsensitive = false): string[][] {
  if (sources.length === 1) return requiredHints(sources[0]!, caseInsensitive);
  return either(sources.map((s) => requiredHints(s, caseInsensitive))).filter((n) => strength(n) >= 2);
}

/**
 * Tests lines against many needs at once: one pass over a line, with its case folded, finds every
 * literal of every need (src/literals.ts); a literal whose case matters is then confirmed by a
 * substring test, only when its folded form is there. Each need is then a few array reads.
 */
export class HintTable {
  /** Automata the build made for the tables a vocabulary makes (src/literals.ts, PackedLiteralSet). */
  readonly #prebuilt: readonly PackedLiteralSet[];

  constructor(prebuilt: readonly PackedLiteralSet[] = []) {
    this.#prebuilt = prebuilt;
  }

  readonly #literals: string[] = [];
  /** Whether literal n matches whatever its case (it is stored lower-cased). */
  readonly #folded: boolean[] = [];
  readonly #ids = new Map<string, number>();
  #set: LiteralSet | undefined;
  /** Per literal, for the current line: 1 found by the folded scan, 2 confirmed in its own case, -1 not there in its own case, 0 not found. */
  #found = new Int8Array(0);
  #line: string | undefined;
  /** Whether the current line holds any literal. */
  #any = false;

  /** The ids of a conjunction of needs, for `holds`; each literal is lower case when `ignoreCase`. */
  add(needs: readonly (readonly string[])[], ignoreCase: boolean): number[][] {
    this.#set = undefined;
    this.#line = undefined;
    return needs.map((need) =>
      need.map((literal) => {
        const key = `${ignoreCase ? 'i' : 's'}${literal}`;
        let id = this.#ids.get(key);
        if (id === undefined) {
          this.#ids.set(key, (id = this.#literals.push(literal) - 1));
          this.#folded.push(ignoreCase);
        }
        return id;
      }),
    );
  }

  /** Starts a line: finds every literal it holds (once: a line started again is not read again); whether it holds any. */
  start(line: string): boolean {
    if (line === this.#line && this.#set) return this.#any;
    this.#line = line;
    if (!this.#set) {
      const literals = this.#literals.map((l, i) => [i, l.toLowerCase()] as const);
      this.#set = new LiteralSet(literals, true, this.#prebuilt);
      this.#found = new Int8Array(this.#literals.length);
    }
    this.#found.fill(0);
    return (this.#any = this.#set.scan(line, this.#found));
  }

  /** The table's automaton as data (the build writes it; see `constructor`). */
  pack(): PackedLiteralSet {
    this.start('');
    return this.#set!.pack();
  }

  /** Whether the line holds a literal of every need (ids from `add`). */
  holds(needs: readonly (readonly number[])[]): boolean {
    const found = this.#found;
    for (const need of needs) {
      let any = false;
      for (const id of need) {
        let state = found[id]!;
        if (state === 1 && !this.#folded[id]) {
          // Found with the case folded: the literal's own case decides.
          state = found[id] = this.#line!.includes(this.#literals[id]!) ? 2 : -1;
        }
        if (state > 0) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    return true;
  }
}
