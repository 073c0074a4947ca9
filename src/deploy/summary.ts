import { formatDuration } from '../core/duration.js';
import { details, FAIL, heading, PASS, table, WARN } from '../core/markdown.js';
import type { DeployReport } from '../release/deployer.js';

const VERDICT: Record<DeployReport['status'], string> = {
  deployed: `${PASS} Deployed`,
  'rolled-back': `${FAIL} Deploy failed, rolled back`,
  failed: `${FAIL} Deploy failed`,
  refused: `${WARN} Deploy refused`,
  cancelled: `${WARN} Deploy cancelled`,
  'dry-run': `${PASS} Dry run`,
};

export function renderDeploySummary(report: DeployReport): string {
  const parts = [
    heading(2, `${VERDICT[report.status]}: ${report.sha.slice(0, 12)} → ${report.environment}`),
    report.message,
  ];
  parts.push(
    table(
      ['Component', 'Before', 'Deployment', 'Result', 'Status reads', 'Took', 'Health', 'Rollback'],
      report.components.map((c) => [
        c.label,
        // No plan means what served could not be read: that is not a first deploy.
        report.plan === null ? 'not read' : c.before ? c.before.deploymentId : 'nothing (first deploy)',
        c.deployment ? `${c.deployment.id} (${c.deployment.state})${c.origin === 'adopted' ? ', adopted' : ''}` : '—',
        c.result,
        c.statusReads,
        formatDuration(c.durationMs),
        c.verify ? `${c.verify.verdict}: ${c.verify.detail}` : '—',
        c.restore ? `${c.restore.outcome}: ${c.restore.detail}` : '—',
      ]),
    ),
  );
  const notes = report.components.flatMap((c) => [
    ...c.notes.map((note) => `- ${c.component}: ${note}`),
    ...(c.error ? [`- ${c.component}: ${c.error}`] : []),
  ]);
  if (notes.length) parts.push(heading(3, 'What happened'), notes.join('\n'));
  for (const c of report.components) {
    for (const excerpt of c.logs ?? [])
      parts.push(details(`${c.component}: ${excerpt.title}`, codeBlock(excerpt.lines.join('\n'))));
  }
  if (report.githubDeploymentId !== null) parts.push(`GitHub deployment: ${report.githubDeploymentId}`);
  if (report.plan)
    parts.push(
      details(
        'Rollback plan (input of the rollback action)',
        '```json\n' + JSON.stringify(report.plan, null, 2) + '\n```',
      ),
    );
  return parts.join('\n\n') + '\n';
}

/** A fenced block that a log line full of backticks cannot close early. */
function codeBlock(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}
