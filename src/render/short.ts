import type { Report } from '../types.js';
import { escapeForTerminal } from './escape.js';

/** One line per match, errno/perror style: `provider code status(es) retry-class`. Codes with spaces keep them. */
export function renderShort(report: Report): string {
  const lines: string[] = [];
  for (const finding of report.findings) {
    for (const m of finding.matches) {
      lines.push([m.provider, escapeForTerminal(m.code).replace(/ /g, '_'), m.statuses.join(','), m.retry].join(' '));
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
