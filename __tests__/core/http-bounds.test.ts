import { afterEach, describe, expect, test } from '@jest/globals';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, HttpClient } from '../../src/core/http.js';
import { startServer, type TestServer } from '../harness/servers.js';

/** Every body is read as a stream with a cap; past it the connection is dropped, not buffered. */

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Streams `total` bytes (no content-length: chunked), honouring backpressure; counts what it wrote. */
async function streaming(total: number) {
  const state = { sent: 0 };
  const chunk = Buffer.alloc(16 * 1024, 'y');
  const s = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.on('error', () => {});
    const pump = (): void => {
      while (state.sent < total) {
        state.sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  servers.push(s);
  return { s, state };
}

function client(options: ConstructorParameters<typeof HttpClient>[0] = {}) {
  const c = new HttpClient({ retry: { attempts: 1 }, ...options });
  clients.push(c);
  return c;
}

describe('HttpClient body bounds', () => {
  test('a body over the per-request cap is a BodyTooLargeError with the status, and reading stops', async () => {
    const { s, state } = await streaming(512 * 1024 * 1024);
    const error = await client()
      .request({ url: s.url, maxBodyBytes: 64 * 1024 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).status).toBe(200);
    expect((error as Error).message).toContain('larger than 64 KiB');
    expect(state.sent).toBeLessThan(64 * 1024 * 1024);
  });

  test('the client-wide cap applies when a request names none; a body under it is read whole', async () => {
    const small = await streaming(96 * 1024);
    const { body } = await client({ maxBodyBytes: 200 * 1024 }).request({ url: small.s.url });
    expect(body.length).toBe(96 * 1024);
    const big = await streaming(300 * 1024);
    await expect(client({ maxBodyBytes: 200 * 1024 }).request({ url: big.s.url })).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
    expect(DEFAULT_MAX_BODY_BYTES).toBe(16 * 1024 * 1024);
  });

  test('a body trickling a byte at a time ends at the request timeout, which covers the body', async () => {
    const s = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('x');
      // Nothing more until the client gives up: the headers came, the body never completes.
    });
    servers.push(s);
    await expect(client().request({ url: s.url, timeoutMs: 300 })).rejects.toMatchObject({
      kind: 'timeout',
      detail: expect.stringContaining('the body was not complete within 300ms'),
    });
  });
});
