import { afterEach, describe, expect, test } from '@jest/globals';
import { HttpClient } from '../../src/core/http.js';
import { checksFromUrls } from '../../src/health/checks.js';
import { verifyHealth, type HealthSettings } from '../../src/health/verify.js';
import { renderHealthSummary } from '../../src/health-check/summary.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

/**
 * The two verification modes against a real local server, in virtual time: readiness asks whether
 * every check passes once and judges no SLO; window then probes for a while and judges the window.
 */

const quiet = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  group: <T>(_t: string, work: () => Promise<T>) => work(),
};
let app: TestServer | undefined;
let http: HttpClient | undefined;

afterEach(async () => {
  await http?.close();
  await app?.close();
  app = http = undefined;
});

/** A server whose first answer is healthy and every later one a 500: ready, but not holding up. */
async function readyThenFailing(): Promise<TestServer> {
  return startServer((_req, res, index) =>
    index === 0 ? json(res, 200, { status: 'ok' }) : json(res, 500, { status: 'broken' }),
  );
}

async function verify(
  server: TestServer,
  mode: { mode: 'readiness' } | { mode: 'window'; verifyDurationMs: number; maxErrorRate: number; maxP95Ms: number },
) {
  let now = 0;
  http = new HttpClient({ timeoutMs: 2_000 });
  const common = {
    checks: checksFromUrls([new URL(`${server.url}/api/health`)]),
    headers: {},
    timeoutMs: 10_000,
    intervalMs: 1_000,
    requestTimeoutMs: 2_000,
  };
  const settings: HealthSettings = { ...common, ...mode };
  return verifyHealth(settings, { http, log: quiet, sleep: async (ms) => void (now += ms), now: () => now });
}

describe('verifyHealth modes', () => {
  test('readiness: healthy once every check passed; no window is probed and no SLO judged', async () => {
    app = await readyThenFailing();
    const report = await verify(app, { mode: 'readiness' });
    expect(report).toMatchObject({ mode: 'readiness', healthy: true, failed: [], slo: null });
    expect(report.window.durationMs).toBe(0);
    // One request: the readiness check itself, nothing after it.
    expect(app.requests).toHaveLength(1);
  });

  test('readiness: a check that does not pass is still unhealthy', async () => {
    app = await startServer((_req, res) => json(res, 404, { error: 'not found' }));
    const report = await verify(app, { mode: 'readiness' });
    expect(report).toMatchObject({ mode: 'readiness', healthy: false, failed: ['/api/health'], slo: null });
    expect(report.checks[0].reason).toMatch(/HTTP 404/);
  });

  test('window: the same server passes readiness but fails the error-rate objective of its window', async () => {
    app = await readyThenFailing();
    const report = await verify(app, { mode: 'window', verifyDurationMs: 3_000, maxErrorRate: 5, maxP95Ms: 60_000 });
    expect(report.mode).toBe('window');
    expect(report.healthy).toBe(false);
    // Every check passed: the window, not a check, made it unhealthy.
    expect(report.failed).toEqual([]);
    expect(report.slo?.errorRate).toEqual({ observed: 100, limit: 5, ok: false });
    expect(report.window.samples).toBe(3);
    expect(app.requests).toHaveLength(4);
  });

  test('window: a window within its objectives is healthy', async () => {
    app = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
    const report = await verify(app, { mode: 'window', verifyDurationMs: 2_000, maxErrorRate: 0, maxP95Ms: 60_000 });
    expect(report).toMatchObject({ mode: 'window', healthy: true, failed: [] });
    expect(report.slo).toMatchObject({ errorRate: { observed: 0, ok: true }, p95: { limit: 60_000, ok: true } });
    expect(report.window.samples).toBe(2);
  });

  test('the summary shows the SLO table for a window and none for readiness', async () => {
    app = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
    const readiness = await verify(app, { mode: 'readiness' });
    await http!.close();
    const window = await verify(app, { mode: 'window', verifyDurationMs: 0, maxErrorRate: 0, maxP95Ms: 60_000 });
    expect(renderHealthSummary(readiness)).not.toContain('SLO');
    expect(renderHealthSummary(window)).toContain('### SLO (last attempt of each check, 1 samples)');
  });
});
