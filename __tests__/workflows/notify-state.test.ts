import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ROOT } from '../harness/runner.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

/**
 * notify-on: change needs the last state to survive a failed run. scheduled-ops.yml's smoke task,
 * run three times by `threadr-ops workflow` with one cache folder between runs (as GitHub's cache
 * would hold it): healthy, down (the job fails), up again. Slack must hear "down" and then "up".
 * With the combined actions/cache (post-if: success()) the failed run's state was never saved, so
 * the recovery compared against the healthy run before it and stayed silent.
 */
let emulator: Emulator;
let site: TestServer;
let healthy = true;
const webhook = () => `${emulator.urls.slack}/services/T0STATE/B0STATE/statesecret`;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, slack: { rateLimit: false } });
  emulator.control.addGithubToken('ghs_local_state');
  site = await startServer((_req, res) =>
    healthy ? json(res, 200, { status: 'ok' }) : json(res, 503, { status: 'down' }),
  );
});
afterAll(async () => {
  await emulator.stop();
  await site.close();
});

function smoke(
  runId: number,
  cache: string,
  environment = 'production',
): Promise<{ code: number | null; stderr: string }> {
  const node = process.env.THREADR_TEST_NODE ?? process.execPath;
  const args = [
    '--input',
    'task=smoke',
    '--input',
    `environment=${environment}`,
    '--input',
    `frontend-url=${site.url}`,
    '--input',
    `api-url=${site.url}`,
    '--input',
    'smoke-timeout=2s',
    '--secret',
    'SLACK_WEBHOOK_URL',
    '--cache',
    cache,
  ];
  const child = spawn(
    node,
    [
      join(ROOT, 'bin', 'threadr-ops.js'),
      'workflow',
      join(ROOT, '.github', 'workflows', 'scheduled-ops.yml'),
      '--verbose',
      ...args,
    ],
    {
      cwd: mkdtempSync(join(tmpdir(), 'notify-state-')),
      env: {
        PATH: process.env.PATH ?? '',
        GITHUB_TOKEN: 'ghs_local_state',
        GITHUB_API_URL: emulator.urls.github,
        GITHUB_REPOSITORY: 'threadr/threadr',
        GITHUB_SHA: 'c'.repeat(40),
        GITHUB_RUN_ID: String(runId),
        SLACK_WEBHOOK_URL: webhook(),
      },
    },
  );
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((done) => child.on('close', (code) => done({ code, stderr })));
}

const titles = () => emulator.control.slackMessages().map((m) => JSON.stringify(m.payload));

describe('scheduled-ops.yml smoke: notify state survives a failed run', () => {
  test('healthy, down, up: Slack hears down, then up; each run starts from the last state of its environment', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'notify-cache-'));
    emulator.control.clearSlackMessages();

    healthy = true;
    expect((await smoke(1, cache)).code).toBe(0);
    expect(titles()).toHaveLength(0);

    healthy = false;
    const down = await smoke(2, cache);
    expect(down.stderr).toMatch(/Jobs: .*smoke failure/);
    expect(down.stderr).toMatch(/Cache saved with key: threadr-ops-state-smoke-production-2-1/);
    expect(titles()).toHaveLength(1);
    expect(titles()[0]).toMatch(/production is unhealthy/);

    // Staging's first run is its own first run: production's "down" is not its last state.
    healthy = true;
    expect((await smoke(3, cache, 'staging')).code).toBe(0);
    expect(titles()).toHaveLength(1);

    const up = await smoke(4, cache);
    expect(up.stderr).toMatch(/Cache restored from key: threadr-ops-state-smoke-production-2-1/);
    expect(titles()).toHaveLength(2);
    expect(titles()[1]).toMatch(/production is healthy/);
  });
});
