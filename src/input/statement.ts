import type { CodeTrust, Role } from '../data/types.js';
import type { Evidence, InputKind } from '../types.js';

/** What a reader found on a line: the error's own facts and any further named fields. */
export interface Parts {
  /** The syntax it was read in, where a reader knows better than its format (headers printed as a JSON object). */
  kind?: InputKind;
  code?: string;
  /** Several candidate codes: the first the catalogs know is the code. */
  candidates?: string[];
  /** Several candidate messages: the first that is a provider's is the message. */
  messageCandidates?: string[];
  status?: number;
  message?: string;
  requestId?: string;
  fields?: Record<string, string>;
}

/**
 * One statement of an error report: what one format read on one line (or one body). Its role
 * says how it joins the statements around it; its trust, how far its code can be believed.
 */
export interface Statement extends Parts {
  /** The format that read it (data/formats/<id>.json), or `xml` for an error body. */
  format: string;
  kind: InputKind;
  role: Role;
  trust: CodeTrust;
  /** A 2xx or 304 response: the report before it is over, and nothing of this response is an error. */
  success?: boolean;
  /** What the format's printout says of who answered. */
  names?: Evidence;
  /** An error body cut short: a whole copy of it may follow. */
  partial?: boolean;
  /** The statement stands only if its message is the status's standard reason phrase. */
  reasonOnly?: boolean;
  /** An unknown code leaves the line nothing to say (`drop-line`), or makes its message a lead (`lead`). */
  unknownCode?: 'drop-line' | 'lead';
  /**
   * How a message with no code or status may stand: `tail`, it ended an error line; `exception`, an
   * exception class carried it; `lead`, some other name did. Set when the statement is admitted.
   */
  via?: 'tail' | 'exception' | 'lead';
  /** The code was one an SDK makes up for a response with no body: it is gone, and this is the status it stood for (0: none). */
  madeUp?: number;
}

/** A status that is no error: a success, or 304 Not Modified. */
export function isSuccess(status: number): boolean {
  return status < 300 || status === 304;
}
