/**
 * Wiring, issue 16: scheduled-ops.yml run by the local runner against the emulator. Production serves
 * a broken commit deployed after the last verified one (outside our pipeline, so GitHub has no record
 * of it): the critical health result (error rate ≥ 5%, the host reachable) runs the remediate job's
 * rollback_deploy, which puts both platforms back on the verified deployment. A healthy production
 * runs no remediation at all.
 */
import { afterEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fixture, NEW } from '../deploy/fixture.js';
import { ROOT, runBundle } from '../harness/runner.js';

const BROKEN = 'bad0000000000000000000000000000000000003';

let fx: Fixture;
afterEach(async () => fx?.stop());

async function deploy(sha: string, recorded: boolean): Promise<void> {
  const result = await runBundle('deploy', {
    inputs: fx.inputs({ ref: sha, strategy: 'direct', ...(recorded ? {} : { 'github-token': '' }) }),
  });
  expect(result.outputs['status']).toBe('deployed');
}

/** scheduled-ops' health-cost task with the production URLs and the platform secrets of the fixture. */
async function scheduledOps(): Promise<string> {
  const urls = fx.emulator.urls;
  const secrets: Record<string, string> = {
    VERCEL_TOKEN: fx.tokens.vercel,
    VERCEL_PROJECT_ID: fx.vercel.projectId,
    VERCEL_API_URL: urls.vercel,
    RAILWAY_PROJECT_ID: fx.railway.projectId,
    RAILWAY_SERVICE_ID: fx.railway.serviceId,
    RAILWAY_API_URL: urls.railwayGraphql,
    SLACK_WEBHOOK_URL: `${urls.slack}/services/T0WIRE/B0WIRE/wiresecret`,
  };
  const environmentSecrets = {
    PROD_RAILWAY_TOKEN: fx.tokens.railway,
    PROD_RAILWAY_ENVIRONMENT_ID: fx.railway.environmentId,
  };
  const args = [
    '--input',
    'task=health-cost',
    '--input',
    `frontend-url=${fx.vercel.productionUrl}`,
    '--input',
    `api-url=${fx.railway.serviceUrl}`,
    // No budgets to breach: only the health result can act.
    '--input',
    'cost-limits={}',
    // A broken app never passes: judge it after one attempt instead of waiting the default 2 minutes.
    '--input',
    'health-timeout=1s',
    ...Object.keys(secrets).flatMap((name) => ['--secret', name]),
    '--environment-secret',
    'production:RAILWAY_TOKEN=PROD_RAILWAY_TOKEN',
    '--environment-secret',
    'production:RAILWAY_ENVIRONMENT_ID=PROD_RAILWAY_ENVIRONMENT_ID',
    '--verbose',
  ];
  const node = process.env.THREADR_TEST_NODE ?? process.execPath;
  const child = spawn(
    node,
    [join(ROOT, 'bin', 'threadr-ops.js'), 'workflow', join(ROOT, '.github', 'workflows', 'scheduled-ops.yml'), ...args],
    {
      cwd: mkdtempSync(join(tmpdir(), 'remediate-rollback-wiring-')),
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_TOKEN: fx.tokens.github,
        GITHUB_API_URL: urls.github,
        GITHUB_REPOSITORY: 'threadr/threadr',
        ...secrets,
        ...environmentSecrets,
      },
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (out += c));
  await new Promise((done) => child.on('close', done));
  return out;
}

const serving = () => ({ frontend: fx.vercelProduction()?.sha, backend: fx.railwayProduction()?.sha });

test('a broken deployment newer than the verified one, health failing: remediate rolls production back to the verified deployment', async () => {
  fx = await Fixture.start();
  fx.control.setCommit(BROKEN, { app: { kind: 'broken' } });
  await deploy(NEW, true);
  await deploy(BROKEN, false);
  expect(serving()).toEqual({ frontend: BROKEN, backend: BROKEN });

  const out = await scheduledOps();
  expect(out).toMatch(/health-cost failure/);
  expect(out).toMatch(/remediate success/);
  // Read back from the emulator: both platforms serve the verified commit again, and the rollback
  // is on GitHub Deployments as the rollback action records it.
  expect(serving()).toEqual({ frontend: NEW, backend: NEW });
  expect(fx.githubDeployments().at(-1)).toMatchObject({ sha: NEW, task: 'deploy:rollback' });
  const record = fx.control
    .githubRepo('threadr/threadr')
    .issues.find((issue) => issue.title === 'threadr-ops remediation log: production');
  expect(record?.comments).toHaveLength(2);
  expect(record!.comments[1]!.body).toContain('--actions rollback_deploy --revert true --confirm true');
  expect(record!.comments[0]!.body).toMatch(/health critical \(error rate 100%/);
  // Slack says what was done and how to undo it.
  const slack = fx.control
    .slackMessages()
    .map((m) => JSON.stringify(m))
    .join('\n');
  expect(slack).toMatch(/remediate applied rollback_deploy in production/);
  expect(slack).toContain('--actions rollback_deploy --revert true --confirm true');
}, 60_000);

test('a healthy production: no remediation', async () => {
  fx = await Fixture.start();
  await deploy(NEW, true);
  const requests = fx.control.requests().length;
  const out = await scheduledOps();
  expect(out).toMatch(/health-cost success/);
  expect(out).not.toMatch(/remediate (success|failure)/);
  expect(serving()).toEqual({ frontend: NEW, backend: NEW });
  expect(
    fx.control
      .githubRepo('threadr/threadr')
      .issues.find((issue) => issue.title === 'threadr-ops remediation log: production'),
  ).toBeUndefined();
  expect(
    fx.control
      .requests()
      .slice(requests)
      .filter((r) => r.provider === 'vercel' && r.method !== 'GET'),
  ).toEqual([]);
});
