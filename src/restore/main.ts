import { runOnRunner } from '../runtime/runner-host.js';
import { basename } from 'node:path';
import { errorText } from '../core/errors.js';
import { HttpClient } from '../core/http.js';
import type { ActionDefinition } from '../core/host.js';
import { fileIncidents, readIncidentSettings } from '../backups/incidents.js';
import type { RunOutcome } from '../core/outcome.js';
import { runRestore, type RestoreReport } from '../backups/restore.js';
import { getInputs } from './inputs.js';
import { renderRestoreSummary } from './summary.js';

export const definition: ActionDefinition = {
  name: 'restore',
  async run(host): Promise<RunOutcome> {
    const settings = getInputs(host.inputs, (secret) => host.setSecret(secret));
    const incidents = readIncidentSettings(host.inputs);
    const http = new HttpClient({ timeoutMs: settings.requestTimeoutMs, userAgent: 'threadr-ops restore' });
    const report: RestoreReport = {
      target: settings.target,
      status: 'failed',
      dryRun: settings.dryRun,
      production: settings.production,
      notes: [],
    };
    try {
      await host.log.group(`Restoring ${settings.target}${settings.dryRun ? ' (dry run)' : ''}`, () =>
        runRestore(settings, http, { log: host.log, mask: (secret) => host.setSecret(secret) }, report),
      );
    } catch (error) {
      report.status = 'failed';
      report.error = errorText(error);
    }
    try {
      const why =
        report.error ??
        (report.verification && !report.verification.ok
          ? `verification failed: ${report.verification.detail}`
          : 'failed');
      await fileIncidents(host, http, incidents, settings.environment, [
        { name: `restore drill of ${settings.target}`, down: report.status === 'failed', reason: why },
      ]);
    } finally {
      await http.close();
    }
    host.setOutput('status', report.status);
    host.setOutput(
      'restored-from',
      report.restoredFrom ? `${report.restoredFrom.id} (${new Date(report.restoredFrom.createdAt).toISOString()})` : '',
    );
    host.setOutput('rpo-seconds', report.rpoSeconds ?? '');
    host.setOutput('rto-seconds', report.rtoSeconds === undefined ? '' : report.rtoSeconds.toFixed(3));
    host.setOutput('report', JSON.stringify(report));
    await host.writeSummary(renderRestoreSummary(report));
    const from = report.restoredFrom ? ` from ${basename(report.restoredFrom.id)}` : '';
    if (report.status === 'failed') {
      const why =
        report.error ?? (report.verification ? `verification failed: ${report.verification.detail}` : 'failed');
      host.fail(`restore: ${settings.target}${from}: ${why}`);
      return {
        state: 'failure',
        title: `Restore of ${settings.target} failed: ${why}`,
        key: `restore:${settings.target}`,
      };
    }
    host.log.info(
      `${settings.target}: ${report.status}${from}; RPO ${report.rpoSeconds ?? '—'}s, RTO ${report.rtoSeconds === undefined ? '—' : `${report.rtoSeconds.toFixed(3)}s`}`,
    );
    return {
      state: 'success',
      title: `Restore of ${settings.target}: ${report.status}${from}`,
      key: `restore:${settings.target}`,
    };
  },
};

/** The runner's entry (index.ts), and what @github/local-action calls. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
