/**
 * Acceptance, Redis: the committed bundles (dist/backup, dist/restore) run as the runner runs them
 * against the emulator's Upstash Developer API, with backups whose dates the test sets.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { UpstashEmuState } from '../../src/emulator/upstash.js';
import type { UpstashEmuBackup } from '../../src/emulator/upstash-backups.js';
import { runBundle } from '../harness/runner.js';

const EMAIL = 'ops@threadr.test';
const KEY = 'upstash-backup-key-0001';
const HOUR = 3_600_000;
let emulator: Emulator;

function upstash(): UpstashEmuState {
  return emulator.control.extensionState<UpstashEmuState>('upstash');
}

function database(id: string, name: string, daily = true) {
  return {
    database_id: id,
    database_name: name,
    region: 'global',
    primary_region: 'us-east-1',
    type: 'payg' as const,
    state: 'active' as const,
    creation_time: 1_700_000_000,
    budget: 100,
    owner: EMAIL,
    daily_backup_enabled: daily,
  };
}

function backup(
  id: string,
  databaseId: string,
  createdAt: number,
  snapshot: Record<string, string> = {},
  state: UpstashEmuBackup['state'] = 'completed',
): UpstashEmuBackup {
  return {
    backup_id: id,
    database_id: databaseId,
    customer_id: EMAIL,
    name: id,
    creation_time: Math.floor(createdAt / 1000),
    state,
    backup_size: 1234,
    daily_backup: 'true',
    hourly_backup: 'false',
    snapshot,
  };
}

const credentials = () => ({
  'upstash-email': EMAIL,
  'upstash-api-key': KEY,
  'upstash-api-url': `${emulator.urls.base}/upstash`,
});

beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  Object.assign(upstash(), {
    accounts: [{ email: EMAIL, apiKey: KEY }],
    databases: [database('db-prod', 'threadr-cache'), database('db-scratch', 'threadr-scratch')],
    restTokens: { 'db-scratch': 'scratch-rest-token' },
  });
});
afterEach(async () => {
  await emulator.stop();
});

describe('backup: the age of the newest Redis backup', () => {
  test.each([
    [10, 'ok', 0, '10h0[01]m'],
    [30, 'warning', 0, '30h0[01]m'],
    [60, 'critical', 1, '2d12h'],
  ])('%ih old with max-age 26h: %s', async (hours, status, exitCode, age) => {
    upstash().backups = [
      backup('bkp-old', 'db-prod', Date.now() - 100 * HOUR),
      backup('bkp-new', 'db-prod', Date.now() - hours * HOUR),
    ];
    const run = await runBundle('backup', {
      inputs: { targets: 'redis', 'upstash-database': 'threadr-cache', ...credentials() },
    });
    expect(run.outputs.status).toBe(status);
    expect(run.exitCode).toBe(exitCode);
    const seconds = Number(run.outputs['latest-backup-age']);
    expect(seconds).toBeGreaterThanOrEqual(hours * 3600);
    expect(seconds).toBeLessThan(hours * 3600 + 120);
    expect(run.outputs['backup-id']).toBe('bkp-new');
    expect(run.summary).toMatch(new RegExp(`\\| redis \\| .* ${status} \\| ${age} \\|`));
    expect(run.masks).toContain(KEY);
    expect(run.log).not.toContain(KEY);
  });

  test('a failed newer backup does not count; daily backups that are off are turned on; create takes one now', async () => {
    upstash().databases[0]!.daily_backup_enabled = false;
    upstash().data = { 'db-prod': { a: '1', b: '2' } };
    upstash().backups = [
      backup('bkp-good', 'db-prod', Date.now() - 40 * HOUR),
      backup('bkp-failed', 'db-prod', Date.now() - HOUR, {}, 'failed'),
    ];
    const stale = await runBundle('backup', {
      inputs: { targets: 'redis', 'upstash-database': 'db-prod', 'enable-daily-backup': 'false', ...credentials() },
    });
    expect(stale.outputs.status).toBe('warning');
    expect(stale.summary).toContain('1 newer backup(s) failed');
    expect(stale.summary).toContain('daily backups are off');
    expect(upstash().databases[0]!.daily_backup_enabled).toBe(false);

    const fresh = await runBundle('backup', {
      inputs: { targets: 'redis', 'upstash-database': 'db-prod', create: 'true', ...credentials() },
    });
    expect(fresh.outputs.status).toBe('ok');
    expect(upstash().databases[0]!.daily_backup_enabled).toBe(true);
    const taken = upstash().backups!.find((b) => b.name.startsWith('threadr-ops-'))!;
    expect(fresh.outputs['backup-id']).toBe(taken.backup_id);
    expect(fresh.summary).toContain(taken.backup_id);
    expect(taken.snapshot).toEqual({ a: '1', b: '2' });
  });

  test("a wrong API key is critical with the platform's answer, and the key stays masked", async () => {
    const run = await runBundle('backup', {
      inputs: {
        targets: 'redis',
        'upstash-database': 'threadr-cache',
        ...credentials(),
        'upstash-api-key': 'wrong-key-000111',
      },
    });
    expect(run.outputs.status).toBe('critical');
    expect(run.exitCode).toBe(1);
    expect(run.errors.at(-1)).toBe(
      'backup: critical: redis: upstash: list databases failed: HTTP 401 (unauthorized): Unauthorized: wrong email or API key',
    );
    expect(run.log).not.toContain('wrong-key-000111');
  });

  test('a database with no backup at all is critical', async () => {
    const run = await runBundle('backup', {
      inputs: { targets: 'redis', 'upstash-database': 'threadr-cache', ...credentials() },
    });
    expect(run.outputs.status).toBe('critical');
    expect(run.errors.join('\n')).toContain('no backup at all');
  });
});

describe('restore: Redis by date into a scratch database', () => {
  const day = (iso: string) => Date.parse(iso);
  beforeEach(() => {
    upstash().backups = [
      backup('bkp-27-night', 'db-prod', day('2026-11-27T03:00:00Z'), { k1: 'v' }),
      backup('bkp-28-night', 'db-prod', day('2026-11-28T03:00:00Z'), { k1: 'v', k2: 'v' }),
      backup('bkp-28-noon', 'db-prod', day('2026-11-28T15:30:00Z'), { k1: 'v', k2: 'v', k3: 'v' }),
      backup('bkp-28-late-failed', 'db-prod', day('2026-11-28T23:00:00Z'), {}, 'failed'),
      backup('bkp-29-night', 'db-prod', day('2026-11-29T03:00:00Z'), { k1: 'v', k2: 'v', k3: 'v', k4: 'v' }),
    ];
  });
  const restoreInputs = (extra: Record<string, string>) => ({
    target: 'redis',
    'upstash-database': 'threadr-cache',
    destination: 'threadr-scratch',
    'dry-run': 'false',
    'redis-rest-url': `${emulator.urls.base}/upstash/redis-rest/db-scratch`,
    'redis-rest-token': 'scratch-rest-token',
    ...credentials(),
    ...extra,
  });

  test('--date picks the newest completed backup of that UTC day, restores it and verifies keys', async () => {
    const run = await runBundle('restore', { inputs: restoreInputs({ date: '2026-11-28', verify: '3\nk3' }) });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('restored');
    expect(run.outputs['restored-from']).toBe('bkp-28-noon (2026-11-28T15:30:00.000Z)');
    expect(upstash().data!['db-scratch']).toEqual({ k1: 'v', k2: 'v', k3: 'v' });
    expect(Number(run.outputs['rpo-seconds'])).toBeGreaterThanOrEqual(
      Math.floor((Date.now() - day('2026-11-28T15:30:00Z')) / 1000) - 120,
    );
    expect(Number(run.outputs['rto-seconds'])).toBeGreaterThan(0);
    expect(run.summary).toContain('3 keys');
  });

  test('a day without a backup is a clear error that lists the days there are, and nothing is restored', async () => {
    const run = await runBundle('restore', { inputs: restoreInputs({ date: '2026-11-26' }) });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.errors).toEqual([
      'restore: redis: Upstash database threadr-cache has no backup on 2026-11-26 (UTC); days with backups: 2026-11-29, 2026-11-28, 2026-11-27',
    ]);
    expect(upstash().data?.['db-scratch']).toBeUndefined();
  });

  test('verification that fails fails the restore', async () => {
    const run = await runBundle('restore', { inputs: restoreInputs({ 'backup-id': 'bkp-27-night', verify: 'k2' }) });
    expect(run.outputs.status).toBe('failed');
    expect(run.errors[0]).toContain('verification failed: 1 keys; missing: k2');
  });

  test('production needs confirm: production; a dry run changes nothing', async () => {
    const refused = await runBundle('restore', { inputs: restoreInputs({ destination: 'production' }) });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors[0]).toMatch(/^restore: input 'confirm' must be 'production'/);
    const sameDb = await runBundle('restore', { inputs: restoreInputs({ destination: 'db-prod' }) });
    expect(sameDb.errors[0]).toMatch(/^restore: redis: input 'confirm' must be 'production'/);
    const dry = await runBundle('restore', {
      inputs: restoreInputs({ destination: 'production', 'dry-run': 'true', verify: '' }),
    });
    expect(dry.outputs.status).toBe('dry-run');
    expect(dry.outputs['restored-from']).toMatch(/^bkp-29-night /);
    expect(dry.outputs['rto-seconds']).toBe('');
    expect(upstash().data?.['db-prod']).toBeUndefined();
    expect(emulator.control.requests({ method: 'POST' }).filter((r) => r.path.includes('restore-backup'))).toEqual([]);
  });
});
