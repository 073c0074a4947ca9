import { FAIL, PASS, WARN, heading, table } from '../core/markdown.js';
import type { PromoteReport } from '../release/promoter.js';

const ICON = { promoted: PASS, aborted: WARN, failed: FAIL } as const;

export function renderPromoteSummary(report: PromoteReport, frontendUrl: string): string {
  return (
    [
      heading(2, `${ICON[report.status]} Promote: ${report.status}`),
      report.message,
      table(
        ['', ''],
        [
          ['Staged deployment', report.deploymentId],
          ['Commit', report.sha.slice(0, 12)],
          ['Served before', report.before ?? '–'],
          ['Production domain', report.productionUrl ?? (report.status === 'promoted' ? '– (Vercel names none)' : '–')],
          ['Frontend URL (health-checked when frontend-health-url is set)', frontendUrl || '–'],
          [
            'Health',
            report.verify
              ? `${report.verify.verdict}: ${report.verify.detail}`
              : 'not checked (no frontend-health-url)',
          ],
        ],
      ),
    ].join('\n\n') + '\n'
  );
}
