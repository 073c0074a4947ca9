import { runOnRunner } from '../runtime/runner-host.js';
import { mkdirSync } from 'node:fs';
import { HttpClient } from '../core/http.js';
import type { ActionDefinition } from '../core/host.js';
import { backupTarget } from '../backups/backup.js';
import { fileIncidents, readIncidentSettings } from '../backups/incidents.js';
import type { TargetReport } from '../backups/report.js';
import { renderBackupSummary } from './summary.js';
import { worstLevel } from '../core/alert-level.js';
import { formatAge } from '../backups/select.js';
import type { RunOutcome } from '../core/outcome.js';
import { getInputs } from './inputs.js';
import { errorText } from '../core/errors.js';

export const definition: ActionDefinition = {
  name: 'backup',
  async run(host): Promise<RunOutcome> {
    const settings = getInputs(host.inputs, (secret) => host.setSecret(secret));
    const incidents = readIncidentSettings(host.inputs);
    if (settings.targets.some((t) => t !== 'redis')) mkdirSync(settings.outputDir, { recursive: true });
    const http = new HttpClient({ timeoutMs: settings.requestTimeoutMs, userAgent: 'threadr-ops backup' });
    const rows: TargetReport[] = [];
    try {
      for (const target of settings.targets) {
        const row = await host.log.group(`Backing up ${target}`, async () => {
          const started = Date.now();
          try {
            return await backupTarget(target, settings, http, {
              log: host.log,
              mask: (secret) => host.setSecret(secret),
            });
          } catch (error) {
            return {
              target,
              verdict: 'critical',
              notes: [errorText(error)],
              durationMs: Date.now() - started,
            } satisfies TargetReport;
          }
        });
        rows.push(row);
        const line = `${target}: ${row.verdict}${row.ageMs !== undefined ? `, newest backup ${formatAge(row.ageMs)} old` : ''}${row.notes.length ? ` (${row.notes.join('; ')})` : ''}`;
        if (row.verdict === 'critical') host.log.error(line);
        else if (row.verdict === 'warning') host.log.warn(line);
        else host.log.info(line);
      }
      const statuses = rows.map((r) => ({
        name: `${r.target} backup`,
        down: r.verdict !== 'ok',
        reason: `${r.verdict}: ${r.notes.join('; ') || 'no detail'}`,
      }));
      await fileIncidents(host, http, incidents, settings.environment, statuses);
    } finally {
      await http.close();
    }
    const status = worstLevel(rows.map((r) => r.verdict));
    const ages = rows.map((r) => r.ageMs).filter((a): a is number => a !== undefined);
    host.setOutput('status', status);
    host.setOutput('latest-backup-age', ages.length ? String(Math.round(Math.max(...ages) / 1000)) : '');
    const ids = rows.filter((r) => r.backupId);
    host.setOutput(
      'backup-id',
      ids.length === 1 ? ids[0]!.backupId! : ids.map((r) => `${r.target}=${r.backupId}`).join(','),
    );
    host.setOutput(
      'archive',
      rows
        .filter((r) => r.archive)
        .map((r) => r.archive)
        .join(','),
    );
    host.setOutput('report', JSON.stringify({ status, targets: rows }));
    await host.writeSummary(renderBackupSummary(status, rows));
    const bad = rows.filter((r) => r.verdict === status && status !== 'ok');
    const message = `backup: ${status}: ${bad.map((r) => `${r.target}: ${r.notes.join('; ') || r.verdict}`).join(' | ')}`;
    if (
      settings.failOn !== 'never' &&
      (status === 'critical' || (status === 'warning' && settings.failOn === 'warning'))
    )
      host.fail(message);
    return {
      state: status === 'ok' ? 'success' : status === 'warning' ? 'warning' : 'failure',
      title: status === 'ok' ? `Backups ok: ${settings.targets.join(', ')}` : message,
      fields: rows.map((r) => ({ title: r.target, value: `${r.verdict}, age ${formatAge(r.ageMs)}` })),
      key: `backup:${settings.environment}`,
    };
  },
};

/** The runner's entry (index.ts), and what @github/local-action calls. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
