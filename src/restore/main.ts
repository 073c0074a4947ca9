import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigurationError } from '../core/errors.js';
import { HttpClient } from '../core/http.js';
import type { ActionDefinition, ActionHost } from '../core/host.js';
import { fileIncidents, readIncidentSettings } from '../backups/incidents.js';
import { archiveValues, decryptConfig, listConfigArchives, maskValue, restoreConfig, type NameDiff } from '../backups/config.js';
import { isTruthy, listDumps, pgConnection, queryValue, restoreDump, verifyDump } from '../backups/postgres.js';
import { parseRedisVerify, verifyRedis } from '../backups/redis.js';
import { selectBackup } from '../backups/select.js';
import type { Outcome } from '../notify/outcome.js';
import { RailwayVariablesClient } from '../providers/railway-variables.js';
import { UpstashBackupClient, UpstashRedisRest } from '../providers/upstash-backups.js';
import { VercelEnvClient } from '../providers/vercel-env.js';
import { getInputs, UNCONFIRMED_PRODUCTION, type RestoreInputs } from './inputs.js';
import { renderRestoreSummary, type RestoreReport } from './summary.js';

/** What one restore did; the figures RPO (age of the data restored) and RTO (time the restore and its verification took). */
async function restore(settings: RestoreInputs, http: HttpClient, host: ActionHost, report: RestoreReport): Promise<void> {
  const timeoutMs = settings.requestTimeoutMs;
  const started = () => performance.now();
  if (settings.redis) {
    const { upstash, destination } = settings.redis;
    const client = new UpstashBackupClient({ http, timeoutMs, ...upstash });
    const source = await client.database(upstash.database);
    const backups = (await client.list(source.id)).filter((b) => b.state === 'completed').map((b) => ({ ...b, id: b.backupId }));
    const chosen = selectBackup(backups, settings.selector, `Upstash database ${source.name}`);
    const target = destination === upstash.database ? source : await client.database(destination);
    // A destination named by id when the source was named by name (or the reverse) is still the source.
    if (target.id === source.id && !settings.production) {
      settings.production = true;
      report.production = true;
      if (!settings.dryRun && !settings.confirmed) throw new ConfigurationError('confirm', UNCONFIRMED_PRODUCTION);
    }
    report.restoredFrom = { id: chosen.id, createdAt: chosen.createdAt };
    report.destination = `Upstash database ${target.name}${settings.production ? ' (production)' : ''}`;
    report.rpoSeconds = Math.round((Date.now() - chosen.createdAt) / 1000);
    if (settings.dryRun) {
      report.status = 'dry-run';
      report.notes.push(`would restore backup ${chosen.id} into ${target.name}`);
      return;
    }
    const t0 = started();
    await client.restore(target.id, chosen.id);
    if (settings.redis.rest && settings.verify.length) {
      const result = await verifyRedis(new UpstashRedisRest({ http, timeoutMs, ...settings.redis.rest }), parseRedisVerify(settings.verify));
      report.verification = { ok: result.ok, detail: `${result.keyCount} keys${result.missing.length ? `; missing: ${result.missing.join(', ')}` : ''}` };
    }
    report.rtoSeconds = (performance.now() - t0) / 1000;
    report.status = report.verification && !report.verification.ok ? 'failed' : 'restored';
    return;
  }
  if (settings.postgres) {
    const tools = { binDir: settings.pgBinDir };
    const dumps = listDumps(settings.backupPath);
    const chosen = selectBackup(dumps, settings.selector, `the PostgreSQL backups in ${settings.backupPath}`);
    const destination = pgConnection(settings.postgres.destinationUrl);
    report.restoredFrom = { id: chosen.id, createdAt: chosen.createdAt };
    report.destination = `PostgreSQL ${destination.label}${settings.production ? ' (production)' : ''}`;
    report.rpoSeconds = Math.round((Date.now() - chosen.createdAt) / 1000);
    const t0 = started();
    const check = await verifyDump(tools, chosen.path);
    report.notes.push(`dump verified: sha256 ${check.sha256.slice(0, 16)}…, ${check.entries} archive entries`);
    if (settings.dryRun) {
      report.status = 'dry-run';
      report.notes.push(`would restore ${chosen.id} into ${destination.label}`);
      return;
    }
    const restored = await restoreDump(tools, chosen.path, destination);
    report.notes.push(`pg_restore took ${restored.durationMs.toFixed(0)}ms`);
    host.log.info(`Restored ${chosen.id} into ${destination.label} in ${(restored.durationMs / 1000).toFixed(2)}s`);
    if (settings.verify.length) {
      const sql = settings.verify.join('\n');
      const value = await queryValue(tools, destination, sql);
      report.verification = { ok: isTruthy(value), detail: `verify query returned '${value.slice(0, 80)}'` };
    }
    report.rtoSeconds = (performance.now() - t0) / 1000;
    report.status = report.verification && !report.verification.ok ? 'failed' : 'restored';
    return;
  }
  const config = settings.config!;
  const archives = listConfigArchives(settings.backupPath, settings.environment);
  const chosen = selectBackup(archives, settings.selector, `the ${settings.environment} config archives in ${settings.backupPath}`);
  report.restoredFrom = { id: chosen.id, createdAt: chosen.createdAt };
  report.rpoSeconds = Math.round((Date.now() - chosen.createdAt) / 1000);
  const t0 = started();
  const archive = await decryptConfig(chosen.path, config.identity);
  for (const value of archiveValues(archive)) maskValue(value, (secret) => host.setSecret(secret));
  const destinations: string[] = [];
  if (config.vercel) destinations.push(`Vercel ${config.vercel.destinationProjectId}`);
  if (config.railway) destinations.push(`Railway service ${config.railway.destination.serviceId}`);
  report.destination = `${destinations.join(', ')}${settings.production ? ' (production)' : ''}`;
  const result = await restoreConfig(
    archive,
    {
      vercel: config.vercel && { client: new VercelEnvClient({ http, timeoutMs, ...config.vercel }), projectId: config.vercel.destinationProjectId },
      railway: config.railway && { client: new RailwayVariablesClient({ http, timeoutMs, ...config.railway }), ref: config.railway.destination },
    },
    { dryRun: settings.dryRun, expected: settings.verify },
  );
  report.diff = {};
  if (result.vercel) report.diff.Vercel = result.vercel.diff;
  if (result.railway) report.diff.Railway = result.railway.diff;
  for (const [platform, diff] of Object.entries(report.diff)) logDiff(host, platform, diff, settings.dryRun);
  if (settings.verify.length) report.verification = { ok: result.missing.length === 0, detail: result.missing.length ? `missing: ${result.missing.join(', ')}` : `${settings.verify.length} expected names present` };
  if (settings.dryRun) {
    report.status = report.verification && !report.verification.ok ? 'failed' : 'dry-run';
    return;
  }
  report.rtoSeconds = (performance.now() - t0) / 1000;
  report.status = report.verification && !report.verification.ok ? 'failed' : 'restored';
}

function logDiff(host: ActionHost, platform: string, diff: NameDiff, dryRun: boolean): void {
  const verb = dryRun ? 'would' : 'did';
  host.log.info(`${platform}: ${verb} add ${diff.add.join(', ') || 'nothing'}; ${verb} change ${diff.change.join(', ') || 'nothing'}; unchanged ${diff.same.length}; left alone ${diff.extra.join(', ') || 'none'}`);
}

export const definition: ActionDefinition = {
  name: 'restore',
  async run(host): Promise<Outcome> {
    const settings = getInputs(host.inputs, (secret) => host.setSecret(secret));
    const incidents = readIncidentSettings(host.inputs);
    const http = new HttpClient({ timeoutMs: settings.requestTimeoutMs, userAgent: 'threadr-ops restore' });
    const report: RestoreReport = { target: settings.target, status: 'failed', dryRun: settings.dryRun, production: settings.production, notes: [] };
    try {
      await host.log.group(`Restoring ${settings.target}${settings.dryRun ? ' (dry run)' : ''}`, () => restore(settings, http, host, report));
    } catch (error) {
      report.status = 'failed';
      report.error = error instanceof ConfigurationError ? error.message : (error as Error).message;
    }
    try {
      const why = report.error ?? (report.verification && !report.verification.ok ? `verification failed: ${report.verification.detail}` : 'failed');
      await fileIncidents(host, http, incidents, settings.environment, [{ name: `restore drill of ${settings.target}`, down: report.status === 'failed', reason: why }]);
    } finally {
      await http.close();
    }
    host.setOutput('status', report.status);
    host.setOutput('restored-from', report.restoredFrom ? `${report.restoredFrom.id} (${new Date(report.restoredFrom.createdAt).toISOString()})` : '');
    host.setOutput('rpo-seconds', report.rpoSeconds ?? '');
    host.setOutput('rto-seconds', report.rtoSeconds === undefined ? '' : report.rtoSeconds.toFixed(3));
    host.setOutput('report', JSON.stringify(report));
    await host.writeSummary(renderRestoreSummary(report));
    const from = report.restoredFrom ? ` from ${basename(report.restoredFrom.id)}` : '';
    if (report.status === 'failed') {
      const why = report.error ?? (report.verification ? `verification failed: ${report.verification.detail}` : 'failed');
      host.fail(`restore: ${settings.target}${from}: ${why}`);
      return { state: 'failure', title: `Restore of ${settings.target} failed: ${why}`, key: `restore:${settings.target}` };
    }
    host.log.info(`${settings.target}: ${report.status}${from}; RPO ${report.rpoSeconds ?? '—'}s, RTO ${report.rtoSeconds === undefined ? '—' : `${report.rtoSeconds.toFixed(3)}s`}`);
    return { state: 'success', title: `Restore of ${settings.target}: ${report.status}${from}`, key: `restore:${settings.target}` };
  },
};
