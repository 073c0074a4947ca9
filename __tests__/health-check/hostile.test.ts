import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { condition, interpolate } from '../../src/local-runner/expressions.js';
import { ROOT, runBundle } from '../harness/runner.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

/** Hostile servers: one that echoes what it was sent, one that never stops sending, one that trickles. */

const SHA = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';
const fast = { timeout: '300ms', interval: '50ms', 'request-timeout': '2s' };
const servers: TestServer[] = [];
const raw: Server[] = [];
async function server(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const s = await startServer(...args);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of raw.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** Collects request bodies, answering 200 (Slack) or a GitHub-issues-shaped answer. */
async function sink(): Promise<TestServer & { bodies: string[] }> {
  const bodies: string[] = [];
  const s = await server(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    bodies.push(body);
    if (req.url?.includes('/issues') && req.method === 'GET') return json(res, 200, []);
    if (req.url?.includes('/issues'))
      return json(res, 201, { number: 7, title: 't', created_at: new Date().toISOString() });
    res.writeHead(200).end('ok');
  });
  return Object.assign(s, { bodies });
}

/** Evaluates deploy-pipeline.yml's verify outputs and rollback condition for a health-check's outputs. */
function pipelineRollsBack(health: Record<string, string>): boolean {
  const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'deploy-pipeline.yml'), 'utf8'));
  const steps = { health: { outputs: health }, load: { outputs: {} } };
  const status = { success: true, failure: false };
  const verifyOutputs = Object.fromEntries(
    Object.entries(workflow.jobs.verify.outputs as Record<string, string>).map(([name, text]) => [
      name,
      interpolate(text, { contexts: { steps }, status }),
    ]),
  );
  const needs = {
    deploy: { result: 'success', outputs: { status: 'deployed' } },
    verify: { result: 'success', outputs: verifyOutputs },
  };
  return condition(workflow.jobs.rollback.if, { contexts: { needs }, status });
}

/** The log as the runner shows it: `::add-mask::` lines are consumed by the runner, never printed. */
function logWithoutMasks(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** Every form of a secret that must never leave. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').slice(0, 12)];
}

describe('health-check against hostile servers', () => {
  test('an API echoing request headers: no secret in Slack, issues, outputs, summary or log', async () => {
    const HEADER_SECRET = 'hdr_S3cret+Value/42';
    const QUERY_SECRET = 'qs_S3cretAccess99';
    const CHECK_SECRET = 'chk_S3cret_Header77';
    const echo = await server((req, res) =>
      json(res, 500, { error: 'bad request', headers: req.headers, url: req.url }),
    );
    const slack = await sink();
    const github = await sink();
    const checks = JSON.stringify([
      {
        name: 'echo',
        url: `${echo.url}/api/health?access_token=${QUERY_SECRET}`,
        'expect-status': '500',
        'expect-json': { '$.headers.x-api-key': 'nope' },
      },
      // A check's own header value is as secret as the input's: echoed back, it must not leave either.
      {
        name: 'own',
        url: `${echo.url}/own`,
        headers: { 'x-check-key': CHECK_SECRET },
        'expect-status': '500',
        'expect-json': { '$.headers.x-check-key': 'nope' },
      },
    ]);
    const result = await runBundle('health-check', {
      inputs: {
        ...fast,
        url: `${echo.url}/health?access_token=${QUERY_SECRET}`,
        checks,
        headers: `x-api-key: ${HEADER_SECRET}`,
        'slack-webhook-url': `${slack.url}/hook`,
        incidents: 'true',
        'github-api-url': github.url,
      },
    });
    expect(result.exitCode).toBe(1);
    expect(slack.bodies.length).toBe(1);
    expect(github.bodies.some((b) => b.includes('is down'))).toBe(true);
    // The echo did reach the report: the secret was there to leak, and was removed.
    expect(result.outputs.report).toContain('$.headers.x-api-key is \\"***\\"');
    expect(result.outputs.report).toContain('$.headers.x-check-key is \\"***\\"');
    expect(result.masks).toContain(CHECK_SECRET);
    const exits = {
      slack: slack.bodies.join('\n'),
      issues: github.bodies.join('\n'),
      outputs: JSON.stringify(result.outputs),
      summary: result.summary,
      log: logWithoutMasks(result.stdout),
    };
    for (const [where, text] of Object.entries(exits)) {
      for (const form of [...forms(HEADER_SECRET), ...forms(QUERY_SECRET), ...forms(CHECK_SECRET)])
        expect({ where, leaked: text.includes(form) }).toEqual({ where, leaked: false });
    }
  });

  test('a 2 GB body: a failed check that says so, not unreachable, under 200 MB RSS, reading stopped at the cap', async () => {
    const TOTAL = 2 * 1024 ** 3;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const big = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(TOTAL) });
      res.write('{"version":"');
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
    raw.push(big);
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(big.address() as AddressInfo).port}/api/health`;
    const rssFile = join(mkdtempSync(join(tmpdir(), 'threadr-rss-')), 'rss');
    const result = await runBundle('health-check', {
      inputs: { ...fast, url, 'expect-version': SHA, 'fail-on-unhealthy': 'false' },
      env: { MAX_RSS_FILE: rssFile },
      nodeArgs: ['--import', join(ROOT, '__tests__', 'harness', 'max-rss.mjs')],
    });
    const maxRss = Number(readFileSync(rssFile, 'utf8'));
    expect(result.outputs.healthy).toBe('false');
    expect(result.outputs.unreachable).toBe('false');
    const check = JSON.parse(result.outputs.report).checks[0];
    expect(check.attempts[0].failure.kind).toBe('body-too-large');
    expect(check.reason).toContain('body larger than 1 MiB');
    expect(result.summary).toContain('body larger than 1 MiB');
    expect(maxRss).toBeLessThan(200 * 1024 * 1024);
    // The action stopped reading: far less than the 2 GB was ever sent.
    expect(sent).toBeLessThan(TOTAL / 4);
    // The pipeline's own expressions, fed these outputs, roll the deploy back.
    expect(pipelineRollsBack(result.outputs)).toBe(true);
  });

  test('a server trickling one byte a second ends at the request timeout, with a message', async () => {
    const slow = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 1_000);
      res.on('close', () => clearInterval(timer));
    });
    raw.push(slow);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/api/health`;
    const result = await runBundle('health-check', {
      inputs: { ...fast, timeout: '0s', 'request-timeout': '1500ms', url },
    });
    expect(result.outputs.healthy).toBe('false');
    expect(result.outputs.unreachable).toBe('false');
    const check = JSON.parse(result.outputs.report).checks[0];
    expect(check.attempts[0].failure.kind).toBe('timeout');
    expect(check.reason).toContain('the body was not complete within 1500ms');
  });

  test('expect-version 2026 is not proven by a Date header; a full SHA in $.version is', async () => {
    const app = await server((_req, res) =>
      json(res, 200, { status: 'ok', version: SHA }, { date: 'Thu, 01 Jan 2026 00:00:00 GMT', 'x-build': '2026' }),
    );
    const year = await runBundle('health-check', { inputs: { ...fast, url: app.url, 'expect-version': '2026' } });
    expect(year.exitCode).toBe(1);
    expect(JSON.parse(year.outputs.report).checks[0].reason).toContain('version 2026 not found');
    expect(year.warnings.some((w) => w.includes('shorter than 7 characters'))).toBe(true);

    const sha = await runBundle('health-check', { inputs: { ...fast, url: app.url, 'expect-version': SHA } });
    expect(sha.exitCode).toBe(0);
    expect(sha.outputs.healthy).toBe('true');

    const header = await runBundle('health-check', {
      inputs: { ...fast, url: app.url, 'expect-version': '2026', 'version-header': 'x-build' },
    });
    expect(header.outputs.healthy).toBe('true');
  });

  test('max-error-rate: 0.05 is refused, with the % form shown', async () => {
    const result = await runBundle('health-check', {
      inputs: { url: 'http://127.0.0.1:9/health', 'max-error-rate': '0.05' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain("input 'max-error-rate' must be a percentage written with %");
    expect(result.errors[0]).toContain('5%');
    expect(result.errors[0]).toContain('0.05%');
  });

  test('headers go only to the origins of url; a URL with user:password is refused without echoing it', async () => {
    const own = await server((_req, res) => json(res, 200, { status: 'ok' }));
    const other = await server((_req, res) => json(res, 200, { status: 'ok' }));
    const checks = JSON.stringify([{ name: 'other', url: `${other.url.replace('127.0.0.1', 'localhost')}/x` }]);
    // Named, the url line is a check of its own beside `checks` (a bare one is only their base).
    const result = await runBundle('health-check', {
      inputs: { ...fast, url: `own: ${own.url}`, checks, headers: 'x-bypass: bypass-secret-1' },
    });
    expect(result.exitCode).toBe(0);
    expect(own.requests[0].headers['x-bypass']).toBe('bypass-secret-1');
    expect(other.requests[0].headers['x-bypass']).toBeUndefined();

    const refused = await runBundle('health-check', {
      inputs: { url: 'https://deploy:hunter2hunter@example.com/health' },
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors[0]).toContain("input 'url' must not carry a user or password");
    expect(refused.stdout).not.toContain('hunter2hunter');
  });
});
