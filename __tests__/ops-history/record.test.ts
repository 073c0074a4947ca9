import { afterEach, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecord, readRecords, recordFrom } from '../../src/ops-history/record.js';
import { runBundle } from '../harness/runner.js';

let server: Server | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder, also the bundle's workspace (GITHUB_WORKSPACE) where the history is written. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'threadr-history-'));
  dirs.push(dir);
  return dir;
}

async function app(): Promise<string> {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/api/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('run records (history-file)', () => {
  test('a health-check run appends one record with its checks, p95 and verdict, into a monthly file', async () => {
    const base = await app();
    // The history folder sits inside the workspace, apart from the notifier's state there.
    const workspace = tempDir();
    const folder = join(workspace, 'ops-history');
    const run = await runBundle('health-check', {
      cwd: workspace,
      inputs: {
        url: `${base}/api/health`,
        checks: '[{name: api, url: /api/health}]',
        'history-file': `${folder}/`,
        'verify-duration': '0s',
      },
      env: { GITHUB_RUN_ID: '4242' },
    });
    expect(run.exitCode).toBe(0);
    const files = readdirSync(folder);
    expect(files).toEqual([`${new Date().toISOString().slice(0, 7)}.jsonl`]);
    const lines = readFileSync(join(folder, files[0]), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = parseRecord(lines[0])!;
    expect(record).toMatchObject({ env: 'production', action: 'health-check', verdict: 'success', run: '4242' });
    expect(record.figures.checks?.api[0]).toBe(1);
    expect(record.figures.checks?.api[1]).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(record.figures.p95)).toBe(true);

    // A second run appends rather than rewrites.
    await runBundle('health-check', {
      cwd: workspace,
      inputs: { url: `${base}/api/health`, 'history-file': `${folder}/`, 'history-environment': 'staging' },
    });
    const { records } = readRecords([folder]);
    expect(records.map((r) => r.env)).toEqual(['production', 'staging']);
  });

  test('a failed run is recorded as a failure; an unwritable history is a warning, never a failure', async () => {
    const folder = tempDir();
    const file = join(folder, 'history.jsonl');
    const failed = await runBundle('notify', {
      cwd: folder,
      inputs: { status: 'failure', title: 'Deploy failed', 'history-file': file },
    });
    expect(failed.exitCode).toBe(0);
    expect(readRecords([file]).records[0]).toMatchObject({
      action: 'notify',
      verdict: 'failure',
      figures: { status: 'failure' },
    });

    // A path under a regular file cannot be created: the run still succeeds and says why.
    writeFileSync(join(folder, 'blocker'), '');
    const blocked = await runBundle('notify', {
      cwd: folder,
      inputs: { status: 'success', title: 'ok', 'history-file': join(folder, 'blocker', 'history.jsonl') },
    });
    expect(blocked.exitCode).toBe(0);
    expect(blocked.warnings.join('\n')).toMatch(/history record was not written/);

    // A read-only file too (root ignores permissions, so this half only runs for other users).
    if (process.getuid?.() !== 0) {
      chmodSync(file, 0o400);
      const readOnly = await runBundle('notify', {
        cwd: folder,
        inputs: { status: 'success', title: 'ok', 'history-file': file },
      });
      expect(readOnly.exitCode).toBe(0);
      expect(readOnly.warnings.join('\n')).toMatch(/history record was not written/);
    }
  });
});

describe('recordFrom', () => {
  test('cost figures keep per provider today, yesterday, month to date, projection and budget lines', () => {
    const report = {
      severity: 'warning',
      asOf: '2026-03-15T12:00:00.000Z',
      total: {
        today: '40.10',
        yesterday: '51.00',
        monthToDate: '600.00',
        projectedMonth: '1300.00',
        limit: { dailyLimit: '200.00', monthlyLimit: null },
      },
      providers: [
        {
          provider: 'openai',
          status: 'ok',
          today: '30.00',
          yesterday: '41.00',
          monthToDate: '500.00',
          projectedMonth: '1100.00',
          limit: { dailyLimit: '50.00', monthlyLimit: '1000.00' },
        },
        { provider: 'vercel', status: 'skipped', today: null },
      ],
    };
    const record = recordFrom({
      action: 'cost-monitor',
      env: 'production',
      verdict: 'warning',
      outputs: { report: JSON.stringify(report) },
      at: new Date('2026-03-15T12:00:00Z'),
    });
    expect(record.figures).toEqual({
      day: '2026-03-15',
      severity: 'warning',
      spend: {
        openai: { today: 30, yesterday: 41, mtd: 500, projected: 1100, daily: 50, monthly: 1000 },
        total: { today: 40.1, yesterday: 51, mtd: 600, projected: 1300, daily: 200 },
      },
    });
  });

  test('odd outputs give fewer figures, never an exception; bad lines are skipped when read', () => {
    const record = recordFrom({
      action: 'health-check',
      env: 'production',
      verdict: 'failure',
      outputs: { report: '{not json', 'p95-ms': '' },
      at: new Date(0),
    });
    expect(record.figures).toEqual({});
    const file = join(tempDir(), 'h.jsonl');
    writeFileSync(file, `${JSON.stringify(record)}\n<<<<<<< HEAD\n{"t":"x"}\n`);
    expect(readRecords([file])).toMatchObject({ skipped: 2, files: 1, records: [record] });
  });
});
