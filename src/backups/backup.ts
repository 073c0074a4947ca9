import { basename } from 'node:path';
import type { Logger } from '../core/host.js';
import type { HttpClient } from '../core/http.js';
import { RailwayVariablesClient } from '../providers/railway-variables.js';
import { UpstashBackupClient } from '../providers/upstash-backups.js';
import { VercelEnvClient } from '../providers/vercel-env.js';
import { exportConfig } from './config.js';
import { dumpPostgres, pgConnection } from './postgres.js';
import type { BackupRailwaySettings, UpstashSettings, BackupVercelSettings } from './provider-inputs.js';
import { checkRedis } from './redis.js';
import type { TargetReport } from './report.js';
import { formatSize } from './select.js';

export const TARGETS = ['redis', 'config', 'postgres'] as const;
export type BackupTarget = (typeof TARGETS)[number];

export interface BackupPlan {
  targets: BackupTarget[];
  maxAgeMs: number;
  create: boolean;
  enableDailyBackup: boolean;
  upstash?: UpstashSettings;
  environment: string;
  vercelTarget: string;
  vercel?: BackupVercelSettings;
  railway?: BackupRailwaySettings;
  ageRecipient?: string;
  postgresUrl?: string;
  pgBinDir: string;
  outputDir: string;
  failOn: 'critical' | 'warning' | 'never';
  requestTimeoutMs: number;
}

export interface BackupIo {
  log: Logger;
  /** Hides a value from every log (the runner's add-mask). */
  mask: (secret: string) => void;
}

/** Backs up and verifies one target; what it logs holds names, never values. */
export async function backupTarget(
  target: BackupTarget,
  settings: BackupPlan,
  http: HttpClient,
  io: BackupIo,
): Promise<TargetReport> {
  const timeoutMs = settings.requestTimeoutMs;
  if (target === 'redis') {
    const upstash = settings.upstash!;
    const client = new UpstashBackupClient({ http, timeoutMs, ...upstash });
    const check = await checkRedis(client, {
      database: upstash.database,
      maxAgeMs: settings.maxAgeMs,
      create: settings.create,
      enableDaily: settings.enableDailyBackup,
      now: Date.now,
    });
    const shown = check.created ?? check.newest;
    io.log.info(
      `Redis ${check.databaseName}: daily backups ${check.dailyBackupEnabled ? 'on' : 'off'}, newest backup ${check.newest ? `${check.newest.backupId} from ${new Date(check.newest.createdAt).toISOString()}` : 'none'}`,
    );
    return {
      target,
      verdict: check.verdict,
      ageMs: check.ageMs,
      sizeBytes: shown?.size,
      backupId: shown?.backupId,
      notes: check.notes,
    };
  }
  if (target === 'config') {
    const now = Date.now();
    const exported = await exportConfig(
      {
        environment: settings.environment,
        mask: io.mask,
        vercel: settings.vercel && {
          client: new VercelEnvClient({ http, timeoutMs, ...settings.vercel }),
          projectId: settings.vercel.projectId,
          target: settings.vercelTarget,
        },
        railway: settings.railway && {
          client: new RailwayVariablesClient({ http, timeoutMs, ...settings.railway }),
          ref: settings.railway.ref,
        },
      },
      settings.ageRecipient!,
      settings.outputDir,
      now,
    );
    // Names only: the values exist in memory and, encrypted, in the archive.
    if (settings.vercel)
      io.log.info(
        `Vercel ${settings.vercel.projectId} (${settings.vercelTarget}): ${exported.vercelNames.join(', ') || 'no variables'}`,
      );
    if (settings.railway)
      io.log.info(
        `Railway service ${settings.railway.ref.serviceId}: ${exported.railwayNames.join(', ') || 'no variables'}`,
      );
    const notes = [
      `${exported.vercelNames.length + exported.railwayNames.length} variables encrypted to ${settings.ageRecipient!.slice(0, 12)}…`,
    ];
    if (exported.unreadable.length)
      notes.push(`not readable through the API (sensitive), not kept: ${exported.unreadable.join(', ')}`);
    const names: Record<string, string[]> = {};
    if (settings.vercel) names.Vercel = exported.vercelNames;
    if (settings.railway) names.Railway = exported.railwayNames;
    return {
      target,
      verdict: exported.unreadable.length ? 'warning' : 'ok',
      ageMs: 0,
      sizeBytes: exported.sizeBytes,
      backupId: basename(exported.file),
      archive: exported.file,
      notes,
      names,
    };
  }
  const connection = pgConnection(settings.postgresUrl!);
  const dump = await dumpPostgres({ binDir: settings.pgBinDir }, connection, settings.outputDir, Date.now());
  io.log.info(
    `PostgreSQL ${connection.label}: ${basename(dump.file)}, ${formatSize(dump.sizeBytes)}, sha256 ${dump.sha256}, ${dump.entries} archive entries, dumped in ${(dump.durationMs / 1000).toFixed(2)}s`,
  );
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
