// Writes the V8 code cache of each CLI bundle in a built dist (src/boot.cts reads them): loads the
// CLI, runs it in-process on the common kinds of input so that V8 compiles the functions those
// paths use, then saves what each bundle's script has compiled as `<file>.cache`.
// Usage: node scripts/code-cache.mjs <dist folder>. The build runs it in a fresh node.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const cli = createRequire(import.meta.url)(`${dist}/cli.cjs`);

const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>\n';
const curl = [
  '< HTTP/1.1 403 Server failed to authenticate the request.',
  '< x-ms-request-id: 5a0a7c7e-601e-0043-3b1c-4e5b4d000000',
  '< x-ms-error-code: AuthenticationFailed',
  '<',
  '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.\nRequestId:5a0a7c7e-601e-0043-3b1c-4e5b4d000000\nTime:2024-01-01T00:00:00.0000000Z</Message></Error>',
].join('\n');
const json = '{"Code":"NoSuchBucket","Message":"The specified bucket does not exist.","RequestId":"NjYxMjM0NTZfMTIzNDU2"}';
const azcopy = '2024/01/01 00:00:00 ERR: [P#0-T#0] COPYFAILED: https://a.blob.core.windows.net/c/b : 503 : 503 The server is busy.. When Put Blob. X-Ms-Request-Id: 1\n   RESPONSE Status: 503 The server is busy.\n   X-Ms-Error-Code: [ServerBusy]\n';

const runs = [
  [['ServerBusy']],
  [['503']],
  [['SlowDwon']],
  [['The specified key does not exist.']],
  [['--json', 'nosuchkey']],
  [['--format', 'short', 'AccessDenied']],
  [['--provider', 'cos', '404']],
  [['list']],
  [['--help']],
  [[], xml],
  // An entity: only fast-xml-parser reads this body, so it is loaded and cached too.
  [[], '<Error><Code>AccessDenied</Code><Message>Access Denied &amp; logged</Message></Error>'],
  [['--json'], curl],
  [[], json],
  [[], azcopy],
  [['ServerBusy'], undefined, { FORCE_COLOR: '1' }],
];
for (const [argv, input, env = {}] of runs) {
  await cli.run({
    argv,
    env,
    stdin: {
      isTTY: input === undefined,
      async *[Symbol.asyncIterator]() {
        if (input !== undefined) yield Buffer.from(input);
      },
    },
    stdoutIsTTY: false,
    write() {},
    writeError() {},
  });
}

for (const { file, script } of cli[Symbol.for('errlookup.compiled')]) writeFileSync(`${file}.cache`, script.createCachedData());
