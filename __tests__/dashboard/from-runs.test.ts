import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { readRecords } from '../../src/ops-history/record.js';
import { runBundle } from '../harness/runner.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

/**
 * From real runs to the status page: the health-check bundle watches an app that goes down and
 * comes back, with incident issues on the emulator's GitHub and history-file set; the dashboard
 * bundle then builds the site from what those runs recorded.
 */
const TOKEN = 'ghs_dashboard_incidents';
// The job's workspace (GITHUB_WORKSPACE): the history and the site live inside it, as on a runner.
const work = mkdtempSync(join(tmpdir(), 'threadr-from-runs-'));
let emulator: Emulator | undefined;
let app: TestServer | undefined;
afterAll(async () => {
  await emulator?.stop();
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('status page from real runs', () => {
  test('an outage seen by health-check runs becomes a resolved incident linked to its issue', async () => {
    emulator = await startEmulator({ port: 0 });
    emulator.control.addGithubToken(TOKEN);
    let healthy = true;
    app = await startServer((_req, res) => json(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'down' }));
    const history = join(work, 'history/');
    const check = () =>
      runBundle('health-check', {
        cwd: work,
        inputs: {
          checks: `[{name: api, url: '${app!.url}/api/health'}]`,
          timeout: '200ms',
          interval: '50ms',
          incidents: 'true',
          'github-api-url': emulator!.urls.github,
          'fail-on-unhealthy': 'false',
          'history-file': history,
        },
        env: { GITHUB_TOKEN: TOKEN },
      });

    await check();
    healthy = false;
    const down = await check();
    expect(JSON.parse(down.outputs.incidents)).toEqual([{ check: 'api', action: 'opened', issue: 1 }]);
    await check();
    healthy = true;
    await check();

    const { records } = readRecords([history]);
    expect(records.map((r) => [r.verdict, r.figures.checks?.api[0]])).toEqual([
      ['success', 1],
      ['failure', 0],
      ['failure', 0],
      ['success', 1],
    ]);
    expect(records[1].figures.incidents).toEqual({ api: 'https://github.com/threadr/threadr/issues/1' });
    expect(records[1].figures.why?.api).toMatch(/503/);

    const site = join(work, 'site');
    const built = await runBundle('dashboard', { cwd: work, inputs: { history, 'out-dir': site } });
    expect(built.exitCode).toBe(0);
    expect(built.outputs).toMatchObject({ indicator: 'none', 'open-incidents': '0', records: '4' });
    const { incidents } = JSON.parse(readFileSync(join(site, 'incidents.json'), 'utf8')) as {
      incidents: {
        name: string;
        status: string;
        created_at: string;
        resolved_at: string;
        incident_updates: { status: string; body: string }[];
      }[];
    };
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      name: 'api is down',
      status: 'resolved',
      created_at: records[1].t,
      resolved_at: records[3].t,
    });
    expect(incidents[0].incident_updates.map((u) => u.status)).toEqual(['resolved', 'identified', 'investigating']);
    expect(incidents[0].incident_updates[1].body).toBe('Tracked in https://github.com/threadr/threadr/issues/1.');
    expect(readFileSync(join(site, 'status.html'), 'utf8')).toMatch(
      /<a href="https:\/\/github.com\/threadr\/threadr\/issues\/1">/,
    );
  });
});
