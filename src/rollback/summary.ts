import { formatDuration } from '../core/duration.js';
import { FAIL, heading, PASS, table, WARN } from '../core/markdown.js';
import type { RollbackReport } from '../release/rollbacker.js';

const VERDICT: Record<RollbackReport['status'], string> = {
  'rolled-back': `${PASS} Rolled back`,
  'nothing-to-roll-back': `${WARN} Nothing to roll back`,
  failed: `${FAIL} Rollback needs a human`,
  cancelled: `${FAIL} Rollback cancelled`,
};

const OUTCOME: Record<string, string> = {
  restored: `${PASS} restored`,
  'not-needed': `${PASS} already serving`,
  'nothing-to-roll-back': `${WARN} nothing to roll back`,
  'needs-a-human': `${FAIL} needs a human`,
  cancelled: `${WARN} cancelled`,
};

export function renderRollbackSummary(report: RollbackReport): string {
  const parts = [
    heading(2, `${VERDICT[report.status]}: ${report.environment}`),
    report.message,
    `Reason: ${report.reason}`,
  ];
  if (report.unpin) parts.push(`> ${WARN} ${report.unpin}`);
  parts.push(
    table(
      ['Component', 'Outcome', 'Target', 'Serving now', 'Health', 'Detail'],
      report.components.map((c) => [
        c.component,
        OUTCOME[c.outcome] ?? c.outcome,
        c.target ? `${c.target.deploymentId}${c.target.sha ? ` (${c.target.sha.slice(0, 12)})` : ''}` : '—',
        c.deploymentId ?? '—',
        c.verify ? c.verify.verdict : '—',
        c.detail,
      ]),
    ),
  );
  parts.push(
    `Took ${formatDuration(report.durationMs)}${report.githubDeploymentId !== null ? `; GitHub deployment ${report.githubDeploymentId}` : ''}.`,
  );
  return parts.join('\n\n') + '\n';
}
