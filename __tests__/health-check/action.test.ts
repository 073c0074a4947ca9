import { afterEach, describe, expect, test } from '@jest/globals';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundle } from '../harness/runner.js';
import { closedPort, json, startServer, type TestServer } from '../harness/servers.js';

const SHA = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';
const servers: TestServer[] = [];
async function server(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const s = await startServer(...args);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fast = { timeout: '3s', interval: '50ms', 'request-timeout': '2s' };
const report = (outputs: Record<string, string>) => JSON.parse(outputs.report);

describe('health-check bundle, run as the runner runs it', () => {
  test('healthy target: outputs, version proof and summary', async () => {
    const app = await server((_req, res) => json(res, 200, { status: 'ok', version: SHA.slice(0, 7) }));
    const result = await runBundle('health-check', {
      inputs: { ...fast, url: `${app.url}/api/health`, 'expect-version': SHA },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.healthy).toBe('true');
    expect(result.outputs.failed).toBe('');
    expect(result.outputs.unreachable).toBe('false');
    expect(Number(result.outputs['error-rate'])).toBe(0);
    expect(Number(result.outputs['p95-ms'])).toBeGreaterThan(0);
    expect(report(result.outputs).checks[0].attempts).toHaveLength(1);
    expect(result.summary).toMatch(/^## Health check — ✅ Healthy: 1 check\(s\) passed/);
    expect(result.summary).toContain(`| /api/health | ✅ pass | 200 |`);
    expect(result.summary).toContain('| Error rate | 0% | ≤ 5% | ✅ |');
  });

  test('a step-summary file that is missing does not fail a healthy step', async () => {
    const app = await server((_req, res) => json(res, 200, { status: 'ok' }));
    const missing = join(mkdtempSync(join(tmpdir(), 'no-summary-')), 'gone', 'summary.md');
    const result = await runBundle('health-check', {
      inputs: { ...fast, url: app.url },
      env: { GITHUB_STEP_SUMMARY: missing },
    });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.healthy).toBe('true');
    expect(result.warnings).toEqual([
      expect.stringMatching(/^health-check: job summary not written: Unable to access summary file/),
    ]);
  });

  test('slow target: every check passes but p95 breaks max-p95', async () => {
    const app = await server((_req, res) => void setTimeout(() => json(res, 200, { status: 'ok' }), 250));
    const result = await runBundle('health-check', { inputs: { ...fast, url: app.url, 'max-p95': '100ms' } });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.healthy).toBe('false');
    expect(result.outputs.failed).toBe('');
    expect(Number(result.outputs['p95-ms'])).toBeGreaterThanOrEqual(250);
    expect(result.summary).toContain('every check passed but the SLO window did not hold');
    expect(result.summary).toMatch(/\| p95 latency \| \d+(\.\d)?ms \| ≤ 100ms \| ❌ \|/);
    expect(result.errors[0]).toBe('health-check: unhealthy (the SLO window did not hold)');
  });

  test('flapping target: the verify window catches an error rate over max-error-rate', async () => {
    const app = await server((_req, res, i) => json(res, i % 2 === 0 ? 200 : 500, { i }));
    const result = await runBundle('health-check', { inputs: { ...fast, url: app.url, 'verify-duration': '600ms' } });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.healthy).toBe('false');
    const rate = Number(result.outputs['error-rate']);
    // Every other request fails; the window starts after the first (passing) attempt.
    expect(rate).toBeGreaterThan(30);
    expect(rate).toBeLessThan(70);
    const r = report(result.outputs);
    expect(r.window.samples).toBeGreaterThanOrEqual(4);
    expect(r.window.errors).toBe(Math.round((r.window.samples * rate) / 100));
    expect(result.summary).toMatch(/\| Error rate \| [\d.]+% \| ≤ 5% \| ❌ \|/);
  });

  test('down then up: 503s are retried until the target recovers', async () => {
    const app = await server((_req, res, i) => json(res, i < 3 ? 503 : 200, { status: i < 3 ? 'starting' : 'ok' }));
    const result = await runBundle('health-check', { inputs: { ...fast, url: app.url } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.healthy).toBe('true');
    const attempts = report(result.outputs).checks[0].attempts;
    expect(attempts.map((a: { status: number }) => a.status)).toEqual([503, 503, 503, 200]);
    expect(result.summary).toContain('| ✅ pass | 200 |');
    expect(result.summary).toMatch(/\| 4 \| {2}\|/);
  });

  test('wrong version: the old build keeps serving until the timeout', async () => {
    const app = await server((_req, res) => json(res, 200, { status: 'ok', version: 'b'.repeat(40) }));
    const result = await runBundle('health-check', {
      inputs: { ...fast, timeout: '400ms', url: app.url, 'expect-version': SHA },
    });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.healthy).toBe('false');
    expect(result.outputs.unreachable).toBe('false');
    const check = report(result.outputs).checks[0];
    expect(check.attempts.length).toBeGreaterThan(1);
    expect(check.reason).toContain(`version ${SHA.slice(0, 12)} not found`);
    expect(result.summary).toContain('version 3f2a9c1d8e7b not found in the response');
  });

  test('new version arrives: the check passes once the new build serves', async () => {
    const app = await server((_req, res, i) => json(res, 200, { version: i < 2 ? 'b'.repeat(40) : SHA }));
    const result = await runBundle('health-check', { inputs: { ...fast, url: app.url, 'expect-version': SHA } });
    expect(result.exitCode).toBe(0);
    expect(report(result.outputs).checks[0].attempts).toHaveLength(3);
  });

  test('404 then 200 while a new deployment comes up is retried, and says so', async () => {
    const app = await server((_req, res, i) => json(res, i < 2 ? 404 : 200, { version: SHA }));
    const result = await runBundle('health-check', { inputs: { ...fast, url: app.url, 'expect-version': SHA } });
    expect(result.exitCode).toBe(0);
    const attempts = report(result.outputs).checks[0].attempts;
    expect(attempts.map((a: { status: number }) => a.status)).toEqual([404, 404, 200]);
    expect(attempts[0].failure.reason).toContain('retried while the new deployment comes up');
  });

  test('404 without a deployment to wait for is a verdict, not retried', async () => {
    const app = await server((_req, res, i) => json(res, i < 2 ? 404 : 200, {}));
    const result = await runBundle('health-check', { inputs: { ...fast, url: app.url } });
    expect(result.exitCode).toBe(1);
    expect(app.requests).toHaveLength(1);
    // A root URL is named by its host name; a port says nothing to a person.
    expect(result.outputs.failed).toBe('127.0.0.1');
    expect(result.summary).toContain('HTTP 404, expected 200-299');
  });

  test('connection refused: unhealthy and unreachable, so callers do not roll back on it', async () => {
    const port = await closedPort();
    // A refused connection fails at once; the long request timeout only keeps a starved process
    // (both cores busy) from calling a late answer a timeout instead.
    const result = await runBundle('health-check', {
      inputs: { ...fast, timeout: '300ms', 'request-timeout': '20s', url: `http://127.0.0.1:${port}/health` },
    });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.healthy).toBe('false');
    // The failure's kind first: if this ever fails again, it says what the runner saw instead.
    const attempts = report(result.outputs).checks[0].attempts as { failure: { kind: string } }[];
    expect(attempts.map((attempt) => attempt.failure.kind)).toEqual(attempts.map(() => 'connection-refused'));
    expect(result.outputs.unreachable).toBe('true');
    expect(result.summary).toContain('the runner could not reach the host');
    expect(result.errors[0]).toContain('the host was unreachable from the runner');
  });

  test('fail-on-unhealthy false reports without failing the step', async () => {
    const app = await server((_req, res) => json(res, 500, {}));
    const result = await runBundle('health-check', {
      inputs: { ...fast, timeout: '200ms', url: app.url, 'fail-on-unhealthy': 'false' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.healthy).toBe('false');
    expect(result.warnings[0]).toContain('unhealthy');
  });

  test('checks from YAML, a suite, and headers that are sent but never logged', async () => {
    const app = await server((req, res) => {
      if (req.headers['x-vercel-protection-bypass'] !== 's3cr3t-bypass') return json(res, 401, {});
      if (req.url === '/api/health') return json(res, 200, { status: 'ok', db: { connected: true } });
      if (req.url === '/') return json(res, 200, { page: 'home' });
      return json(res, 500, {});
    });
    const dir = mkdtempSync(join(tmpdir(), 'checks-'));
    writeFileSync(
      join(dir, 'checks.yml'),
      [
        '- name: api',
        '  url: /api/health',
        '  expect-json: { status: ok, "$.db.connected": true }',
        '  tags: [critical, smoke]',
        '- name: home',
        '  url: /',
        '  expect-body: /"page":"home"/',
        '  tags: [smoke]',
        '- name: broken',
        '  url: /broken',
        '  tags: [full-only]',
      ].join('\n'),
    );
    const result = await runBundle('health-check', {
      cwd: dir,
      inputs: {
        ...fast,
        checks: 'checks.yml',
        suite: 'smoke',
        url: '',
        headers: 'x-vercel-protection-bypass: s3cr3t-bypass',
      },
    });
    // Relative URLs need a base: the YAML holds relative URLs and `url` is empty.
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain(
      "input 'checks' check 1 has the relative url '/api/health' but the 'url' input gives no base URL",
    );

    const ok = await runBundle('health-check', {
      cwd: dir,
      inputs: {
        ...fast,
        checks: 'checks.yml',
        suite: 'smoke',
        url: app.url,
        headers: 'x-vercel-protection-bypass: s3cr3t-bypass',
      },
    });
    expect(ok.exitCode).toBe(0);
    const names = report(ok.outputs).checks.map((c: { name: string }) => c.name);
    // url is the base of the relative checks, not a check of its own.
    expect(names).toEqual(['api', 'home']);
    expect(ok.masks).toContain('s3cr3t-bypass');
    expect(ok.stdout.replace(/::add-mask::.*/g, '')).not.toContain('s3cr3t-bypass');
    expect(ok.outputs.report).not.toContain('s3cr3t-bypass');
  });
});

describe('health-check with checks: url is a base, suite applies to every check', () => {
  // An API like the Fastify one: nothing at /, health and version under /api.
  const api = () =>
    server((req, res) => {
      if (req.url === '/api/health') return json(res, 200, { status: 'ok' });
      if (req.url === '/api/version') return json(res, 200, { version: SHA });
      return json(res, 404, { message: `Route GET:${req.url} not found` });
    });

  test('a base url whose / answers 404 is healthy when every listed check passes', async () => {
    const app = await api();
    const checks = JSON.stringify([
      { name: 'health', url: '/api/health', 'expect-json': { status: 'ok' }, tags: ['critical'] },
      { url: '/api/version', 'expect-body': SHA, tags: ['critical'] },
      { name: 'missing', url: '/api/missing', tags: ['smoke'] },
    ]);
    const result = await runBundle('health-check', { inputs: { ...fast, url: app.url, checks, suite: 'critical' } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.healthy).toBe('true');
    // The base is not probed, the smoke-only check is left out, and an unnamed check is named by its path.
    expect(report(result.outputs).checks.map((c: { name: string }) => c.name)).toEqual(['health', '/api/version']);
    expect(app.requests.some((r) => r.url === '/')).toBe(false);
  });

  test('checks from plain URLs are named by their path, not host and port', async () => {
    const app = await api();
    const result = await runBundle('health-check', {
      inputs: { ...fast, url: `${app.url}/api/health\n${app.url}/api/version` },
    });
    expect(result.exitCode).toBe(0);
    expect(report(result.outputs).checks.map((c: { name: string }) => c.name)).toEqual(['/api/health', '/api/version']);
  });

  test('url lines may be named, as the pipeline names frontend and backend', async () => {
    const app = await api();
    const result = await runBundle('health-check', {
      inputs: { ...fast, url: `frontend: ${app.url}/api/health\nbackend: ${app.url}/api/version` },
    });
    expect(result.exitCode).toBe(0);
    expect(report(result.outputs).checks.map((c: { name: string }) => c.name)).toEqual(['frontend', 'backend']);
  });

  test('with checks, named url lines stay checks whatever the suite (the pipeline adds its own)', async () => {
    const app = await api();
    const checks = JSON.stringify([{ name: 'version', url: '/api/version', tags: ['smoke'] }]);
    const result = await runBundle('health-check', {
      inputs: {
        ...fast,
        url: `frontend: ${app.url}/api/health\nbackend: ${app.url}/api/version`,
        checks,
        suite: 'critical',
      },
    });
    expect(result.exitCode).toBe(0);
    // 'version' is not in the critical suite; frontend and backend are the workflow's own checks.
    expect(report(result.outputs).checks.map((c: { name: string }) => c.name)).toEqual(['frontend', 'backend']);
    expect(result.warnings).toEqual([]);
  });

  test('with checks, more url entries than the base are said to be unchecked', async () => {
    const app = await api();
    const result = await runBundle('health-check', {
      inputs: { ...fast, url: `${app.url}\n${app.url}/api/version`, checks: '- url: /api/health' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.warnings.join('\n')).toContain(
      `url is only the base for relative check URLs (${app.url}/); ${app.url}/api/version is not checked unless listed in checks or named (name: URL)`,
    );
  });
});

describe('health-check bad input stops before any request, naming the input', () => {
  const cases: [string, Record<string, string>, string][] = [
    [
      'unparsable duration',
      { timeout: 'soon' },
      "health-check: input 'timeout' must be a duration such as 30s, 5m or 1h, got 'soon'",
    ],
    [
      'URL without scheme',
      { url: 'threadr.app/health' },
      "health-check: input 'url' must be an http(s) URL such as https://example.com/health, got 'threadr.app/health'",
    ],
    [
      'non-http scheme',
      { url: 'ftp://threadr.app/' },
      "health-check: input 'url' must be an http(s) URL such as https://example.com/health, got scheme 'ftp' in 'ftp://threadr.app/'",
    ],
    [
      'malformed YAML',
      { checks: '- name: api\n  url: [unclosed' },
      "health-check: input 'checks' is not valid YAML or JSON (inline value at line 2, column",
    ],
    [
      'unknown check key',
      { checks: '- name: api\n  url: https://x.test/\n  expect_status: 200' },
      "health-check: input 'checks' check 1 has unknown key 'expect_status'",
    ],
    ['empty URL list', { url: '' }, "health-check: input 'url' is empty and no checks are given"],
    [
      'error rate over 100%',
      { 'max-error-rate': '150%' },
      "health-check: input 'max-error-rate' must be a percentage from 0% to 100% such as 5%, got '150%'",
    ],
    [
      'malformed header line',
      { headers: 'no colon here' },
      "health-check: input 'headers' must hold one 'Name: value' header per line",
    ],
  ];
  test.each(cases)('%s', async (_label, inputs, message) => {
    const app = await server((_req, res) => json(res, 200, {}));
    const result = await runBundle('health-check', { inputs: { url: app.url, ...inputs } });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].startsWith(message)).toBe(true);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    expect(app.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });
});
