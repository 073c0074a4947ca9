import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { fileIncidents } from '../../src/backups/incidents.js';
import type { ActionHost, Logger } from '../../src/core/host.js';
import { HttpClient } from '../../src/core/http.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

/**
 * The incident issues of backup and restore (fileIncidents), against the emulator's GitHub: filed as
 * the health check files them (incidents/issues.ts), and never a reason for the action to fail.
 */
const TOKEN = 'ghs_backup_incident_token';
const ENV = {
  GITHUB_REPOSITORY: 'threadr/threadr',
  GITHUB_RUN_ID: '2002',
  GITHUB_SERVER_URL: 'https://github.com',
};
let emulator: Emulator;
let http: HttpClient;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  emulator.control.addGithubToken(TOKEN);
  http = new HttpClient({ timeoutMs: 10_000 });
});
afterAll(async () => {
  await http.close();
  await emulator.stop();
});

/** Only what fileIncidents uses of a host; the lines logged are kept for the assertions. */
function host(lines: string[]): ActionHost {
  const log: Logger = {
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    debug: () => undefined,
    group: (_title, work) => work(),
  };
  const unused = () => {
    throw new Error('not used by fileIncidents');
  };
  return {
    action: 'backup',
    inputs: undefined as never,
    log,
    env: ENV,
    setOutput: unused,
    setSecret: unused,
    writeSummary: unused,
    fail: unused,
  };
}

const settings = (token: string) => ({ token, apiUrl: emulator.urls.github, repository: 'threadr/threadr' });
const issues = () => emulator.control.githubRepo('threadr/threadr')?.issues ?? [];

test('a failing backup opens an issue linking the run; passing again closes it', async () => {
  const lines: string[] = [];
  const down = [{ name: 'backup redis', down: true, reason: 'dump failed: NOAUTH' }];
  await fileIncidents(host(lines), http, settings(TOKEN), 'production', down);
  const [issue] = issues();
  expect(issue.title).toBe('[threadr-ops] production: backup redis is down');
  expect(issue.body).toContain('dump failed: NOAUTH');
  expect(issue.body).toContain('https://github.com/threadr/threadr/actions/runs/2002');
  expect(lines).toEqual([`issue #${issue.number} opened for backup redis`]);

  await fileIncidents(host(lines), http, settings(TOKEN), 'production', [{ name: 'backup redis', down: false }]);
  expect(issues()[0].state).toBe('closed');
  expect(lines.at(-1)).toBe(`issue #${issue.number} closed for backup redis`);
});

test('an issue that cannot be filed is a warning, not a failure', async () => {
  const lines: string[] = [];
  const before = issues().length;
  await expect(
    fileIncidents(host(lines), http, settings('ghs_not_a_token'), 'production', [
      { name: 'restore drill', down: true },
    ]),
  ).resolves.toBeUndefined();
  expect(issues()).toHaveLength(before);
  expect(lines).toEqual([expect.stringMatching(/^warning: backup: could not file the incident issue: /)]);
});

test('no settings (incidents is false): nothing is asked of GitHub', async () => {
  const requests = emulator.control.requests({ provider: 'github' }).length;
  await fileIncidents(host([]), http, undefined, 'production', [{ name: 'backup redis', down: true }]);
  expect(emulator.control.requests({ provider: 'github' })).toHaveLength(requests);
});
