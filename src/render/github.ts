import type { Report } from '../types.js';
import { escapeForTerminal } from './escape.js';

/** GitHub's workflow-command escaping: data escapes %, CR and LF; property values also `:` and `,`. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions `::error` annotations, one per match (an error matched at one provider gives
 * one), each naming the code, the provider, the fix and the retry verdict.
 */
export function renderGithub(report: Report): string {
  const lines: string[] = [];
  for (const finding of report.findings) {
    const seen = finding.count > 1 ? ` Seen ${finding.count} times from line ${finding.line}.` : '';
    if (finding.matches.length === 0) {
      const what = finding.input.code ?? finding.input.message ?? (finding.input.status ? `HTTP ${finding.input.status}` : 'the input');
      lines.push(`::error title=${escapeProperty(`errlookup: no match for ${escapeForTerminal(what)}`)}::${escapeData(`errlookup found no catalog entry for this error.${seen}`)}`);
      continue;
    }
    for (const m of finding.matches) {
      const title = `${m.code} (${m.providerName}, HTTP ${m.statuses.join('/')})`;
      const retry = m.retryable ? `Retry: yes (${m.retry}).` : `Retry: no (${m.retry}).`;
      const body = `${m.meaning} Fix: ${m.fix} ${retry}${seen} Docs: ${m.docs}`;
      lines.push(`::error title=${escapeProperty(`errlookup: ${escapeForTerminal(title)}`)}::${escapeData(escapeForTerminal(body))}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
