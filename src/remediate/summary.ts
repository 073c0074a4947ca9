import { FAIL, heading, PASS, table, WARN } from '../core/markdown.js';
import type { RemediationReport } from '../remediation/remediate.js';

const STATUS = { applied: `${PASS} applied`, skipped: `${WARN} skipped`, failed: `${FAIL} failed` } as const;
const show = (value: unknown) => (value === undefined ? '—' : `\`${JSON.stringify(value)}\``);

export function renderRemediationSummary(report: RemediationReport): string {
  const title = `${report.revert ? 'Revert' : 'Remediation'}${report.dryRun ? ' (dry run)' : ''}: ${report.environment}`;
  const parts = [
    heading(2, title),
    table(
      ['Action', 'Outcome', 'Target', 'From', 'To', 'Why / undo'],
      report.results.map((r) => [
        r.kind,
        STATUS[r.status],
        r.target ?? '—',
        show(r.from),
        show(r.readBack ?? r.to),
        r.why ?? (r.undo ? `\`${r.undo}\`` : ''),
      ]),
    ),
  ];
  if (report.issue !== null) parts.push(`Recorded on issue #${report.issue}.`);
  return parts.join('\n\n');
}
