import type { Evidence } from '../types.js';
import { holdsAny } from './lines.js';

/** Providers errlookup can recognise from the shape of an input. Each has a catalog in data/. */
export type Provider = 'azure-blob' | 'tencent-cos' | 'aws-s3';

/** How much one kind of clue counts. A host or a provider's own header outweighs an SDK's name. */
export const WEIGHT = { host: 5, header: 4, server: 4, body: 3, requestId: 2, sdk: 1 } as const;

interface Clue {
  provider: Provider;
  /**
   * Lower-case words one of which the pattern needs: a line is tested against the pattern only if
   * its lower-case text holds one. Most lines then compile and run no pattern at all.
   */
  needs: string[];
  pattern: RegExp;
  reason: string;
  weight: number;
  /** The clue says the request went through the S3 API (Evidence.s3Api). */
  s3Api?: boolean;
}

/**
 * Clues found anywhere in a line. Sources: the providers' endpoint formats, their response headers
 * (x-ms-*, x-cos-*, x-amz-*), their `Server` header values, and the SDKs' exception and package names.
 */
export const CLUES: readonly Clue[] = [
  { provider: 'azure-blob', needs: ['.core.'], pattern: /\.(?:blob|dfs|file|queue|table)\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)/i, reason: 'core.windows.net host', weight: WEIGHT.host },
  { provider: 'tencent-cos', needs: ['myqcloud.com', 'tencentcos.cn'], pattern: /\.(?:myqcloud\.com|tencentcos\.cn)\b/i, reason: 'myqcloud.com host', weight: WEIGHT.host },
  { provider: 'aws-s3', needs: ['amazonaws.com'], pattern: /\bs3[.-](?:[a-z0-9-]+\.)?amazonaws\.com(?:\.cn)?\b/i, reason: 'amazonaws.com host', weight: WEIGHT.host },
  { provider: 'azure-blob', needs: ['x-ms-'], pattern: /\bx-ms-(?:request-id|error-code|version)\b/i, reason: 'x-ms-* header', weight: WEIGHT.header },
  { provider: 'tencent-cos', needs: ['x-cos-'], pattern: /\bx-cos-(?:request-id|trace-id|error-code)\b/i, reason: 'x-cos-* header', weight: WEIGHT.header },
  // Only COS has x-cos-* headers, but one a client sent or a message names ("x-cos-acl value invalid") says less
  // than the service's own response headers.
  { provider: 'tencent-cos', needs: ['x-cos-'], pattern: /\bx-cos-(?!request-id|trace-id|error-code)[a-z]/i, reason: 'an x-cos-* header named', weight: WEIGHT.sdk },
  { provider: 'aws-s3', needs: ['x-amz-'], pattern: /\bx-amz-(?:request-id|id-2)\b/i, reason: 'x-amz-* header', weight: WEIGHT.header },
  { provider: 'azure-blob', needs: ['windows-azure-', 'blob service version'], pattern: /\b(?:Windows-Azure-(?:Blob|File|Queue|Table)|Blob Service Version)\b/i, reason: 'Server: Windows-Azure-Blob', weight: WEIGHT.server },
  { provider: 'tencent-cos', needs: ['tencent-cos'], pattern: /\btencent-cos\b/i, reason: 'Server: tencent-cos', weight: WEIGHT.server },
  { provider: 'aws-s3', needs: ['amazons3'], pattern: /^\W*server:\s*AmazonS3\b/i, reason: 'Server: AmazonS3', weight: WEIGHT.server },
  { provider: 'azure-blob', needs: ['authenticationerrordetail'], pattern: /<AuthenticationErrorDetail>|AuthenticationErrorDetail:/, reason: 'AuthenticationErrorDetail in the body', weight: WEIGHT.body },
  { provider: 'azure-blob', needs: ['requestid:'], pattern: /RequestId:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\\n|\s)+Time:\d{4}-/i, reason: 'RequestId/Time message suffix', weight: WEIGHT.body },
  // COS's trace IDs are base64; an OpenTelemetry trace_id (32 hex digits, or a 16-digit span) is anybody's.
  { provider: 'tencent-cos', needs: ['trace'], pattern: /<TraceId>|\b[Tt]race_?[Ii]d["']?\s*[:=](?!\s*["']?(?:[0-9a-f]{32}|[0-9a-f]{16})\b)/, reason: 'TraceId in the error', weight: WEIGHT.body },
  { provider: 'aws-s3', needs: ['<hostid>'], pattern: /<HostId>/, reason: 'HostId in the body', weight: WEIGHT.body },
  // AWS SDK for Go v1 (rclone, Loki, …): "status code: 403, request id: …, host id: …", for the S3 API only, so
  // not Azure's, whatever the request ID looks like (IBM COS and other S3-compatible stores send GUIDs). A host ID
  // (x-amz-id-2) names S3 itself; COS sends none, and its "host id:" is empty.
  { provider: 'aws-s3', needs: ['host id:'], pattern: /status code: \d{3}, request id: [^,\s]*, host id: [\w+/=-]/, reason: 'host ID in the error', weight: WEIGHT.body, s3Api: true },
  { provider: 'aws-s3', needs: ['host id:'], pattern: /status code: \d{3}, request id: [^,\s]*, host id:(?! ?[\w+/=-])/, reason: 'AWS SDK for Go error format', weight: WEIGHT.sdk, s3Api: true },
  // AWS SDK for Go v2 names the API it called, and an S3-compatible store may send any request ID (a GUID too).
  { provider: 'aws-s3', needs: ['operation error s3:'], pattern: /\boperation error S3: /, reason: 'the SDK names the S3 API', weight: WEIGHT.body, s3Api: true },
  { provider: 'azure-blob', needs: ['azure', 'requestfailedexception', 'blobstorageexception', 'datalakestorageexception', 'azblob', 'azcore', 'azcopy', 'storageerrorcode', 'bloberrorcode', 'abfs'], pattern: /\b(?:azurebfs|AbfsRestOperation|abfss?:\/\/|azure\.core\.exceptions|azure\.storage|Microsoft\.Azure\.Storage|Microsoft\.WindowsAzure\.Storage|Azure\.Storage|Azure\.RequestFailedException|RequestFailedException|BlobStorageException|DataLakeStorageException|com\.azure\.storage|azblob|azcore|azure-storage-blob|AzCopy|@azure\/storage|StorageErrorCode|BlobErrorCode)\b/, reason: 'Azure SDK or AzCopy', weight: WEIGHT.sdk },
  { provider: 'tencent-cos', needs: ['qcloud', 'cosservice', 'cosserver', 'cosclient', 'cosxml', 'cos-', 'coscmd', 'tencentyun', 'tcyun'], pattern: /\b(?:qcloud_cos|CosServiceError|CosServiceException|CosServerException|CosClientError|COSXML|cos-go-sdk|cos-js-sdk|cos-nodejs-sdk|cos-java-sdk|cos-php-sdk|coscmd|tencentyun|tcyun|Qcloud\\Cos|com\.qcloud\.cos|com\.tencent\.qcloud)\b/, reason: 'COS SDK', weight: WEIGHT.sdk },
  { provider: 'aws-s3', needs: ['boto', 's3cmd', 's3exception', 'aws-', 'service: ', 'aws\\s3', 'mountpoint-s3'], pattern: /\b(?:botocore|boto3|s3cmd|AmazonS3Exception|S3Exception|aws-sdk|@aws-sdk|Service: Amazon S3|Service: S3|aws-cli|Aws\\S3|aws-c-s3|mountpoint-s3)\b/, reason: 'AWS SDK', weight: WEIGHT.sdk, s3Api: true },
  // aws-sdk-js's errors carry extendedRequestId, and v2's a `retryable: false` when inspected; s3cmd
  // prints "ERROR: S3 error: 404 (NoSuchBucket)".
  { provider: 'aws-s3', needs: ['extendedrequestid', 'retryable: ', 's3 error: '], pattern: /\bextendedRequestId\b|^\s*retryable: (?:true|false)\b|\bS3 error: \d{3}\b/, reason: 'AWS SDK or s3cmd', weight: WEIGHT.sdk, s3Api: true },
  // cos-php-sdk-v5: "Cos Error Code: AccessDenied, Status Code: 403"
  { provider: 'tencent-cos', needs: ['cos error code'], pattern: /\bCos Error Code: /, reason: 'COS SDK', weight: WEIGHT.sdk },
  // MinIO's clients speak only the S3 API: minio-py's minio.error, minio-js's S3Error, minio-go, mc.
  { provider: 'aws-s3', needs: ['minio', 's3error', 'mc: <error>'], pattern: /\b(?:minio\.error|io\.minio|minio-go|minio-js|minio-py|S3Error)\b|^\W*mc: <ERROR>/, reason: 'MinIO client', weight: WEIGHT.sdk, s3Api: true },
];

/** A cheap first test: a line without any of these words holds no clue. */
export const CLUE_HINT = /[Aa]bfs|mountpoint-s3|host id:|extendedRequestId|retryable: |S3 error: |Cos Error|[Mm]inio|S3Error|mc: <ERROR>|tcyun|s3cmd|core\.|myqcloud|tencentcos|amazonaws|[xX]-(?:[mM][sS]|[aA]mz|[cC]os)-|Windows-Azure|tencent-cos|AmazonS3|ErrorDetail|RequestId:|[Tt]race_?[Ii]d|<HostId>|azure|Azure|AzCopy|azblob|azcore|ErrorCode|qcloud|Qcloud|Cos[SC]|COSXML|cos-|coscmd|tencentyun|tcyun|boto|aws|Aws|S3/;

/** What each clue is evidence of, made once: nothing changes an Evidence once found. */
const CLUE_EVIDENCE: readonly Evidence[] = CLUES.map(({ provider, reason, weight, s3Api }) => ({ provider, reason, weight, ...(s3Api ? { s3Api } : {}) }));

/** The clues in one line of input. */
export function findEvidence(line: string): Evidence[] {
  const found: Evidence[] = [];
  if (!CLUE_HINT.test(line)) return found;
  const lower = line.toLowerCase();
  for (let i = 0; i < CLUES.length; i++) {
    const clue = CLUES[i]!;
    if (holdsAny(lower, clue.needs) && clue.pattern.test(line)) found.push(CLUE_EVIDENCE[i]!);
  }
  return found;
}

const AZURE_REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// S3 request IDs are 16 upper-case letters and digits (older ones were hex only).
const S3_REQUEST_ID = /^(?=.*\d)[0-9A-Z]{16}$/;
const COS_REQUEST_ID = /^[A-Za-z0-9+/]{24,}={0,2}$/;

/**
 * Which provider issues request IDs of this form. Azure: a GUID; S3: 16 upper-case hex digits;
 * COS: base64 text (it decodes to `<hex>_<hex>_…`), which still names COS when an S3 SDK says "Amazon S3".
 */
export function requestIdEvidence(requestId: string): Evidence | null {
  const id = requestId.trim();
  if (AZURE_REQUEST_ID.test(id)) return { provider: 'azure-blob', reason: 'GUID request ID', weight: WEIGHT.requestId };
  if (S3_REQUEST_ID.test(id)) return { provider: 'aws-s3', reason: '16-character request ID', weight: WEIGHT.requestId };
  if (COS_REQUEST_ID.test(id)) {
    const decoded = Buffer.from(id, 'base64').toString('latin1');
    if (/^[0-9a-f]+_[0-9a-f]+_/.test(decoded)) return { provider: 'tencent-cos', reason: 'base64 request ID', weight: WEIGHT.requestId + 2 };
  }
  return null;
}

/** The provider with the most weight of evidence, and its reasons, strongest first. */
export function decideProvider(evidence: readonly Evidence[]): { provider: string | null; reasons: string[] } {
  // Each kind of clue counts once: ten log lines naming the same host are one clue, not ten.
  const totals = new Map<string, number>();
  const counted = new Set<string>();
  for (const e of evidence) {
    if (counted.has(e.reason)) continue;
    counted.add(e.reason);
    totals.set(e.provider, (totals.get(e.provider) ?? 0) + e.weight);
  }
  let provider: string | null = null;
  let best = 0;
  for (const [p, total] of totals) {
    if (total > best) [provider, best] = [p, total];
  }
  const reasons = [...new Set(evidence.filter((e) => e.provider === provider).sort((a, b) => b.weight - a.weight).map((e) => e.reason))];
  return { provider, reasons };
}
