import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ROOT } from '../harness/runner.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

/**
 * The reusable workflows run by `threadr-ops workflow` (the local runner in the CLI bundle): every
 * value a workflow passes to our actions must be valid for them, which the key check in
 * workflows.test.ts cannot see. A configuration error in any step fails these tests.
 */
let emulator: Emulator;
let site: TestServer;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, slack: { rateLimit: false } });
  emulator.control.addGithubToken('ghs_local_run');
  site = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
});
afterAll(async () => {
  await emulator.stop();
  await site.close();
});

function workflow(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const node = process.env.THREADR_TEST_NODE ?? process.execPath;
  const child = spawn(
    node,
    [join(ROOT, 'bin', 'threadr-ops.js'), 'workflow', join(ROOT, '.github', 'workflows', file), '--verbose', ...args],
    {
      cwd: mkdtempSync(join(tmpdir(), 'local-run-')),
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_TOKEN: 'ghs_local_run',
        GITHUB_API_URL: emulator.urls.github,
        GITHUB_REPOSITORY: 'threadr/threadr',
        GITHUB_SHA: 'c'.repeat(40),
        ...env,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((done) => child.on('close', (code) => done({ code, stderr, stdout })));
}

const configErrors = (log: string) => log.split('\n').filter((line) => /error: [\w-]+: (input|flag) '?/.test(line));

describe('scheduled-ops.yml, run locally task by task', () => {
  const base = () => ['--input', `frontend-url=${site.url}`, '--input', `api-url=${site.url}`];

  test.each([
    ['health-cost', ['health-cost › health (actions/health-check)', 'health-cost › cost (actions/cost-monitor)']],
    ['smoke', ['smoke › step-3 (actions/health-check)']],
    ['full', ['full › step-2 (actions/health-check)']],
  ])('%s runs its steps with valid inputs and passes', async (task, steps) => {
    const run = await workflow('scheduled-ops.yml', [
      '--input',
      `task=${task}`,
      '--input',
      'full-verify-duration=1s',
      ...base(),
    ]);
    expect(configErrors(run.stderr)).toEqual([]);
    for (const step of steps) expect(run.stderr).toContain(`▶ ${step}`);
    expect(run.stderr).toMatch(new RegExp(`Jobs: .*${task} success`));
    expect(run.code).toBe(0);
  });

  test('the cron that fired picks the task when none is given', async () => {
    const run = await workflow('scheduled-ops.yml', ['--schedule', '15 * * * *', ...base()]);
    expect(run.stderr).toMatch(
      /Jobs: health-cost skipped, smoke success, full skipped, load skipped, security skipped/,
    );
  });

  test('load runs the load test with the values the workflow passes', async () => {
    const run = await workflow('scheduled-ops.yml', [
      '--input',
      'task=load',
      '--input',
      'load-users=2',
      '--input',
      'load-duration=1s',
      '--input',
      'load-ramp-up=0s',
      ...base(),
    ]);
    expect(configErrors(run.stderr)).toEqual([]);
    expect(run.stderr).toMatch(/✔ step-1: passed true, \d+ requests/);
    expect(run.code).toBe(0);
  });

  test('security scans and judges (a plain-HTTP site has findings), with valid inputs', async () => {
    const run = await workflow('scheduled-ops.yml', [
      '--input',
      'task=security',
      '--input',
      'rate-limit-endpoint=/api/generate',
      ...base(),
    ]);
    expect(configErrors(run.stderr)).toEqual([]);
    expect(run.stderr).toContain('▶ security › scan (actions/security-scan)');
    expect(run.stdout).toMatch(/Security scan|security-scan/i);
    expect(run.stderr).toMatch(/Jobs: .*security failure/);
  });
});

describe('rollback.yml, run locally against the emulator', () => {
  test('goes back to the previous deployments and re-verifies', async () => {
    const setup = await emulator.control.seedDemo();
    const secrets = {
      VERCEL_TOKEN: setup.vercel.token,
      VERCEL_PROJECT_ID: setup.vercel.project.projectId,
      RAILWAY_PROJECT_ID: setup.railway.service.projectId,
      RAILWAY_SERVICE_ID: setup.railway.service.serviceId,
      VERCEL_API_URL: emulator.urls.vercel,
      RAILWAY_API_URL: emulator.urls.railwayGraphql,
      THREADR_GITHUB_API_URL: emulator.urls.github,
    };
    // As docs/secrets.md defines them: the Railway token and environment id belong to the GitHub Environment.
    const production = {
      PRODUCTION_RAILWAY_TOKEN: setup.railway.projectToken,
      PRODUCTION_RAILWAY_ENVIRONMENT_ID: setup.railway.service.environmentId,
    };
    const environmentSecrets = ['RAILWAY_TOKEN', 'RAILWAY_ENVIRONMENT_ID'].flatMap((name) => [
      '--environment-secret',
      `production:${name}=PRODUCTION_${name}`,
    ]);
    const run = await workflow(
      'rollback.yml',
      [
        ...Object.keys(secrets).flatMap((name) => ['--secret', name]),
        ...environmentSecrets,
        '--input',
        'environment=production',
      ],
      { ...secrets, ...production },
    );
    expect(configErrors(run.stderr)).toEqual([]);
    // The demo seed has one deployment per platform: nothing older to go back to.
    expect(run.stderr).toMatch(/✔ rollback: status nothing-to-roll-back/);
    expect(run.stderr).toMatch(/Jobs: rollback success, notify success/);
  });
});

describe('load-test-distributed.yml, run locally: a matrix of shards, then the merge', () => {
  const args = (more: string[]) => [
    '--input',
    `target=${site.url}/`,
    '--input',
    'shards=2',
    '--input',
    'users=4',
    '--input',
    'duration=1s',
    ...more,
  ];

  test('each shard generates its share and uploads it; the merge downloads both and judges the whole', async () => {
    const before = site.requests.length;
    const run = await workflow('load-test-distributed.yml', args(['--input', 'thresholds=p95<5s\nerror_rate<1%']));
    expect(configErrors(run.stderr)).toEqual([]);
    expect(run.stderr).toContain('▶ plan › shards (run)');
    expect(run.stderr).toContain('▶ load (1) › step-2 (actions/load-test)');
    expect(run.stderr).toContain('▶ load (2) › step-2 (actions/load-test)');
    expect(run.stderr).toContain('▶ load (2) › step-3 (actions/upload-artifact)');
    expect(run.stderr).toMatch(/Total of 2 artifact\(s\) downloaded/);
    const shards = [...run.stderr.matchAll(/✔ step-2: passed true, (\d+) requests/g)].map((m) => Number(m[1]));
    expect(shards).toHaveLength(2);
    const merged = Number(/✔ merge: passed true, (\d+) requests/.exec(run.stderr)?.[1]);
    expect(merged).toBe(shards[0] + shards[1]);
    expect(merged).toBe(site.requests.length - before);
    expect(run.stderr).toMatch(/Jobs: plan success, load success, merge success/);
    expect(run.code).toBe(0);
  });

  test('a threshold missed on the merged result fails the merge job', async () => {
    const run = await workflow('load-test-distributed.yml', args(['--input', 'thresholds=requests>=100000000']));
    expect(run.stderr).toMatch(/thresholds missed: requests>=100000000/);
    expect(run.stderr).toMatch(/Jobs: plan success, load success, merge failure/);
    expect(run.code).toBe(1);
  });

  test('shards out of range stop in the plan job; the merge finds no artifacts, as on GitHub', async () => {
    const before = site.requests.length;
    const run = await workflow('load-test-distributed.yml', args(['--input', 'shards=0']));
    expect(run.stderr).toContain("::error::input 'shards' must be a whole number from 1 to 20, got '0'");
    expect(run.stderr).toMatch(/Unable to download artifact\(s\): No artifacts found for run/);
    expect(run.stderr).toMatch(/Jobs: plan failure, load skipped, merge failure/);
    expect(site.requests.length).toBe(before);
    expect(run.code).toBe(1);
  });
});
