import { Octokit } from '@octokit/rest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

/**
 * Conformance: GitHub's official REST client (@octokit/rest) against the emulator, for the calls
 * the product makes (deployments and their statuses, incident issues and comments). Octokit does
 * not validate bodies, so the fields its types call required are checked here, and pagination
 * goes through Octokit's own Link-header reader.
 */

let emu: Emulator;
let octokit: Octokit;
const logged: string[] = [];
const repo = { owner: 'threadr', repo: 'threadr' };
const SHA = 'feed000000000000000000000000000000000002';

beforeEach(async () => {
  emu = await startEmulator({ port: 0, extensions: [] });
  const token = emu.control.addGithubToken();
  emu.control.githubRepo('threadr/threadr');
  logged.length = 0;
  const log = (message: string) => void logged.push(message);
  octokit = new Octokit({
    auth: token,
    baseUrl: emu.urls.github,
    request: { retries: 0 },
    log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
  });
});
afterEach(async () => emu.stop());

describe('@octokit/rest', () => {
  it('deployments: create, statuses, list with filters, paginated', async () => {
    const created = await octokit.rest.repos.createDeployment({
      ...repo,
      ref: SHA,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: true,
      description: 'threadr-ops deploy',
      payload: { components: ['frontend'] },
    });
    expect(created.status).toBe(201);
    const deployment = created.data as {
      id: number;
      sha: string;
      environment: string;
      url: string;
      creator: unknown;
      created_at: string;
      statuses_url: string;
      payload: unknown;
    };
    expect(deployment).toMatchObject({
      id: expect.any(Number),
      sha: SHA,
      environment: 'production',
      url: expect.any(String),
      statuses_url: expect.any(String),
      created_at: expect.any(String),
    });

    for (const state of ['in_progress', 'success'] as const) {
      const status = await octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: deployment.id,
        state,
        description: state,
        environment_url: 'http://127.0.0.1:1/',
        auto_inactive: true,
      });
      expect(status.data).toMatchObject({
        id: expect.any(Number),
        state,
        url: expect.any(String),
        created_at: expect.any(String),
      });
    }
    const statuses = await octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deployment.id });
    expect(statuses.data.map((s) => s.state)).toEqual(['success', 'in_progress']);

    for (let i = 0; i < 4; i++)
      await octokit.rest.repos.createDeployment({
        ...repo,
        ref: SHA,
        environment: 'production',
        required_contexts: [],
        auto_merge: false,
      });
    const all = await octokit.paginate(octokit.rest.repos.listDeployments, {
      ...repo,
      environment: 'production',
      sha: SHA,
      per_page: 2,
    });
    expect(all).toHaveLength(5);
    expect(new Set(all.map((d) => d.id)).size).toBe(5);
  });

  it('issues: open, list by label, comment, close; errors are RequestErrors with the status', async () => {
    const opened = await octokit.rest.issues.create({
      ...repo,
      title: 'Production down',
      body: 'health check failed',
      labels: ['incident'],
    });
    expect(opened.data).toMatchObject({
      number: expect.any(Number),
      state: 'open',
      title: 'Production down',
      html_url: expect.any(String),
      labels: [expect.objectContaining({ name: 'incident' })],
    });
    const listed = await octokit.rest.issues.listForRepo({ ...repo, state: 'open', labels: 'incident', per_page: 100 });
    expect(listed.data.map((issue) => issue.number)).toContain(opened.data.number);
    const comment = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: opened.data.number,
      body: 'still down',
    });
    expect(comment.data).toMatchObject({ id: expect.any(Number), body: 'still down', html_url: expect.any(String) });
    const closed = await octokit.rest.issues.update({
      ...repo,
      issue_number: opened.data.number,
      state: 'closed',
      state_reason: 'completed',
    });
    expect(closed.data.state).toBe('closed');
    await expect(octokit.rest.issues.get({ ...repo, issue_number: 99_999 })).rejects.toMatchObject({
      name: 'HttpError',
      status: 404,
    });
    // Octokit names GitHub's request id in what it logs; before, the emulator sent none ("with id UNKNOWN").
    expect(logged).toEqual([
      expect.stringMatching(/^GET \/repos\/threadr\/threadr\/issues\/99999 - 404 with id EMU:[0-9A-F]+ in \d+ms$/),
    ]);
  });
});
