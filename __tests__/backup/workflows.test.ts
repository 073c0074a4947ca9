/**
 * Acceptance: the DR drill (.github/workflows/dr-drill.yml) and backup.yml run locally through
 * `threadr-ops workflow` (the CLI bundle) against the emulator (Upstash backups, Vercel and
 * Railway variables, GitHub issues) and a real PostgreSQL cluster, and reports RPO and RTO.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import type { ConfigVarsEmuState } from '../../src/emulator/config-vars.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { UpstashEmuState } from '../../src/emulator/upstash.js';
import { ROOT } from '../harness/runner.js';
import { postgresBinDir, startCluster, type PgCluster } from './pg-cluster.js';

const binDir = postgresBinDir();
let emulator: Emulator;
let cluster: PgCluster;
let workspace: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  if (!binDir) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  emulator = await startEmulator({ port: 0 });
  emulator.control.addGithubToken('ghs_dr_drill');
  emulator.control.addVercelToken('vercel_dr_token');
  emulator.control.addRailwayAccountToken('railway_dr_token');
  const db = (id: string, name: string) => ({
    database_id: id,
    database_name: name,
    region: 'global',
    primary_region: 'us-east-1',
    type: 'payg' as const,
    state: 'active' as const,
    creation_time: 1_700_000_000,
    budget: 0,
    owner: 'ops@threadr.test',
    daily_backup_enabled: true,
  });
  const snapshot = { 'session:1': 'a', 'session:2': 'b', 'rate:api': '7' };
  Object.assign(emulator.control.extensionState<UpstashEmuState>('upstash'), {
    accounts: [{ email: 'ops@threadr.test', apiKey: 'upstash-dr-key' }],
    databases: [db('db-prod', 'threadr-cache'), db('db-scratch', 'threadr-drill')],
    restTokens: { 'db-scratch': 'drill-rest-token' },
    backups: [
      {
        backup_id: 'bkp-yesterday',
        database_id: 'db-prod',
        customer_id: 'ops@threadr.test',
        name: 'daily',
        creation_time: Math.floor((Date.now() - 20 * HOUR) / 1000),
        state: 'completed',
        backup_size: 42,
        daily_backup: 'true',
        hourly_backup: 'false',
        snapshot,
      },
    ],
  });
  const now = Date.now();
  Object.assign(emulator.control.extensionState<ConfigVarsEmuState>('config-vars'), {
    vercelEnv: {
      prj_web: [
        {
          id: 'env_1',
          key: 'OPENAI_API_KEY',
          value: 'sk-drill-secret',
          type: 'encrypted',
          target: ['production'],
          createdAt: now,
          updatedAt: now,
        },
      ],
      prj_drill: [],
    },
    railwayVariables: {
      'rw-p/rw-prod/rw-api': { DATABASE_URL: 'postgres://drill-secret' },
      'rw-p/rw-drill/rw-api': {},
    },
  });
  cluster = await startCluster(binDir);
  cluster.psql('postgres', 'create database threadr');
  cluster.psql('postgres', 'create database drill');
  cluster.psql(
    'threadr',
    "create table users (id int primary key, email text); insert into users select g, g || '@threadr.test' from generate_series(1, 1000) g;",
  );
  workspace = mkdtempSync(join(tmpdir(), 'dr-drill-'));
}, 180_000);

afterAll(async () => {
  await emulator?.stop();
  cluster?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

function workflow(
  args: string[],
  env: Record<string, string>,
  file = 'dr-drill.yml',
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const node = process.env.THREADR_TEST_NODE ?? process.execPath;
  const child = spawn(
    node,
    [join(ROOT, 'bin', 'threadr-ops.js'), 'workflow', join(ROOT, '.github', 'workflows', file), '--verbose', ...args],
    {
      cwd: workspace,
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_TOKEN: 'ghs_dr_drill',
        GITHUB_API_URL: emulator.urls.github,
        GITHUB_REPOSITORY: 'threadr/threadr',
        GITHUB_SHA: 'd'.repeat(40),
        ...env,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((done) => child.on('close', (code) => done({ code, stderr, stdout })));
}

describe('dr-drill.yml, run locally', () => {
  test('restores redis, config and postgres into scratch destinations, verifies them and reports RPO and RTO', async () => {
    const identity = await generateIdentity();
    const secrets = {
      UPSTASH_API_URL: `${emulator.urls.base}/upstash`,
      VERCEL_API_URL: emulator.urls.vercel,
      RAILWAY_API_URL: emulator.urls.railwayGraphql,
      UPSTASH_EMAIL: 'ops@threadr.test',
      UPSTASH_API_KEY: 'upstash-dr-key',
      REDIS_SCRATCH_REST_URL: `${emulator.urls.base}/upstash/redis-rest/db-scratch`,
      REDIS_SCRATCH_REST_TOKEN: 'drill-rest-token',
      AGE_IDENTITY: identity,
      DATABASE_URL: cluster.url('threadr'),
      POSTGRES_SCRATCH_URL: cluster.url('drill'),
      VERCEL_TOKEN: 'vercel_dr_token',
      VERCEL_PROJECT_ID: 'prj_web',
      RAILWAY_API_TOKEN: 'railway_dr_token',
      RAILWAY_PROJECT_ID: 'rw-p',
      RAILWAY_SERVICE_ID: 'rw-api',
    };
    const inputs = {
      'upstash-database': 'threadr-cache',
      'redis-scratch-database': 'threadr-drill',
      'redis-verify': '3\nsession:1',
      'config-destination': 'vercel=prj_drill\nrailway=rw-p/rw-drill/rw-api',
      'railway-environment-id': 'rw-prod',
      'config-verify': 'OPENAI_API_KEY,DATABASE_URL',
      'postgres-verify': 'select count(*) = 1000 from users',
      'age-recipient': await identityToRecipient(identity),
      'pg-bin-dir': binDir!,
    };
    const args = [
      ...Object.entries(inputs).flatMap(([name, value]) => ['--input', `${name}=${value}`]),
      ...Object.keys(secrets).flatMap((name) => ['--secret', name]),
    ];
    const run = await workflow(args, secrets);
    const log = `${run.stdout}\n${run.stderr}`;
    expect(log).not.toMatch(/error: [\w-]+: input '/);
    expect(run.stderr).toMatch(/Jobs: drill success/);
    expect(run.code).toBe(0);
    const lines = [...log.matchAll(/DR drill (redis|config|postgres): restored, RPO (\d+)s, RTO (\d+\.\d{3})s/g)].map(
      (m) => ({ target: m[1], rpo: Number(m[2]), rto: Number(m[3]) }),
    );
    expect(lines.map((l) => l.target)).toEqual(['redis', 'config', 'postgres']);
    const redis = lines[0]!;
    // The Redis backup was 20 hours old; config and PostgreSQL were taken by the drill itself.
    expect(redis.rpo).toBeGreaterThanOrEqual(20 * 3600);
    expect(redis.rpo).toBeLessThan(20 * 3600 + 300);
    for (const line of lines) expect(line.rto).toBeGreaterThan(0);
    expect(log).toContain('| redis | restored | ');
    expect(emulator.control.extensionState<UpstashEmuState>('upstash').data!['db-scratch']).toEqual({
      'session:1': 'a',
      'session:2': 'b',
      'rate:api': '7',
    });
    expect(
      emulator.control.extensionState<ConfigVarsEmuState>('config-vars').railwayVariables['rw-p/rw-drill/rw-api'],
    ).toEqual({ DATABASE_URL: 'postgres://drill-secret' });
    expect(cluster.psql('drill', 'select count(*) from users')).toBe('1000');
    for (const value of ['sk-drill-secret', 'postgres://drill-secret', cluster.password, identity])
      expect(log).not.toContain(value);
    process.stdout.write(
      `DR drill locally: ${lines.map((l) => `${l.target} RPO ${l.rpo}s RTO ${l.rto}s`).join('; ')}\n`,
    );
  }, 180_000);
});

describe('backup.yml, run locally', () => {
  const secrets = () => ({
    UPSTASH_API_URL: `${emulator.urls.base}/upstash`,
    VERCEL_API_URL: emulator.urls.vercel,
    RAILWAY_API_URL: emulator.urls.railwayGraphql,
    UPSTASH_EMAIL: 'ops@threadr.test',
    UPSTASH_API_KEY: 'upstash-dr-key',
    DATABASE_URL: cluster.url('threadr'),
    VERCEL_TOKEN: 'vercel_dr_token',
    VERCEL_PROJECT_ID: 'prj_web',
    RAILWAY_API_TOKEN: 'railway_dr_token',
    RAILWAY_PROJECT_ID: 'rw-p',
    RAILWAY_SERVICE_ID: 'rw-api',
  });
  const secretArgs = () => Object.keys(secrets()).flatMap((name) => ['--secret', name]);

  test('the daily cron takes a Redis backup, judges its age and uploads a verified PostgreSQL dump', async () => {
    const before = emulator.control.extensionState<UpstashEmuState>('upstash').backups!.length;
    const run = await workflow(
      [
        '--schedule',
        '0 3 * * *',
        '--input',
        'upstash-database=threadr-cache',
        '--input',
        `pg-bin-dir=${binDir}`,
        ...secretArgs(),
      ],
      secrets(),
      'backup.yml',
    );
    const log = `${run.stdout}\n${run.stderr}`;
    expect(log).not.toMatch(/error: [\w-]+: input '/);
    expect(run.stderr).toMatch(/Jobs: daily success, config skipped/);
    expect(emulator.control.extensionState<UpstashEmuState>('upstash').backups!.length).toBe(before + 1);
    expect(log).toMatch(/\| redis \| ✅ ok \|/);
    expect(log).toMatch(/\| postgres \| ✅ ok \|/);
    expect(log).not.toContain(cluster.password);
  }, 120_000);

  test('the weekly cron exports the configuration as an encrypted artifact; values appear nowhere', async () => {
    const recipient = await identityToRecipient(await generateIdentity());
    const run = await workflow(
      [
        '--schedule',
        '0 4 * * 1',
        '--input',
        `age-recipient=${recipient}`,
        '--input',
        'railway-environment-id=rw-prod',
        ...secretArgs(),
      ],
      secrets(),
      'backup.yml',
    );
    const log = `${run.stdout}\n${run.stderr}`;
    expect(log).not.toMatch(/error: [\w-]+: input '/);
    expect(run.stderr).toMatch(/Jobs: daily skipped, config success/);
    expect(log).toContain('OPENAI_API_KEY');
    for (const value of ['sk-drill-secret', 'postgres://drill-secret']) expect(log).not.toContain(value);
  }, 120_000);
});
