/**
 * Checks the files of data/ against data/README.md: the build runs these, so a bad file fails the
 * build (and `npm test`), never a user's run. Each check names the file and what is wrong.
 */
import { RETRY_CLASSES, type BodilessNote, type CatalogEntry, type RetryClass } from '../types.js';
import { normalizeCode } from '../text.js';
import type { Data, FieldsData, FormatData, ProtocolData, ProviderData } from './types.js';

/** A broken data file: a bug in errlookup's data, never the user's input. */
export class DataError extends Error {
  constructor(file: string, message: string) {
    super(`data/${file}: ${message}`);
    this.name = 'DataError';
  }
}

type Fail = (message: string) => never;

const ID = /^[a-z0-9][a-z0-9-]*$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const isHttps = (v: unknown): v is string => typeof v === 'string' && /^https:\/\/\S+$/.test(v);
const isTexts = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText);

/** A regular expression that compiles, with only the `i` flag. */
function checkPattern(fail: Fail, where: string, source: unknown, flags: unknown = ''): void {
  if (!isText(source)) fail(`${where}: a pattern must be a non-empty string`);
  if (flags !== '' && flags !== 'i') fail(`${where}: flags may only be "i"`);
  try {
    new RegExp(source as string, flags as string);
  } catch (e) {
    fail(`${where}: ${(e as Error).message}`);
  }
}

function checkEntry(fail: Fail, value: unknown, i: number, seen: Map<string, string>): CatalogEntry {
  if (!isObject(value)) return fail(`entry ${i} is not an object`);
  const e = value;
  if (!isText(e.code)) return fail(`entry ${i} has no code`);
  const at = `entry ${i} (${e.code})`;
  const statuses = e.statuses;
  if (!Array.isArray(statuses) || statuses.length === 0) return fail(`${at}: statuses must be a non-empty array`);
  for (const [j, s] of statuses.entries()) {
    if (!Number.isInteger(s) || s < 100 || s > 599) fail(`${at}: status ${JSON.stringify(s)} is not an HTTP status`);
    if (j > 0 && s <= statuses[j - 1]) fail(`${at}: statuses must be ascending and unique`);
  }
  if (!isText(e.meaning)) fail(`${at}: missing meaning`);
  if (!isText(e.fix)) fail(`${at}: missing fix`);
  if (!RETRY_CLASSES.includes(e.retry as RetryClass)) fail(`${at}: retry must be one of ${RETRY_CLASSES.join(', ')}`);
  if (e.retryable !== (e.retry === 'throttling' || e.retry === 'transient')) fail(`${at}: retryable must be true exactly for the throttling and transient classes`);
  if (!isHttps(e.docs)) fail(`${at}: docs must be an https URL`);
  if (e.message !== undefined && !isText(e.message)) fail(`${at}: message must be a non-empty string`);
  for (const [j, pattern] of ((e.messagePatterns as unknown[] | undefined) ?? []).entries()) {
    if (typeof pattern !== 'string' || !pattern.startsWith('^') || !pattern.endsWith('$')) fail(`${at}: message pattern ${j} must be anchored (^…$)`);
    checkPattern(fail, `${at}: message pattern ${j}`, pattern);
  }
  for (const field of ['otherMessages', 'aliases'] as const) {
    if (e[field] !== undefined && !isTexts(e[field])) fail(`${at}: ${field} must be an array of non-empty strings`);
  }
  if (e.service !== undefined && !isText(e.service)) fail(`${at}: service must be a string`);
  if (e.clock !== undefined && typeof e.clock !== 'boolean') fail(`${at}: clock must be a boolean`);
  for (const name of [e.code, ...((e.aliases as string[] | undefined) ?? [])]) {
    const key = normalizeCode(name);
    const owner = seen.get(key);
    if (owner !== undefined) fail(`"${name}" collides with "${owner}"`);
    seen.set(key, e.code);
  }
  return e as unknown as CatalogEntry;
}

function checkRecognise(fail: Fail, raw: unknown): void {
  if (raw === undefined) return;
  if (!isObject(raw)) fail('recognise must be an object');
  const r = raw as Record<string, unknown>;
  const list = (name: string): Record<string, unknown>[] => {
    const v = r[name];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isObject)) return fail(`recognise.${name} must be an array of objects`);
    return v as Record<string, unknown>[];
  };
  for (const [i, c] of [...list('hosts'), ...list('texts')].entries()) {
    checkPattern(fail, `recognise hosts/texts ${i}`, c.pattern, c.flags ?? '');
    if (!isText(c.reason)) fail(`recognise hosts/texts ${i}: missing reason`);
    if (!isText(c.sample)) fail(`recognise hosts/texts "${c.reason}": needs a sample the pattern finds`);
  }
  for (const c of list('texts')) if (!['host', 'header', 'server', 'body', 'requestId', 'name'].includes(c.weight as string)) fail(`recognise.texts: "${c.reason}" needs a weight`);
  for (const [i, c] of list('requestIds').entries()) {
    checkPattern(fail, `recognise.requestIds ${i}`, c.shape, c.flags ?? '');
    if (c.base64 !== undefined) checkPattern(fail, `recognise.requestIds ${i} base64`, c.base64);
    if (!isText(c.reason)) fail(`recognise.requestIds ${i}: missing reason`);
    if (!isText(c.sample)) fail(`recognise.requestIds ${i}: needs a sample of the shape`);
    if (c.placeholder !== undefined && typeof c.placeholder !== 'boolean') fail(`recognise.requestIds ${i}: placeholder must be true or false`);
  }
  for (const [i, c] of list('names').entries()) if (!isTexts(c.words) || !isText(c.reason)) fail(`recognise.names ${i}: needs words and a reason`);
  for (const [i, c] of list('bodyFields').entries()) {
    if (!isText(c.field)) fail(`recognise.bodyFields ${i}: needs a field`);
    if (c.unlessValue !== undefined) checkPattern(fail, `recognise.bodyFields ${i}`, c.unlessValue);
    if (c.value !== undefined) checkPattern(fail, `recognise.bodyFields ${i} value`, c.value);
    if (c.value !== undefined && !isText(c.sample)) fail(`recognise.bodyFields ${i}: a value shape needs a sample of it`);
  }
  for (const name of ['headers', 'requestHeaders'] as const) {
    const headers = r[name];
    if (headers === undefined) continue;
    if (!isObject(headers)) fail(`recognise.${name} must map header names to fields`);
    for (const [h, field] of Object.entries(headers as object)) {
      if (h !== h.toLowerCase() || !/^[a-z0-9-]+$/.test(h)) fail(`recognise.${name}: "${h}" must be a lower-case header name`);
      if (typeof field !== 'string') fail(`recognise.${name}.${h}: the field must be a string ("" for a clue only)`);
    }
  }
  for (const name of ['headerPrefixes', 'server', 'claimsNearby'] as const) if (r[name] !== undefined && !isTexts(r[name])) fail(`recognise.${name} must be an array of strings`);
}

/** `sdkRetries`: statuses and code lists well formed, and every disputed code an entry of the file. */
function checkSdkRetries(fail: Fail, raw: unknown, seen: Map<string, string>): void {
  if (raw === undefined) return;
  if (!isObject(raw) || !isText(raw.sdks)) return fail('sdkRetries needs sdks: the SDK sources it was read from');
  const isStatuses = (v: unknown) => Array.isArray(v) && v.every((s) => Number.isInteger(s) && s >= 100 && s <= 599);
  if (!isStatuses(raw.statuses)) fail('sdkRetries.statuses must be an array of HTTP statuses');
  if (raw.codes !== undefined && !isTexts(raw.codes)) fail('sdkRetries.codes must be an array of codes');
  const throttling = raw.throttling;
  if (throttling !== undefined) {
    if (!isObject(throttling)) return fail('sdkRetries.throttling must be an object');
    if (throttling.statuses !== undefined && !isStatuses(throttling.statuses)) fail('sdkRetries.throttling.statuses must be an array of HTTP statuses');
    if (throttling.codes !== undefined && !isTexts(throttling.codes)) fail('sdkRetries.throttling.codes must be an array of codes');
  }
  const disputed = raw.disputed;
  if (disputed !== undefined) {
    if (!isObject(disputed)) return fail('sdkRetries.disputed must map codes to what the SDKs disagree on');
    for (const [code, how] of Object.entries(disputed)) {
      if (!isText(how)) fail(`sdkRetries.disputed.${code}: say how the SDKs disagree`);
      if (!seen.has(normalizeCode(code))) fail(`sdkRetries.disputed: unknown code "${code}"`);
    }
  }
}

/** Checks one provider file (data/providers/<id>.json) and returns it typed. */
export function checkProvider(file: string, raw: unknown): ProviderData {
  const fail: Fail = (message) => {
    throw new DataError(file, message);
  };
  if (!isObject(raw)) return fail('not a JSON object');
  const id = raw.id;
  if (typeof id !== 'string' || !ID.test(id)) return fail(`bad provider id ${JSON.stringify(id)}`);
  if (`providers/${id}.json` !== file) fail(`provider "${id}" does not match the file name`);
  if (!isText(raw.name)) fail('missing name');
  if (!isText(raw.checkedAgainst)) fail('missing checkedAgainst');
  if (!isHttps(raw.docs)) fail('docs must be an https URL');
  if (raw.aliases !== undefined && (!isTexts(raw.aliases) || !raw.aliases.every((a) => ID.test(a)))) fail('aliases must be lower-case ids');
  if (raw.speaks !== undefined && !isTexts(raw.speaks)) fail('speaks must be an array of protocol names');
  if (raw.inherits !== undefined && (!isObject(raw.inherits) || !isText(raw.inherits.from) || !isText(raw.inherits.note))) fail('inherits needs from (a provider id) and note');
  checkRecognise(fail, raw.recognise);
  if (!Array.isArray(raw.entries) || raw.entries.length === 0) return fail('entries must be a non-empty array');
  const seen = new Map<string, string>();
  const entries = raw.entries.map((e, i) => checkEntry(fail, e, i, seen));
  const bodiless = (raw.bodiless ?? {}) as Record<string, BodilessNote>;
  for (const [status, note] of Object.entries(bodiless)) {
    if (!/^[1-5]\d\d$/.test(status)) fail(`bodiless: "${status}" is not an HTTP status`);
    if (!isText(note?.note) || !Array.isArray(note.codes)) fail(`bodiless ${status}: needs codes and note`);
    for (const code of note.codes) if (!seen.has(normalizeCode(code))) fail(`bodiless ${status}: unknown code "${code}"`);
  }
  const made = raw.madeUpCodes;
  if (made !== undefined && (!isObject(made) || !Object.values(made).every((s) => s === 0 || (Number.isInteger(s) && (s as number) >= 100 && (s as number) <= 599)))) {
    fail('madeUpCodes must map codes to HTTP statuses (0: none)');
  }
  const exceptions = raw.sdkExceptions;
  if (exceptions !== undefined) {
    if (!isObject(exceptions)) fail('sdkExceptions must be an object');
    for (const [name, x] of Object.entries(exceptions as object)) {
      if (!isObject(x) || !isText(x.sdk) || !Array.isArray(x.statuses) || !isTexts(x.codes ?? []) || !isText(x.raisedFor)) fail(`sdkExceptions.${name}: needs sdk, statuses, codes and raisedFor`);
      for (const code of (x as { codes: string[] }).codes) if (!seen.has(normalizeCode(code))) fail(`sdkExceptions.${name}: unknown code "${code}"`);
    }
  }
  checkSdkRetries(fail, raw.sdkRetries, seen);
  return { ...(raw as unknown as ProviderData), entries, bodiless, generic: raw.generic === true };
}

const KINDS = ['code', 'status', 'text', 'xml', 'json', 'http', 'sdk', 'log'];
const ROLES = ['marks', 'opens', 'continues', 'repeats'];
const TRUSTS = ['sent', 'named', 'loose'];
const READERS = ['headers', 'kv', 'pairs', 'labels', 'query', 'last-sentences', 'json'];

/** Checks one format recipe (data/formats/<id>.json) and returns it typed. */
export function checkFormat(file: string, raw: unknown): FormatData {
  const fail: Fail = (message) => {
    throw new DataError(file, message);
  };
  if (!isObject(raw)) return fail('not a JSON object');
  const id = raw.id;
  if (typeof id !== 'string' || !ID.test(id) || `formats/${id}.json` !== file) return fail(`the id ${JSON.stringify(id)} must be the file's name`);
  for (const key of ['printout', 'source'] as const) if (!isText(raw[key])) fail(`missing ${key}`);
  if (!KINDS.includes(raw.kind as string)) fail(`kind must be one of ${KINDS.join(', ')}`);
  if (!ROLES.includes(raw.role as string)) fail(`role must be one of ${ROLES.join(', ')}`);
  if (!TRUSTS.includes(raw.trust as string)) fail(`trust must be one of ${TRUSTS.join(', ')}`);
  if (raw.reader !== undefined && !READERS.includes(raw.reader as string)) fail(`reader must be one of ${READERS.join(', ')}`);
  if (raw.message !== undefined && !['reason', 'sentence', 'capitalised'].includes(raw.message as string)) fail('message must be reason, sentence or capitalised');
  if (raw.unknownCode !== undefined && !['drop-line', 'lead'].includes(raw.unknownCode as string)) fail('unknownCode must be drop-line or lead');
  if (raw.fallback !== undefined && !['no-code', 'nothing-read'].includes(raw.fallback as string)) fail('fallback must be no-code or nothing-read');
  const patterns = [...((raw.patterns as unknown[] | undefined) ?? []), ...((raw.find as unknown[] | undefined) ?? [])];
  if (raw.reader === undefined && patterns.length === 0) fail('a format needs patterns, find patterns or a reader');
  if ((raw.reader === 'json') !== Array.isArray(raw.shapes)) fail('the json reader, and only it, needs shapes');
  for (const [i, shape] of ((raw.shapes as unknown[] | undefined) ?? []).entries()) {
    if (!isObject(shape) || (!isText(shape.code) && !isText(shape.status))) fail(`shape ${i}: needs the path of a code or a status`);
  }
  for (const [i, p] of patterns.entries()) checkPattern(fail, `pattern ${i}`, p);
  for (const key of ['when', 'unless', 'near'] as const) if (raw[key] !== undefined) checkPattern(fail, key, raw[key]);
  if (isObject(raw.after)) checkPattern(fail, 'after', raw.after.pattern);
  if (isObject(raw.messageBefore)) for (const key of ['strip', 'shape'] as const) checkPattern(fail, `messageBefore.${key}`, raw.messageBefore[key]);
  if (raw.names !== undefined && (!isObject(raw.names) || !isText(raw.names.reason) || (raw.names.provider === undefined && raw.names.speaks === undefined))) {
    fail('names needs a reason and a provider or a protocol');
  }
  if (!Array.isArray(raw.samples) || raw.samples.length === 0) fail('every format needs samples: a line each and what it reads');
  for (const [i, s] of (raw.samples as unknown[]).entries()) {
    if (!isObject(s) || typeof s.line !== 'string' || (s.reads !== null && !isObject(s.reads))) fail(`sample ${i}: needs a line and what it reads (or null)`);
  }
  return raw as unknown as FormatData;
}

/** Checks data/fields.json. */
export function checkFields(raw: unknown): FieldsData {
  const fail: Fail = (message) => {
    throw new DataError('fields.json', message);
  };
  if (!isObject(raw) || !isObject(raw.fields)) return fail('needs a "fields" object');
  for (const [name, spellings] of Object.entries(raw.fields)) {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) fail(`"${name}": a field name is one CamelCase word`);
    if (!isObject(spellings) || !Object.values(spellings).every(isTexts)) fail(`${name}: each reader's spellings must be an array of strings`);
  }
  return raw as unknown as FieldsData;
}

/** Checks data/protocols.json. */
export function checkProtocols(raw: unknown): ProtocolData[] {
  const fail: Fail = (message) => {
    throw new DataError('protocols.json', message);
  };
  if (!isObject(raw) || !Array.isArray(raw.protocols)) return fail('needs a "protocols" array');
  return raw.protocols.map((p: unknown) => {
    if (!isObject(p) || typeof p.id !== 'string' || !ID.test(p.id)) return fail(`bad protocol id ${JSON.stringify(isObject(p) ? p.id : p)}`);
    for (const key of ['name', 'server', 'reference', 'note'] as const) if (!isText(p[key])) fail(`${p.id}: missing ${key}`);
    checkRecognise((m) => fail(`${p.id}: ${m}`), p.recognise);
    return p as unknown as ProtocolData;
  });
}

/** Checks what the files say of each other: ids unique, names resolved, formats' references known. */
export function checkData(data: Data): Data {
  const providers = new Set<string>();
  for (const p of data.providers) {
    for (const name of [p.id, ...(p.aliases ?? [])]) {
      if (providers.has(name)) throw new DataError(`providers/${p.id}.json`, `"${name}" is another provider's id or alias`);
      providers.add(name);
    }
  }
  const formats = new Set(data.formats.map((f) => f.id));
  const fields = new Set(Object.keys(data.fields.fields));
  for (const f of data.formats) {
    const file = `formats/${f.id}.json`;
    if (f.names?.provider !== undefined && !data.providers.some((p) => p.id === f.names!.provider)) throw new DataError(file, `names an unknown provider "${f.names.provider}"`);
    for (const other of f.yieldsTo ?? []) if (!formats.has(other)) throw new DataError(file, `yields to an unknown format "${other}"`);
  }
  for (const p of [...data.providers, ...data.protocols]) {
    const file = 'reference' in p ? 'protocols.json' : `providers/${p.id}.json`;
    for (const [h, field] of Object.entries({ ...p.recognise?.headers, ...p.recognise?.requestHeaders })) {
      if (field !== '' && !fields.has(field)) throw new DataError(file, `header "${h}" fills "${field}", which data/fields.json does not name`);
    }
  }
  for (const p of data.providers) {
    if (p.inherits && !data.providers.some((q) => q.id === p.inherits!.from && !q.inherits)) throw new DataError(`providers/${p.id}.json`, `inherits from "${p.inherits.from}", which is no provider with entries of its own`);
  }
  for (const p of data.protocols) {
    if (!data.providers.some((q) => q.id === p.reference && q.speaks?.includes(p.id))) throw new DataError('protocols.json', `${p.id}: the reference "${p.reference}" is no provider that speaks it`);
  }
  for (const f of data.formats) {
    if (f.names?.speaks !== undefined && !data.protocols.some((p) => p.id === f.names!.speaks)) throw new DataError(`formats/${f.id}.json`, `names an unknown protocol "${f.names.speaks}"`);
  }
  return data;
}
