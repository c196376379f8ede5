import type { Report } from '../types.js';
import { escapeForTerminal } from './escape.js';

/** GitHub's workflow-command escaping: data escapes %, CR and LF; property values also `:` and `,`. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions `::error` annotations, one per finding, each naming the code, the provider and the fix. */
export function renderGithub(report: Report): string {
  const lines: string[] = [];
  for (const finding of report.findings) {
    const best = finding.matches[0];
    const seen = finding.count > 1 ? ` (seen ${finding.count} times)` : '';
    if (!best) {
      const what = finding.input.code ?? (finding.input.status ? `HTTP ${finding.input.status}` : 'input');
      lines.push(`::error title=${escapeProperty(`errlookup: no match for ${escapeForTerminal(what)}`)}::${escapeData('errlookup found no catalog entry for this error.')}`);
      continue;
    }
    const title = `${best.code} (${best.providerName}, HTTP ${best.statuses.join('/')})`;
    const retry = best.retryable ? `Retry: yes (${best.retry}).` : `Retry: no (${best.retry}).`;
    const body = `${best.meaning} Fix: ${best.fix} ${retry}${seen} Docs: ${best.docs}`;
    lines.push(`::error title=${escapeProperty(`errlookup: ${escapeForTerminal(title)}`)}::${escapeData(escapeForTerminal(body))}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
