import { ProviderError } from '../core/errors.js';
import { redact, redactDeep } from '../core/redact.js';
import { requestIdOf, unexpectedShape } from './errors.js';
import { GitHubRest, type GitHubRestOptions } from './github-rest.js';

/** GitHub Deployments through Octokit (docs/platform-behaviour.md §3.2): one record per deploy, statuses as it goes. */

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface GitHubDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  task?: string;
  created_at?: string;
  payload?: unknown;
}

export interface GitHubDeploymentStatus {
  id: number;
  state: DeploymentState;
  description?: string | null;
  environment_url?: string | null;
  log_url?: string | null;
  created_at?: string;
}

export interface CreateDeploymentInput {
  ref: string;
  environment: string;
  description?: string;
  task?: string;
  payload?: Record<string, unknown>;
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
}

export interface CreateStatusInput {
  state: DeploymentState;
  description?: string;
  environmentUrl?: string | null;
  logUrl?: string | null;
  autoInactive?: boolean;
}

export type GitHubDeploymentsClientOptions = GitHubRestOptions;

/** Tries after the first for writes that are harmless to repeat (a status); a create is never repeated blindly. */
const MUTATION = { retries: 0 } as const;

export class GitHubDeploymentsClient {
  readonly provider = 'github';
  private readonly rest: GitHubRest;
  constructor(options: GitHubDeploymentsClientOptions) {
    this.rest = new GitHubRest(options);
  }

  async create(input: CreateDeploymentInput): Promise<GitHubDeployment> {
    const response = await this.rest.call('create deployment', (octokit, repo) =>
      octokit.rest.repos.createDeployment({
        ...repo,
        ref: input.ref,
        environment: input.environment,
        task: input.task ?? 'deploy',
        description: deploymentDescription(input.description),
        payload: redactDeep(input.payload ?? {}) as Record<string, unknown>,
        // A CI deploy deploys exactly this commit: never merge the default branch into it (202), and
        // the workflow has already decided the checks, so skip required contexts (409).
        auto_merge: false,
        required_contexts: [],
        production_environment: input.productionEnvironment,
        transient_environment: input.transientEnvironment ?? false,
        // After a 5xx or a lost answer the deployment may exist: the caller reads back
        // (release/github-record.ts) instead of Octokit creating a second one.
        request: MUTATION,
      }),
    );
    if (response.status === 202) {
      throw new ProviderError(
        `create deployment: GitHub merged the default branch instead of creating a deployment (HTTP 202)`,
        {
          provider: this.provider,
          status: 202,
          requestId: requestIdOf({ headers: response.headers as Record<string, string | undefined> }),
        },
      );
    }
    return githubDeployment(response.data);
  }

  async createStatus(deploymentId: number, input: CreateStatusInput): Promise<GitHubDeploymentStatus> {
    const what = `create ${input.state} status on deployment ${deploymentId}`;
    // Adding the same status twice is harmless, so a 5xx here is retried like a read.
    const response = await this.rest.call(what, (octokit, repo) =>
      octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: deploymentId,
        state: input.state,
        description: deploymentDescription(input.description),
        environment_url: input.environmentUrl ?? undefined,
        log_url: input.logUrl ?? undefined,
        auto_inactive: input.autoInactive,
      }),
    );
    return response.data as GitHubDeploymentStatus;
  }

  /** One page only (at most 100): callers ask for the newest few, never the whole history. */
  async list(filter: {
    environment?: string;
    sha?: string;
    task?: string;
    perPage?: number;
  }): Promise<GitHubDeployment[]> {
    const response = await this.rest.call('list deployments', (octokit, repo) =>
      octokit.rest.repos.listDeployments({
        ...repo,
        environment: filter.environment,
        sha: filter.sha,
        task: filter.task,
        per_page: Math.min(filter.perPage ?? 30, 100),
      }),
    );
    if (!Array.isArray(response.data)) throw unexpectedShape(this.provider, 'list deployments', 'expected an array');
    return (response.data as unknown[]).map(githubDeployment);
  }

  /** The newest 30 statuses (one page): enough to find the latest. */
  async statuses(deploymentId: number): Promise<GitHubDeploymentStatus[]> {
    const what = `list statuses of deployment ${deploymentId}`;
    const response = await this.rest.call(what, (octokit, repo) =>
      octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: deploymentId, per_page: 30 }),
    );
    if (!Array.isArray(response.data)) throw unexpectedShape(this.provider, what, 'expected an array');
    return response.data as GitHubDeploymentStatus[];
  }
}

function githubDeployment(raw: unknown): GitHubDeployment {
  const value = raw as Partial<GitHubDeployment> | null;
  if (!value || typeof value.id !== 'number')
    throw unexpectedShape('github', 'deployment', 'a deployment needs a numeric id');
  return value as GitHubDeployment;
}

/** GitHub keeps 140 characters; redacted first, so a cut never leaves half a secret to unmask. */
function deploymentDescription(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redact(text).slice(0, 140);
}
