import { afterEach, describe, expect, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runBundle } from '../harness/runner.js';
import { startServer, json, type TestServer } from '../harness/servers.js';

/** Incident issues opened, commented and closed by the health-check bundle against the emulator's GitHub. */
let emulator: Emulator | undefined;
let app: TestServer | undefined;
afterEach(async () => {
  await emulator?.stop();
  await app?.close();
  emulator = app = undefined;
});

const TOKEN = 'ghs_incident_token';
let healthy = true;
let blipOnce = false;

async function setup(): Promise<{ emu: Emulator; url: string }> {
  emulator = await startEmulator({ port: 0 });
  emulator.control.addGithubToken(TOKEN);
  app = await startServer((_req, res) => {
    if (blipOnce) {
      blipOnce = false;
      return json(res, 404, {});
    }
    json(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'down' });
  });
  return { emu: emulator, url: `${app.url}/api/health` };
}

function check(emu: Emulator, url: string) {
  return runBundle('health-check', {
    inputs: {
      url,
      timeout: '200ms',
      interval: '50ms',
      incidents: 'true',
      environment: 'production',
      'github-api-url': emu.urls.github,
      'fail-on-unhealthy': 'false',
    },
    env: { GITHUB_TOKEN: TOKEN },
  });
}
const issues = (emu: Emulator) => emu.control.githubRepo('threadr/threadr')?.issues ?? [];

describe('incident issues', () => {
  test('down opens one issue, staying down comments on it, recovery closes it with the downtime', async () => {
    const { emu, url } = await setup();
    healthy = false;
    const first = await check(emu, url);
    expect(JSON.parse(first.outputs.incidents)).toEqual([
      { check: expect.stringContaining('/api/health'), action: 'opened', issue: 1 },
    ]);
    const [issue] = issues(emu);
    expect(issue.title).toBe(`[threadr-ops] production: /api/health is down`);
    expect(issue.labels.map((l: { name: string } | string) => (typeof l === 'string' ? l : l.name))).toEqual([
      'threadr-ops-incident',
    ]);
    expect(issue.body).toContain('HTTP 503');
    expect(issue.body).toContain('https://github.com/threadr/threadr/actions/runs/1001');

    const second = await check(emu, url);
    expect(JSON.parse(second.outputs.incidents)).toEqual([expect.objectContaining({ action: 'commented', issue: 1 })]);
    expect(issues(emu)).toHaveLength(1);

    healthy = true;
    const third = await check(emu, url);
    expect(JSON.parse(third.outputs.incidents)).toEqual([expect.objectContaining({ action: 'closed', issue: 1 })]);
    const closed = issues(emu)[0];
    expect(closed.state).toBe('closed');
    expect(closed.comments.map((c: { body: string }) => c.body)).toEqual([
      expect.stringMatching(/^Still down at /),
      expect.stringMatching(/^Recovered at .* after (\d+ms|\d+\.\ds|\d+m\d\ds) of downtime\.$/),
    ]);
    // a healthy run with no open issue touches nothing
    const fourth = await check(emu, url);
    expect(JSON.parse(fourth.outputs.incidents)).toEqual([]);
    expect(emu.control.requests({ provider: 'github', method: 'POST' })).toHaveLength(3);
    expect(emu.control.requests({ provider: 'github', method: 'PATCH' })).toHaveLength(1);
  });

  test('one blip pages no one: a single failed attempt is confirmed before an issue opens', async () => {
    const { emu, url } = await setup();
    healthy = true;
    blipOnce = true; // a 404 is a verdict on the first attempt, so only confirmation can save it
    const result = await check(emu, url);
    expect(result.outputs.healthy).toBe('false');
    expect(JSON.parse(result.outputs.incidents)).toEqual([]);
    expect(issues(emu)).toEqual([]);
  });

  test('the token is masked and only sent to the GitHub API', async () => {
    const { emu, url } = await setup();
    healthy = false;
    const result = await check(emu, url);
    expect(result.masks).toContain(TOKEN);
    expect(result.stdout.replace(/::add-mask::.*/g, '')).not.toContain(TOKEN);
    expect(app!.requests.some((r) => JSON.stringify(r.headers).includes(TOKEN))).toBe(false);
    // Octokit (@octokit/auth-token) sends a non-JWT token as `token …`; GitHub takes it as it takes Bearer.
    expect(
      emu.control.requests({ provider: 'github' }).every((r) => r.headers.authorization === `token ${TOKEN}`),
    ).toBe(true);
  });
});
