// The rules of reading a report, each with a line that tests it: grouping statements into one error, the
// provider's clues, messages, noise, and inputs cut into chunks. What each fixture reads as is in its
// folder's manifest (test/samples.test.ts).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tidyMessage } from '../src/input/message.js';
import { diagnose, type Finding, type InputKind } from '../src/index.js';
import { providersSending, providersWithCode } from './helpers/catalogs.js';

type Input = Parameters<typeof diagnose>[0];

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
/** The bytes of a text, as a stream of `size`-byte chunks (cuts fall anywhere, UTF-8 sequences included). */
async function* chunks(text: string, size: number): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

interface Want {
  provider?: string | null;
  code?: string | null;
  status?: number | null;
  requestId?: string | null;
  message?: string | null;
  kind?: InputKind;
  count?: number;
  line?: number | null;
}

/** What a finding says, in the shape of `Want`, for readable diffs. */
function summary(f: Finding) {
  return { provider: f.input.provider, code: f.input.code, status: f.input.status, requestId: f.input.requestId, message: f.input.message, kind: f.input.kind, count: f.count, line: f.line };
}
const brief = (f: Finding) => `${f.input.provider}:${f.input.code ?? '-'}:${f.input.status ?? '-'}x${f.count}@${f.line}`;

/** A finding's matches are non-empty, include the code, and come only from the detected provider's catalog (or the generic one). */
function checkMatches(f: Finding, want: Want): void {
  expect(f.matches.length, `no matches for ${brief(f)}`).toBeGreaterThan(0);
  if (want.code) expect(f.matches.map((m) => m.code)).toContain(want.code);
  if (want.provider) expect([...new Set(f.matches.map((m) => m.provider).filter((p) => p !== 'http'))]).toEqual([want.provider]);
}

/** Exactly one finding, matching `want`, with matches from the right catalog. */
async function expectDiagnosis(input: Input, want: Want, options: { provider?: string } = {}): Promise<Finding> {
  const { findings } = await diagnose(input, options);
  expect(findings.map(brief)).toHaveLength(1);
  const f = findings[0]!;
  expect(summary(f)).toMatchObject(want);
  checkMatches(f, want);
  return f;
}

/** The findings' `provider:code` (or `provider:status` when there is no code), in order. */
async function expectCodes(input: Input, expected: string[]): Promise<Finding[]> {
  const { findings } = await diagnose(input);
  expect(findings.map((f) => `${f.input.provider}:${f.input.code ?? f.input.status}`)).toEqual(expected);
  for (const f of findings) checkMatches(f, { provider: f.input.provider, code: f.input.code });
  return findings;
}

async function expectFindings(input: Input, n: number): Promise<Finding[]> {
  const { findings } = await diagnose(input);
  expect(findings.map(brief)).toHaveLength(n);
  return findings;
}

/** The clock verdict of the only finding (null: no clock check). */
async function expectClock(input: Input, verdict: 'likely' | 'unlikely' | null): Promise<Finding> {
  const { findings } = await diagnose(input);
  expect(findings.map(brief)).toHaveLength(1);
  const f = findings[0]!;
  expect(f.clock?.verdict ?? null, f.clock?.detail).toBe(verdict);
  return f;
}

/** A body-less response: no code, the status, the provider, matches, and (when given) a note saying why. */
async function expectBodiless(input: Input, provider: string | null, status: number, note?: RegExp): Promise<Finding> {
  const f = await expectDiagnosis(input, { provider, code: null, status });
  if (note) expect(f.notes.join('\n')).toMatch(note);
  return f;
}


describe('several errors in one input', () => {
  const join = (...files: string[]) => files.map((f) => fixture(f)).join('\n');
  it('three curl -i transcripts, three providers', () => expectCodes(join('azure-blob/curl-i/azure-404-blobnotfound.txt', 'aws-s3/curl-i/s3-403-accessdenied.txt', 'tencent-cos/curl-i/cos-404-nosuchkey.txt'), ['azure-blob:BlobNotFound', 'aws-s3:AccessDenied', 'tencent-cos:NoSuchKey']));
  it('Go azcore, botocore, COS Go', () => expectCodes(join('azure-blob/sdk-go/azcore-containernotfound.txt', 'aws-s3/sdk-python/nosuchkey.txt', 'tencent-cos/sdk-go/nosuchkey.txt'), ['azure-blob:ContainerNotFound', 'null:NoSuchKey', 'tencent-cos:NoSuchKey']));
  it('Java v1, Java v2, COS Java', () => expectCodes(join('aws-s3/sdk-java/v1-accessdenied.txt', 'aws-s3/sdk-java/v2-nosuchbucket.txt', 'tencent-cos/sdk-java/accessdenied.txt'), ['aws-s3:AccessDenied', 'aws-s3:NoSuchBucket', 'tencent-cos:AccessDenied']));
  it('.NET, Python, JS Azure SDKs', () => expectCodes(join('azure-blob/sdk-dotnet/azure-requestfailed-containernotfound.txt', 'azure-blob/sdk-java/azure-blobstorageexception-403.txt', 'azure-blob/sdk-js/azure-resterror-blobnotfound.txt'), ['azure-blob:ContainerNotFound', 'azure-blob:AuthorizationPermissionMismatch', 'azure-blob:BlobNotFound']));
  it('Data Lake JSON, odata JSON, Go v2', () => expectCodes(join('azure-blob/json-body/datalake-pathnotfound.txt', 'azure-blob/json-body/table-odata-propertynameinvalid.txt', 'aws-s3/sdk-go/v2-nosuchkey.txt'), ['azure-blob:PathNotFound', 'azure-blob:PropertyNameInvalid', 'aws-s3:NoSuchKey']));
  it('PHP, COS Python, COS JS', () => expectCodes(join('aws-s3/sdk-php/aws-nosuchkey.txt', 'tencent-cos/sdk-python/nosuchkey.txt', 'tencent-cos/sdk-js/accessdenied.txt'), ['aws-s3:NoSuchKey', 'tencent-cos:NoSuchKey', 'tencent-cos:AccessDenied']));
});

describe('HEAD responses without a body', () => {
  it('botocore line alone: an S3-compatible server', () => expectBodiless('An error occurred (403) when calling the HeadObject operation: Forbidden', null, 403));
});

describe('AzCopy logs with many failures', () => {
  const guid = (i: number) => `${(0x1a2b0000 + i).toString(16)}-501e-00${(i % 90) + 10}-4c1d-${i.toString(16).padStart(12, '0')}`;
  type Failure = { code: string; status: number; message: string };
  /** A log of `total` lines with the failures of `plan` spread evenly; also the line of each code's first failure. */
  function azcopyLog(total: number, plan: Failure[]) {
    const lines: string[] = ['2024/03/11 09:00:00 AzcopyVersion  10.23.0', '2024/03/11 09:00:00 Job-Command copy /data https://contosodata.blob.core.windows.net/ingest --recursive'];
    const first = new Map<string, number>();
    const every = Math.floor((total - lines.length) / plan.length);
    plan.forEach((e, n) => {
      const id = guid(n);
      if (!first.has(e.code)) first.set(e.code, lines.length + 1);
      lines.push(`2024/03/11 09:14:22 ERR: [P#0-T#${n}] UPLOADFAILED: /data/part-${n}.bin : ${e.status} : ${e.message}. When Staging block. X-Ms-Request-Id: ${id}`);
      lines.push(`   RESPONSE Status: ${e.status} ${e.message}`);
      lines.push(`   X-Ms-Request-Id: [${id}]`);
      lines.push(`   X-Ms-Error-Code: [${e.code}]`);
      const stop = n === plan.length - 1 ? total : lines.length - 4 + every;
      while (lines.length < stop) lines.push(`2024/03/11 09:14:22 INFO: [P#0-T#${lines.length}] Starting transfer: Source "/data/part-${lines.length}.bin" Destination "https://contosodata.blob.core.windows.net/ingest/part-${lines.length}.bin". Specified chunk size 8388608`);
    });
    return { text: `${lines.join('\n')}\n`, first, lines: lines.length };
  }
  const busy: Failure = { code: 'ServerBusy', status: 503, message: 'Operations per second is over the account limit.' };
  const denied: Failure = { code: 'AuthorizationPermissionMismatch', status: 403, message: 'This request is not authorized to perform this operation using this permission.' };
  const big = azcopyLog(10_000, Array<Failure>(300).fill(busy));

  it('generates 10,000 lines', () => expect(big.lines).toBe(10_000));
  it('300 ServerBusy failures: one finding, count 300, first line', () => expectDiagnosis(big.text, { provider: 'azure-blob', code: 'ServerBusy', status: 503, count: 300, line: big.first.get('ServerBusy')!, kind: 'log' }));
  it('the same, streamed in 4 KiB chunks', () => expectDiagnosis(chunks(big.text, 4096), { code: 'ServerBusy', status: 503, count: 300, line: big.first.get('ServerBusy')! }));
  it('the same, with CRLF', () => expectDiagnosis(crlf(big.text), { code: 'ServerBusy', status: 503, count: 300, line: big.first.get('ServerBusy')! }));
  it('ServerBusy is throttling, retryable', async () => {
    const f = await expectDiagnosis(big.text, { code: 'ServerBusy', count: 300 });
    expect(f.matches[0]).toMatchObject({ code: 'ServerBusy', retryable: true, retry: 'throttling' });
  });
  it('5 AuthorizationPermissionMismatch + 7 ServerBusy: two findings, counts 5 and 7', async () => {
    const mixed = azcopyLog(400, [denied, busy, denied, busy, denied, busy, denied, busy, denied, busy, busy, busy]);
    const findings = await expectCodes(mixed.text, ['azure-blob:AuthorizationPermissionMismatch', 'azure-blob:ServerBusy']);
    expect(findings.map((f) => [f.count, f.line])).toEqual([
      [5, mixed.first.get(denied.code)],
      [7, mixed.first.get(busy.code)],
    ]);
  });
});

describe('provider detection', () => {
  it("a code its provider's catalog lacks shows the entries of the providers that send it, and says so", async () => {
    const code = 'InvalidObjectState';
    expect(providersWithCode(code)).not.toContain('gcs');
    const { findings } = await diagnose(`< HTTP/1.1 403 Forbidden\n< Server: UploadServer\n<Error><Code>${code}</Code><Message>m</Message></Error>\n`);
    expect(findings[0]!.input.provider).toBe('gcs');
    expect(findings[0]!.matches.map((m) => m.provider).sort()).toEqual(providersWithCode(code));
    expect(findings[0]!.notes.join('\n')).toContain(`"${code}" is not in errlookup's Google Cloud Storage catalog`);
  });
  it('a bare shared code (InternalError XML, no clue) lists every provider that has it', async () => {
    const { findings } = await diagnose('<Error><Code>InternalError</Code><Message>Internal error.</Message></Error>\n');
    expect(findings[0]!.input.provider).toBeNull();
    expect([...new Set(findings[0]!.matches.map((m) => m.provider))].filter((p) => p !== 'http').sort()).toEqual(providersWithCode('InternalError'));
  });
  it("an error with no clue of its own goes to the document's provider that has its code, not the one named most", async () => {
    const azure = ['$ curl -sS -i "https://acct.blob.core.windows.net/c/b.bin"', 'HTTP/1.1 503 Operations per second is over the account limit.', 'Server: Windows-Azure-Blob/1.0', 'x-ms-error-code: ServerBusy'].join('\n');
    const gap = Array.from({ length: 50 }, (_, i) => `step ${i} done`).join('\n');
    const { findings } = await diagnose(`${azure}\n${gap}\n$ aws s3 cp s3://bucket/a.csv . --endpoint-url https://s3.us-east-1.amazonaws.com\n${gap}\nSlowDown: UnknownError\n`);
    expect(findings.map((f) => `${f.input.provider}:${f.input.code}`)).toEqual(['azure-blob:ServerBusy', 'aws-s3:SlowDown']);
  });
  it("JS util.inspect fields ('RequestId: 'abc',') are read unquoted, and the error keeps its own TraceId clue in a log naming S3", async () => {
    const s3 = ['$ curl -sS -i "https://bucket.s3.us-east-1.amazonaws.com/a"', 'HTTP/1.1 404 Not Found', 'x-amz-request-id: 4442587FB7D0A2F9', 'Server: AmazonS3'].join('\n');
    const gap = Array.from({ length: 50 }, (_, i) => `step ${i} done`).join('\n');
    const { findings } = await diagnose(`${s3}\n${gap}\n${fixture('tencent-cos/sdk-js/js-v3-via-cos-deleteobjects-invalidrequest.txt')}`);
    const f = findings.find((x) => x.input.code === 'InvalidRequest');
    expect(f?.input).toMatchObject({ provider: 'tencent-cos', requestId: 'vdDwfAaRaWCbEjfYQGXWdNyNVjGRcdMosDtYpTrG', fields: { Resource: '/' }, evidence: ['TraceId in the error'] });
  });
  it('azure-storage-blob-go: the code listed again under "Details:" is the same error, and "Description=" is no part of the message', () =>
    expectDiagnosis(fixture('azure-blob/cli-azcopy/azcopy-login-authorizationpermissionmismatch.txt'), { code: 'AuthorizationPermissionMismatch', message: 'This request is not authorized to perform this operation using this permission.', requestId: '2f1fcb83-101e-001c-0e1a-30bf46000000' }));
  it('Azure JS RestError: a header\'s "value" is no message; the one error is reported once', () =>
    expectDiagnosis(fixture('azure-blob/sdk-js/dfs-json-keybasedauthenticationnotpermitted-resterror.txt'), { code: 'KeyBasedAuthenticationNotPermitted', message: 'Key based authentication is not permitted on this storage account.', requestId: '310ebc5d-e01f-0030-427f-ea3b81000000' }));
  it('OData\'s {"lang": …, "value": …} message is still read, pretty-printed or not', async () => {
    for (const name of ['azure-blob/json-body/table-odata-propertynameinvalid.txt', 'azure-blob/json-body/table-odata-error-propertynameinvalid.txt']) {
      const { findings } = await diagnose(fixture(name));
      expect(findings[0]?.input.message, name).toBe('The property name is invalid.');
    }
  });
  it('a status and a code side by side: "raise CosServiceError: 404 NoSuchBucket"', () =>
    expectDiagnosis('client.copy_object(...) raise CosServiceError: 404 NoSuchBucket\n', { provider: 'tencent-cos', code: 'NoSuchBucket', status: 404 }));
  it('… but not a number before a word no catalog knows', () => expectFindings('worker 404 ReadyState reached\nworker 200 done\n', 0));
  it("a code keeps the input's spelling where providers spell it differently (Azure's InvalidUri, S3's InvalidURI)", () =>
    expectDiagnosis(fixture('azure-blob/log-docker-registry/docker-registry-azure-invaliduri-panic.txt'), { provider: 'azure-blob', code: 'InvalidUri' }));
  it('… and not a time\'s milliseconds before a code, nor a status the code is never sent with', async () => {
    expect((await diagnose('2024-01-15 10:22:33.412 AccessDenied: Access Denied\nok\n')).findings.map((f) => f.input.status)).toEqual([null]);
    await expectFindings('Processed 200 BlobNotFound events from queue\nok\n', 0);
    await expectFindings('queue 404 ServerBusy seen\nok\n', 0);
  });
  it('cos-go-sdk-v5: a message with parentheses keeps its request and trace IDs', () =>
    expectDiagnosis('GET https://b-125.cos.ap-guangzhou.myqcloud.com/k: 400 InvalidArgument(Message: Invalid argument (x-cos-meta-foo)., RequestId: NjVhYzE2MjhfYTI, TraceId: OGVmYzZiMmQ3)\n', { provider: 'tencent-cos', code: 'InvalidArgument', status: 400, message: 'Invalid argument (x-cos-meta-foo).', requestId: 'NjVhYzE2MjhfYTI' }));
  it('a header\'s "value" next to a "content-language" name is no message', async () => {
    const { findings } = await diagnose('{"name":"content-language","value":"Deutsch language pack"} code: "BlobNotFound"\nok\n');
    expect(findings.map((f) => f.input.message)).toEqual([null]);
  });
  it('placeholder request IDs ("...", "null") neither join two errors nor show as IDs', async () => {
    const gap = Array.from({ length: 5 }, (_, i) => `step ${i}`).join('\n');
    const go = `NoSuchKey: The specified key does not exist.\n\tstatus code: 404, request id: ..., host id: ...\n${gap}\nAccessDenied: Access Denied\n\tstatus code: 403, request id: ..., host id: ...\n`;
    const java = `com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: null; S3 Extended Request ID: null)\n${gap}\ncom.amazonaws.services.s3.model.AmazonS3Exception: The specified key does not exist. (Service: Amazon S3; Status Code: 404; Error Code: NoSuchKey; Request ID: <>)\n`;
    for (const text of [go, java]) {
      const { findings } = await diagnose(text);
      expect(findings.map((f) => `${f.input.code}:${f.input.status}:${f.input.requestId}`)).toEqual(['NoSuchKey:404:null', 'AccessDenied:403:null'].sort((a, b) => text.indexOf(a.split(':')[0]!) - text.indexOf(b.split(':')[0]!)));
    }
  });
  it('--provider overrides the evidence', () => expectDiagnosis(fixture('aws-s3/xml-body/s3-hostid-accessdenied.txt'), { provider: 'tencent-cos', code: 'AccessDenied' }, { provider: 'tencent-cos' }));
});

describe('clock skew', () => {
  it('AuthenticationFailed without any time → no clock check', () => expectClock(fixture('azure-blob/curl-head/azure-403-authorizationpermissionmismatch.txt').replace(/AuthorizationPermissionMismatch/, 'AuthenticationFailed').replace(/^Date:.*$/m, ''), null));
});

describe('messages only', () => {
  const authFailed = 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.';
  it('the AuthenticationFailed message alone', async () => {
    const { findings } = await diagnose(authFailed);
    expect(findings[0]!.matches[0]).toMatchObject({ provider: 'azure-blob', code: 'AuthenticationFailed', match: 'message' });
  });
  it('a message two Azure codes share lists both', async () => {
    const { findings } = await diagnose('Server failed to authenticate the request. Please refer to the information in the www-authenticate header.');
    expect(findings[0]!.matches.map((m) => m.code).sort()).toEqual(['InvalidAuthenticationInfo', 'NoAuthenticationInformation']);
  });
  it.each([
    ['Microsoft.WindowsAzure.Storage.StorageException: The specified container does not exist.', ['ContainerNotFound']],
    // Only a provider's sentence word for word: the start of one could be anybody's.
    ['DeployNote: The specified container', []],
  ])('in a log, an exception whose message is a provider\'s own: %s', async (line, codes) => {
    const { findings } = await diagnose(`2024-01-01 10:00:00 ERROR upload of report.csv failed\n${line}\n   at Executor.ExecuteSync[T](RESTCommand\`1 cmd)\n`);
    expect(findings.flatMap((f) => f.matches.map((m) => m.code))).toEqual(codes);
  });
  it('a message several providers send lists each NoSuchKey entry that sends it', async () => {
    const { findings } = await diagnose('The specified key does not exist.');
    expect(findings[0]!.matches.filter((m) => m.code === 'NoSuchKey').map((m) => m.provider).sort()).toEqual(providersSending('NoSuchKey', 'The specified key does not exist.'));
  });
});

describe('noise', () => {
  it('one line of prose with "exit code: 1" → no finding with matches', async () => {
    const { findings } = await diagnose('The job failed with exit code: 1 after the upload step printed code: 0.');
    expect(findings.flatMap((f) => f.matches)).toEqual([]);
  });
});

describe('statements across lines and between errors', () => {
  /** Each finding as provider/code/status@line, and its message when asked. */
  const said = async (text: string) => (await diagnose(Buffer.from(text))).findings.map((f) => `${f.input.provider}/${f.input.code}/${f.input.status}@${f.line}`);
  it.each([
    // A field line joins the error it belongs to only when it is a labelled field of its own.
    ['HEAD /bucket/a -> Status Code: 200\nGET /bucket/b failed, Error Code: NoSuchKey', ['null/NoSuchKey/null@2']],
    // A status with no storage evidence of its own (job 2's) is no storage error; the codes around it are.
    ['job 1 failed, Error Code: NoSuchKey\njob 2 failed, Status Code: 503\njob 3 failed, Error Code: SlowDown', ['null/NoSuchKey/null@1', 'null/SlowDown/null@3']],
    // "HTTP response code" without a colon is s3fs's "… 403 was returned" only.
    ['INFO s3 client: will retry while the HTTP response code 503 is returned\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>', ['null/NoSuchKey/null@2']],
    ['DEBUG cache: HTTP response code 304 Not Modified, using cached copy\nnext line', []],
    ['Upload failed. HTTP Response Code:404\nnext line', ['null/null/404@1']],
    ['Upload failed. HTTP response code: (403) Forbidden\nnext line', ['null/null/403@1']],
    // A request header names COS less strongly than a response header names S3.
    ['> HEAD /bucket/key HTTP/1.1\n> Host: s3.example.internal\n> x-cos-storage-class: STANDARD\n< HTTP/1.1 404 Not Found\n< x-amz-request-id: tx00000d8c4b1c2f3a4b5c6-0065a1b2c3-default', ['null/null/404@4']],
  ])('%j → %j', async (text, want) => expect(await said(text)).toEqual(want));
  it.each([
    ['xxx', 'XXXX', '<REQUEST_ID>'],
  ])('a redacted request ID (%s) is no request ID', async (...ids) => {
    for (const id of ids) {
      const { findings } = await diagnose(`NoSuchKey: The specified key does not exist.\n\tstatus code: 404, request id: ${id}, host id: "\n`);
      expect([findings[0]!.input.requestId, findings[0]!.input.fields.HostId], id).toEqual([null, undefined]);
    }
  });
  it('an S3 tool\'s error far from a COS host is no COS error: an S3-compatible server', async () => {
    const filler = Array.from({ length: 60 }, (_, i) => `step ${i} ok`).join('\n');
    const text = `GET https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/a.txt\nHTTP/1.1 404 Not Found\n${filler}\nbotocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied\n`;
    expect((await said(text)).at(-1)).toBe('null/AccessDenied/null@63');
  });
  it('a GUID request ID does not make an error through the S3 API Azure\'s', async () => {
    expect(await said('com.amazonaws.services.s3.model.AmazonS3Exception: The specified key does not exist. (Service: Amazon S3; Status Code: 404; Error Code: NoSuchKey; Request ID: 0f6a3e0e-7bd9-4e0a-9a1c-2c0c3f2d7f10; S3 Extended Request ID: null)\n')).toEqual(['null/NoSuchKey/404@1']);
  });
  it('a lead\'s one plain word is a message ("AmazonS3Exception: Forbidden"), one CamelCase word is not', async () => {
    const forbidden = await diagnose(readFileSync(new URL('fixtures/aws-s3/sdk-java/java-v1-forbidden-403-wrapped-lines.txt', import.meta.url)));
    expect(forbidden.findings.map((f) => `${f.input.message}: ${f.matches[0]?.provider}/${f.matches[0]?.code}`)).toEqual(['Forbidden: aws-s3/Forbidden']);
    const glued = await diagnose(Buffer.from('"The specified resource does not exist.ErrorCode: ResourceNotFound"\n'));
    expect(glued.findings.map((f) => `${f.input.code}: ${f.input.message}`)).toEqual(['ResourceNotFound: null']);
  });
  it('a status line with a backslash after it keeps its status', async () => {
    expect(await said('resp HTTP/1.1 403 Forbidden C:\\data\\file.txt\nx\n')).toEqual(['null/null/403@1']);
  });
  it('a log line that quotes a provider\'s sentence after a name that is no exception is no error', async () => {
    expect(await said('2024-05-01 10:00:00 INFO  BlobCleanup: The specified blob does not exist.\nnext\n')).toEqual([]);
  });
  it.each(['{ [Function: handler]', '{ [Error: connect ETIMEDOUT 52.216.1.1:443]'])('an inspected %s gives no message to the error after it', async (first) => {
    const { findings } = await diagnose(Buffer.from(`${first}\n  retries: 3 }\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`));
    expect(findings.map((f) => `${f.input.code}: ${f.input.message}@${f.line}`)).toEqual(['AccessDenied: Access Denied@3']);
  });

  it('COS AccessDenied with "Request has expired" leads with the clock-skew entry', async () => {
    const { findings } = await diagnose('<Error><Code>AccessDenied</Code><Message>Request has expired</Message><RequestId>NjVlZWM5YTFfN2IyYzNlMDlfMWE0ZjJfOGMzZDVlMQ==</RequestId><TraceId>x</TraceId></Error>');
    expect(findings[0]!.matches.map((m) => `${m.provider}:${m.code}:${m.retry}`)).toEqual(['tencent-cos:Request has expired:clock-skew', 'tencent-cos:AccessDenied:permanent']);
  });

  it('reads the Azure Python SDK AuthenticationErrorDetail line for the clock check', async () => {
    const text = [
      'azure.core.exceptions.ClientAuthenticationError: Server failed to authenticate the request.',
      'RequestId:0b7e4c2d-601e-0042-1f3a-9e5b7d000000',
      'Time:2024-03-11T09:20:01.0045123Z',
      'ErrorCode:AuthenticationFailed',
      'AuthenticationErrorDetail:Signature not valid in the specified time frame: Start [Mon, 11 Mar 2024 09:30:00 GMT] - Expiry [Mon, 11 Mar 2024 10:00:00 GMT] - Current [Mon, 11 Mar 2024 09:20:01 GMT]',
    ].join('\n');
    const { findings } = await diagnose(text);
    expect(findings[0]!.clock?.verdict).toBe('likely');
    expect(findings[0]!.matches[0]!.retry).toBe('clock-skew');
  });

  it('reads q-sign-time from a COS presigned URL', async () => {
    const text = [
      '> GET /a.txt?q-sign-algorithm=sha1&q-ak=AKID&q-sign-time=1700000000%3B1700000600&q-key-time=1700000000%3B1700000600&q-signature=abc HTTP/1.1',
      '> Host: b-1250000000.cos.ap-guangzhou.myqcloud.com',
      '< HTTP/1.1 403 Forbidden',
      '< Date: Tue, 14 Nov 2023 23:00:00 GMT',
      '< x-cos-request-id: NjVlZWM5YTFfN2IyYzNlMDlfMWE0ZjJfOGMzZDVlMQ==',
      '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
    ].join('\n');
    const { findings } = await diagnose(text);
    expect(findings[0]!.input.provider).toBe('tencent-cos');
    expect(findings[0]!.clock?.detail).toContain('q-sign-time');
  });

  it('reads s3cmd\'s "S3 error: 403 (Code): message"', async () => {
    const { findings } = await diagnose('ERROR: S3 error: 403 (SignatureDoesNotMatch): The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    expect(findings[0]!.input).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });

  it('takes a 16-character upper-case request ID as S3 evidence (rclone / Go v1)', async () => {
    const { findings } = await diagnose('Failed to copy: AccessDenied: Access Denied\n\tstatus code: 403, request id: 8XKQ2T1Q7E0R6ZXJ, host id: abc=');
    expect(findings[0]!.input).toMatchObject({ provider: 'aws-s3', code: 'AccessDenied', status: 403, requestId: '8XKQ2T1Q7E0R6ZXJ' });
    expect(findings[0]!.matches.map((m) => m.provider)).toEqual(['aws-s3']);
  });

  it.each([
    ['mc: <ERROR> Unable to list folder. Access Denied.', 'AccessDenied'],
    ['ERROR: upload failed: The specified container does not exist.', 'ContainerNotFound'],
  ])('finds the provider message that ends an error line: %s', async (line, code) => {
    const { findings } = await diagnose(line);
    expect(findings[0]!.matches.map((m) => m.code)).toContain(code);
  });

  it('does not take a database "Access denied for user" line for a storage error', async () => {
    const { findings } = await diagnose("ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\nsecond line\n");
    expect(findings).toEqual([]);
  });
});

describe('how the input is cut into chunks changes no finding', () => {
  // Filler that names no error, then curl transcripts whose provider is named only on the command line,
  // the line before the status line (NoSuchKey is both S3's and COS's), and an Azure message whose
  // RequestId suffix is on the next line (the message is known only from the line before it), after a
  // line with an anchor word. Blocks are more than 40 lines apart: nearer facts would join one error.
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `2024-05-01T10:00:00Z worker-${i % 16} heartbeat seq=${i} queue_depth=${i % 500}`).join('\n');
  const transcript = (host: string) => [`$ curl -sS -i "https://${host}/reports/r1.csv"`, 'HTTP/1.1 404 Not Found', 'Content-Type: application/xml', '', '<?xml version="1.0" encoding="UTF-8"?>', '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>'].join('\n');
  const azure = ['--- Error details follow ---', 'The specified container does not exist.', 'RequestId:0b7e4c2d-601e-0042-1f3a-9e5b7d000000', 'Time:2024-03-11T09:20:01.0045123Z'].join('\n');
  const blocks = [transcript('examplebucket.s3.us-east-1.amazonaws.com'), transcript('examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com'), azure];
  const logs = {
    // Every line of the first MiB is read; past it, only the lines near an anchor word.
    'in the first MiB': `${filler(3000)}\n${blocks.join(`\n${filler(60)}\n`)}\n${filler(60)}\n`,
    'past the first MiB': `${filler(20_000)}\n${blocks.join(`\n${filler(60)}\n`)}\n${filler(60)}\n`,
  };
  const want = ['aws-s3:NoSuchKey', 'tencent-cos:NoSuchKey', 'azure-blob:ContainerNotFound'];
  /** Where the lines that start a statement begin: the cuts that matter most fall near them. */
  const starts = (text: string) => [...text.matchAll(/^(?:HTTP\/1\.1|RequestId:)/gm)].map((m) => Buffer.byteLength(text.slice(0, m.index)));
  async function* cutAt(text: string, cuts: number[]): AsyncIterable<Buffer> {
    const bytes = Buffer.from(text);
    let from = 0;
    for (const cut of [...cuts].sort((a, b) => a - b).concat(bytes.length)) {
      yield bytes.subarray(from, cut);
      from = cut;
    }
  }

  it('places the blocks where their names say', () => {
    expect(starts(logs['in the first MiB'])[2]).toBeLessThan(1024 * 1024);
    expect(starts(logs['past the first MiB'])[0]).toBeGreaterThan(1024 * 1024);
  });
  describe.each(Object.entries(logs))('%s', (_, text) => {
    it('names each provider, from the command line before the status line, and the message before its suffix', async () => {
      const { findings } = await diagnose(text);
      expect(findings.map((f) => `${f.input.provider}:${f.matches[0]?.code}`)).toEqual(want);
    });
    it.each(starts(text).map((at, i) => [i, at]))('the same when a chunk ends right before statement %i', async (_, at) => {
      expect(await diagnose(cutAt(text, [at!]))).toEqual(await diagnose(text));
    });
    it('the same wherever chunks end near those statements', async () => {
      const whole = await diagnose(text);
      const near = fc.oneof(...starts(text).map((at) => fc.integer({ min: at - 300, max: at + 300 })));
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(near, { minLength: 1, maxLength: 4 }), async (cuts) => {
          expect(await diagnose(cutAt(text, cuts))).toEqual(whole);
        }),
        { numRuns: 40 },
      );
    });
  });
});

describe('an error body cut short ends where it must, and the errors after it are read', () => {
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `2024-05-01T10:00:00Z worker-${i % 16} heartbeat seq=${i} queue_depth=${i % 500}`).join('\n');
  // A body a log truncated: no closing tag, and a StringToSign whose lines are no XML.
  const cut = ['<?xml version="1.0" encoding="UTF-8"?>', '<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><StringToSign>AWS4-HMAC-SHA256', '20161018T091707Z', '20161018/us-east-1/s3/aws4_request'].join('\n');
  // AWS's PHP SDK: the next body starts in the middle of a line that states the error itself.
  const php = `PHP Fatal error:  Uncaught Aws\\S3\\Exception\\S3Exception: Error executing "GetObject" on "https://media.s3.amazonaws.com/a.jpg"; AWS HTTP error: Client error: 403 AccessDenied (client): Access Denied - <?xml version="1.0" encoding="UTF-8"?> <Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>04407CDF4F0C239B</RequestId></Error>`;
  // An error that has no body at all, then one with a body, both more than 64 lines after the cut body.
  const curl = ['$ curl -sS -i "https://acct.blob.core.windows.net/c/b.bin"', 'HTTP/1.1 503 Operations per second is over the account limit.', 'x-ms-error-code: ServerBusy', 'x-ms-request-id: 5b1d7e2a-401e-0061-3c2b-8f4a6d000000'].join('\n');
  const cos = ['<?xml version="1.0" encoding="UTF-8"?>', '<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message><TraceId>OGVmYzZiMmQ3</TraceId></Error>'].join('\n');
  const blocks = `${cut}\n${filler(3)}\n${php}\n${filler(60)}\n${cut}\n${filler(70)}\n${curl}\n${filler(50)}\n${cos}\n${filler(60)}\n`;
  const logs = { 'in the first MiB': `${filler(100)}\n${blocks}`, 'past the first MiB': `${filler(20_000)}\n${blocks}` };
  describe.each(Object.entries(logs))('%s', (_, text) => {
    it('finds every error, the cut body included', async () => {
      const counts: Record<string, number> = {};
      for (const f of (await diagnose(text)).findings) counts[f.input.code!] = (counts[f.input.code!] ?? 0) + f.count;
      expect(counts).toEqual({ SignatureDoesNotMatch: 2, AccessDenied: 1, ServerBusy: 1, NoSuchBucket: 1 });
    });
    it('the same wherever chunks end', async () => {
      const whole = await diagnose(text);
      const bytes = Buffer.from(text);
      const from = bytes.indexOf('<?xml');
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(fc.integer({ min: from, max: bytes.length - 1 }), { minLength: 1, maxLength: 6 }), async (cuts) => {
          async function* chunks(): AsyncIterable<Buffer> {
            let at = 0;
            for (const c of [...cuts].sort((a, b) => a - b).concat(bytes.length)) {
              yield bytes.subarray(at, c);
              at = c;
            }
          }
          expect(await diagnose(chunks())).toEqual(whole);
        }),
        { numRuns: 60 },
      );
    });
  });
});

describe('a message without what a client printed around it', () => {
  it.each([
    ['2023-09-01 19:10:26,707 DEBUG c.a.h.AmazonHttpClient$RequestExecutor [pool-28-thread-7] Received error response: com.amazonaws.services.s3.model.AmazonS3Exception: Please reduce your request rate.', 'Please reduce your request rate.'],
    ['One or more errors occurred. ---> Azure.RequestFailedException: The specified container does not exist.', 'The specified container does not exist.'],
    ['`software.amazon.awssdk.services.s3.model.NoSuchKeyException: null', null],
    ['ErrorMessage=This request is not authorized to perform this operation.', 'This request is not authorized to perform this operation.'],
    ['Description=The specified blob does not exist.', 'The specified blob does not exist.'],
    ['Access Denied Traceback (most recent call last):', 'Access Denied'],
    ['Forbidden at COSXML.Network.HttpClient.CosResponse.PaserServerError(Stream inputStream)', 'Forbidden'],
    ['Forbidden Cache-Control: [no-cache]', 'Forbidden'],
    ['Access Denied (Service: Amazon S3; Status Code: 403', 'Access Denied'],
    ['Server Unavailable.`', 'Server Unavailable.'],
    ['Forbidden: Forbidden', 'Forbidden'],
    ['The specified key does not exist.\\\\n\\\\tstatus code: 404, request id: tx00000', 'The specified key does not exist.'],
    ['Access Denied" error.file="/go/src/velero-plugin-for-aws/object_store.go:253" error.function=main.PutObject', 'Access Denied'],
    ['HTTP Error Message: This request is not authorized to perform this operation using this permission.', 'This request is not authorized to perform this operation using this permission.'],
    ['AccessDenied: message: Access Denied', 'Access Denied'],
    ["Operation returned an invalid status 'The specified blob does not exist.' ErrorCode:BlobNotFound", 'The specified blob does not exist.'],
    ['Access Denied",', 'Access Denied'],
    ['The specified bucket does not exist.**', 'The specified bucket does not exist.'],
    ['Unknown', null],
    ['User: arn:aws:iam::1:user/ci is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::my-bucket/*', 'User: arn:aws:iam::1:user/ci is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::my-bucket/*'],
    ["The bucket's policy rejects grant 'public-read',", "The bucket's policy rejects grant 'public-read'"],
    ['The specified container does not exist.", "   at Microsoft.WindowsAzure.Storage.Core.Executor.Executor.ExecuteAsyncInternal[T](RESTCommand`1 cmd)', 'The specified container does not exist.'],
    // The service's own words are kept as they are.
    ['User: arn:aws:iam::123456789012:user/s3 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/k"', 'User: arn:aws:iam::123456789012:user/s3 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/k"'],
    ["'The specified key does not exist.", 'The specified key does not exist.'],
    ['The specified bucket is not valid.```', 'The specified bucket is not valid.'],
    ["The object 'a.txt' can't be read.", "The object 'a.txt' can't be read."],
    ['Authentication Error. Signature not valid in the specified time frame.', 'Authentication Error. Signature not valid in the specified time frame.'],
    ['Key based authentication is not permitted on this storage account.\nRequestId:310ebc5d-e01f-0030-427f-ea3b81000000', 'Key based authentication is not permitted on this storage account.\nRequestId:310ebc5d-e01f-0030-427f-ea3b81000000'],
  ])('%s → %s', (raw, want) => expect(tidyMessage(raw)).toBe(want));
});
