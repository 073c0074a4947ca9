import { afterEach, describe, expect, it } from '@jest/globals';
import { runBundle } from '../harness/runner.js';
import { delayed, type Report, startServer, type TestServer } from './servers.js';

// Runs the committed bundle (node scripts/build.mjs load-test) against local servers whose
// latency and errors are known, and checks the measurements against that truth. Tolerances are
// one-sided where physics allows (a 20 ms server can never answer in less than 20 ms) and wide
// on the other side for a loaded 2-core machine.

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const base = { users: '4', duration: '1500ms' };

describe('load-test measurements', () => {
  it('measures a fixed 20 ms delay: p50 within 20–30 ms, every request accounted for', async () => {
    server = await startServer(delayed(() => 20));
    const run = await runBundle('load-test', { inputs: { ...base, target: server.url, workers: '2' } });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.outputs.report) as Report;
    expect(report.workers).toBe(2);
    expect(Number(run.outputs['p50-ms'])).toBeGreaterThanOrEqual(19);
    expect(Number(run.outputs['p50-ms'])).toBeLessThan(30);
    expect(report.latencyMs.min).toBeGreaterThanOrEqual(19);
    // Requests in flight at the end are allowed to finish and counted: the server saw each one.
    expect(Number(run.outputs.requests)).toBe(server.count());
    // 4 users at ≥ 20 ms each cannot exceed 4 × 1500 / 20 (+ the last in flight).
    expect(Number(run.outputs.requests)).toBeLessThanOrEqual(4 * 75 + 4);
    expect(Number(run.outputs.requests)).toBeGreaterThan(100);
    expect(run.outputs['error-rate']).toBe('0.00');
    expect(run.log).toMatch(/\d+ requests, [\d.]+\/s, p95 /); // progress lines
  });

  it('recovers a known distribution: 80 % at 10 ms, 20 % at 60 ms', async () => {
    server = await startServer(delayed((n) => (n % 5 === 0 ? 60 : 10)));
    const run = await runBundle('load-test', { inputs: { ...base, users: '5', duration: '2s', target: server.url } });
    expect(run.exitCode).toBe(0);
    const p = (name: string): number => Number(run.outputs[name]);
    expect(p('p50-ms')).toBeGreaterThanOrEqual(9.5);
    expect(p('p50-ms')).toBeLessThan(20);
    // Exactly one request in five is slow, so p90 and p95 fall among the 60 ms answers.
    expect(p('p90-ms')).toBeGreaterThanOrEqual(59);
    expect(p('p90-ms')).toBeLessThan(80);
    expect(p('p95-ms')).toBeGreaterThanOrEqual(59);
    expect(p('max-ms')).toBeGreaterThanOrEqual(59);
  });

  it('counts errors at a known rate: every 10th request answers 500', async () => {
    server = await startServer(
      delayed(
        () => 2,
        (n) => (n % 10 === 0 ? 500 : 200),
      ),
    );
    const run = await runBundle('load-test', {
      inputs: { ...base, target: server.url, thresholds: 'p95<10s\nerror_rate<20%\nrps>10' },
    });
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.outputs.report) as Report;
    const seen = server.count();
    expect(report.requests).toBe(seen);
    expect(report.statusClasses['5xx']).toBe(Math.floor(seen / 10));
    expect(report.errorClasses.status).toBe(Math.floor(seen / 10));
    expect(Math.abs(Number(run.outputs['error-rate']) - 10)).toBeLessThanOrEqual((10 / seen) * 100 + 0.01);
    expect(run.outputs.passed).toBe('true');
    expect(run.summary.indexOf('### Thresholds')).toBeLessThan(run.summary.indexOf('### Figures'));
    expect(run.summary).toMatch(/\| ✓ \| `error_rate<20%` \| 1\d\.\d\d%|\| ✓ \| `error_rate<20%` \| \d\.\d\d%/);
    expect(run.summary).not.toContain('✗');
  });

  it('fails the step when a threshold is missed: exit 1, ✗ and the observed value in the summary', async () => {
    server = await startServer(
      delayed(
        () => 0,
        (n) => (n % 10 === 0 ? 500 : 200),
      ),
    );
    const run = await runBundle('load-test', {
      inputs: { ...base, duration: '1s', target: server.url, thresholds: 'p95<10s\nerror_rate<5%' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.errors[0]).toMatch(/^load-test: 1 of 2 thresholds missed: error_rate<5% \(observed (9|10)\.\d\d%\)/);
    expect(run.summary).toMatch(/\| ✗ \| `error_rate<5%` \| (9|10)\.\d\d% \|/);
    expect(run.summary).toMatch(/\| ✓ \| `p95<10s` \|/);
    expect(run.summary).toContain('```mermaid');
  });

  it('open model: holds the arrival schedule and measures from the intended start', async () => {
    server = await startServer(delayed(() => 5));
    const run = await runBundle('load-test', {
      inputs: { users: '10', duration: '1500ms', rate: '100', target: server.url },
    });
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.outputs.report) as Report;
    // Arrivals due in [0, 1.5 s) at 100/s: exactly 150, each sent or reported as dropped.
    expect(report.requests + report.dropped).toBe(150);
    expect(report.requests).toBeGreaterThanOrEqual(140);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(5);
  });

  it('open model does not hide queueing: one connection at 100/s against a 20 ms server', async () => {
    server = await startServer(delayed(() => 20));
    const run = await runBundle('load-test', {
      inputs: { users: '1', duration: '1500ms', rate: '100', target: server.url },
    });
    const report = JSON.parse(run.outputs.report) as Report;
    // The server serves ≤ 50/s; the backlog grows, and so does latency from the intended start
    // (a closed-loop client would report ~20 ms here).
    expect(report.latencyMs.p50).toBeGreaterThan(100);
    expect(report.dropped).toBeGreaterThan(0);
    expect(run.summary).toMatch(/scheduled requests were never sent/);
  });
});
