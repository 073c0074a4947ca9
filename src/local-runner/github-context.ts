import { interpolate } from './expressions.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The `github` context as a runner would give it, read from the GITHUB_* variables. Nothing is
 * made up: without GITHUB_SHA there is no sha, so an action that needs one says so.
 */
export function githubContext(env: Env): Record<string, string> {
  return {
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    token: env.GITHUB_TOKEN ?? '',
    api_url: env.GITHUB_API_URL ?? 'https://api.github.com',
    server_url: env.GITHUB_SERVER_URL ?? 'https://github.com',
    run_id: env.GITHUB_RUN_ID ?? '',
    run_attempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    ref: env.GITHUB_REF ?? '',
    ref_name: env.GITHUB_REF_NAME ?? '',
    workspace: env.GITHUB_WORKSPACE ?? '',
    event_name: env.GITHUB_EVENT_NAME ?? 'workflow_dispatch',
  };
}

/** An action.yml default such as `${{ github.token }}`, evaluated as the runner does. */
export function evaluateDefault(value: string, env: Env): string {
  return interpolate(value, { contexts: { github: githubContext(env) }, status: { success: true, failure: false } });
}
