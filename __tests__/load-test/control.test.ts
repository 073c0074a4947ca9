import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundle } from '../harness/runner.js';
import { decodeHistogram, mergeHistograms, percentileMs } from '../../src/load/histogram.js';
import type { ResultFile } from '../../src/load/result-file.js';
import { delayed, type Report, startServer, type TestServer } from './servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('load-test bad input', () => {
  it.each([
    [
      'a threshold that does not parse',
      { thresholds: 'p95<fast' },
      /^load-test: input 'thresholds' has a threshold that does not parse: 'p95<fast'/,
    ],
    ['an unknown metric', { thresholds: 'latency<5ms' }, /^load-test: input 'thresholds' .*unknown metric 'latency'/],
    ['a rate of zero', { rate: '0' }, /^load-test: input 'rate' must be a number of requests per second above 0/],
    [
      'a duration over max-duration',
      { duration: '31m' },
      /^load-test: input 'duration' must be at most 30m00s \(the max-duration input\), got '31m'/,
    ],
    ['a shard like 3/2', { shard: '3/2' }, /^load-test: input 'shard' must be i\/n with 1 <= i <= n/],
    [
      'more shards than users',
      { shard: '1/8', users: '4' },
      /^load-test: input 'shard' splits the load into 8 parts but users is 4/,
    ],
    [
      'a scenario without requests',
      { scenario: 'requests: []' },
      /^load-test: input 'scenario' must be a list of requests/,
    ],
  ])('stops before any request on %s', async (_name, inputs, message) => {
    server = await startServer(delayed(() => 0));
    const run = await runBundle('load-test', { inputs: { target: server.url, duration: '1s', ...inputs } });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(message);
    expect(server.count()).toBe(0);
    expect(run.outputs.requests).toBeUndefined();
  });

  it('refuses a target outside allowed-hosts, naming both inputs', async () => {
    const run = await runBundle('load-test', {
      inputs: {
        target: 'https://threadr-api.up.railway.app.evil.example/health',
        'allowed-hosts': 'threadr-api.up.railway.app',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /^load-test: input 'target' points at host 'threadr-api\.up\.railway\.app\.evil\.example', which is not in allowed-hosts \(threadr-api\.up\.railway\.app\)/,
    );
  });

  it('allows the deployment-url host without listing it, and resolves a path target against it', async () => {
    server = await startServer(delayed(() => 0));
    const deployment = server.url.replace('/load', '');
    // Loopback is allowed anyway; what is checked here is the path resolution and the masking.
    const run = await runBundle('load-test', {
      inputs: {
        'deployment-url': deployment,
        target: '/health',
        duration: '500ms',
        users: '1',
        headers: 'x-vercel-protection-bypass: s3cr3t-value',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.masks).toContain('s3cr3t-value');
    expect(run.stdout.replace(/::add-mask::s3cr3t-value/, '')).not.toContain('s3cr3t-value');
    expect(JSON.parse(run.outputs.report).target).toBe(`GET ${deployment}/health`);
  });
});

describe('load-test cancellation', () => {
  it('stops promptly on SIGTERM, reports what was measured, leaves nothing open', async () => {
    server = await startServer(delayed(() => 20));
    const run = await runBundle('load-test', {
      inputs: { target: server.url, users: '4', duration: '30s' },
      signal: { name: 'SIGTERM', afterMs: 1500 },
      timeoutMs: 20_000,
    });
    // The process exits by itself: no socket or timer kept it alive after the report.
    expect(run.signal).toBeNull();
    expect(run.durationMs).toBeLessThan(8000);
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/^load-test: cancelled after /);
    const report = JSON.parse(run.outputs.report) as Report;
    expect(report.cancelled).toBe(true);
    expect(report.requests).toBeGreaterThan(0);
    expect(report.interrupted).toBeLessThanOrEqual(4);
    // Every request the server saw is either measured or explicitly discarded as interrupted.
    expect(report.requests + report.interrupted).toBe(server.count());
    expect(run.summary).toMatch(/cancelled after/);
    expect(run.warnings.join('\n')).toMatch(/Received SIGTERM: stopping now/);
  });
});

describe('load-test shards', () => {
  it('merges shard results to exactly the percentiles of their samples combined', async () => {
    server = await startServer(delayed((n) => (n % 3 === 0 ? 15 : 3)));
    const workspace = mkdtempSync(join(tmpdir(), 'load-shards-'));
    try {
      const shard = (i: number) =>
        runBundle('load-test', {
          cwd: workspace,
          inputs: {
            target: server!.url,
            users: '4',
            duration: '1s',
            shard: `${i}/2`,
            'histogram-out': `shards/shard-${i}.json`,
            workers: '1',
          },
        });
      const runs = await Promise.all([shard(1), shard(2)]);
      for (const run of runs) expect(run.exitCode).toBe(0);
      const files = [1, 2].map(
        (i) => JSON.parse(readFileSync(join(workspace, 'shards', `shard-${i}.json`), 'utf8')) as ResultFile,
      );
      expect(files.map((f) => f.shard)).toEqual([
        { index: 1, count: 2 },
        { index: 2, count: 2 },
      ]);

      const merged = await runBundle('load-test', {
        cwd: workspace,
        inputs: { merge: 'shards/*.json', thresholds: 'p99<10s\nerror_rate<1%' },
      });
      expect(merged.exitCode).toBe(0);
      expect(merged.outputs.passed).toBe('true');
      expect(server.count()).toBe(runs.reduce((sum, r) => sum + Number(r.outputs.requests), 0));

      // The same samples in one histogram, built here from the files' raw encodings.
      const all = mergeHistograms(files.map((f) => decodeHistogram(f.measured.histogram)));
      expect(Number(merged.outputs.requests)).toBe(server.count());
      expect(all.totalCount).toBe(server.count());
      for (const [output, p] of [
        ['p50-ms', 50],
        ['p90-ms', 90],
        ['p95-ms', 95],
        ['p99-ms', 99],
        ['max-ms', 100],
      ] as const) {
        expect(merged.outputs[output]).toBe(percentileMs(all, p).toFixed(3));
      }
      expect(Number(merged.outputs.rps)).toBeCloseTo(files[0].rps + files[1].rps, 0);
      expect(merged.summary).toMatch(/merged from 2 shard results/);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('refuses a merge glob that matches nothing, before anything else', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'load-merge-'));
    const run = await runBundle('load-test', { cwd: workspace, inputs: { merge: 'shards/*.json' } });
    rmSync(workspace, { recursive: true, force: true });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/^load-test: input 'merge' must match at least one result file/);
  });
});
