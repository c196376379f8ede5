import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/spawn.js';

/** npm, quietly, preferring the cache `npm ci` filled: these tests need no network. */
function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the packed package', () => {
  const work = mkdtempSync(join(tmpdir(), 'errlookup-pack-'));
  let tarball = '';
  let files: string[] = [];

  beforeAll(() => {
    // The bundle is already built by `npm test`; packing must not rebuild it, so the prepack and
    // postpack scripts (the published manifest without `prepare`) are run here around it.
    const script = (step: string) => execFileSync(process.execPath, ['scripts/pack-manifest.mjs', step], { cwd: ROOT });
    let packed: string;
    script('strip');
    try {
      packed = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT);
    } finally {
      script('restore');
    }
    const out = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, out[0]!.filename);
    files = out[0]!.files.map((f) => f.path);
  }, 120_000);

  it('holds only the bundle, the data, the bin, the types, the schema and the README', () => {
    expect(files).toContain('bin/errlookup.cjs');
    expect(files).toContain('dist/cli.cjs');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('data/providers/azure-blob.json');
    expect(files).toContain('data/formats.json');
    expect(files).toContain('schema/errlookup.schema.json');
    expect(files).toContain('README.md');
    for (const f of files) expect(f, f).toMatch(/^(bin|dist|data|schema)\/|^(README\.md|package\.json)$/);
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.map'))).toBe(false);
  });

  it('installs globally into a clean prefix and runs as errlookup on PATH', () => {
    const prefix = join(work, 'global');
    const installed = spawnSync('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: work, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    // The bundles hold their libraries: the package needs nothing else at run time, and installs without warnings.
    expect(installed.stderr).not.toMatch(/npm warn/i);
    expect(installed.stdout).toMatch(/added 1 package\b/);
    const bin = join(prefix, 'bin', 'errlookup');
    expect(execFileSync(bin, ['--format', 'short', '--provider', 'azure-blob', 'ServerBusy'], { encoding: 'utf8' })).toBe('azure-blob ServerBusy 503 throttling exact 1 -\n');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  }, 180_000);

  it('works as a library from another project: diagnose, lookup, providers, with types', () => {
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    npm(['install', tarball], app);
    writeFileSync(
      join(app, 'main.mjs'),
      `import { diagnose, lookup, providers, search } from 'errlookup';
const d = await diagnose('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>ZkPmmNGqUZn2i1kqEPKVRoEV0hSGZmzsW2UJhZcxIPnkDqeKdIK6C8tKDSX1nb5/ApOX1sAUtjk=</HostId></Error>');
const l = await lookup('nosuchkey', { provider: 'tencent-cos' });
let error = null;
try { await lookup('x', { provider: 'no-such-provider' }); } catch (e) { error = e.name + ': ' + e.message.split(' (')[0]; }
const s = search('quota');
console.log(JSON.stringify({ d: d.findings[0].matches[0].code, p: d.findings[0].input.provider, r: d.findings[0].matches[0].retryable, l: l.findings[0].matches.map((m) => m.provider + ':' + m.code), n: providers().map((p) => p.id).sort(), v: [d.schemaVersion, l.schemaVersion, s.schemaVersion], error, s: s.findings[0].matches.length > 0 }));`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8' }));
    // The library lists exactly the providers the installed package's data declares.
    const declared = readdirSync(join(app, 'node_modules', 'errlookup', 'data', 'providers')).map((f) => f.replace(/\.json$/, '')).sort();
    // Errors keep their class names through the minified bundle; search takes a string; reports carry the schema version.
    expect(out).toEqual({ d: 'SlowDown', p: 'aws-s3', r: true, l: ['tencent-cos:NoSuchKey'], n: declared, v: [1, 1, 1], error: 'UsageError: unknown provider "no-such-provider"', s: true });
    expect(readdirSync(join(app, 'node_modules', 'errlookup', 'dist'))).toContain('index.d.ts');
    // Imported from CommonJS code where a global __dirname exists (node -e), it still finds its own files.
    const fromCjs = "import('errlookup').then(async (m) => console.log((await m.lookup('ServerBusy')).findings[0].matches[0].code))";
    expect(execFileSync(process.execPath, ['-e', fromCjs], { cwd: app, encoding: 'utf8' })).toBe('ServerBusy\n');
  }, 180_000);
});
