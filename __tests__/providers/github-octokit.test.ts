import { ProviderError } from '../../src/core/errors.js';
import { BodyTooLargeError, HttpClient } from '../../src/core/http.js';
import { registerSecret } from '../../src/core/redact.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { GitHubDeploymentsClient } from '../../src/providers/github-deployments.js';
import { GitHubIssuesClient } from '../../src/providers/github-issues.js';
import type { GitHubRestOptions } from '../../src/providers/github-rest.js';
import { DeploymentRecord } from '../../src/release/github-record.js';

/**
 * The GitHub clients go through @octokit/rest with the retry and throttling plugins. Against the
 * emulator: what is retried (reads, rate limits, with GitHub's Retry-After), what is not (a create
 * after a 5xx: it may have been applied), and that our HttpClient still caps bodies.
 * Rate-limit waits go through an injected sleep; a 5xx on a read waits plugin-retry's 1 s.
 */

let emu: Emulator;
let http: HttpClient;
let token: string;
const warnings: string[] = [];
const SHA = 'feed000000000000000000000000000000000003';

function options(extra: Partial<GitHubRestOptions> = {}): GitHubRestOptions {
  return {
    http,
    apiUrl: emu.urls.github,
    token,
    repository: 'threadr/threadr',
    warn: (message) => void warnings.push(message),
    ...extra,
  };
}

const count = (method: string, path: string): number =>
  emu.control.requests({ provider: 'github', method }).filter((r) => r.path === path).length;

beforeEach(async () => {
  emu = await startEmulator({ port: 0, extensions: [] });
  token = emu.control.addGithubToken();
  emu.control.githubRepo('threadr/threadr');
  http = new HttpClient({ timeoutMs: 10_000 });
  warnings.length = 0;
});
afterEach(async () => {
  await http.close();
  await emu.stop();
});

describe('GitHub through Octokit', () => {
  it('a secondary rate limit (403 + Retry-After) on opening an issue is waited out and tried once more', async () => {
    emu.control.fault({
      provider: 'github',
      method: 'POST',
      path: '/repos/threadr/threadr/issues',
      fault: { kind: 'rate-limit', status: 403, secondary: true, retryAfterSeconds: 1 },
    });
    // The wait goes through the injected sleep (a test's virtual clock): asked for Retry-After, not slept for real.
    const waited: number[] = [];
    const issue = await new GitHubIssuesClient(options({ sleep: async (ms) => void waited.push(ms) })).create(
      'Production down',
      'health check failed',
      ['incident'],
    );
    expect(issue).toMatchObject({ number: 1, state: 'open' });
    expect(waited).toEqual([1000]);
    expect(count('POST', '/repos/threadr/threadr/issues')).toBe(2);
    expect(emu.control.githubRepo('threadr/threadr').issues).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/secondary rate limit on POST .*\/issues: trying again in 1s/)]);
  });

  it('an exhausted quota whose reset is an hour away fails at once with rate_limited, without waiting', async () => {
    emu.control.fault({
      provider: 'github',
      method: 'GET',
      path: '/repos/threadr/threadr/deployments',
      fault: { kind: 'rate-limit', status: 403, retryAfterSeconds: 3600 },
    });
    const failure = await new GitHubDeploymentsClient(options())
      .list({ environment: 'production' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ status: 403, code: 'rate_limited', retriable: true, requestId: undefined });
    expect(count('GET', '/repos/threadr/threadr/deployments')).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/rate limit on GET .*: giving up \(retry after 36\d\ds/)]);
  });

  it('a 502 on create deployment is not repeated: it may have been applied', async () => {
    emu.control.fault({
      provider: 'github',
      method: 'POST',
      path: '/repos/threadr/threadr/deployments',
      fault: { kind: 'server-error', status: 502, afterHandling: true },
    });
    const failure = await new GitHubDeploymentsClient(options())
      .create({ ref: SHA, environment: 'production' })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'ProviderError', status: 502 });
    expect(count('POST', '/repos/threadr/threadr/deployments')).toBe(1);
    // It was applied: one deployment, not two.
    expect(emu.control.githubRepo('threadr/threadr').deployments).toHaveLength(1);
  });

  it('the deployment record reads back after that 502 and keeps the one deployment GitHub made', async () => {
    emu.control.fault({
      provider: 'github',
      method: 'POST',
      path: '/repos/threadr/threadr/deployments',
      fault: { kind: 'server-error', status: 502, afterHandling: true },
    });
    const log = {
      info: () => undefined,
      warn: (m: string) => void warnings.push(m),
      error: () => undefined,
      debug: () => undefined,
      group: <T>(_t: string, work: () => Promise<T>) => work(),
    };
    const clock = { now: () => 0, sleep: async () => undefined };
    const record = new DeploymentRecord(
      new GitHubDeploymentsClient(options()),
      log,
      'https://github.com/threadr/threadr/actions/runs/7',
      { clock, settleMs: 0 },
    );
    const id = await record.start({ ref: SHA, environment: 'production', description: 'deploy' });
    const repo = emu.control.githubRepo('threadr/threadr');
    expect(repo.deployments).toHaveLength(1);
    expect(id).toBe(repo.deployments[0]?.id);
    expect(count('POST', '/repos/threadr/threadr/deployments')).toBe(1);
    expect(repo.deployments[0]?.statuses.map((s) => [s.state, s.log_url])).toEqual([
      ['in_progress', 'https://github.com/threadr/threadr/actions/runs/7'],
    ]);
  });

  it('a 502 on a read is retried (plugin-retry) and the read succeeds', async () => {
    const client = new GitHubDeploymentsClient(options());
    await client.create({ ref: SHA, environment: 'staging' });
    emu.control.fault({
      provider: 'github',
      method: 'GET',
      path: '/repos/threadr/threadr/deployments',
      fault: { kind: 'server-error', status: 502 },
    });
    const listed = await client.list({ environment: 'staging' });
    expect(listed.map((d) => d.sha)).toEqual([SHA]);
    expect(count('GET', '/repos/threadr/threadr/deployments')).toBe(2);
  });

  it('comments are read through the Link header, and bodies stay capped by our HttpClient', async () => {
    const issues = new GitHubIssuesClient(options());
    const issue = await issues.create('Incident', 'first', ['incident']);
    for (let i = 0; i < 3; i++)
      emu.control.githubRepo('threadr/threadr').issues[0]!.comments.push({
        id: 9000 + i,
        body: `c${i}`,
        user: { login: 'x', id: 1, type: 'User' },
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
      });
    expect((await issues.comments(issue.number)).map((c) => c.body)).toEqual(['c0', 'c1', 'c2']);

    const small = new HttpClient({ timeoutMs: 10_000, maxBodyBytes: 64 });
    try {
      await expect(new GitHubIssuesClient(options({ http: small })).listOpen('incident')).rejects.toBeInstanceOf(
        BodyTooLargeError,
      );
    } finally {
      await small.close();
    }
  });

  it('never puts a registered token into an error', async () => {
    // What every action does with github-token (InputReader.secret → setSecret → registerSecret).
    registerSecret(token);
    emu.control.fault({
      provider: 'github',
      method: 'GET',
      path: '/repos/threadr/threadr/issues',
      fault: {
        kind: 'respond',
        status: 400,
        headers: { 'content-type': 'application/json' },
        json: { message: `bad request with Authorization: token ${token}` },
      },
    });
    const failure = (await new GitHubIssuesClient(options())
      .listOpen('incident')
      .catch((error: unknown) => error)) as Error;
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure.message).toMatch(/HTTP 400/);
    expect(failure.message).not.toContain(token);
    expect(failure.message).toContain('***');
  });
});
