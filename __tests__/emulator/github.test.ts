import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { bearer, call, sha } from './helpers.js';

let emu: Emulator;
let auth: Record<string, string>;
let repo: string;

beforeEach(async () => {
  emu = await startEmulator({ extensions: [] });
  auth = {
    ...bearer(emu.control.addGithubToken()),
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  };
  repo = `${emu.urls.github}/repos/threadr/threadr`;
});
afterEach(async () => emu.stop());

const createDeployment = (body: Record<string, unknown>) =>
  call(`${repo}/deployments`, { headers: auth, body: { auto_merge: false, required_contexts: [], ...body } });

describe('GitHub auth, errors and rate-limit headers', () => {
  it('answers 401 with {message, documentation_url}', async () => {
    const none = await call(`${repo}/deployments`);
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({
      message: 'Requires authentication',
      documentation_url: 'https://docs.github.com/rest',
    });
    expect((await call(`${repo}/deployments`, { headers: bearer('bad') })).json().message).toBe('Bad credentials');
  });

  it('sends rate-limit headers on every answer and 403s once the hourly budget is gone', async () => {
    emu.control.configure({ github: { rateLimit: 2 } });
    const first = await call(`${repo}/deployments`, { headers: auth });
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '1',
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
    });
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    await call(`${repo}/deployments`, { headers: auth });
    const limited = await call(`${repo}/deployments`, { headers: auth });
    expect(limited.status).toBe(403);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.json().message).toMatch(/rate limit exceeded/);
    emu.control.advance(3_600_000);
    expect((await call(`${repo}/deployments`, { headers: auth })).status).toBe(200);
  });
});

describe('GitHub deployments and statuses', () => {
  it('creates deployments (201) and lists them newest first with filters and Link pagination', async () => {
    const created = await createDeployment({
      ref: sha(1),
      environment: 'production',
      description: 'deploy',
      payload: { run: 1 },
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({
      sha: sha(1),
      ref: sha(1),
      task: 'deploy',
      environment: 'production',
      original_environment: 'production',
      production_environment: true,
      transient_environment: false,
      payload: { run: 1 },
    });
    expect(typeof created.json().id).toBe('number');
    expect(created.json().statuses_url).toBe(`${repo}/deployments/${created.json().id}/statuses`);
    for (let i = 2; i <= 4; i++) await createDeployment({ ref: sha(i), environment: i % 2 ? 'production' : 'staging' });
    const page1 = await call(`${repo}/deployments?per_page=2`, { headers: auth });
    expect(page1.json().map((d: { sha: string }) => d.sha)).toEqual([sha(4), sha(3)]);
    expect(page1.headers['link']).toContain('rel="next"');
    expect(page1.headers['link']).toContain('page=2');
    const page2 = await call(`${repo}/deployments?per_page=2&page=2`, { headers: auth });
    expect(page2.json().map((d: { sha: string }) => d.sha)).toEqual([sha(2), sha(1)]);
    expect(page2.headers['link']).toContain('rel="prev"');
    expect(page2.headers['link']).not.toContain('rel="next"');
    const staging = await call(`${repo}/deployments?environment=staging`, { headers: auth });
    expect(staging.json().map((d: { sha: string }) => d.sha)).toEqual([sha(4), sha(2)]);
    expect((await call(`${repo}/deployments?sha=${sha(3)}`, { headers: auth })).json()).toHaveLength(1);
  });

  it('validates ref and status state with 422', async () => {
    expect((await createDeployment({})).status).toBe(422);
    const { id } = (await createDeployment({ ref: 'main' })).json();
    const bad = await call(`${repo}/deployments/${id}/statuses`, { headers: auth, body: { state: 'done' } });
    expect(bad.status).toBe(422);
    expect(bad.json()).toMatchObject({ message: 'Validation Failed', documentation_url: expect.any(String) });
  });

  it('records statuses (newest first) and auto_inactive marks older non-production successes inactive', async () => {
    const first = (await createDeployment({ ref: sha(1), environment: 'staging' })).json().id;
    await call(`${repo}/deployments/${first}/statuses`, {
      headers: auth,
      body: { state: 'success', environment_url: 'http://a' },
    });
    const second = (await createDeployment({ ref: sha(2), environment: 'staging' })).json().id;
    await call(`${repo}/deployments/${second}/statuses`, {
      headers: auth,
      body: { state: 'in_progress', log_url: 'http://log' },
    });
    const success = await call(`${repo}/deployments/${second}/statuses`, {
      headers: auth,
      body: { state: 'success', environment_url: 'http://b', description: 'ok' },
    });
    expect(success.status).toBe(201);
    expect(success.json()).toMatchObject({
      state: 'success',
      environment_url: 'http://b',
      deployment_url: `${repo}/deployments/${second}`,
    });
    const statuses = (await call(`${repo}/deployments/${second}/statuses`, { headers: auth })).json();
    expect(statuses.map((s: { state: string }) => s.state)).toEqual(['success', 'in_progress']);
    expect(statuses[1].log_url).toBe('http://log');
    const older = (await call(`${repo}/deployments/${first}/statuses`, { headers: auth })).json();
    expect(older[0].state).toBe('inactive');

    // Production deployments are not touched by auto_inactive, nor anything with auto_inactive: false.
    const prod1 = (await createDeployment({ ref: sha(3) })).json().id;
    await call(`${repo}/deployments/${prod1}/statuses`, { headers: auth, body: { state: 'success' } });
    const prod2 = (await createDeployment({ ref: sha(4) })).json().id;
    await call(`${repo}/deployments/${prod2}/statuses`, { headers: auth, body: { state: 'success' } });
    expect((await call(`${repo}/deployments/${prod1}/statuses`, { headers: auth })).json()[0].state).toBe('success');
  });

  it('answers 202 once for a ref behind the default branch with auto_merge, then creates', async () => {
    emu.control.githubBehind('threadr/threadr', 'topic');
    const merged = await createDeployment({ ref: 'topic', auto_merge: true });
    expect(merged.status).toBe(202);
    expect(merged.json()).toEqual({ message: 'Auto-merged main into topic on deployment.' });
    expect((await call(`${repo}/deployments`, { headers: auth })).json()).toHaveLength(0);
    expect((await createDeployment({ ref: 'topic', auto_merge: true })).status).toBe(201);
    emu.control.githubBehind('threadr/threadr', 'clash', 'conflict');
    expect((await createDeployment({ ref: 'clash', auto_merge: true })).status).toBe(409);
    expect((await createDeployment({ ref: 'clash', auto_merge: false })).status).toBe(201);
  });

  it('answers 409 when required contexts are not success; [] bypasses the check', async () => {
    emu.control.githubCommitStatus('threadr/threadr', 'main', 'ci/test', 'failure');
    const conflict = await call(`${repo}/deployments`, { headers: auth, body: { ref: 'main', auto_merge: false } });
    expect(conflict.status).toBe(409);
    expect(conflict.json().message).toBe('Conflict: Commit status checks failed for main.');
    expect((await createDeployment({ ref: 'main', required_contexts: ['ci/test'] })).status).toBe(409);
    expect((await createDeployment({ ref: 'main', required_contexts: [] })).status).toBe(201);
  });
});

describe('GitHub issues', () => {
  it('opens, lists by state and labels, comments on and closes an incident issue', async () => {
    const opened = await call(`${repo}/issues`, {
      headers: auth,
      body: { title: 'production: health check down', body: 'details', labels: ['incident', 'production'] },
    });
    expect(opened.status).toBe(201);
    const issue = opened.json();
    expect(issue).toMatchObject({
      number: 1,
      state: 'open',
      title: 'production: health check down',
      comments: 0,
      closed_at: null,
    });
    expect(issue.labels.map((label: { name: string }) => label.name)).toEqual(['incident', 'production']);
    await call(`${repo}/issues`, { headers: auth, body: { title: 'staging: down', labels: ['incident', 'staging'] } });

    const open = (await call(`${repo}/issues?state=open&labels=incident,production`, { headers: auth })).json();
    expect(open.map((i: { number: number }) => i.number)).toEqual([1]);
    const comment = await call(`${repo}/issues/1/comments`, { headers: auth, body: { body: 'still down' } });
    expect(comment.status).toBe(201);
    expect(comment.json()).toMatchObject({ body: 'still down', issue_url: `${repo}/issues/1` });
    expect((await call(`${repo}/issues/1/comments`, { headers: auth, body: {} })).status).toBe(422);

    const closed = await call(`${repo}/issues/1`, { method: 'PATCH', headers: auth, body: { state: 'closed' } });
    expect(closed.json()).toMatchObject({ state: 'closed', state_reason: 'completed', comments: 1 });
    expect(closed.json().closed_at).toEqual(expect.any(String));
    expect(
      (await call(`${repo}/issues?state=open&labels=incident`, { headers: auth }))
        .json()
        .map((i: { number: number }) => i.number),
    ).toEqual([2]);
    expect(
      (await call(`${repo}/issues?state=closed`, { headers: auth })).json().map((i: { number: number }) => i.number),
    ).toEqual([1]);
    expect((await call(`${repo}/issues?state=all`, { headers: auth })).json()).toHaveLength(2);
    expect(
      (await call(`${repo}/issues/1/comments`, { headers: auth })).json().map((c: { body: string }) => c.body),
    ).toEqual(['still down']);
    expect((await call(`${repo}/issues/9`, { headers: auth })).status).toBe(404);
  });
});
