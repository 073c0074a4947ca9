import { formatDuration } from '../core/duration.js';
import { FAIL, heading, PASS, table, WARN } from '../core/markdown.js';
import type { TargetReport } from '../backups/report.js';
import { formatAge, formatSize, type BackupVerdict } from '../backups/select.js';

const VERDICT_MARK: Record<BackupVerdict, string> = { ok: PASS, warning: WARN, critical: FAIL };

/** The backup action's job summary: the worst verdict first, then one row per target. */
export function renderBackupSummary(status: BackupVerdict, rows: TargetReport[]): string {
  const parts = [heading(2, `${VERDICT_MARK[status]} Backups: ${status}`)];
  parts.push(
    table(
      ['Target', 'Verdict', 'Age', 'Size', 'Backup', 'Took', 'Notes'],
      rows.map((r) => [
        r.target,
        `${VERDICT_MARK[r.verdict]} ${r.verdict}`,
        formatAge(r.ageMs),
        formatSize(r.sizeBytes),
        r.backupId ?? '—',
        r.durationMs === undefined ? '—' : formatDuration(r.durationMs),
        r.notes.join('; ') || '—',
      ]),
    ),
  );
  for (const row of rows) {
    for (const [platform, names] of Object.entries(row.names ?? {})) {
      parts.push(`${platform} variables kept (${names.length}): ${names.map((n) => `\`${n}\``).join(', ') || 'none'}`);
    }
  }
  return parts.join('\n\n') + '\n';
}
