/**
 * Admission: what a statement is worth, decided once, against what the catalogs know. A loose code
 * (a CamelCase word, a `code: '…'` pair) is a code only if a catalog has it, and then in the
 * catalog's spelling; a code an SDK makes up for a status is that status; a reason phrase is no
 * message; a value that is a placeholder is no value.
 */
import type { CatalogSet } from './catalog.js';
import { isPlaceholder, tidyMessage } from './input/message.js';
import type { Statement } from './input/statement.js';
import { findByMessage, findByName } from './match.js';
import { normalizeCode, sameInitialCase, normalizeMessage, withoutClassSuffix } from './text.js';
import type { Vocabulary } from './vocabulary.js';

/** What admission and the provider decision ask of the catalogs: names and messages, never an entry's text. */
export interface Lexicon {
  /**
   * The catalogs' spelling of a code a loose form named (a CamelCase word, a `code: '…'` pair), or null
   * when no catalog has it. A loose word must also start in the case the code does: a class name in
   * UpperCamel case ("BadRequestException", "InvalidParameter") is none of GCS's lowerCamel reasons.
   */
  canonical(code: string): string | null;
  /** Whether a word is a code of some catalog as it stands (no alias, no class suffix dropped), starting in its case. */
  isCode(word: string): boolean;
  /** Whether some catalog sends this code with this status. */
  sentWith(code: string, status: number): boolean;
  /** Whether a text is a standard reason phrase (of this status; of any, for null). */
  isReason(text: string, status: number | null): boolean;
  /** How the text matches a provider's message: `exact`, by its beginning (`prefix`), or not at all (null). */
  message(text: string): 'exact' | 'prefix' | null;
  /** Whether the text is a provider's message, word for word (case, spaces and a final full stop aside). */
  isMessage(text: string): boolean;
  /** The code an SDK made up for a status, and the status (0: none); null for a real code. */
  madeUp(code: string): number | null;
}

export function makeLexicon(set: CatalogSet, vocabulary: Vocabulary): Lexicon {
  const generic = set.generic?.provider;
  return {
    canonical(code) {
      const word = code.trim();
      const refs = findByName(set, word)?.refs.filter((r) => sameInitialCase(r.entry.code, word) || (r.entry.aliases ?? []).some((a) => sameInitialCase(a, word)));
      // Providers may spell one code differently (Azure's InvalidUri, S3's InvalidURI): the input's own spelling wins.
      return (refs?.find((r) => r.entry.code === word) ?? refs?.[0])?.entry.code ?? null;
    },
    isCode: (word) => set.lookup('code', normalizeCode(word)).some((r) => sameInitialCase(r.entry.code, word)),
    sentWith: (code, status) => findByName(set, code)?.refs.some((r) => r.entry.statuses.includes(status)) ?? false,
    isReason: (text, status) => !!generic && (findByName(set, text, generic)?.refs.some((r) => status === null || r.entry.statuses.includes(status)) ?? false),
    message(text) {
      const hit = findByMessage(set, text);
      return hit === null ? null : hit.score === 1 ? 'exact' : 'prefix';
    },
    isMessage: (text) => set.lookup('message', normalizeMessage(text)).length > 0 || set.byPattern(text.trim()).length > 0,
    madeUp(code) {
      const key = withoutClassSuffix(normalizeCode(code));
      if (/^\d{3}$/.test(key)) return Number(key);
      return vocabulary.madeUpCodes.get(key) ?? null;
    },
  };
}

/** A statement without its code (and candidates), as an unknown loose code leaves it. */
function withoutCode(st: Statement): Statement {
  const { code: _code, candidates: _candidates, ...rest } = st;
  return rest;
}

/** Whether a statement still says something once its code is gone. */
function saysAnything(st: Statement): boolean {
  return !!(st.code || st.status || st.message || st.requestId || st.fields || st.success || st.role === 'marks');
}

/** The statement as it counts, or null when it says nothing once its values are judged. */
export function admit(lexicon: Lexicon, statement: Statement): Statement | null {
  let st = statement;
  // A body's message is the service's own; a client's text may carry what the client printed around it.
  if (st.message !== undefined && st.kind !== 'xml') {
    const tidy = tidyMessage(st.message);
    st = { ...st, message: tidy ?? undefined };
    if (tidy === null) delete st.message;
  }
  // A placeholder ID ("...", "null") names no request: it neither ties two errors together nor tells them apart.
  if (st.requestId !== undefined && isPlaceholder(st.requestId)) {
    st = { ...st };
    delete st.requestId;
  }
  // A code an SDK made up for a response with no body stands for its status ("NotFound", "(403)"; "Unknown": none).
  const madeUp = st.code && st.trust !== 'sent' ? lexicon.madeUp(st.code) : null;
  if (madeUp !== null) st = { ...withoutCode(st), madeUp };
  // A standard reason phrase ("Forbidden", "Not Found") is no provider message: it is kept as the Reason field.
  const status = st.status ?? st.madeUp;
  if (st.message && status !== undefined && lexicon.isReason(st.message, status || null)) {
    const { message, reasonOnly: _reason, ...rest } = st;
    st = { ...rest, fields: { ...st.fields, Reason: message } };
  }
  if (st.reasonOnly) return null;
  if (st.messageCandidates) {
    // The end of an error line: a provider's message there is the report.
    const { messageCandidates, ...rest } = st;
    const message = messageCandidates.find((c) => lexicon.isMessage(c));
    return message ? { ...rest, message, via: 'tail' } : null;
  }
  if (st.candidates) {
    // Several CamelCase words: the first a catalog knows is the code.
    const known = st.candidates.find((c) => lexicon.isCode(c));
    return known ? { ...withoutCode(st), code: lexicon.canonical(known)! } : null;
  }
  if (st.madeUp !== undefined) return st;
  if (!st.code) return saysAnything(st) ? st : null;
  if (st.trust !== 'loose') return st;
  // "404 NoSuchKey": a status and a code that say nothing apart count only where the code is sent with that status.
  if (st.unknownCode === 'drop-line' && st.status !== undefined && !lexicon.sentWith(st.code, st.status)) return null;
  const canonical = lexicon.canonical(st.code);
  if (canonical !== null) return { ...st, code: canonical };
  if (st.unknownCode === 'drop-line') return null;
  const rest = withoutCode(st);
  if (st.unknownCode === 'lead') {
    // An exception line whose class name is no code still carries the message, as a lead only. (One
    // CamelCase word is no message: "…exist.ErrorCode: ResourceNotFound" is a code's label and the code.)
    if (!rest.message || /^[A-Z][a-z]+[A-Z]\w*$/.test(rest.message)) return null;
    // Node's "UnhandledPromiseRejectionWarning: Error: No such object: …" wraps an error the same way (test/fixtures/gcs/sdk-js).
    return { ...rest, role: 'repeats', via: /(?:Exception|Error|RejectionWarning)$/.test(st.code) ? 'exception' : 'lead' };
  }
  return saysAnything(rest) ? rest : null;
}
