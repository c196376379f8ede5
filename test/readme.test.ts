import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/spawn.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The output the README shows after a console line, up to the end of its code block. */
function shownAfter(prompt: string): string {
  const start = readme.indexOf(`${prompt}\n`);
  expect(start, `README has no "${prompt}" example`).toBeGreaterThanOrEqual(0);
  const body = readme.slice(start + prompt.length + 1);
  return body.slice(0, body.indexOf('```'));
}

const PIPED_BODY =
  '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.\nRequestId:c83039d6-b01e-0015-5ed8-17dadc000000\nTime:2023-11-15T15:26:13.0432670Z</Message></Error>';

describe('the README examples show real output', () => {
  it.each([
    ['$ errlookup ServerBusy', ['ServerBusy'], undefined],
    ['$ errlookup 503 --format short', ['503', '--format', 'short'], undefined],
    ['$ curl -sS https://myaccount.blob.core.windows.net/data/report.csv | errlookup', [], PIPED_BODY],
  ])('%s', async (prompt, args, stdin) => {
    const { stdout, code } = await runCli(args, { stdin });
    expect(code).toBe(0);
    expect(stdout).toBe(shownAfter(prompt));
  });
});
