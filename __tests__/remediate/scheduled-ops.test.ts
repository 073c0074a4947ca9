/**
 * Wiring, issue 16: scheduled-ops.yml run by the local runner against the emulator. A critical cost
 * result (Railway over its budget → scale_down) runs the remediate job in the production
 * environment with the environment's Railway project token; Slack is told what was done and how to
 * undo it, and the record issue holds the before and after entries.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ROOT } from '../harness/runner.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

let emulator: Emulator;
let site: TestServer;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, slack: { rateLimit: false } });
  site = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
});
afterAll(async () => {
  await emulator.stop();
  await site.close();
});

async function graphql(token: string, query: string, variables: Record<string, unknown>) {
  const reply = await fetch(emulator.urls.railwayGraphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await reply.json()) as { data: Record<string, { numReplicas?: number }> };
}

test('a critical cost result runs remediate in the environment: scale_down applied, Slack says how to undo it', async () => {
  const setup = await emulator.control.seedDemo();
  const svc = setup.railway.service;
  const ids = { s: svc.serviceId, e: svc.environmentId };
  await graphql(
    setup.railway.accountToken,
    'mutation($s: String!, $e: String!) { serviceInstanceUpdate(serviceId: $s, environmentId: $e, input: { numReplicas: 3 }) }',
    ids,
  );
  const replicas = async () =>
    (
      await graphql(
        setup.railway.accountToken,
        'query($s: String!, $e: String!) { serviceInstance(serviceId: $s, environmentId: $e) { numReplicas } }',
        ids,
      )
    ).data['serviceInstance']!.numReplicas;
  expect(await replicas()).toBe(3);

  const secrets = {
    RAILWAY_API_TOKEN: setup.railway.accountToken,
    RAILWAY_PROJECT_ID: svc.projectId,
    RAILWAY_SERVICE_ID: svc.serviceId,
    RAILWAY_API_URL: emulator.urls.railwayGraphql,
    SLACK_WEBHOOK_URL: setup.slack.webhookUrl,
  };
  const environmentSecrets = {
    PROD_RAILWAY_TOKEN: setup.railway.projectToken,
    PROD_RAILWAY_ENVIRONMENT_ID: svc.environmentId,
  };
  const args = [
    '--input',
    'task=health-cost',
    '--input',
    `frontend-url=${site.url}`,
    '--input',
    `api-url=${site.url}`,
    // Railway over a tiny budget: critical, and its action is scale_down.
    '--input',
    'cost-limits={railway: {daily-limit: 0.0001, monthly-limit: 0.001, action: scale_down}}',
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
      cwd: mkdtempSync(join(tmpdir(), 'remediate-wiring-')),
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_TOKEN: setup.github.token,
        GITHUB_API_URL: emulator.urls.github,
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

  expect(out).toMatch(/remediate success/);
  expect(await replicas()).toBe(1);
  const slack = emulator.control
    .slackMessages()
    .map((m) => JSON.stringify(m))
    .join('\n');
  expect(slack).toMatch(/remediate applied scale_down in production/);
  expect(slack).toContain('--actions scale_down --revert true --confirm true');
  const record = emulator.control
    .githubRepo('threadr/threadr')
    .issues.find((issue) => issue.title === 'threadr-ops remediation log: production');
  expect(record?.comments).toHaveLength(2);
});
