/**
 * The workflow run this step belongs to, as GitHub's toolkit reads it: @actions/github's
 * `context` (GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_REF, GITHUB_RUN_ID, GITHUB_SERVER_URL,
 * GITHUB_API_URL, GITHUB_EVENT_NAME and the event payload). The one place the suite reads the run.
 */
export interface GitHubRun {
  /** owner/name, undefined outside a workflow. */
  repository?: string;
  sha?: string;
  ref?: string;
  runId?: number;
  serverUrl: string;
  apiUrl: string;
  eventName?: string;
  /**
   * The pull request's head branch: the toolkit's way, the event payload's pull_request.head.ref
   * (so also for the review events whose payload carries the pull request), else GITHUB_HEAD_REF
   * (a terminal run has no event payload); undefined otherwise.
   */
  headRef?: string;
  /**
   * GITHUB_REF_NAME: the short name of `ref` (the branch, the tag, or `<number>/merge` for a pull
   * request). The toolkit's context has no such field: the variable when set (a runner always
   * sets it; a terminal run may set only it), else derived from `ref` the way the runner does.
   */
  refName?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

let loading: Promise<GitHubRun> | undefined;

/**
 * The run of the step. On a runner (env is process.env) this is @actions/github's `context`,
 * imported on first use: @actions/github also brings Octokit and its HTTP stack, which the health
 * check must not evaluate before its first request has left (bench/health). The local runner runs
 * an action in-process with an environment of its own, which that singleton cannot see: for it the
 * same variables are read from `env`, with the toolkit's defaults.
 */
export function githubRun(env: Env = process.env): Promise<GitHubRun> {
  if (env !== process.env) return Promise.resolve(fromEnv(env));
  loading ??= import('@actions/github').then(({ context }) => ({
    repository: env.GITHUB_REPOSITORY ? `${context.repo.owner}/${context.repo.repo}` : undefined,
    sha: context.sha || undefined,
    ref: context.ref || undefined,
    runId: Number.isFinite(context.runId) && context.runId > 0 ? context.runId : undefined,
    serverUrl: context.serverUrl,
    apiUrl: context.apiUrl,
    eventName: context.eventName || undefined,
    headRef: headRefOf(context.payload) || env.GITHUB_HEAD_REF || undefined,
    refName: env.GITHUB_REF_NAME || shortRef(context.ref),
  }));
  return loading;
}

function fromEnv(env: Env): GitHubRun {
  const runId = Number.parseInt(env.GITHUB_RUN_ID ?? '', 10);
  return {
    repository: env.GITHUB_REPOSITORY || undefined,
    sha: env.GITHUB_SHA || undefined,
    ref: env.GITHUB_REF || undefined,
    runId: Number.isFinite(runId) && runId > 0 ? runId : undefined,
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    eventName: env.GITHUB_EVENT_NAME || undefined,
    headRef: env.GITHUB_HEAD_REF || undefined,
    refName: env.GITHUB_REF_NAME || shortRef(env.GITHUB_REF),
  };
}

/** refs/heads/main -> main, refs/tags/v1 -> v1, refs/pull/12/merge -> 12/merge (GITHUB_REF_NAME's forms). */
function shortRef(ref: string | undefined): string | undefined {
  return ref?.replace(/^refs\/(heads|tags|pull)\//, '') || undefined;
}

function headRefOf(payload: { pull_request?: Record<string, unknown> }): string {
  const head = payload.pull_request?.head as { ref?: unknown } | undefined;
  return typeof head?.ref === 'string' ? head.ref : '';
}

/** The run's page, where its logs are: {serverUrl}/{owner}/{repo}/actions/runs/{runId}; null outside a workflow run. */
export function runUrl(run: Pick<GitHubRun, 'serverUrl' | 'repository' | 'runId'>): string | null {
  if (!run.serverUrl || !run.repository || run.runId === undefined) return null;
  return `${run.serverUrl.replace(/\/+$/, '')}/${run.repository}/actions/runs/${run.runId}`;
}
