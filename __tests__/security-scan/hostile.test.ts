import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runBundle } from '../harness/runner.js';

/** security-scan against hostile servers: an endless body, a redirect to a host nobody listed. */

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function listen(
  handler: RequestListener,
  host = '127.0.0.1',
): Promise<{ url: string; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '/');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://${host}:${port}`, port, requests };
}

describe('security-scan against hostile servers', () => {
  test('a 2 GB page: the scan fails saying so, not unreachable, under 200 MB RSS, reading stopped at the cap', async () => {
    const TOTAL = 2 * 1024 ** 3;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const app = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(TOTAL) });
      const pump = (): void => {
        while (sent < TOTAL) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      pump();
    });
    const rssFile = join(mkdtempSync(join(tmpdir(), 'threadr-rss-')), 'rss');
    const result = await runBundle('security-scan', {
      inputs: { url: `${app.url}/`, checks: 'headers', 'request-timeout': '5s' },
      env: { MAX_RSS_FILE: rssFile },
      nodeArgs: ['--import', join(ROOT, '__tests__', 'harness', 'max-rss.mjs')],
    });
    const maxRss = Number(readFileSync(rssFile, 'utf8'));
    expect(result.exitCode).toBe(1);
    expect(result.outputs.passed).toBe('false');
    const report = JSON.parse(result.outputs.report);
    expect(report.unreachable).toEqual([]);
    expect(report.tooLarge).toEqual([`${app.url}/`]);
    expect(result.summary).toContain('is over max-body-size');
    expect(maxRss).toBeLessThan(200 * 1024 * 1024);
    expect(sent).toBeLessThan(TOTAL / 4);
  });

  test('a redirect to a second loopback address gets no request; it is recorded', async () => {
    const foreign = await listen((_req, res) => res.end('<html>foreign</html>'), '127.0.0.2');
    const app = await listen((_req, res) => {
      res.writeHead(302, { location: `${foreign.url}/landing?sig=abc` });
      res.end();
    });
    const result = await runBundle('security-scan', {
      inputs: { url: `${app.url}/`, checks: 'headers', 'fail-on': 'never' },
    });
    expect(foreign.requests).toEqual([]);
    const report = JSON.parse(result.outputs.report);
    expect(report.notFollowed).toEqual([{ from: `${app.url}/`, to: `${foreign.url}/landing?sig=***` }]);
    expect(result.summary).toContain('Redirects not followed (1)');

    // Listed in allowed-hosts, the same redirect is followed.
    const listed = await runBundle('security-scan', {
      inputs: {
        url: `${app.url}/`,
        checks: 'headers',
        'fail-on': 'never',
        'allowed-hosts': `127.0.0.2:${foreign.port}`,
      },
    });
    expect(JSON.parse(listed.outputs.report).notFollowed).toEqual([]);
    expect(foreign.requests.length).toBeGreaterThan(0);
  });

  test('a credential in a scanned URL reaches neither SARIF nor outputs, summary or log', async () => {
    const app = await listen((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>x</title></html>'),
    );
    const workspace = mkdtempSync(join(tmpdir(), 'threadr-sarif-'));
    const result = await runBundle('security-scan', {
      inputs: {
        url: `${app.url}/?access_token=scan-secret-0042`,
        checks: 'headers',
        'sarif-out': 'scan.sarif',
        'fail-on': 'never',
      },
      cwd: workspace,
    });
    expect(result.exitCode).toBe(0);
    const sarif = readFileSync(join(workspace, 'scan.sarif'), 'utf8');
    // The findings name the URL (so the credential was there to leak), redacted.
    expect(sarif).toContain('access_token=***');
    for (const [where, text] of Object.entries({
      sarif,
      outputs: JSON.stringify(result.outputs),
      summary: result.summary,
      log: result.stdout,
    })) {
      expect({ where, leaked: text.includes('scan-secret-0042') }).toEqual({ where, leaked: false });
    }
  });
});
