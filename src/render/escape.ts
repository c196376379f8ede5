/**
 * Characters that can act on a terminal or hide text: C0 controls (ESC, BEL, BS, CR, …), DEL, C1
 * controls, line and paragraph separators, and the bidirectional formatting characters
 * (U+200E/F, U+202A–E, U+2066–9) that can reorder what a reader sees. `util.stripVTControlCharacters`
 * removes only escape sequences and leaves BEL, CR, BS and the bidi overrides in place.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

function hex(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text from the input made safe for a terminal: line breaks and tabs become spaces, every other unsafe character is shown as `\uXXXX`. */
export function escapeForTerminal(text: string): string {
  return text.replace(/\r?\n|\t/g, ' ').replace(UNSAFE, hex);
}

/**
 * JSON text with every unsafe character written as a `\uXXXX` escape: JSON.stringify escapes the C0
 * controls inside strings but leaves DEL, C1 controls and bidi overrides raw. Its own line breaks stay.
 */
export function safeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE, (ch) => (ch === '\n' ? ch : hex(ch)));
}
