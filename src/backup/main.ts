import { mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import { HttpClient } from '../core/http.js';
import type { ActionDefinition, ActionHost } from '../core/host.js';
import { exportConfig } from '../backups/config.js';
import { fileIncidents, readIncidentSettings } from '../backups/incidents.js';
import { dumpPostgres, pgConnection } from '../backups/postgres.js';
import { checkRedis } from '../backups/redis.js';
import { renderBackupSummary, type TargetReport } from '../backups/report.js';
import { formatAge, formatBytes, worst } from '../backups/select.js';
import type { Outcome } from '../notify/outcome.js';
import { RailwayVariablesClient } from '../providers/railway-variables.js';
import { UpstashBackupClient } from '../providers/upstash-backups.js';
import { VercelEnvClient } from '../providers/vercel-env.js';
import { getInputs, type BackupInputs, type BackupTarget } from './inputs.js';

async function backupTarget(target: BackupTarget, settings: BackupInputs, http: HttpClient, host: ActionHost): Promise<TargetReport> {
  const timeoutMs = settings.requestTimeoutMs;
  if (target === 'redis') {
    const upstash = settings.upstash!;
    const client = new UpstashBackupClient({ http, timeoutMs, ...upstash });
    const check = await checkRedis(client, { database: upstash.database, maxAgeMs: settings.maxAgeMs, create: settings.create, enableDaily: settings.enableDailyBackup, now: Date.now });
    const shown = check.created ?? check.newest;
    host.log.info(`Redis ${check.databaseName}: daily backups ${check.dailyBackupEnabled ? 'on' : 'off'}, newest backup ${check.newest ? `${check.newest.backupId} from ${new Date(check.newest.createdAt).toISOString()}` : 'none'}`);
    return { target, verdict: check.verdict, ageMs: check.ageMs, sizeBytes: shown?.size, backupId: shown?.backupId, notes: check.notes };
  }
  if (target === 'config') {
    const now = Date.now();
    const exported = await exportConfig(
      {
        environment: settings.environment,
        mask: (value) => host.setSecret(value),
        vercel: settings.vercel && { client: new VercelEnvClient({ http, timeoutMs, ...settings.vercel }), projectId: settings.vercel.projectId, target: settings.vercelTarget },
        railway: settings.railway && { client: new RailwayVariablesClient({ http, timeoutMs, ...settings.railway }), ref: settings.railway.ref },
      },
      settings.ageRecipient!,
      settings.outputDir,
      now,
    );
    // Names only: the values exist in memory and, encrypted, in the archive.
    if (settings.vercel) host.log.info(`Vercel ${settings.vercel.projectId} (${settings.vercelTarget}): ${exported.vercelNames.join(', ') || 'no variables'}`);
    if (settings.railway) host.log.info(`Railway service ${settings.railway.ref.serviceId}: ${exported.railwayNames.join(', ') || 'no variables'}`);
    const notes = [`${exported.vercelNames.length + exported.railwayNames.length} variables encrypted to ${settings.ageRecipient!.slice(0, 12)}…`];
    if (exported.unreadable.length) notes.push(`not readable through the API (sensitive), not kept: ${exported.unreadable.join(', ')}`);
    const names: Record<string, string[]> = {};
    if (settings.vercel) names.Vercel = exported.vercelNames;
    if (settings.railway) names.Railway = exported.railwayNames;
    return { target, verdict: exported.unreadable.length ? 'warning' : 'ok', ageMs: 0, sizeBytes: exported.sizeBytes, backupId: basename(exported.file), archive: exported.file, notes, names };
  }
  const connection = pgConnection(settings.postgresUrl!);
  const dump = await dumpPostgres({ binDir: settings.pgBinDir }, connection, settings.outputDir, Date.now());
  host.log.info(`PostgreSQL ${connection.label}: ${basename(dump.file)}, ${formatBytes(dump.sizeBytes)}, sha256 ${dump.sha256}, ${dump.entries} archive entries, dumped in ${(dump.durationMs / 1000).toFixed(2)}s`);
  return {
    target,
    verdict: 'ok',
    ageMs: 0,
    sizeBytes: dump.sizeBytes,
    backupId: basename(dump.file),
    archive: dump.file,
    sha256: dump.sha256,
    durationMs: dump.durationMs,
    notes: [`verified: checksum and pg_restore --list (${dump.entries} entries)`],
  };
}

export const definition: ActionDefinition = {
  name: 'backup',
  async run(host): Promise<Outcome> {
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
            return await backupTarget(target, settings, http, host);
          } catch (error) {
            return { target, verdict: 'critical', notes: [(error as Error).message], durationMs: Date.now() - started } satisfies TargetReport;
          }
        });
        rows.push(row);
        const line = `${target}: ${row.verdict}${row.ageMs !== undefined ? `, newest backup ${formatAge(row.ageMs)} old` : ''}${row.notes.length ? ` (${row.notes.join('; ')})` : ''}`;
        if (row.verdict === 'critical') host.log.error(line);
        else if (row.verdict === 'warning') host.log.warn(line);
        else host.log.info(line);
      }
      const statuses = rows.map((r) => ({ name: `${r.target} backup`, down: r.verdict !== 'ok', reason: `${r.verdict}: ${r.notes.join('; ') || 'no detail'}` }));
      await fileIncidents(host, http, incidents, settings.environment, statuses);
    } finally {
      await http.close();
    }
    const status = worst(rows.map((r) => r.verdict));
    const ages = rows.map((r) => r.ageMs).filter((a): a is number => a !== undefined);
    host.setOutput('status', status);
    host.setOutput('latest-backup-age', ages.length ? String(Math.round(Math.max(...ages) / 1000)) : '');
    const ids = rows.filter((r) => r.backupId);
    host.setOutput('backup-id', ids.length === 1 ? ids[0]!.backupId! : ids.map((r) => `${r.target}=${r.backupId}`).join(','));
    host.setOutput('archive', rows.filter((r) => r.archive).map((r) => r.archive).join(','));
    host.setOutput('report', JSON.stringify({ status, targets: rows }));
    await host.writeSummary(renderBackupSummary(status, rows));
    const bad = rows.filter((r) => r.verdict === status && status !== 'ok');
    const message = `backup: ${status}: ${bad.map((r) => `${r.target}: ${r.notes.join('; ') || r.verdict}`).join(' | ')}`;
    if (settings.failOn !== 'never' && (status === 'critical' || (status === 'warning' && settings.failOn === 'warning'))) host.fail(message);
    return {
      state: status === 'ok' ? 'success' : status === 'warning' ? 'warning' : 'failure',
      title: status === 'ok' ? `Backups ok: ${settings.targets.join(', ')}` : message,
      fields: rows.map((r) => ({ title: r.target, value: `${r.verdict}, age ${formatAge(r.ageMs)}` })),
      key: `backup:${settings.environment}`,
    };
  },
};
