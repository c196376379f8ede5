import { describe, expect, it } from 'vitest';
import { bundledCatalogs } from '../src/pack.js';
import { normalizeCode } from '../src/text.js';
import { readData } from '../src/data/read.js';
import { lookup, providers } from '../src/index.js';
import { providersSending, providersWithCode } from './helpers/catalogs.js';
import type { MatchKind } from '../src/types.js';

/** The first match of a hand-typed query: its code, how it matched, and (optionally) the provider. */
async function expectLookup(query: string, code: string, how: MatchKind, provider?: string) {
  const { findings } = await lookup(query);
  const matches = findings[0]!.matches;
  expect(matches.length, `no match for ${query}`).toBeGreaterThan(0);
  const hit = provider ? matches.find((m) => m.provider === provider) : matches[0];
  expect(hit, `${query} gave ${matches.map((m) => `${m.provider}:${m.code}`).join(', ')}`).toBeDefined();
  expect(hit!.code).toBe(code);
  expect(hit!.match).toBe(how);
}

async function expectNoMatch(query: string) {
  const { findings } = await lookup(query);
  expect(findings[0]!.matches).toEqual([]);
  return findings[0]!;
}

describe('lookup', () => {
  it('matches exact codes ignoring case and separators', async () => {
    await expectLookup('ServerBusy', 'ServerBusy', 'exact', 'azure-blob');
    await expectLookup('serverbusy', 'ServerBusy', 'exact');
    await expectLookup('SERVER_BUSY', 'ServerBusy', 'exact');
    await expectLookup('server-busy', 'ServerBusy', 'exact');
    await expectLookup('server.busy', 'ServerBusy', 'exact');
    await expectLookup('nosuchkey', 'NoSuchKey', 'exact', 'aws-s3');
    await expectLookup('nosuchkey', 'NoSuchKey', 'exact', 'tencent-cos');
    await expectLookup('request has expired', 'Request has expired', 'exact', 'tencent-cos');
    await expectLookup('BadRquest', 'BadRquest', 'exact', 'tencent-cos');
  });

  it('drops SDK enum qualifiers and exception suffixes', async () => {
    await expectLookup('StorageErrorCode.SERVER_BUSY', 'ServerBusy', 'exact');
    await expectLookup('BlobErrorCode.ContainerNotFound', 'ContainerNotFound', 'exact');
    await expectLookup('NoSuchKeyException', 'NoSuchKey', 'alias', 'aws-s3');
  });

  it('reads Go SDK constants and pointer types', async () => {
    await expectLookup('s3.ErrCodeNoSuchKey', 'NoSuchKey', 'exact', 'aws-s3');
    await expectLookup('*types.NoSuchBucket', 'NoSuchBucket', 'exact', 'aws-s3');
    await expectLookup('azblob.ServiceCodeBlobNotFound', 'BlobNotFound', 'exact', 'azure-blob');
  });

  /** The query's matches as provider:code:how. */
  const matchesOf = async (query: string) => (await lookup(query)).findings[0]!.matches.map((m) => `${m.provider}:${m.code}:${m.match}`);

  it.each([
    ['ResourceExistsError', 'azure-blob:BlobAlreadyExists:status'],
    ['azure.core.exceptions.ClientAuthenticationError', 'azure-blob:AuthenticationFailed:status'],
    ['HTTP 503', 'azure-blob:ServerBusy:status'],
    ['HTTP/1.1 404', 'aws-s3:NoSuchKey:status'],
    ['503 Slow Down', 'aws-s3:SlowDown:exact'],
  ])('reads %s as a status (azure-core exception names, "HTTP" before it, its reason after it): %s', async (query, match) => {
    const matches = await matchesOf(query);
    expect(matches).toContain(match);
    if (query.endsWith('Error')) expect(matches.every((m) => m.startsWith('azure-blob:'))).toBe(true);
  });
  it.each([
    ['ResourceExistsError', 'any HTTP 409', 'BlobAlreadyExists', 94],
    ['azure.core.exceptions.ClientAuthenticationError', 'any HTTP 401, and for AuthenticationFailed', 'AuthenticationFailed', 3],
    ['ResourceModifiedError', 'ConditionNotMet and BlobOverwritten', 'ConditionNotMet', 17],
  ])('says that %s is an exception for a kind of failure, the codes the SDKs name first', async (query, raisedFor, first, count) => {
    const [finding] = (await lookup(query)).findings;
    expect(finding!.notes).toEqual([expect.stringContaining(`azure-core raises for ${raisedFor}`)]);
    expect(finding!.matches[0]!.code).toBe(first);
    expect(finding!.matches).toHaveLength(count);
  });
  it('names only codes the Azure catalog has for the azure-core exceptions', () => {
    const set = bundledCatalogs();
    for (const { codes } of set.catalogs.flatMap((c) => Object.values(c.sdkExceptions))) for (const code of codes) expect(set.lookup('code', normalizeCode(code)), code).not.toEqual([]);
  });
  it.each([
    ['404 The specified key does not exist.', providersSending('NoSuchKey', 'The specified key does not exist.').map((p) => `${p}:NoSuchKey:message`)],
    ['403 This request is not authorized to perform this operation.', ['azure-blob:AuthorizationFailure:message']],
  ])('a status and a message: %s → the message\'s codes', async (query, want) => {
    expect(await matchesOf(query)).toEqual(want);
  });
  it('no code or alias looks like a status query ("503", "HTTP 404", "503 Slow Down"): those are read as statuses first', () => {
    for (const { id, entries } of readData().providers) {
      expect(entries.flatMap((e) => [e.code, ...(e.aliases ?? [])]).filter((k) => /^(?:HTTP(?:\/[\d.]+)?\s+)?[1-5]\d\d(?:\s|$)/i.test(k)), id).toEqual([]);
    }
  });
  it('a status and a typo of its code → the code', async () => expect(await matchesOf('404 NoSuchKye')).toContain('aws-s3:NoSuchKey:fuzzy'));
  it('a status and words that name nothing → what the status means', async () => expect(await matchesOf('409 foo')).toContain('azure-blob:ContainerAlreadyExists:status'));
  it('"503 Slow Down" names SlowDown only, and "HTTP 503" is a status query', async () => {
    expect(await matchesOf('503 Slow Down')).toEqual(providersWithCode('SlowDown', 503).map((p) => `${p}:SlowDown:exact`));
    expect((await lookup('HTTP 503')).findings[0]!.input).toMatchObject({ kind: 'status', status: 503 });
  });

  it('matches aliases', async () => {
    await expectLookup('IncrementalCopyOfEralierVersionSnapshotNotAllowed', 'IncrementalCopyOfEarlierVersionSnapshotNotAllowed', 'alias');
  });

  it("reads Hadoop ABFS's name for a failed condition as Azure's ConditionNotMet", async () => {
    const { findings } = await lookup('AzureServiceErrorCode.PRE_CONDITION_FAILED', { provider: 'azure-blob' });
    expect(findings[0]!.matches.map((m) => `${m.code}:${m.match}`)).toEqual(['ConditionNotMet:alias']);
  });

  it('lists every code with an HTTP status, per provider', async () => {
    const { findings } = await lookup('503');
    const codes = findings[0]!.matches.map((m) => `${m.provider}:${m.code}`);
    expect(codes).toContain('azure-blob:ServerBusy');
    expect(codes).toContain('aws-s3:SlowDown');
    expect(codes).toContain('tencent-cos:SlowDown');
    expect(findings[0]!.matches.every((m) => m.match === 'status' && m.statuses.includes(503))).toBe(true);
  });

  it('answers a status no provider uses with the generic HTTP meaning', async () => {
    await expectLookup('418', "I'm a teapot", 'status', 'http');
    const { findings } = await lookup('503');
    expect(findings[0]!.matches.some((m) => m.provider === 'http')).toBe(false);
  });

  it('finds a code from the provider message text', async () => {
    await expectLookup('The specified key does not exist.', 'NoSuchKey', 'message', 'aws-s3');
    await expectLookup('Operations per second is over the account limit.', 'ServerBusy', 'message');
    await expectLookup('Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.', 'AuthenticationFailed', 'message');
  });

  it('tolerates typos with a fuzzy match and a score below 1', async () => {
    await expectLookup('SlowDwon', 'SlowDown', 'fuzzy');
    await expectLookup('AuthorizationPermisionMismatch', 'AuthorizationPermissionMismatch', 'fuzzy');
    await expectLookup('ContainerNotFond', 'ContainerNotFound', 'fuzzy');
    const { findings } = await lookup('SlowDwon');
    expect(findings[0]!.matches[0]!.score).toBeLessThan(1);
    expect(findings[0]!.matches[0]!.score).toBeGreaterThan(0);
  });

  it('suggests close codes when nothing matches well', async () => {
    const finding = await expectNoMatch('SignatureMismatch');
    expect(finding.suggestions).toContain('SignatureDoesNotMatch');
    await expectNoMatch('qwertyuiopasdfgh');
  });

  it('narrows by provider and rejects unknown providers by name', async () => {
    const { findings } = await lookup('AccessDenied', { provider: 'tencent-cos' });
    expect(findings[0]!.matches.map((m) => m.provider)).toEqual(['tencent-cos']);
    await expect(lookup('AccessDenied', { provider: 'azur' })).rejects.toThrow(new RegExp(`^unknown provider "azur" \\(did you mean azure-blob\\? known: ${providers().map((p) => p.id).join(', ')}\\)$`));
  });

  it('is safe against prototype keys', async () => {
    for (const key of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'prototype']) await expectNoMatch(key);
    await expect(lookup('ServerBusy', { provider: '__proto__' })).rejects.toThrow('unknown provider');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
