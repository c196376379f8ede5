/**
 * What the bundled data says, for tests that must not pin the provider list: which providers'
 * catalogs hold a code, or send a message.
 */
import { readData } from '../../src/data/read.js';

const specific = readData().providers.filter((p) => !p.generic);

/** The same code as an input spells it: any case, but the same case of its first letter (src/text.ts, sameInitialCase). */
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase() && (a[0] === b[0]);

/** The providers (not the generic HTTP catalog) whose catalog has this code, as an input spelling it would name it (sent with this status), sorted. */
export function providersWithCode(code: string, status?: number): string[] {
  return specific.filter((p) => p.entries.some((e) => same(e.code, code) && (status === undefined || e.statuses.includes(status)))).map((p) => p.id).sort();
}

/** The providers whose catalog sends this exact message for this code, sorted. */
export function providersSending(code: string, message: string): string[] {
  return specific.filter((p) => p.entries.some((e) => e.code === code && (e.message === message || (e.otherMessages ?? []).includes(message)))).map((p) => p.id).sort();
}
