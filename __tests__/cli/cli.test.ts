import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../harness/runner.js';
import { json, startServer, type TestServer } from '../harness/servers.js';
import { Fixture, NEW } from '../deploy/fixture.js';

/** `threadr-ops <action> --<input> <value>`: the bin a user runs after install, same code as the action. */
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const node = process.env.THREADR_TEST_NODE ?? process.execPath;
  const child = spawn(node, [join(ROOT, 'bin', 'threadr-ops.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: mkdtempSync(join(tmpdir(), 'threadr-cli-')),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe('threadr-ops CLI', () => {
  test('runs an action with flags, action.yml defaults, and prints the summary and outputs', async () => {
    server = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
    const result = await cli(['health-check', '--url', `${server.url}/health`, '--interval', '50ms']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^## Health check — ✅ Healthy: 1 check\(s\) passed/m);
    expect(result.stdout).toMatch(/^ {2}healthy: true$/m);
    expect(result.stderr).toContain('▶ Waiting for 1 check(s) to pass');
  });

  test('a failing action exits 1; --json prints the outputs as JSON', async () => {
    server = await startServer((_req, res) => json(res, 500, {}));
    const result = await cli([
      'health-check',
      '--url',
      server.url,
      '--timeout',
      '100ms',
      '--interval',
      '50ms',
      '--json',
    ]);
    expect(result.code).toBe(1);
    const outputs = JSON.parse(result.stdout);
    expect(outputs.healthy).toBe('false');
    expect(JSON.parse(outputs.report).checks[0].attempts.length).toBeGreaterThan(1);
  });

  test('inputs come from THREADR_* variables (credentials also from their usual names), secrets never reach the terminal', async () => {
    server = await startServer((req, res) =>
      json(res, req.headers['x-vercel-protection-bypass'] === 'byp4ss-secret' ? 200 : 401, {}),
    );
    const result = await cli(['health-check', '--url', server.url], {
      THREADR_HEADERS: 'x-vercel-protection-bypass: byp4ss-secret',
      TIMEOUT: 'not-a-duration',
    });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('byp4ss-secret');
  });

  test('unknown flags, unknown actions and bad values are one clear line', async () => {
    const flag = await cli(['health-check', '--urls', 'http://x.test']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(
      /^health-check: flag --urls is not an input of this action; its inputs are url, checks/,
    );
    const action = await cli(['deploy-everything']);
    expect(action.code).toBe(2);
    expect(action.stderr).toContain("threadr-ops: unknown action 'deploy-everything'");
    const value = await cli(['health-check', '--url', 'http://x.test', '--timeout', 'soon']);
    expect(value.code).toBe(1);
    expect(value.stderr).toContain(
      "error: health-check: input 'timeout' must be a duration such as 30s, 5m or 1h, got 'soon'",
    );
    expect(value.stderr).not.toMatch(/\n\s+at /);
  });

  test("deploy from a terminal takes the repository and branch from the run's variables (GITHUB_REF_NAME alone, as in the README)", async () => {
    const fx = await Fixture.start({ clock: { speed: 100 } });
    try {
      const inputs = fx.inputs();
      const flags = ['vercel-project-id', 'vercel-api-url', 'github-api-url', 'poll-interval', 'request-timeout'];
      const result = await cli(
        [
          'deploy',
          '--components',
          'frontend',
          '--environment',
          'staging',
          '--ref',
          NEW,
          ...flags.flatMap((name) => [`--${name}`, inputs[name]]),
        ],
        {
          VERCEL_TOKEN: fx.tokens.vercel,
          GITHUB_TOKEN: fx.tokens.github,
          GITHUB_REPOSITORY: 'threadr/threadr',
          GITHUB_REF_NAME: 'main',
        },
      );
      expect(result.stderr).not.toMatch(/git-branch|GITHUB_REPOSITORY/);
      const created = fx.control.requests({ provider: 'vercel', method: 'POST', path: '/deployments' });
      expect(created).toHaveLength(1);
      expect(JSON.parse(created[0].body).gitSource).toMatchObject({
        org: 'threadr',
        repo: 'threadr',
        ref: 'main',
        sha: NEW,
      });
      expect(
        fx.control
          .requests({ provider: 'github', method: 'POST' })
          .filter((request) => request.path === '/repos/threadr/threadr/deployments'),
      ).toHaveLength(1);
      expect(result.code).toBe(0);
    } finally {
      await fx.emulator.stop();
    }
  });

  test('--help lists inputs with their defaults and environment variables', async () => {
    const result = await cli(['deploy', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--vercel-token [THREADR_VERCEL_TOKEN, VERCEL_TOKEN]');
    expect(result.stdout).toContain('--timeout [THREADR_TIMEOUT] (default: 15m)');
  });
});
