import type { HttpClient } from '../core/http.js';
import { errorFromResponse, jsonBody, unexpectedShape } from './errors.js';
import { readUpstashError, upstashRequest, type UpstashClientOptions } from './upstash.js';

/**
 * Upstash Developer API, Redis backups (docs/backups.md, "Upstash"): list, create and restore
 * backups, daily backup on, and the database record's `daily_backup_enabled`. Create and restore
 * answer "OK" without an id, so a new backup is found by listing again.
 */

export interface UpstashBackup {
  backupId: string;
  name: string;
  databaseId: string;
  /** Epoch ms (the API sends Unix seconds). */
  createdAt: number;
  /** pending, completed or failed. */
  state: string;
  /** Bytes (the unit is UNCONFIRMED). */
  size?: number;
  daily: boolean;
}

/** The same account credentials as the billing client's. */
export type UpstashBackupClientOptions = UpstashClientOptions;

export class UpstashBackupClient {
  readonly provider = 'upstash';
  constructor(private readonly options: UpstashBackupClientOptions) {}

  /** The database record: its id, name and whether daily backups are on. */
  async database(idOrName: string): Promise<{ id: string; name: string; dailyBackupEnabled: boolean }> {
    const list = await this.send<unknown>('GET', '/v2/redis/databases', 'list databases');
    if (!Array.isArray(list)) throw unexpectedShape(this.provider, 'list databases', 'expected an array of databases');
    const found = (list as Record<string, unknown>[]).find(
      (db) => db?.database_id === idOrName || db?.database_name === idOrName,
    );
    if (!found || typeof found.database_id !== 'string') {
      throw new Error(
        `no Upstash database '${idOrName}' in this account (databases: ${(list as Record<string, unknown>[]).map((db) => String(db?.database_name)).join(', ') || 'none'})`,
      );
    }
    return {
      id: found.database_id,
      name: typeof found.database_name === 'string' ? found.database_name : found.database_id,
      dailyBackupEnabled: found.daily_backup_enabled === true,
    };
  }

  async list(databaseId: string): Promise<UpstashBackup[]> {
    const what = `list backups of ${databaseId}`;
    const body = await this.send<unknown>('GET', `/v2/redis/list-backup/${encodeURIComponent(databaseId)}`, what);
    if (!Array.isArray(body)) throw unexpectedShape(this.provider, what, 'expected an array of backups');
    return body.map((raw, index) => {
      const b = raw as Record<string, unknown> | null;
      if (!b || typeof b.backup_id !== 'string' || typeof b.creation_time !== 'number') {
        throw unexpectedShape(this.provider, what, `[${index}] needs a string backup_id and a numeric creation_time`);
      }
      return {
        backupId: b.backup_id,
        name: typeof b.name === 'string' ? b.name : b.backup_id,
        databaseId: typeof b.database_id === 'string' ? b.database_id : databaseId,
        createdAt: b.creation_time * 1000,
        state: typeof b.state === 'string' ? b.state : 'completed',
        size: typeof b.backup_size === 'number' ? b.backup_size : undefined,
        daily: b.daily_backup === 'true' || b.daily_backup === true,
      };
    });
  }

  async create(databaseId: string, name: string): Promise<void> {
    await this.send(
      'POST',
      `/v2/redis/create-backup/${encodeURIComponent(databaseId)}`,
      `create a backup of ${databaseId}`,
      { name },
    );
  }

  /** Restores `backupId` into `databaseId` (whether it may come from another database is UNCONFIRMED). */
  async restore(databaseId: string, backupId: string): Promise<void> {
    await this.send(
      'POST',
      `/v2/redis/restore-backup/${encodeURIComponent(databaseId)}`,
      `restore backup ${backupId} into ${databaseId}`,
      { backup_id: backupId },
    );
  }

  async enableDailyBackup(databaseId: string): Promise<void> {
    await this.send(
      'PATCH',
      `/v2/redis/enable-dailybackup/${encodeURIComponent(databaseId)}`,
      `enable daily backup of ${databaseId}`,
    );
  }

  private send<T>(method: string, path: string, what: string, body?: unknown): Promise<T> {
    return upstashRequest<T>(this.options, method, path, what, body);
  }
}

/**
 * A database's data plane, the Upstash REST API (a Redis command as a JSON array POSTed to the
 * database's REST URL with its token, answered `{result}` or `{error}`): used only to verify a
 * restore (DBSIZE, EXISTS).
 */
export class UpstashRedisRest {
  constructor(
    private readonly options: { http: Pick<HttpClient, 'request'>; url: string; token: string; timeoutMs?: number },
  ) {}

  async command(args: string[]): Promise<unknown> {
    const what = `redis ${args[0]}`;
    const response = await this.options.http.request({
      method: 'POST',
      url: this.options.url,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(args),
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status < 200 || response.status >= 300)
      throw errorFromResponse('upstash-redis', what, response, readUpstashError);
    const body = jsonBody<{ result?: unknown; error?: unknown }>('upstash-redis', what, response);
    if (typeof body.error === 'string') throw new Error(`upstash-redis: ${what} failed: ${body.error}`);
    return body.result;
  }

  async dbsize(): Promise<number> {
    return Number(await this.command(['DBSIZE']));
  }

  async exists(key: string): Promise<boolean> {
    return Number(await this.command(['EXISTS', key])) > 0;
  }
}
