import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { DemoSetup } from '../../src/emulator/control.js';
import { ROOT } from '../harness/runner.js';

/**
 * Staging is real: deploy-pipeline.yml's deploy and rollback jobs declare `environment:`, so each
 * GitHub Environment holds what differs (RAILWAY_TOKEN, a project token scoped to one Railway
 * environment, and RAILWAY_ENVIRONMENT_ID; docs/secrets.md). Run by `threadr-ops workflow` (the
 * local runner in the CLI bundle) against the emulator, which refuses a project token outside its
 * environment as Railway does.
 */
let emulator: Emulator;
let setup: DemoSetup;
const STAGING = 'rw-env-staging';
let stagingToken: string;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, slack: { rateLimit: false } });
  // Builds finish on their first status read: with a step per read, the deploy action's pauses
  // between reads (2 s and up: its poll-interval, which the pipeline does not expose) took 16 s of
  // the production run's 36.
  emulator.control.configure({ vercel: { timing: { stepMs: 0 } }, railway: { timing: { stepMs: 0 } } });
  setup = await emulator.control.seedDemo();
  const service = setup.railway.service;
  await emulator.control.seedRailwayService({
    projectId: service.projectId,
    environmentId: STAGING,
    environmentName: 'staging',
    serviceId: service.serviceId,
    serviceName: 'api',
    successSha: setup.commits.current,
  });
  stagingToken = emulator.control.addRailwayProjectToken(
    { projectId: service.projectId, environmentId: STAGING },
    'railway_staging_project_token',
  );
});
afterAll(async () => {
  await emulator.stop();
});

function workflow(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const node = process.env.THREADR_TEST_NODE ?? process.execPath;
  const child = spawn(
    node,
    [join(ROOT, 'bin', 'threadr-ops.js'), 'workflow', join(ROOT, '.github', 'workflows', file), '--verbose', ...args],
    {
      cwd: mkdtempSync(join(tmpdir(), 'environments-')),
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_TOKEN: setup.github.token,
        GITHUB_API_URL: emulator.urls.github,
        GITHUB_REPOSITORY: 'threadr/threadr',
        GITHUB_REF_NAME: 'main',
        GITHUB_REF: 'refs/heads/main',
        ...env,
      },
    },
  );
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((done) => child.on('close', (code) => done({ code, stderr, stdout })));
}

const serving = (environmentId: string) =>
  emulator.control
    .railwayDeployments(setup.railway.service.serviceId)
    .filter((d) => d.environmentId === environmentId && d.status === 'SUCCESS')
    .map((d) => d.meta.commitHash);

describe('deploy-pipeline.yml with GitHub Environments', () => {
  test('a staging deploy uses the staging environment’s Railway token and environment id; production is untouched', async () => {
    const sha = setup.commits.good;
    const repository = {
      VERCEL_TOKEN: setup.vercel.token,
      VERCEL_PROJECT_ID: setup.vercel.project.projectId,
      RAILWAY_PROJECT_ID: setup.railway.service.projectId,
      RAILWAY_SERVICE_ID: setup.railway.service.serviceId,
      VERCEL_API_URL: emulator.urls.vercel,
      RAILWAY_API_URL: emulator.urls.railwayGraphql,
      THREADR_GITHUB_API_URL: emulator.urls.github,
    };
    const perEnvironment = {
      PRODUCTION_RAILWAY_TOKEN: setup.railway.projectToken,
      PRODUCTION_RAILWAY_ENVIRONMENT_ID: setup.railway.service.environmentId,
      STAGING_RAILWAY_TOKEN: stagingToken,
      STAGING_RAILWAY_ENVIRONMENT_ID: STAGING,
    };
    const run = await workflow(
      'deploy-pipeline.yml',
      [
        ...Object.keys(repository).flatMap((name) => ['--secret', name]),
        ...['production', 'staging'].flatMap((environment) =>
          ['RAILWAY_TOKEN', 'RAILWAY_ENVIRONMENT_ID'].flatMap((name) => [
            '--environment-secret',
            `${environment}:${name}=${environment.toUpperCase()}_${name}`,
          ]),
        ),
        ...[
          '--input',
          'environment=staging',
          '--input',
          `ref=${sha}`,
          '--input',
          'verify-timeout=5s',
          '--input',
          'verify-duration=1s',
          '--input',
          'load-duration=2s',
        ],
      ],
      { ...repository, ...perEnvironment, GITHUB_SHA: sha },
    );
    expect(run.stderr).toMatch(/✔ deploy: status deployed/);
    expect(run.stderr).toMatch(
      /Jobs: deploy success, verify success, canary skipped, promote skipped, rollback skipped, notify success/,
    );
    // No Redis backup before a staging deploy, and no note about one.
    expect(run.stderr).not.toMatch(/deploy › (backup|step-\d+) /);
    expect(run.stdout).not.toMatch(/Redis backup/);
    expect(serving(STAGING)).toEqual([sha]);
    expect(serving(setup.railway.service.environmentId)).toEqual([setup.commits.current]);
    expect(run.stderr).not.toMatch(/Skip output/);
    expect(run.code).toBe(0);
  });

  // Issue 15: production deploys take a Redis backup first; without the Upstash secrets (a repository
  // without Upstash, the first run of a new one) the deploy goes ahead and the summary says why.
  test('a production deploy without the Upstash secrets skips the backup, says so in the summary, and deploys', async () => {
    const sha = setup.commits.good;
    const repository = {
      VERCEL_TOKEN: setup.vercel.token,
      VERCEL_PROJECT_ID: setup.vercel.project.projectId,
      RAILWAY_PROJECT_ID: setup.railway.service.projectId,
      RAILWAY_SERVICE_ID: setup.railway.service.serviceId,
      VERCEL_API_URL: emulator.urls.vercel,
      RAILWAY_API_URL: emulator.urls.railwayGraphql,
      THREADR_GITHUB_API_URL: emulator.urls.github,
      UPSTASH_EMAIL: 'ops@threadr.test',
    };
    // Production stages the frontend and promotes it after the canary: both builds answer alike (seeded
    // profiles, 5 % spread), so the canary's 30 samples each pass whatever the load on the machine.
    for (const commit of [setup.commits.current, sha])
      emulator.control.setApp(commit, { kind: 'profile', medianMs: 60, spread: 0.05, seed: 7 });
    const productionKey = `vercel-production:${setup.vercel.project.projectId}`;
    const before = emulator.control.appRequests({ key: productionKey, sha }).length;
    const production = {
      PRODUCTION_RAILWAY_TOKEN: setup.railway.projectToken,
      PRODUCTION_RAILWAY_ENVIRONMENT_ID: setup.railway.service.environmentId,
    };
    const run = await workflow(
      'deploy-pipeline.yml',
      [
        ...Object.keys(repository).flatMap((name) => ['--secret', name]),
        ...['RAILWAY_TOKEN', 'RAILWAY_ENVIRONMENT_ID'].flatMap((name) => [
          '--environment-secret',
          `production:${name}=PRODUCTION_${name}`,
        ]),
        ...[
          '--input',
          'environment=production',
          '--input',
          `ref=${sha}`,
          '--input',
          'verify-timeout=5s',
          '--input',
          'verify-duration=3s',
          '--input',
          'load-duration=2s',
        ],
      ],
      { ...repository, ...production, GITHUB_SHA: sha },
    );
    expect(run.stderr).not.toMatch(/▶ deploy › backup /);
    expect(run.stdout).toContain(
      'No Redis backup before this deploy - UPSTASH_EMAIL, UPSTASH_API_KEY or UPSTASH_DATABASE is not set (docs/secrets.md).',
    );
    expect(run.stderr).toMatch(/✔ deploy: status deployed/);
    expect(run.stderr).toMatch(/✔ promote: status promoted/);
    expect(run.stderr).toMatch(
      /Jobs: deploy success, verify success, canary success, promote success, rollback skipped, notify success, record skipped/,
    );
    expect(run.code).toBe(0);
    // The production domains moved to the commit's build.
    const promoted = emulator.control.vercelProject(setup.vercel.project.projectId)?.productionDeploymentId;
    expect(emulator.control.vercelDeployment(promoted ?? '')?.sha).toBe(sha);
    // Issue 14: the check after the promote asked production's domain (the emulator's production host,
    // which Vercel's targets.production.alias names), and the domain answered with the promoted build.
    // Nothing else in the run asks that domain for the new commit: the canary's baseline is the old
    // build's own URL, and verify asks the candidate's.
    const verified = emulator.control.appRequests({ key: productionKey, sha }).slice(before);
    expect(verified.length).toBeGreaterThan(0);
    expect(verified.every((entry) => entry.path === '/api/health' && entry.status === 200)).toBe(true);
    expect(run.stdout).toContain(`Production is verified through its domain, ${setup.vercel.project.productionUrl}.`);
    // Staged production runs four more steps (canary, promote, production check), each a process of
    // its own with a fixed probe (verify-duration 3 s: the canary's 30 requests per target, above its
    // minimum of 20 whatever the machine's load). About 28 s on this machine: more than jest's 30 s
    // default leaves room for on a busy one, hence the explicit limit, which only guards a hang.
  }, 90_000);
});
