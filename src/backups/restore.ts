import { performance } from 'node:perf_hooks';
import { ConfigurationError } from '../core/errors.js';
import type { Logger } from '../core/host.js';
import type { HttpClient } from '../core/http.js';
import { RailwayVariablesClient, type RailwayServiceRef } from '../providers/railway-variables.js';
import { UpstashBackupClient, UpstashRedisRest } from '../providers/upstash-backups.js';
import { VercelEnvClient } from '../providers/vercel-env.js';
import { archiveValues, decryptConfig, listConfigArchives, maskValue, restoreConfig, type NameDiff } from './config.js';
import { isTruthy, listDumps, pgConnection, queryValue, restoreDump, verifyDump } from './postgres.js';
import type { BackupRailwaySettings, UpstashSettings, BackupVercelSettings } from './provider-inputs.js';
import { parseRedisVerify, verifyRedis } from './redis.js';
import { selectBackup, type BackupSelector } from './select.js';

/** One restore of one target, as the restore action, the CLI and the DR drill run it. */

export const UNCONFIRMED_PRODUCTION =
  "must be 'production' to restore into production (the destination is production or the backup's own source); restore into a scratch destination instead, or confirm";

export type RestoreTarget = 'redis' | 'config' | 'postgres';

export interface RestorePlan {
  target: RestoreTarget;
  selector: BackupSelector;
  /** The destination is production (by name, or because it is the source itself). */
  production: boolean;
  /** confirm: production was given. */
  confirmed: boolean;
  dryRun: boolean;
  verify: string[];
  backupPath: string;
  environment: string;
  requestTimeoutMs: number;
  pgBinDir: string;
  redis?: { upstash: UpstashSettings; destination: string; rest?: { url: string; token: string } };
  config?: {
    identity: string;
    vercel?: BackupVercelSettings & { destinationProjectId: string };
    railway?: BackupRailwaySettings & { destination: RailwayServiceRef };
  };
  postgres?: { destinationUrl: string };
}

export interface RestoreReport {
  target: string;
  status: 'restored' | 'dry-run' | 'failed';
  dryRun: boolean;
  production: boolean;
  restoredFrom?: { id: string; createdAt: number };
  destination?: string;
  rpoSeconds?: number;
  rtoSeconds?: number;
  verification?: { ok: boolean; detail: string };
  /** Names only, per platform (config). */
  diff?: Record<string, NameDiff>;
  notes: string[];
  error?: string;
}

export interface RestoreIo {
  log: Logger;
  /** Hides a value from every log (the runner's add-mask). */
  mask: (secret: string) => void;
}

/** What one restore did; the figures RPO (age of the data restored) and RTO (time the restore and its verification took). */
export async function runRestore(
  settings: RestorePlan,
  http: HttpClient,
  io: RestoreIo,
  report: RestoreReport,
): Promise<void> {
  const timeoutMs = settings.requestTimeoutMs;
  const started = () => performance.now();
  if (settings.redis) {
    const { upstash, destination } = settings.redis;
    const client = new UpstashBackupClient({ http, timeoutMs, ...upstash });
    const source = await client.database(upstash.database);
    const backups = (await client.list(source.id))
      .filter((b) => b.state === 'completed')
      .map((b) => ({ ...b, id: b.backupId }));
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
      const result = await verifyRedis(
        new UpstashRedisRest({ http, timeoutMs, ...settings.redis.rest }),
        parseRedisVerify(settings.verify),
      );
      report.verification = {
        ok: result.ok,
        detail: `${result.keyCount} keys${result.missing.length ? `; missing: ${result.missing.join(', ')}` : ''}`,
      };
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
    io.log.info(`Restored ${chosen.id} into ${destination.label} in ${(restored.durationMs / 1000).toFixed(2)}s`);
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
  const chosen = selectBackup(
    archives,
    settings.selector,
    `the ${settings.environment} config archives in ${settings.backupPath}`,
  );
  report.restoredFrom = { id: chosen.id, createdAt: chosen.createdAt };
  report.rpoSeconds = Math.round((Date.now() - chosen.createdAt) / 1000);
  const t0 = started();
  const archive = await decryptConfig(chosen.path, config.identity);
  for (const value of archiveValues(archive)) maskValue(value, io.mask);
  const destinations: string[] = [];
  if (config.vercel) destinations.push(`Vercel ${config.vercel.destinationProjectId}`);
  if (config.railway) destinations.push(`Railway service ${config.railway.destination.serviceId}`);
  report.destination = `${destinations.join(', ')}${settings.production ? ' (production)' : ''}`;
  const result = await restoreConfig(
    archive,
    {
      vercel: config.vercel && {
        client: new VercelEnvClient({ http, timeoutMs, ...config.vercel }),
        projectId: config.vercel.destinationProjectId,
      },
      railway: config.railway && {
        client: new RailwayVariablesClient({ http, timeoutMs, ...config.railway }),
        ref: config.railway.destination,
      },
    },
    { dryRun: settings.dryRun, expected: settings.verify },
  );
  report.diff = {};
  if (result.vercel) report.diff.Vercel = result.vercel.diff;
  if (result.railway) report.diff.Railway = result.railway.diff;
  for (const [platform, diff] of Object.entries(report.diff)) logDiff(io.log, platform, diff, settings.dryRun);
  if (settings.verify.length)
    report.verification = {
      ok: result.missing.length === 0,
      detail: result.missing.length
        ? `missing: ${result.missing.join(', ')}`
        : `${settings.verify.length} expected names present`,
    };
  if (settings.dryRun) {
    report.status = report.verification && !report.verification.ok ? 'failed' : 'dry-run';
    return;
  }
  report.rtoSeconds = (performance.now() - t0) / 1000;
  report.status = report.verification && !report.verification.ok ? 'failed' : 'restored';
}

function logDiff(log: Logger, platform: string, diff: NameDiff, dryRun: boolean): void {
  const verb = dryRun ? 'would' : 'did';
  log.info(
    `${platform}: ${verb} add ${diff.add.join(', ') || 'nothing'}; ${verb} change ${diff.change.join(', ') || 'nothing'}; unchanged ${diff.same.length}; left alone ${diff.extra.join(', ') || 'none'}`,
  );
}
