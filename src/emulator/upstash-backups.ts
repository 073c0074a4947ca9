/**
 * Fake Upstash backups (docs/backups.md, "Upstash"), served by the Upstash extension: list, create,
 * restore and delete backups, daily backup on/off, plus a minimal data plane (the REST API's
 * DBSIZE, EXISTS, GET, SET, KEYS) so a restore can be verified. A backup is a snapshot of the
 * database's keys; restoring it replaces the destination's keys. Backups carry dates (seconds),
 * which tests set directly in the `upstash` state bucket to make backups of any age.
 */
import { bearerToken, json, parseJsonBody, type EmuRequest, type EmuResponse } from './extension-api.js';

export interface UpstashEmuBackup {
  backup_id: string;
  database_id: string;
  customer_id: string;
  name: string;
  /** Unix seconds. */
  creation_time: number;
  state: 'pending' | 'completed' | 'failed';
  backup_size: number;
  daily_backup: 'true' | 'false';
  hourly_backup: 'true' | 'false';
  /** The keys at the time of the backup (not part of the API's answer). */
  snapshot: Record<string, string>;
}

export interface UpstashBackupState {
  backups?: UpstashEmuBackup[];
  /** databaseId → key → value. */
  data?: Record<string, Record<string, string>>;
  /** databaseId → REST token of its data plane (`POST /upstash/redis-rest/{id}`). */
  restTokens?: Record<string, string>;
}

interface DatabaseLike {
  database_id: string;
  owner: string;
  daily_backup_enabled?: boolean;
}

type ErrorFn = (status: number, code: string, message: string) => EmuResponse;

const publicBackup = ({ snapshot: _snapshot, ...rest }: UpstashEmuBackup): Omit<UpstashEmuBackup, 'snapshot'> => rest;

/** The Developer API's backup routes, after Basic auth; undefined when the path is not one of them. */
export function handleUpstashBackups(
  req: EmuRequest,
  state: UpstashBackupState,
  visible: DatabaseLike[],
  email: string,
  now: number,
  error: ErrorFn,
): EmuResponse | undefined {
  const match =
    /^\/v2\/redis\/(list-backup|create-backup|restore-backup|delete-backup|enable-dailybackup|disable-dailybackup)\/([^/]+)(?:\/([^/]+))?$/.exec(
      req.path,
    );
  if (!match) return undefined;
  const [, operation, rawId, rawBackupId] = match;
  const method = {
    'list-backup': 'GET',
    'create-backup': 'POST',
    'restore-backup': 'POST',
    'delete-backup': 'DELETE',
    'enable-dailybackup': 'PATCH',
    'disable-dailybackup': 'PATCH',
  }[operation!];
  if (req.method !== method) return error(405, 'method_not_allowed', 'method not allowed');
  const db = visible.find((d) => d.database_id === decodeURIComponent(rawId!));
  if (!db) return error(404, 'not_found', 'database not found');
  state.backups ??= [];
  state.data ??= {};
  const backups = state.backups;
  switch (operation) {
    case 'list-backup':
      return json(200, backups.filter((b) => b.database_id === db.database_id).map(publicBackup));
    case 'create-backup': {
      let body: { name?: unknown };
      try {
        body = (parseJsonBody(req) ?? {}) as { name?: unknown };
      } catch {
        return error(400, 'bad_request', 'body is not JSON');
      }
      if (typeof body.name !== 'string' || body.name === '') return error(400, 'bad_request', 'name is required');
      const snapshot = { ...(state.data[db.database_id] ?? {}) };
      backups.push({
        backup_id: `bkp-${String(backups.length + 1).padStart(4, '0')}-${db.database_id}`,
        database_id: db.database_id,
        customer_id: email,
        name: body.name,
        creation_time: Math.floor(now / 1000),
        state: 'completed',
        backup_size: Buffer.byteLength(JSON.stringify(snapshot)),
        daily_backup: 'false',
        hourly_backup: 'false',
        snapshot,
      });
      return json(200, 'OK');
    }
    case 'restore-backup': {
      let body: { backup_id?: unknown };
      try {
        body = (parseJsonBody(req) ?? {}) as { backup_id?: unknown };
      } catch {
        return error(400, 'bad_request', 'body is not JSON');
      }
      // Backups of any database of the account: cross-database restore is UNCONFIRMED (docs/backups.md).
      const owned = new Set(visible.map((d) => d.database_id));
      const backup = backups.find((b) => b.backup_id === body.backup_id && owned.has(b.database_id));
      if (!backup) return error(404, 'not_found', 'backup not found');
      if (backup.state !== 'completed') return error(400, 'bad_request', `backup is ${backup.state}`);
      state.data[db.database_id] = { ...backup.snapshot };
      return json(200, 'OK');
    }
    case 'delete-backup': {
      const index = backups.findIndex((b) => b.backup_id === rawBackupId && b.database_id === db.database_id);
      if (index < 0) return error(404, 'not_found', 'backup not found');
      backups.splice(index, 1);
      return json(200, 'OK');
    }
    default:
      db.daily_backup_enabled = operation === 'enable-dailybackup';
      return json(200, 'OK');
  }
}

/** The data plane: `POST /redis-rest/{databaseId}` with the database's REST token and a command array. */
export function handleUpstashRest(req: EmuRequest, state: UpstashBackupState): EmuResponse | undefined {
  const match = /^\/redis-rest\/([^/]+)$/.exec(req.path);
  if (!match) return undefined;
  const id = decodeURIComponent(match[1]!);
  const token = state.restTokens?.[id];
  if (!token || bearerToken(req) !== token) return json(401, { error: 'Unauthorized' });
  if (req.method !== 'POST') return json(405, { error: 'method not allowed' });
  let command: unknown;
  try {
    command = parseJsonBody(req);
  } catch {
    return json(400, { error: 'ERR failed to parse command' });
  }
  if (!Array.isArray(command) || command.length === 0) return json(400, { error: 'ERR failed to parse command' });
  state.data ??= {};
  const keys = (state.data[id] ??= {});
  const [name, ...args] = command.map(String);
  switch (name!.toUpperCase()) {
    case 'DBSIZE':
      return json(200, { result: Object.keys(keys).length });
    case 'EXISTS':
      return json(200, { result: args.filter((k) => k in keys).length });
    case 'GET':
      return json(200, { result: keys[args[0] ?? ''] ?? null });
    case 'SET':
      keys[args[0] ?? ''] = args[1] ?? '';
      return json(200, { result: 'OK' });
    default:
      return json(400, { error: `ERR unknown command '${name}'` });
  }
}

/** Demo data: a week of daily backups (03:00 UTC) of `databaseId`, each a snapshot of a few keys. */
export function seedDemoBackups(state: UpstashBackupState, databaseId: string, email: string, now: number): void {
  const day = 86_400_000;
  const today3am = Math.floor(now / day) * day + 3 * 3_600_000;
  const newest = today3am <= now ? today3am : today3am - day;
  state.backups = Array.from({ length: 7 }, (_, i) => {
    const at = newest - (6 - i) * day;
    const snapshot = Object.fromEntries(Array.from({ length: 3 + i }, (_, k) => [`session:${k + 1}`, `demo-${k + 1}`]));
    return {
      backup_id: `bkp-demo-${new Date(at).toISOString().slice(0, 10)}`,
      database_id: databaseId,
      customer_id: email,
      name: `daily-${new Date(at).toISOString().slice(0, 10)}`,
      creation_time: Math.floor(at / 1000),
      state: 'completed' as const,
      backup_size: Buffer.byteLength(JSON.stringify(snapshot)),
      daily_backup: 'true' as const,
      hourly_backup: 'false' as const,
      snapshot,
    };
  });
  state.data = {
    [databaseId]: { ...state.backups[state.backups.length - 1]!.snapshot, 'session:new': 'since the last backup' },
  };
}
