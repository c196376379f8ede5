/**
 * Reads data/ from disk and checks it: what the build packs, and what tests and a run from source
 * use directly. A packed build never calls this (src/pack.ts, src/vocabulary.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { checkData, checkFields, checkFormat, checkProtocols, checkProvider } from './check.js';
import type { Data } from './types.js';

/** data/, beside src/ in the repo. */
export const DATA_DIR = new URL('../../data/', import.meta.url);

function readJson(dir: URL, file: string): unknown {
  return JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
}

/** The ids of data/formats.json's order, then any format it does not list (none, a test checks). */
function formatOrder(dir: URL): string[] {
  const { order } = readJson(dir, 'formats.json') as { order: string[] };
  return order;
}

/** Every file of data/, checked: providers (generic ones last) and formats in their reading order. */
export function readData(dir: URL = DATA_DIR): Data {
  const jsonFiles = (sub: string) => readdirSync(new URL(`${sub}/`, dir)).filter((f) => f.endsWith('.json')).sort();
  const providers = jsonFiles('providers').map((f) => checkProvider(`providers/${f}`, readJson(dir, `providers/${f}`)));
  providers.sort((a, b) => Number(a.generic ?? false) - Number(b.generic ?? false));
  const byId = new Map(jsonFiles('formats').map((f) => [f.slice(0, -5), checkFormat(`formats/${f}`, readJson(dir, `formats/${f}`))]));
  const order = formatOrder(dir);
  for (const id of byId.keys()) if (!order.includes(id)) throw new Error(`data/formats.json: the order does not list "${id}"`);
  const formats = order.map((id) => {
    const f = byId.get(id);
    if (!f) throw new Error(`data/formats.json: "${id}" has no file data/formats/${id}.json`);
    return f;
  });
  return checkData({ providers, protocols: checkProtocols(readJson(dir, 'protocols.json')), formats, fields: checkFields(readJson(dir, 'fields.json')) });
}
