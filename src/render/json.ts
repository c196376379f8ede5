import type { Report } from '../types.js';
import { safeJson } from './escape.js';

/** Bumped only on an incompatible change to the --json document (README "JSON output"). */
export const JSON_SCHEMA_VERSION = 1;

/** The --json document: `{ "schemaVersion": 1, "findings": [...] }`, safe to print to a terminal. */
export function renderJson(report: Report): string {
  return `${safeJson({ schemaVersion: JSON_SCHEMA_VERSION, ...report })}\n`;
}
