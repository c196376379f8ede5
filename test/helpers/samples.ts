/**
 * The fixtures: test/fixtures/<provider>/<format>/<name>.txt, and beside each provider's folder a
 * manifest.json with a row per fixture saying where it came from and what reading it must find.
 * Folders are discovered, so a new provider's fixtures need no change here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Finding } from '../../src/index.js';

export const FIXTURES = new URL('../fixtures/', import.meta.url);

/** What reading a fixture must find. */
export interface SampleRow {
  /** The fixture, relative to its provider's folder: `<format>/<name>.txt`. */
  file: string;
  /** Where a real sample was posted (its URL), or how a hand-made one was made. */
  source: string;
  /** Output someone posted publicly, saved verbatim. */
  real?: boolean;
  note?: string;
  /** Why this input states one error more than once, with nothing to tie the statements together. */
  repeats?: string;
  /** A finding of this `provider/code/status` is among the findings (`null` for none). */
  finds?: string;
  /** The findings, exactly and in order, as `provider/code/status@line`. */
  findings?: string[];
  /** What the only finding (or, with `finds`, the one it names) says. */
  expect?: {
    provider?: string | null;
    /** The protocol the request went through (`s3-api`), and who answered in words when no provider is named. */
    protocol?: string | null;
    server?: string | null;
    code?: string | null;
    status?: number | null;
    requestId?: string | null;
    message?: string | null;
    kind?: string;
    line?: number;
    count?: number;
    /** Reasons the evidence must include. */
    evidence?: string[];
    /** A pattern the notes must match. */
    notes?: string;
    /** Codes the matches must include. */
    matches?: string[];
    /** `code:retry` pairs the matches must include. */
    matchRetry?: string[];
    clock?: 'likely' | 'unlikely' | null;
    skewSeconds?: number;
    fields?: Record<string, string>;
  };
  /** The same input read in other ways that must find the same: CRLF, a BOM, as bytes, in 7-byte chunks, cut short. */
  variants?: ('crlf' | 'bom' | 'bytes' | 'bytes-bom-crlf' | 'chunks' | 'cut-before-close' | 'cut-mid-element')[];
  /**
   * Placed among ordinary log lines (test/logs.test.ts), the findings as `provider/code/status@line`
   * (lines of the sample), when they differ from the sample's alone; `note` says why.
   */
  inLog?: string[];
}

export interface Sample extends SampleRow {
  /** The provider folder it sits in. */
  folder: string;
  /** `<folder>/<file>`, relative to test/fixtures/. */
  path: string;
  text: string;
}

/** Every fixture of every folder, with its manifest row. */
export function allSamples(): Sample[] {
  const folders = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  return folders.flatMap((folder) =>
    (JSON.parse(readFileSync(new URL(`${folder}/manifest.json`, FIXTURES), 'utf8')) as SampleRow[]).map((row) => ({
      ...row,
      folder,
      path: `${folder}/${row.file}`,
      text: readFileSync(new URL(`${folder}/${row.file}`, FIXTURES), 'utf8'),
    })),
  );
}

/** A fixture's text by its path under test/fixtures/. */
export function fixtureText(path: string): string {
  return readFileSync(new URL(path, FIXTURES), 'utf8');
}

/** A finding as `provider/code/status@line`. */
export function brief(f: Finding): string {
  return `${f.input.provider}/${f.input.code}/${f.input.status}@${f.line}`;
}
