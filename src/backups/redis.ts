import type { UpstashBackup, UpstashBackupClient, UpstashRedisRest } from '../providers/upstash-backups.js';
import { ageVerdict, formatAge, type BackupVerdict } from './select.js';

/** The newest usable backup of an Upstash database, how old it is, and whether daily backups are on. */

export interface RedisCheck {
  databaseId: string;
  databaseName: string;
  dailyBackupEnabled: boolean;
  /** Daily backups were off and this run turned them on. */
  enabledNow: boolean;
  /** The backup this run took, when `create` was asked. */
  created?: UpstashBackup;
  newest?: UpstashBackup;
  ageMs?: number;
  verdict: BackupVerdict;
  notes: string[];
}

export interface RedisCheckOptions {
  database: string;
  maxAgeMs: number;
  create: boolean;
  enableDaily: boolean;
  now: () => number;
}

export async function checkRedis(client: UpstashBackupClient, options: RedisCheckOptions): Promise<RedisCheck> {
  const db = await client.database(options.database);
  const notes: string[] = [];
  let enabledNow = false;
  if (!db.dailyBackupEnabled && options.enableDaily) {
    await client.enableDailyBackup(db.id);
    enabledNow = true;
    notes.push('daily backups were off: turned on');
  } else if (!db.dailyBackupEnabled) {
    notes.push('daily backups are off');
  }
  let created: UpstashBackup | undefined;
  if (options.create) {
    const before = new Set((await client.list(db.id)).map((b) => b.backupId));
    const name = `threadr-ops-${new Date(options.now()).toISOString().replace(/[:.]/g, '-')}`;
    await client.create(db.id, name);
    // Create answers "OK" without an id: the new backup is the one the list did not have.
    created = (await client.list(db.id))
      .filter((b) => !before.has(b.backupId))
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    notes.push(
      created
        ? `backup ${created.backupId} taken (${created.state})`
        : 'a backup was requested but does not appear in the list yet',
    );
  }
  const backups = await client.list(db.id);
  // Only a completed backup proves anything; a pending one is reported, not counted.
  const usable = backups.filter((b) => b.state === 'completed').sort((a, b) => b.createdAt - a.createdAt);
  const pending = backups.filter((b) => b.state === 'pending').length;
  if (pending) notes.push(`${pending} backup(s) still pending`);
  const failedNewer = backups.filter((b) => b.state === 'failed' && (!usable[0] || b.createdAt > usable[0].createdAt));
  if (failedNewer.length) notes.push(`${failedNewer.length} newer backup(s) failed`);
  const newest = usable[0];
  const ageMs = newest ? Math.max(0, options.now() - newest.createdAt) : undefined;
  let verdict = ageVerdict(ageMs, options.maxAgeMs);
  if (!newest) notes.push('no backup at all');
  else if (verdict !== 'ok')
    notes.push(`newest backup is ${formatAge(ageMs)} old (max ${formatAge(options.maxAgeMs)})`);
  if (!db.dailyBackupEnabled && !enabledNow && verdict === 'ok') verdict = 'warning';
  return {
    databaseId: db.id,
    databaseName: db.name,
    dailyBackupEnabled: db.dailyBackupEnabled || enabledNow,
    enabledNow,
    created,
    newest,
    ageMs,
    verdict,
    notes,
  };
}

/** `verify` for Redis: an integer is the least key count; other lines are keys that must exist. */
export interface RedisVerify {
  minKeys?: number;
  keys: string[];
}

export function parseRedisVerify(lines: string[]): RedisVerify {
  const result: RedisVerify = { keys: [] };
  for (const line of lines) {
    if (/^\d+$/.test(line)) result.minKeys = Number(line);
    else result.keys.push(line);
  }
  return result;
}

export async function verifyRedis(
  rest: UpstashRedisRest,
  verify: RedisVerify,
): Promise<{ ok: boolean; keyCount: number; missing: string[] }> {
  const keyCount = await rest.dbsize();
  const missing: string[] = [];
  for (const key of verify.keys) if (!(await rest.exists(key))) missing.push(key);
  return {
    ok: missing.length === 0 && (verify.minKeys === undefined || keyCount >= verify.minKeys),
    keyCount,
    missing,
  };
}
