/**
 * Every recogniser of every provider fires: each host and text pattern on its sample, each header
 * name, Server value, SDK or tool name, request-ID shape and body field on a line that holds it.
 * Providers are discovered from data/providers/: a new provider's clues are tested with no change here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readData } from '../src/data/read.js';
import { makeClueFinder } from '../src/input/clues.js';
import { bundledVocabulary } from '../src/vocabulary.js';

const data = readData();
/** Every provider's recognisers, and each protocol's (whose clues name no provider). */
const owners = [...data.providers.map((p) => ({ id: p.id, name: p.id, recognise: p.recognise })), ...data.protocols.map((p) => ({ id: null, name: p.id, recognise: p.recognise }))];
const clues = makeClueFinder(bundledVocabulary());
/** The providers the clues in a text name, with their reasons. */
const named = (text: string) => clues.inText(text).map((e) => `${e.provider}: ${e.reason}`);

describe.each(owners.filter((p) => p.recognise).map((p) => [p.name, p] as const))('%s', (_name, p) => {
  const r = p.recognise!;
  const id = String(p.id);
  const ofProvider = (text: string) => named(text).filter((n) => n.startsWith(`${id}: `));
  it.each([...(r.hosts ?? []), ...(r.texts ?? [])].map((c) => [c.reason, c] as const))('finds "%s" in its sample', (reason, c) => {
    expect(named(c.sample)).toContain(`${id}: ${reason}`);
  });
  it.each(Object.keys(r.headers ?? {}))('finds the header %s, as a header line and as a dict key', (header) => {
    expect(ofProvider(`< ${header}: abc123`).length).toBeGreaterThan(0);
    expect(ofProvider(`{'${header.toUpperCase()}': 'abc123'}`).length).toBeGreaterThan(0);
  });
  it.each(r.headerPrefixes ?? [])('finds another header named with the prefix %s', (prefix) => {
    expect(ofProvider(`< ${prefix}acl: private`)).toContain(`${id}: an ${prefix}* header named`);
    // One the client sent (a request line of curl -v) says nothing of who answered.
    expect(ofProvider(`> ${prefix}acl: private`)).not.toContain(`${id}: an ${prefix}* header named`);
  });
  it.each(r.server ?? [])('finds the Server value %s, however it is printed', (value) => {
    for (const line of [`Server: ${value}/1.0`, `'server': '${value}'`, `"Server":"${value}"`]) expect(ofProvider(line), line).toContain(`${id}: Server: ${r.server![0]}`);
  });
  it.each((r.names ?? []).flatMap((n) => n.words.map((w) => [w, n.reason] as const)))('finds the name %s', (word, reason) => {
    expect(named(`  at ${word} (line 12)`)).toContain(`${id}: ${reason}`);
  });
  it.each((r.requestIds ?? []).map((s) => [s.reason, s] as const))('reads the request-ID shape "%s" from its sample', (reason, s) => {
    expect(clues.ofRequestId(s.sample)).toMatchObject({ provider: p.id, reason });
  });
  it.each(r.bodyFields ?? [])('finds the body field $field, in a body and as a field an SDK printed', ({ field, reason, sample }) => {
    const value = sample ?? 'abc';
    expect(named(`<Error><Code>X</Code><${field}>${value}</${field}></Error>`)).toContain(`${id}: ${reason ?? `${field} in the error`}`);
    expect(clues.ofFields({ [field]: value }).map((e) => String(e.provider))).toContain(id);
    // A value shape it names: another value is not this clue.
    if (sample) expect(clues.ofFields({ [field]: 'abc' }).map((e) => `${e.provider}: ${e.reason}`)).not.toContain(`${id}: ${reason ?? `${field} in the error`}`);
  });
});

describe('providers exist only because a data file declares them', () => {
  const sources = (dir: URL): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(new URL(`${d.name}/`, dir)) : d.name.endsWith('.ts') || d.name.endsWith('.cts') ? [readFileSync(new URL(d.name, dir), 'utf8')] : []));
  // Comments may name a provider as an example; code may not. (The generic catalog's id, `http`, is also an input kind.)
  const code = sources(new URL('../src/', import.meta.url)).join('\n').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  it.each(data.providers.filter((p) => !p.generic).map((p) => p.id))('no source file names the provider %s', (id) => {
    expect(code).not.toMatch(new RegExp(`['"\`]${id}['"\`]`));
  });
});
