#!/usr/bin/env node
// Generates the large mixed log used by scripts/bench.mjs (scenario B), deterministically.
//
//   node scripts/gen-log.mjs            -> bench-out/big.log (BENCH_LOG_MB, default 500 MB)
//
// The log alternates between an "azcopy" mode (AzCopy INFO lines with blob URLs, progress lines,
// now and then an UPLOADFAILED block with its RESPONSE / X-Ms-Error-Code / X-Ms-Request-Id lines)
// and a "shell" mode (curl -i transcripts from S3, Tencent COS and Azure with an XML <Error>
// body). Plain filler lines that name no error code are spread through both. Every error is one
// self-contained block followed by 1-3 filler lines, and every request id is distinct. The
// generator counts what it writes per (provider, code) into bench-out/big.expected.json.
// Randomness comes from a seeded PRNG (mulberry32): the same seed and size give the same bytes.
// bench-out/big.meta.json records generator version, seed and size so an existing log is reused.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const GEN_VERSION = 1;
export const OUT_DIR = fileURLToPath(new URL('../bench-out/', import.meta.url));
export const LOG = `${OUT_DIR}big.log`;
const META = `${OUT_DIR}big.meta.json`;
export const EXPECTED = `${OUT_DIR}big.expected.json`;

/** Every code the log contains; bench.mjs builds its grep alternation from this list. */
export const CODES = ['ServerBusy', 'OperationTimedOut', 'BlobNotFound', 'AuthenticationFailed', 'NoSuchKey', 'AccessDenied', 'SlowDown'];

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generate({ mb = 500, seed = 20240501 } = {}) {
  const rnd = mulberry32(seed);
  const int = (n) => Math.floor(rnd() * n);
  const pick = (arr) => arr[int(arr.length)];
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
  const b64 = (n) => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[int(62)]).join('');
  let serial = 0; // makes every request id unique, whatever the PRNG says
  const guid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${(++serial).toString(16).padStart(12, '0')}`;
  const s3Id = () => `${hex(4).toUpperCase()}${(++serial).toString(16).toUpperCase().padStart(12, '0')}`;
  const cosId = () => Buffer.from(`${hex(8)}_${hex(8)}_${(++serial).toString(16)}_${hex(6)}`).toString('base64');

  let clock = Date.UTC(2024, 4, 1, 10, 0, 0);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const d = () => new Date(clock);
  const azTs = () => { const t = d(); return `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`; };
  const iso = () => d().toISOString();
  const httpDate = () => d().toUTCString();
  const file = () => `/data/batch${pad(int(400), 3)}/f${int(100000)}.bin`;
  const thread = () => `[P#0-T#${int(64)}]`;

  const counts = {};
  const count = (provider, code) => { counts[`${provider}|${code}`] = (counts[`${provider}|${code}`] ?? 0) + 1; };

  // ---- lines that are not errors ----
  const WORDS = 'alpha beta gamma delta cache index shard batch worker queue merge flush compact replica snapshot checksum manifest upload window buffer segment'.split(' ');
  const filler = () => {
    switch (int(6)) {
      case 0: return `${iso()} worker-${int(16)} heartbeat seq=${int(1e6)} queue_depth=${int(500)} lag_ms=${int(2000)}`;
      case 1: return `+ sha256sum ${file()}`;
      case 2: return `${hex(64)}  ${file()}`;
      case 3: return `[build] compiled ${int(900)} modules in ${int(5000)} ms, ${int(40)} warnings suppressed`;
      case 4: return `${iso()} DEBUG ${Array.from({ length: 4 + int(14) }, () => pick(WORDS)).join(' ')}`;
      default: return `    at processTicksAndRejections (node:internal/process/task_queues:${int(100)}:${int(40)}) -- retry budget ${int(10)}/10 ok`;
    }
  };
  const blobUrl = () => `https://acct${int(4)}.blob.core.windows.net/backup/batch${pad(int(400), 3)}/f${int(100000)}.bin`;
  const azInfo = () => {
    switch (int(4)) {
      case 0: return `${azTs()} INFO: ${thread()} Starting transfer: Source "${file()}" Destination "${blobUrl()}?se=2024-05-08T10%3A00%3A00Z&sig=-REDACTED-&sp=rcw&sr=c&sv=2023-01-03". Specified chunk size ${4194304 * (1 + int(4))}`;
      case 1: return `${azTs()} INFO: ${thread()} UPLOADSUCCESSFUL: ${blobUrl()}`;
      case 2: return `${azTs()} INFO: ${thread()} Starting to transfer block ${int(200)} of ${blobUrl()}`;
      default: return `${azTs()} INFO: ${thread()} Closing file handle for ${file()} after ${int(9000)} ms`;
    }
  };
  const progress = () => `${azTs()} INFO: ${(rnd() * 100).toFixed(1)} %, ${int(9000)} Done, 0 Failed, ${int(9000)} Pending, 0 Skipped, 18000 Total, 2-sec Throughput (Mb/s): ${(rnd() * 900).toFixed(4)}`;

  // ---- error blocks: each returns lines and counts itself ----
  const AZCOPY = [
    { code: 'ServerBusy', status: 503, message: 'Operations per second is over the account limit.' },
    { code: 'ServerBusy', status: 503, message: 'Ingress is over the account limit.' },
    { code: 'OperationTimedOut', status: 500, message: 'Operation could not be completed within the specified time.' },
  ];
  const azcopyFailure = () => {
    const e = pick(AZCOPY);
    const id = guid();
    count('azure-blob', e.code);
    return [
      `${azTs()} ERR: ${thread()} UPLOADFAILED: ${file()} : ${e.status} : ${e.message}. When ${pick(['Staging block', 'Committing block list', 'Uploading blob'])}. X-Ms-Request-Id: ${id}`,
      `   RESPONSE Status: ${e.status} ${e.message}`,
      `   X-Ms-Error-Code: [${e.code}]`,
      `   X-Ms-Request-Id: [${id}]`,
    ];
  };
  const s3 = () => {
    const [code, status, reason, message] = pick([['NoSuchKey', 404, 'Not Found', 'The specified key does not exist.'], ['AccessDenied', 403, 'Forbidden', 'Access Denied'], ['SlowDown', 503, 'Slow Down', 'Please reduce your request rate.']]);
    const id = s3Id(), host = b64(76), key = `reports/2024/r${int(1e5)}.csv`;
    count('aws-s3', code);
    return [`$ curl -sS -i "https://examplebucket.s3.us-east-1.amazonaws.com/${key}"`, `HTTP/1.1 ${status} ${reason}`, `x-amz-request-id: ${id}`, `x-amz-id-2: ${host}`, 'Content-Type: application/xml', 'Transfer-Encoding: chunked', `Date: ${httpDate()}`, 'Server: AmazonS3', '',
      '<?xml version="1.0" encoding="UTF-8"?>', `<Error><Code>${code}</Code><Message>${message}</Message>${code === 'NoSuchKey' ? `<Key>${key}</Key>` : ''}<RequestId>${id}</RequestId><HostId>${host}</HostId></Error>`];
  };
  const cos = () => {
    const [code, status, reason, message] = pick([['NoSuchKey', 404, 'Not Found', 'The specified key does not exist.'], ['AccessDenied', 403, 'Forbidden', 'Access Denied.'], ['SlowDown', 503, 'Service Unavailable', 'Please reduce your request rate.']]);
    const id = cosId(), trace = b64(120), res = `examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/img/p${int(1e5)}.jpg`;
    count('tencent-cos', code);
    return [`$ curl -sS -i "https://${res}"`, `HTTP/1.1 ${status} ${reason}`, 'Content-Type: application/xml', `Date: ${httpDate()}`, 'Server: tencent-cos', `x-cos-request-id: ${id}`, `x-cos-trace-id: ${trace}`, '',
      "<?xml version='1.0' encoding='utf-8' ?>", '<Error>', `\t<Code>${code}</Code>`, `\t<Message>${message}</Message>`, `\t<Resource>${res}</Resource>`, `\t<RequestId>${id}</RequestId>`, `\t<TraceId>${trace}</TraceId>`, '</Error>'];
  };
  const azureCurl = () => {
    const [code, status, message] = pick([['BlobNotFound', 404, 'The specified blob does not exist.'], ['AuthenticationFailed', 403, 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.'], ['ServerBusy', 503, 'Operations per second is over the account limit.']]);
    const id = guid();
    count('azure-blob', code);
    const detail = code === 'AuthenticationFailed' ? `<AuthenticationErrorDetail>Signature did not match. String to sign used was rcw</AuthenticationErrorDetail>` : '';
    return [`$ curl -sS -i "${blobUrl()}"`, `HTTP/1.1 ${status} ${message}`, 'Content-Type: application/xml', 'Server: Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0', `x-ms-request-id: ${id}`, 'x-ms-version: 2023-01-03', `x-ms-error-code: ${code}`, `Date: ${httpDate()}`, '',
      `\ufeff<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}`, `RequestId:${id}`, `Time:${iso().replace('Z', '0000Z')}</Message>${detail}</Error>`];
  };

  // ---- the writer ----
  mkdirSync(OUT_DIR, { recursive: true });
  const target = Math.round(mb * 1024 * 1024);
  const tmp = `${LOG}.tmp`;
  const fd = openSync(tmp, 'w');
  let bytes = 0, blocks = 0, lines = 0, mode = 'azcopy';
  let buf = [];
  let bufBytes = 0;
  const emit = (line) => {
    buf.push(line);
    bufBytes += line.length + 1;
    lines++;
    if (bufBytes >= 4 << 20) flush();
  };
  const flush = () => {
    const text = buf.join('\n') + '\n';
    bytes += writeSync(fd, text);
    buf = [];
    bufBytes = 0;
  };
  emit(filler());
  while (bytes + bufBytes < target) {
    if (rnd() < 0.02) clock += 1000;
    const r = rnd();
    let block = null;
    if (mode === 'azcopy') {
      if (r < 0.0003) mode = 'shell';
      if (r < 0.003) block = azcopyFailure();
      else emit(r < 0.6 ? azInfo() : r < 0.7 ? progress() : filler());
    } else {
      if (r < 0.002) mode = 'azcopy';
      if (r < 0.02) block = pick([s3, cos, azureCurl])();
      else emit(filler());
    }
    if (block) {
      blocks++;
      for (const line of block) emit(line);
      for (let i = 1 + int(3); i > 0; i--) emit(filler());
    }
  }
  flush();
  closeSync(fd);
  renameSync(tmp, LOG);
  bytes = statSync(LOG).size;
  const expected = { seed, mb, bytes, lines, blocks, codes: CODES, counts: Object.fromEntries(Object.entries(counts).sort()) };
  writeFileSync(EXPECTED, JSON.stringify(expected, null, 2) + '\n');
  writeFileSync(META, JSON.stringify({ generator: GEN_VERSION, seed, mb, bytes }) + '\n');
  return expected;
}

/** Returns the expected counts, generating the log only if no log of this seed, size and generator version exists. */
export function ensureLog({ mb = Number(process.env.BENCH_LOG_MB) || 500, seed = Number(process.env.BENCH_LOG_SEED) || 20240501 } = {}) {
  try {
    const meta = JSON.parse(readFileSync(META, 'utf8'));
    if (meta.generator === GEN_VERSION && meta.seed === seed && meta.mb === mb && statSync(LOG).size === meta.bytes && existsSync(EXPECTED)) {
      return { ...JSON.parse(readFileSync(EXPECTED, 'utf8')), reused: true };
    }
  } catch {
    // no usable log yet
  }
  return { ...generate({ mb, seed }), reused: false };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  const e = ensureLog();
  console.log(`${LOG}: ${(e.bytes / 2 ** 20).toFixed(1)} MiB, ${e.blocks} error blocks ${e.reused ? '(reused)' : `(generated in ${((Date.now() - t0) / 1000).toFixed(1)} s)`}`);
  console.log(JSON.stringify(e.counts));
}
