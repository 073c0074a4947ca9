import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  /** Requests the server received. */
  count(): number;
  close(): Promise<void>;
}

/**
 * A local target on 127.0.0.1, port 0; `handle` gets the 1-based arrival number of each request.
 * With `tls`, it speaks HTTPS with that key and certificate.
 */
export async function startServer(
  handle: (n: number, req: IncomingMessage, res: ServerResponse) => void,
  tls?: { key: string; cert: string },
): Promise<TestServer> {
  let n = 0;
  const listener = (req: IncomingMessage, res: ServerResponse): void => handle(++n, req, res);
  const server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/load`,
    count: () => n,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export const delayed =
  (ms: (n: number) => number, status: (n: number) => number = () => 200) =>
  (n: number, _req: IncomingMessage, res: ServerResponse): void => {
    const wait = ms(n);
    const reply = (): void => {
      res.statusCode = status(n);
      res.end('ok');
    };
    if (wait > 0) setTimeout(reply, wait);
    else reply();
  };

export interface Report {
  passed: boolean;
  cancelled: boolean;
  requests: number;
  dropped: number;
  interrupted: number;
  rps: number;
  latencyMs: Record<'p50' | 'p90' | 'p95' | 'p99' | 'max' | 'min' | 'avg', number>;
  statusClasses: Record<string, number>;
  errorClasses: Record<string, number>;
  firstErrors: Record<string, string>;
  thresholds: { threshold: string; observed: number; passed: boolean }[];
  workers: number;
}
