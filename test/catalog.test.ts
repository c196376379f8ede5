import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledCatalogs } from '../src/pack.js';
import { checkProvider } from '../src/data/check.js';
import { readData } from '../src/data/read.js';
import { normalizeCode } from '../src/text.js';
import { lookup, providers } from '../src/index.js';

const set = bundledCatalogs();
const entries = [...set.refs()];

/** Words a meaning must add beyond the code's own name (split at capitals). */
function extraWords(code: string, meaning: string): string[] {
  const stop = new Set(['the', 'a', 'an', 'is', 'was', 'of', 'to', 'for', 'in', 'on', 'or', 'and', 'this', 'that', 'not', 'be', 'it', 'by', 'with']);
  const own = new Set(code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/));
  return meaning
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !stop.has(w) && !own.has(w) && !own.has(w.replace(/s$/, '')));
}

describe('every catalog entry', () => {
  it('has the fields data/README.md requires, well formed', () => {
    for (const { catalog, entry } of entries) {
      const at = `${catalog.provider}:${entry.code}`;
      expect(entry.code.trim(), at).toBe(entry.code);
      expect(entry.statuses.length, at).toBeGreaterThan(0);
      expect([...entry.statuses].sort((a, b) => a - b), at).toEqual(entry.statuses);
      for (const s of entry.statuses) expect(s >= 100 && s <= 599, at).toBe(true);
      expect(entry.docs, at).toMatch(/^https:\/\/\S+$/);
      expect(['throttling', 'transient', 'clock-skew', 'permanent'], at).toContain(entry.retry);
      expect(entry.retryable, at).toBe(entry.retry === 'throttling' || entry.retry === 'transient');
    }
  });

  it('has a meaning that says more than the code name', () => {
    for (const { catalog, entry } of entries) {
      expect(extraWords(entry.code, entry.meaning).length, `${catalog.provider}:${entry.code}: "${entry.meaning}"`).toBeGreaterThanOrEqual(4);
    }
  });

  it('has a fix a person can act on', () => {
    for (const { catalog, entry } of entries) {
      const at = `${catalog.provider}:${entry.code}`;
      expect(entry.fix.length, at).toBeGreaterThanOrEqual(40);
      expect(entry.fix, at).not.toMatch(/^(contact support|check the request)\.?$/i);
      expect(entry.fix, at).not.toBe(entry.meaning);
    }
  });

  it('marks every clock-skew entry as one a wrong clock can cause', () => {
    for (const { catalog, entry } of entries) {
      if (entry.retry === 'clock-skew') expect(entry.clock, `${catalog.provider}:${entry.code}`).toBe(true);
    }
  });

  it('holds no control characters in its text', () => {
    for (const { entry } of entries) {
      expect(JSON.stringify(entry)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }
  });

  it('is unique per provider, aliases included, after normalisation', () => {
    for (const catalog of set.catalogs) {
      const names = catalog.entries.flatMap((e) => [e.code, ...(e.aliases ?? [])].map(normalizeCode));
      expect(new Set(names).size, catalog.provider).toBe(names.length);
    }
  });

  it('keeps not-found and access failures permanent, and clock failures clock-skew', () => {
    for (const { catalog, entry } of entries) {
      const at = `${catalog.provider}:${entry.code}`;
      if (/^(AccessDenied|NoSuchKey|NoSuchBucket|BlobNotFound|AuthorizationPermissionMismatch|InvalidAccessKeyId)$/.test(entry.code)) expect(entry.retry, at).toBe('permanent');
      if (/^(RequestTimeTooSkewed|Request has expired)$/.test(entry.code)) expect(entry.retry, at).toBe('clock-skew');
    }
  });
});

describe("every provider's retry classes", () => {
  const { providers: files } = readData();

  it("are read from that provider's own SDKs (sdkRetries)", () => {
    for (const p of files) expect(p.sdkRetries, `data/providers/${p.id}.json`).toBeDefined();
  });

  it('are retryable exactly when those SDKs retry a status or the code, and throttling when they call it so', () => {
    for (const p of files) {
      const rules = p.sdkRetries!;
      const throttling = { statuses: rules.throttling?.statuses ?? [], codes: rules.throttling?.codes ?? [] };
      for (const entry of p.entries) {
        const at = `${p.id}:${entry.code}`;
        // A clock failure is retried by the SDKs that correct the clock first: its own class.
        if (entry.retry === 'clock-skew' || Object.hasOwn(rules.disputed ?? {}, entry.code)) continue;
        const throttled = throttling.codes.includes(entry.code) || entry.statuses.some((s) => throttling.statuses.includes(s));
        const retried = throttled || (rules.codes ?? []).includes(entry.code) || entry.statuses.some((s) => rules.statuses.includes(s));
        expect(entry.retryable, `${at}: the SDKs ${retried ? 'retry' : 'do not retry'} it`).toBe(retried);
        if (throttled) expect(entry.retry, `${at}: the SDKs count it as throttling`).toBe('throttling');
      }
    }
  });

  it('say in the fix how the SDKs disagree where they do', () => {
    for (const p of files) {
      for (const code of Object.keys(p.sdkRetries?.disputed ?? {})) {
        const entry = p.entries.find((e) => e.code === code)!;
        expect(entry.fix, `${p.id}:${code}`).toMatch(/retr(y|ies)/i);
        expect(entry.fix, `${p.id}:${code}`).toMatch(/\bSDKs?\b|botocore/);
      }
    }
  });
});

describe('the seed references', () => {
  const rows = readFileSync(new URL('fixtures/seed-facts.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('provider\t'))
    .map((l) => l.split('\t') as [string, string, string]);

  it('has all 141 (provider, code, status) facts', () => expect(rows.length).toBe(141));

  it.each(rows)('%s %s %s resolves as an exact match with that status', async (provider, code, status) => {
    const { findings } = await lookup(code, { provider });
    const match = findings[0]!.matches[0];
    expect(match?.code).toBe(code);
    expect(match?.match).toBe('exact');
    expect(match?.statuses).toContain(Number(status));
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it('states the catalog sizes data/ has', () => {
    for (const p of providers()) {
      expect(readme, p.id).toMatch(new RegExp(`\\|\\s*\`${p.id}\`\\s*\\|[^|\\n]*\\|\\s*${p.codes}\\s*\\|`));
    }
  });
});

describe('checkProvider', () => {
  const good = { code: 'Example', statuses: [400], meaning: 'm', fix: 'f', retry: 'permanent', retryable: false, docs: 'https://example.com' };
  const doc = (entries: unknown[], extra = {}) => ({ id: 'demo', name: 'Demo', checkedAgainst: 'x', docs: 'https://example.com', entries, ...extra });

  it.each([
    ['a retryable flag that disagrees with the class', [{ ...good, retryable: true }], 'retryable must be true exactly'],
    ['two codes equal after normalisation', [good, { ...good, code: 'EXAMPLE' }], 'collides'],
    ['an alias that is another code', [good, { ...good, code: 'Other', aliases: ['example'] }], 'collides'],
    ['a status outside 100–599', [{ ...good, statuses: [99] }], 'not an HTTP status'],
    ['descending statuses', [{ ...good, statuses: [409, 403] }], 'ascending'],
    ['an empty fix', [{ ...good, fix: ' ' }], 'missing fix'],
    ['an http docs link', [{ ...good, docs: 'http://example.com' }], 'https'],
    ['an unknown retry class', [{ ...good, retry: 'sometimes' }], 'retry must be one of'],
  ])('rejects %s', (_name, list, message) => {
    expect(() => checkProvider('providers/demo.json', doc(list))).toThrow(message);
  });

  it('rejects a provider id that does not match the file name', () => {
    expect(() => checkProvider('providers/other.json', doc([good]))).toThrow('does not match the file name');
  });

  it('rejects SDK retry rules that dispute a code the file does not have, or give a status that is none', () => {
    expect(() => checkProvider('providers/demo.json', doc([good], { sdkRetries: { sdks: 's', statuses: [500], disputed: { Nope: 'n' } } }))).toThrow('unknown code "Nope"');
    expect(() => checkProvider('providers/demo.json', doc([good], { sdkRetries: { sdks: 's', statuses: ['5xx'] } }))).toThrow('sdkRetries.statuses');
  });

  it('rejects a bodiless note naming an unknown code', () => {
    expect(() => checkProvider('providers/demo.json', doc([good], { bodiless: { '404': { codes: ['Nope'], note: 'n' } } }))).toThrow('unknown code "Nope"');
  });
});
