import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { HttpClient } from '../../src/core/http.js';
import { checksFromUrls } from '../../src/health/checks.js';
import { PROGRESS_EVERY_MS, verifyHealth } from '../../src/health/verify.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

/** A long wait says what is still failing and why, at most every 10 s (virtual time, real requests). */

let app: TestServer;
beforeAll(async () => {
  app = await startServer((_req, res) => json(res, 503, { status: 'starting' }));
});
afterAll(async () => {
  await app.close();
});

describe('health-check progress while waiting', () => {
  test('one line at most every 10 s, naming the failing check and the reason', async () => {
    let now = 0;
    const lines: string[] = [];
    const log = {
      info: (m: string) => void lines.push(m),
      warn: () => {},
      error: () => {},
      debug: () => {},
      group: <T>(_t: string, work: () => Promise<T>) => work(),
    };
    const http = new HttpClient({ timeoutMs: 2_000 });
    try {
      await verifyHealth(
        {
          mode: 'window',
          checks: checksFromUrls([new URL(`${app.url}/api/health`)]),
          headers: {},
          timeoutMs: 60_000,
          intervalMs: 2_000,
          requestTimeoutMs: 2_000,
          verifyDurationMs: 0,
          maxErrorRate: 5,
          maxP95Ms: 2_000,
        },
        { http, log, sleep: async (ms) => void (now += ms), now: () => now },
      );
    } finally {
      await http.close();
    }
    const progress = lines.filter((line) => line.startsWith('still waiting'));
    // 31 attempts over 60 s of virtual time: printed at 0, 10, 20, 30, 40, 50 and 60 s.
    expect(progress).toHaveLength(60_000 / PROGRESS_EVERY_MS + 1);
    expect(progress[1]).toBe(`still waiting after 10.0s: 1 check(s) failing: /api/health (HTTP 503, expected 200-299)`);
  });
});
