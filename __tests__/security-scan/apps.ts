import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface App {
  server: Server;
  port: number;
  /** Requests seen, for "no request before validation" assertions. */
  requests: string[];
  close(): Promise<void>;
}

async function listen(server: Server, requests: string[]): Promise<App> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function recorder(handler: Handler, requests: string[]): Handler {
  return (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  };
}

export async function httpApp(handler: Handler): Promise<App> {
  const requests: string[] = [];
  return listen(createHttpServer(recorder(handler, requests)), requests);
}

export async function httpsApp(tls: { key: string; cert: string; legacy?: boolean }, handler: Handler): Promise<App> {
  const requests: string[] = [];
  // A legacy server offers TLS 1.0/1.1; OpenSSL 3 only does so at security level 0.
  const legacy = tls.legacy ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' } : {};
  const server = createHttpsServer({ key: tls.key, cert: tls.cert, ...legacy }, recorder(handler, requests));
  server.on('tlsClientError', () => {});
  return listen(server, requests);
}

const GOOD_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'nonce-r4nd0m' 'unsafe-inline'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  server: 'threadr',
};

const PAGE = '<!doctype html><html><head><script src="/app.js"></script></head><body>Threadr</body></html>';

/** Gets every check right. `/api/limited` answers 429 from the 6th request on. */
export function goodHandler(): Handler {
  let limited = 0;
  return (req, res) => {
    for (const [name, value] of Object.entries(GOOD_HEADERS)) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.setHeader('set-cookie', [
        'session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax',
        'theme=dark; Path=/; Secure; SameSite=Strict',
      ]);
      res.setHeader('content-type', 'text/html');
      res.end(PAGE);
    } else if (path === '/app.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end('console.log("threadr")');
    } else if (path === '/api' || path === '/api/') {
      // An allow-list: only the app's own origin, never the caller's.
      res.setHeader('access-control-allow-origin', 'https://threadr.app');
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'Origin');
      res.setHeader('content-type', 'application/json');
      res.end(req.method === 'OPTIONS' ? '' : '{"ok":true}');
    } else if (path === '/api/limited') {
      limited++;
      if (limited > 5) {
        res.statusCode = 429;
        res.setHeader('retry-after', '60');
        res.end('slow down');
      } else {
        res.end('{"ok":true}');
      }
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  };
}

const BAD_PAGE = '<!doctype html><html><head><script src="/static/app.js"></script></head><body>Threadr</body></html>';

/** Gets every check wrong, and answers unknown paths with the app's HTML (a "soft 404"). */
export function badHandler(): Handler {
  return (req, res) => {
    res.setHeader('content-security-policy', "script-src 'self' 'unsafe-inline' *");
    res.setHeader('referrer-policy', 'unsafe-url');
    res.setHeader('server', 'nginx/1.18.0');
    res.setHeader('x-powered-by', 'Express 4.17.1');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/.env') {
      res.setHeader('content-type', 'text/plain');
      res.end('DATABASE_URL=postgres://threadr:hunter2@db/threadr\nOPENAI_API_KEY=sk-test\n');
    } else if (path === '/.git/config') {
      res.end('[core]\n\trepositoryformatversion = 0\n\tbare = false\n');
    } else if (path === '/static/app.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end('console.log("threadr")\n//# sourceMappingURL=app.js.map');
    } else if (path === '/static/app.js.map') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: 3, sources: ['src/app.ts', 'src/secrets.ts'], mappings: 'AAAA' }));
    } else if (path === '/api') {
      const origin = req.headers.origin;
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-origin', '*');
      } else if (origin) {
        res.setHeader('access-control-allow-origin', origin);
      }
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('content-type', 'application/json');
      res.end(req.method === 'OPTIONS' ? '' : '{"ok":true}');
    } else if (path === '/api/unlimited') {
      res.end('{"ok":true}');
    } else {
      res.setHeader('set-cookie', 'sessionid=abc123; Path=/');
      res.setHeader('content-type', 'text/html');
      res.end(BAD_PAGE);
    }
  };
}

/** Plain HTTP that redirects to the HTTPS app, keeping the path. */
export function redirectHandler(httpsPort: number): Handler {
  return (req, res) => {
    res.statusCode = 301;
    res.setHeader('location', `https://127.0.0.1:${httpsPort}${req.url ?? '/'}`);
    res.end();
  };
}
