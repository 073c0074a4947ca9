import { afterEach, describe, expect, test } from '@jest/globals';
import { HttpClient, NetworkError } from '../../src/core/http.js';
import { backoffDelay, parseRetryAfter } from '../../src/core/retry-after.js';
import { closedPort, json, startServer, type TestServer } from '../harness/servers.js';

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A client whose waits are recorded instead of slept, so retry timing is asserted exactly. */
function client(options: ConstructorParameters<typeof HttpClient>[0] = {}) {
  const waits: number[] = [];
  const c = new HttpClient({ random: () => 0.5, sleep: async (ms) => void waits.push(ms), ...options });
  clients.push(c);
  return { c, waits };
}
async function server(...args: Parameters<typeof startServer>) {
  const s = await startServer(...args);
  servers.push(s);
  return s;
}

describe('HttpClient', () => {
  test('honours Retry-After seconds on 429 and returns the final answer', async () => {
    const s = await server((_req, res, i) =>
      i < 2 ? json(res, 429, {}, { 'retry-after': '3' }) : json(res, 200, { ok: true }),
    );
    const { c, waits } = client();
    const response = await c.request({ url: s.url });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    expect(waits).toEqual([3000, 3000]);
    expect(response.json()).toEqual({ ok: true });
  });

  test("a 429's Retry-After holds for the next request to the same origin too, on the client's clock", async () => {
    const s = await server((_req, res, i) => (i < 4 ? json(res, 429, {}, { 'retry-after': '7' }) : json(res, 200, {})));
    let now = 1_000_000;
    const waits: number[] = [];
    const c = new HttpClient({
      random: () => 0.5,
      now: () => now,
      sleep: async (ms) => void (waits.push(ms), (now += ms)),
    });
    clients.push(c);
    // Four 429s: the client's own tries are spent and the 429 is returned; the caller asks again 1 s later.
    expect((await c.request({ url: s.url })).status).toBe(429);
    expect(waits).toEqual([7000, 7000, 7000]);
    now += 1_000;
    expect((await c.request({ url: `${s.url}/other` })).status).toBe(200);
    expect(waits).toEqual([7000, 7000, 7000, 6000]);
  });

  test('honours an HTTP-date Retry-After on 503', async () => {
    const s = await server((_req, res, i) =>
      i === 0 ? json(res, 503, {}, { 'retry-after': new Date(Date.now() + 5_000).toUTCString() }) : json(res, 200, {}),
    );
    const { c, waits } = client();
    expect((await c.request({ url: s.url })).status).toBe(200);
    expect(waits[0]).toBeGreaterThan(3_000);
    expect(waits[0]).toBeLessThanOrEqual(5_000);
  });

  test('a Retry-After beyond the budget is not waited for', async () => {
    const s = await server((_req, res) => json(res, 429, {}, { 'retry-after': '3600' }));
    const { c, waits } = client();
    const response = await c.request({ url: s.url });
    expect(response.status).toBe(429);
    expect(waits).toEqual([]);
    expect(s.requests).toHaveLength(1);
  });

  test('5xx backs off exponentially with jitter, bounded by attempts', async () => {
    const s = await server((_req, res) => json(res, 502, {}));
    const { c, waits } = client({ retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 } });
    const response = await c.request({ url: s.url });
    expect(response.status).toBe(502);
    expect(s.requests).toHaveLength(4);
    // equal jitter with random 0.5: 3/4 of min(max, base·2^(n-1))
    expect(waits).toEqual([75, 150, 188]);
  });

  test('4xx other than 429 is returned at once', async () => {
    const s = await server((_req, res) => json(res, 404, {}));
    const { c, waits } = client();
    expect((await c.request({ url: s.url })).status).toBe(404);
    expect(waits).toEqual([]);
  });

  test('a mutation is not repeated after a 5xx: its outcome is unknown', async () => {
    const s = await server((_req, res) => json(res, 500, {}));
    const { c } = client();
    expect((await c.request({ url: s.url, method: 'POST', body: '{}', mutation: true })).status).toBe(500);
    expect(s.requests).toHaveLength(1);
  });

  test('a mutation is repeated after 429: the server did not act on it', async () => {
    const s = await server((_req, res, i) => json(res, i === 0 ? 429 : 201, {}, { 'retry-after': '1' }));
    const { c } = client();
    expect((await c.request({ url: s.url, method: 'POST', body: '{}', mutation: true })).status).toBe(201);
    expect(s.requests).toHaveLength(2);
  });

  test('connection refused is classified and retried, then thrown', async () => {
    const port = await closedPort();
    const { c, waits } = client({ retry: { attempts: 2 } });
    const error = await c.request({ url: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).kind).toBe('connection-refused');
    expect((error as NetworkError).attempts).toBe(2);
    expect(waits).toHaveLength(1);
  });

  test('a response slower than the timeout is a timeout', async () => {
    const s = await server((_req, res) => void setTimeout(() => json(res, 200, {}), 500));
    const { c } = client();
    const error = await c.request({ url: s.url, timeoutMs: 50, retry: false }).catch((e: unknown) => e);
    expect((error as NetworkError).kind).toBe('timeout');
    expect((error as NetworkError).message).toContain('no response within 50ms');
  });

  test('DNS failure is classified', async () => {
    const { c } = client();
    const error = await c.request({ url: 'http://does-not-exist.invalid/', retry: false }).catch((e: unknown) => e);
    expect(['dns', 'network']).toContain((error as NetworkError).kind);
  });
});

describe('Retry-After and backoff', () => {
  test('parses seconds, dates and rejects garbage', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
  test('backoff grows and is capped', () => {
    expect(backoffDelay(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 0)).toBe(500);
  });
});
