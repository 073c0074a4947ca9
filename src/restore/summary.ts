import { formatDuration } from '../core/duration.js';
import { FAIL, heading, PASS, table, WARN } from '../core/markdown.js';
import type { RestoreReport } from '../backups/restore.js';
import { formatAge } from '../backups/select.js';

const VERDICT: Record<RestoreReport['status'], string> = {
  restored: `${PASS} Restored`,
  'dry-run': `${WARN} Dry run: nothing changed`,
  failed: `${FAIL} Restore failed`,
};

const names = (list: string[]) => (list.length ? list.map((n) => `\`${n}\``).join(', ') : '—');

export function renderRestoreSummary(report: RestoreReport): string {
  const parts = [heading(2, `${VERDICT[report.status]}: ${report.target}`)];
  if (report.error) parts.push(report.error);
  parts.push(
    table(
      ['Backup', 'Taken at', 'Destination', 'RPO (data age)', 'RTO (restore time)', 'Verification'],
      [
        [
          report.restoredFrom?.id ?? '—',
          report.restoredFrom ? new Date(report.restoredFrom.createdAt).toISOString() : '—',
          report.destination ?? '—',
          report.rpoSeconds === undefined ? '—' : `${report.rpoSeconds}s (${formatAge(report.rpoSeconds * 1000)})`,
          report.rtoSeconds === undefined
            ? '—'
            : `${report.rtoSeconds.toFixed(3)}s (${formatDuration(report.rtoSeconds * 1000)})`,
          report.verification ? `${report.verification.ok ? PASS : FAIL} ${report.verification.detail}` : '—',
        ],
      ],
    ),
  );
  for (const [platform, diff] of Object.entries(report.diff ?? {})) {
    const verb = report.dryRun ? 'Would' : 'Did';
    parts.push(
      table(
        [`${platform}`, 'Names'],
        [
          [`${verb} add`, names(diff.add)],
          [`${verb} change`, names(diff.change)],
          ['Unchanged', names(diff.same)],
          ['Left alone (not in the backup)', names(diff.extra)],
        ],
      ),
    );
  }
  if (report.notes.length) parts.push(report.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n') + '\n';
}
