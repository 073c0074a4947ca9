import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '../../src/core/errors.js';
import { githubRun, type GitHubRun } from '../../src/core/github-context.js';
import { InputReader } from '../../src/core/inputs.js';
import { getInputs as deployInputs } from '../../src/deploy/inputs.js';
import { getInputs as rollbackInputs } from '../../src/rollback/inputs.js';
import { actionDefaults } from '../harness/runner.js';

/**
 * The release actions' inputs take the repository, ref and GitHub API from the resolved workflow
 * run (core/github-context), not from process.env: the local runner runs them in-process with a
 * run of its own, and on a runner the run is @actions/github's context.
 */

const WORKSPACE = mkdtempSync(join(tmpdir(), 'threadr-run-inputs-'));

function reader(action: string, values: Record<string, string>): InputReader {
  const merged: Record<string, string> = {
    ...actionDefaults(action),
    'vercel-token': 'vercel-secret',
    'vercel-project-id': 'prj_run',
    'railway-token': 'railway-secret',
    'railway-project-id': 'project-uuid',
    'railway-environment-id': 'environment-uuid',
    'railway-service-id': 'service-uuid',
    'github-token': 'ghs_secret',
    'github-api-url': '',
    ref: 'c'.repeat(40),
    ...values,
  };
  return new InputReader(
    (name) => merged[name] ?? '',
    () => undefined,
    WORKSPACE,
  );
}

/** A run whose every value differs from this process's environment. */
const RUN: GitHubRun = {
  repository: 'run-owner/run-repo',
  ref: 'refs/heads/release/7',
  refName: 'release/7',
  serverUrl: 'https://ghe.example.test',
  apiUrl: 'https://ghe.example.test/api/v3',
};

function problem(read: () => unknown): ConfigurationError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('release inputs take the workflow run', () => {
  it('deploy: repository, API URL and branch come from the run, not process.env', () => {
    expect(process.env.GITHUB_REPOSITORY).not.toBe(RUN.repository);
    const settings = deployInputs(reader('deploy', { environment: 'staging' }), RUN);
    expect(settings.platform.github).toEqual({
      token: 'ghs_secret',
      repository: 'run-owner/run-repo',
      apiUrl: 'https://ghe.example.test/api/v3',
    });
    expect(settings.git).toEqual({ org: 'run-owner', repo: 'run-repo', branch: 'release/7' });
  });

  it("deploy: a pull request's head branch wins over the ref; inputs win over the run", () => {
    const pull = { ...RUN, ref: 'refs/pull/12/merge', refName: '12/merge', headRef: 'feature/x' };
    expect(deployInputs(reader('deploy', { environment: 'preview' }), pull).git?.branch).toBe('feature/x');
    const given = deployInputs(
      reader('deploy', {
        environment: 'preview',
        'git-branch': 'pinned',
        'vercel-git-repository': 'other/web',
        'github-api-url': 'https://api.other.test',
      }),
      pull,
    );
    expect(given.git).toEqual({ org: 'other', repo: 'web', branch: 'pinned' });
    expect(given.platform.github?.apiUrl).toBe('https://api.other.test/');
  });

  it('rollback: the GitHub settings come from the run', () => {
    const settings = rollbackInputs(reader('rollback', { environment: 'production', to: 'previous' }), RUN);
    expect(settings.platform.github?.repository).toBe('run-owner/run-repo');
    expect(settings.platform.github?.apiUrl).toBe('https://ghe.example.test/api/v3');
  });

  it('a run without a repository or branch is refused up front, naming the input and the variable', () => {
    const bare: GitHubRun = { serverUrl: 'https://github.com', apiUrl: 'https://api.github.com' };
    const github = problem(() => deployInputs(reader('deploy', { environment: 'staging' }), bare));
    expect(github.message).toMatch(/github-token.*GITHUB_REPOSITORY/);
    const noRepo = problem(() => deployInputs(reader('deploy', { environment: 'staging', 'github-token': '' }), bare));
    expect(noRepo.message).toMatch(/vercel-git-repository/);
    const noBranch = problem(() =>
      deployInputs(
        reader('deploy', { environment: 'staging', 'github-token': '', 'vercel-git-repository': 'a/b' }),
        bare,
      ),
    );
    expect(noBranch.message).toMatch(/git-branch.*GITHUB_REF_NAME/);
  });
});

describe('githubRun', () => {
  it("reads an in-process run's own environment, head branch and short ref included", async () => {
    const run = await githubRun({
      GITHUB_REPOSITORY: 'local/repo',
      GITHUB_REF: 'refs/tags/v1.2.0',
      GITHUB_API_URL: 'http://127.0.0.1:1/api',
    });
    expect(run).toMatchObject({ repository: 'local/repo', refName: 'v1.2.0', apiUrl: 'http://127.0.0.1:1/api' });
    expect(run.headRef).toBeUndefined();
    expect((await githubRun({ GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'given' })).refName).toBe('given');
    expect((await githubRun({ GITHUB_HEAD_REF: 'feature/y' })).headRef).toBe('feature/y');
  });

  it("on a runner is @actions/github's context: the head branch from the event payload", async () => {
    const event = join(WORKSPACE, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 12, head: { ref: 'feature/z' } } }));
    // This file's process.env is its own (jest gives each test file a copy), and the toolkit's
    // context is first imported here, so it reads these values.
    Object.assign(process.env, {
      GITHUB_REPOSITORY: 'runner/repo',
      GITHUB_REF: 'refs/pull/12/merge',
      GITHUB_EVENT_PATH: event,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_API_URL: 'https://api.runner.test',
    });
    delete process.env.GITHUB_HEAD_REF;
    delete process.env.GITHUB_REF_NAME;
    const run = await githubRun();
    expect(run).toMatchObject({
      repository: 'runner/repo',
      ref: 'refs/pull/12/merge',
      refName: '12/merge',
      headRef: 'feature/z',
      apiUrl: 'https://api.runner.test',
      eventName: 'pull_request',
    });
    expect(deployInputs(reader('deploy', { environment: 'preview' }), run).git).toEqual({
      org: 'runner',
      repo: 'repo',
      branch: 'feature/z',
    });
  });
});
