import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A hostile API in front of a real one (the emulator): requests pass through unchanged, except
 * those `echoWhen` picks, which get an error whose body repeats the request headers, in plain,
 * base64 and URL-encoded forms, as some providers and proxies do. Every request body is kept, so
 * a test can read what the action sent on (Slack messages, GitHub Deployment descriptions).
 */
export interface EchoProxy {
  url: string;
  echoed: number;
  sent: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}

export type EchoAnswer = (headers: IncomingHttpHeaders, echo: string) => { status: number; body: unknown };

export function echoOf(headers: IncomingHttpHeaders): string {
  const auth = String(headers.authorization ?? headers['project-access-token'] ?? headers['x-api-key'] ?? '');
  return `request was ${JSON.stringify(headers)}; credential ${auth}; base64 ${Buffer.from(auth).toString('base64')}; encoded ${encodeURIComponent(auth)}`;
}

export async function startEchoProxy(
  target: string,
  echoWhen: (req: IncomingMessage, body: string) => boolean,
  answer: EchoAnswer,
): Promise<EchoProxy> {
  const upstream = new URL(target);
  const proxy: EchoProxy = { url: '', echoed: 0, sent: [], close: async () => {} };
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    proxy.sent.push({ method: req.method ?? 'GET', path: req.url ?? '/', body });
    if (echoWhen(req, body)) {
      proxy.echoed++;
      const { status, body: reply } = answer(req.headers, echoOf(req.headers));
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answerRes) => {
        res.writeHead(answerRes.statusCode ?? 502, answerRes.headers);
        answerRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
