/**
 * Acceptance, PostgreSQL (real, from Debian's packages): a database with 100,000 rows is dumped by
 * the committed backup bundle, restored by the restore bundle into a second database and verified;
 * the times are printed. A corrupted dump fails verification with a message.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sha256File } from '../../src/backups/postgres.js';
import { runBundle } from '../harness/runner.js';
import { postgresBinDir, startCluster, type PgCluster } from './pg-cluster.js';

const binDir = postgresBinDir();
let cluster: PgCluster;
// The job's workspace (GITHUB_WORKSPACE): dumps are written inside it, as on a runner.
let workspace: string;
let dir: string;
const ROWS = 100_000;
// Content fingerprint of the table, compared between source and restored copy.
const FINGERPRINT =
  "select count(*) || ':' || sum(id) || ':' || md5(string_agg(id || title || body || created_at::text, ',' order by id)) from threads";

beforeAll(async () => {
  if (!binDir)
    throw new Error(
      'PostgreSQL is not installed (apt-get install postgresql): /usr/lib/postgresql/<version>/bin is missing',
    );
  cluster = await startCluster(binDir);
  cluster.psql('postgres', 'create database threadr');
  cluster.psql('postgres', 'create database scratch');
  cluster.psql(
    'threadr',
    `create table threads (id bigint primary key, title text not null, body text not null, created_at timestamptz not null);
    insert into threads select g, 'thread ' || g, md5(g::text), timestamptz '2026-01-01' + g * interval '1 minute' from generate_series(1, ${ROWS}) g;
    create index threads_created on threads (created_at);`,
  );
  workspace = mkdtempSync(join(tmpdir(), 'pg-backups-'));
  dir = join(workspace, 'threadr-backups');
}, 180_000);

afterAll(() => {
  cluster?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

describe('postgres: pg_dump → verify → pg_restore into a second database → verify', () => {
  let dump: string;

  test(`${ROWS} rows: dumped, checksummed, verified, restored and verified, with times`, async () => {
    const backup = await runBundle('backup', {
      cwd: workspace,
      inputs: { targets: 'postgres', 'postgres-url': cluster.url('threadr'), 'pg-bin-dir': binDir!, 'output-dir': dir },
      timeoutMs: 170_000,
    });
    expect(backup.errors).toEqual([]);
    expect(backup.outputs.status).toBe('ok');
    dump = backup.outputs.archive!;
    expect(basename(dump)).toMatch(/^threadr-pg-\d{8}T\d{6}Z\.dump$/);
    const report = JSON.parse(backup.outputs.report!) as {
      targets: { sha256: string; durationMs: number; sizeBytes: number }[];
    };
    expect(readFileSync(`${dump}.sha256`, 'utf8')).toBe(`${report.targets[0]!.sha256}  ${basename(dump)}\n`);
    expect(await sha256File(dump)).toBe(report.targets[0]!.sha256);
    expect(backup.summary).toMatch(/\| postgres \| ✅ ok \| 0m \| [\d.]+ (KiB|MiB) \| threadr-pg-/);
    expect(backup.log).toMatch(/dumped in \d+\.\d\ds/);
    // The password went to pg_dump in PGPASSWORD: it is masked and appears in no log line.
    expect(backup.masks).toContain(cluster.url('threadr'));
    expect(backup.masks).toContain(cluster.password);
    expect(backup.log).not.toContain(cluster.password);

    const restore = await runBundle('restore', {
      cwd: workspace,
      inputs: {
        target: 'postgres',
        'backup-path': dir,
        destination: cluster.url('scratch'),
        'dry-run': 'false',
        'pg-bin-dir': binDir!,
        verify: `select count(*) = ${ROWS} and sum(id) = ${(ROWS * (ROWS + 1)) / 2} from threads`,
      },
      timeoutMs: 170_000,
    });
    expect(restore.errors).toEqual([]);
    expect(restore.outputs.status).toBe('restored');
    expect(restore.outputs['restored-from']).toContain(basename(dump));
    expect(restore.summary).toContain("✅ verify query returned 't'");
    expect(restore.log).not.toContain(cluster.password);
    expect(cluster.psql('scratch', FINGERPRINT)).toBe(cluster.psql('threadr', FINGERPRINT));
    expect(cluster.psql('scratch', "select count(*) from pg_indexes where indexname = 'threads_created'")).toBe('1');

    const pgRestoreMs = /pg_restore took (\d+)ms/.exec(restore.summary)?.[1];
    process.stdout.write(
      `PostgreSQL ${ROWS} rows: dump ${(report.targets[0]!.durationMs / 1000).toFixed(2)}s (${(report.targets[0]!.sizeBytes / 1024 / 1024).toFixed(1)} MiB), ` +
        `pg_restore ${(Number(pgRestoreMs) / 1000).toFixed(2)}s, restore with verification (RTO) ${restore.outputs['rto-seconds']}s, RPO ${restore.outputs['rpo-seconds']}s\n`,
    );
  }, 180_000);

  test('a corrupted dump fails verification with a message, and nothing is restored', async () => {
    const bad = mkdtempSync(join(workspace, 'pg-corrupt-'));
    try {
      const copy = join(bad, basename(dump));
      copyFileSync(dump, copy);
      copyFileSync(`${dump}.sha256`, `${copy}.sha256`);
      const bytes = readFileSync(copy);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      writeFileSync(copy, bytes);
      cluster.psql('postgres', 'create database scratch2');
      const inputs = {
        target: 'postgres',
        'backup-path': bad,
        destination: cluster.url('scratch2'),
        'dry-run': 'false',
        'pg-bin-dir': binDir!,
      };
      const run = await runBundle('restore', { cwd: workspace, inputs });
      expect(run.outputs.status).toBe('failed');
      expect(run.exitCode).toBe(1);
      expect(run.errors[0]).toMatch(
        new RegExp(
          `^restore: postgres from ${basename(dump)}: dump ${basename(dump)} is corrupt: its sha256 is [0-9a-f]{64}, the checksum written with it is [0-9a-f]{64}$`,
        ),
      );
      expect(cluster.psql('scratch2', "select count(*) from pg_tables where tablename = 'threads'")).toBe('0');

      // A damaged header with a checksum to match: pg_restore --list refuses it.
      bytes[0] = 0x00;
      writeFileSync(copy, bytes);
      writeFileSync(`${copy}.sha256`, `${await sha256File(copy)}  ${basename(copy)}\n`);
      const header = await runBundle('restore', { cwd: workspace, inputs });
      expect(header.outputs.status).toBe('failed');
      expect(header.errors[0]).toContain(`dump ${basename(dump)} is not a readable archive: pg_restore --list failed`);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  }, 120_000);
});
