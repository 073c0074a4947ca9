import { probeCanary } from '../../src/canary-analysis/probe.js';
import { HttpClient } from '../../src/core/http.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('the canary probe (injected clock)', () => {
  it('sends duration × rate pairs, half an interval apart, alternating which target goes first, with the headers on both', async () => {
    const order: string[] = [];
    const server = (name: string) =>
      startServer((req, res) => {
        order.push(`${name}:${req.url}:${req.headers['x-bypass']}`);
        json(res, req.url === '/fail' ? 500 : 200, { ok: true });
      });
    const baseline = await server('b');
    const candidate = await server('c');
    servers.push(baseline, candidate);
    let now = 0;
    const sends: number[] = [];
    const http = new HttpClient();
    try {
      const samples = await probeCanary(
        {
          baseline: new URL(baseline.url),
          candidate: new URL(candidate.url),
          paths: ['/a', '/fail'],
          headers: { 'x-bypass': 's3cret' },
          durationMs: 2000,
          rate: 2,
          requestTimeoutMs: 1000,
          maxBodyBytes: 1024,
        },
        {
          http,
          now: () => now,
          sleep: async (ms) => {
            now += ms;
            sends.push(now);
          },
        },
      );
      // 2 s at 2 per second: 4 pairs, 8 requests; every send on its slot (pair every 500 ms, second half 250 ms later).
      expect(samples).toHaveLength(8);
      expect(sends).toEqual([250, 500, 750, 1000, 1250, 1500, 1750]);
      expect(samples.map((s) => s.target)).toEqual([
        'baseline',
        'candidate',
        'candidate',
        'baseline',
        'baseline',
        'candidate',
        'candidate',
        'baseline',
      ]);
      expect(samples.map((s) => s.path)).toEqual(['/a', '/a', '/fail', '/fail', '/a', '/a', '/fail', '/fail']);
      expect(samples.filter((s) => s.error).map((s) => s.error)).toEqual([
        'HTTP 500',
        'HTTP 500',
        'HTTP 500',
        'HTTP 500',
      ]);
      expect(order.every((line) => line.endsWith(':s3cret'))).toBe(true);
    } finally {
      await http.close();
    }
  });
});
