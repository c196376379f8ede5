import type { ClockCheck } from '../types.js';

/** Azure and S3 reject requests whose time is more than 15 minutes off the server's. */
const MAX_SKEW_SECONDS = 15 * 60;

/** Parses the time formats providers and SDKs print: RFC 1123, ISO 8601 (basic or extended), Unix seconds. */
export function parseTime(text: string | undefined): number | null {
  if (!text) return null;
  const t = text.trim().replace(/^['"[]|['"\]]$/g, '');
  if (/^\d{9,11}$/.test(t)) return Number(t) * 1000;
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(t);
  if (basic) return Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +basic[4]!, +basic[5]!, +basic[6]!);
  if (!/\d{4}/.test(t) || !/\d{1,2}:\d{2}/.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

function describe(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86400)} days`;
}

/** The server's idea of "now": a response Date header, a ServerTime element, or the Time in Azure's message suffix. */
function serverNow(fields: Record<string, string>, message: string | null): number | null {
  const azureTime = message ? /Time:(\d{4}-\d{2}-\d{2}T[\d:.]+Z)/.exec(message)?.[1] : undefined;
  const current = fields.AuthenticationErrorDetail ? /Current \[([^\]]+)\]/.exec(fields.AuthenticationErrorDetail)?.[1] : undefined;
  return parseTime(fields.ServerTime) ?? parseTime(current) ?? parseTime(fields.Date) ?? parseTime(azureTime);
}

/** The client's idea of "now" when it signed: RequestTime, x-ms-date/x-amz-date, or Azure's "Request date header too old: '…'". */
function clientNow(fields: Record<string, string>): number | null {
  const old = fields.AuthenticationErrorDetail ? /Request date header too old: '([^']+)'/.exec(fields.AuthenticationErrorDetail)?.[1] : undefined;
  return parseTime(fields.RequestTime) ?? parseTime(fields.RequestDate) ?? parseTime(old);
}

/** A signature's validity window: SAS st/se, COS q-sign-time, Azure's "Start […] - Expiry […]", S3's Expires. */
function validity(fields: Record<string, string>): { start: number | null; end: number | null; what: string } | null {
  const detail = fields.AuthenticationErrorDetail ?? '';
  const window = /Start \[([^\]]+)\] - Expiry \[([^\]]+)\]/.exec(detail);
  if (window) return { start: parseTime(window[1]), end: parseTime(window[2]), what: 'the signature' };
  if (fields.SasStart || fields.SasExpiry) return { start: parseTime(fields.SasStart), end: parseTime(fields.SasExpiry), what: 'the SAS (st/se)' };
  const sign = fields.SignTime ? /^(\d{9,11});(\d{9,11})$/.exec(fields.SignTime) : null;
  if (sign) return { start: parseTime(sign[1]), end: parseTime(sign[2]), what: 'the signature (q-sign-time)' };
  if (fields.Expires) return { start: null, end: parseTime(fields.Expires), what: 'the presigned URL' };
  return null;
}

/**
 * Whether a wrong clock explains an authentication or expiry error, judged from the times the
 * input carries. `sensitive` says a matched catalog entry is one a clock can cause (its `clock`
 * field). Returns null when the error has nothing to do with time or the input has no times.
 */
export function checkClock(sensitive: boolean, message: string | null, fields: Record<string, string>): ClockCheck | null {
  if (!sensitive && !/expired|too old|time frame|skew/i.test(message ?? '')) return null;
  const server = serverNow(fields, message);
  const client = clientNow(fields);
  if (server !== null && client !== null) {
    const skew = (server - client) / 1000;
    const direction = skew > 0 ? 'behind' : 'ahead of';
    if (Math.abs(skew) > MAX_SKEW_SECONDS) {
      return { verdict: 'likely', skewSeconds: Math.round(skew), detail: `the request was signed ${describe(skew)} ${direction} the server's clock (more than the 15 min allowed): sync the client clock (NTP) and retry` };
    }
    return { verdict: 'unlikely', skewSeconds: Math.round(skew), detail: `the request time is within ${describe(skew)} of the server's clock, so look at the credentials and signature instead` };
  }
  const win = validity(fields);
  if (win && server !== null) {
    if (win.start !== null && server < win.start) {
      const ahead = (win.start - server) / 1000;
      return { verdict: 'likely', skewSeconds: Math.round(-ahead), detail: `${win.what} starts ${describe(ahead)} after the server's current time: the signing clock is ahead, or the start time is wrong; drop the start time or set it a few minutes in the past` };
    }
    if (win.end !== null && server > win.end) {
      const late = (server - win.end) / 1000;
      const verdict = late < MAX_SKEW_SECONDS ? 'likely' : 'unlikely';
      const detail =
        verdict === 'likely'
          ? `${win.what} expired only ${describe(late)} before the server's time: a slow client clock or a too-short lifetime; sync the clock and issue a fresh one`
          : `${win.what} expired ${describe(late)} before the request reached the server: issue a fresh one (a clock error this large is unlikely)`;
      return { verdict, skewSeconds: null, detail };
    }
    return { verdict: 'unlikely', skewSeconds: null, detail: `the server's time falls inside ${win.what}'s validity window, so the clock is not the problem` };
  }
  return null;
}
