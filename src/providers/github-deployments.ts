import { ProviderError } from '../core/errors.js';
import { redact, redactDeep } from '../core/redact.js';
import type { HttpResponse } from '../core/http.js';
import { jsonBody, query, requestIdOf, unexpectedShape } from './errors.js';
import { githubRequest, type GitHubRestOptions } from './github-rest.js';

/** GitHub Deployments REST client (reference §3.2): one record per deploy, statuses as it goes. */

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

export class GitHubDeploymentsClient {
  readonly provider = 'github';
  constructor(private readonly options: GitHubDeploymentsClientOptions) {}

  async create(input: CreateDeploymentInput): Promise<GitHubDeployment> {
    const body = {
      ref: input.ref,
      environment: input.environment,
      task: input.task ?? 'deploy',
      description: deploymentDescription(input.description),
      payload: redactDeep(input.payload ?? {}),
      // A CI deploy deploys exactly this commit: never merge the default branch into it (202), and
      // the workflow has already decided the checks, so skip required contexts (409).
      auto_merge: false,
      required_contexts: [],
      production_environment: input.productionEnvironment,
      transient_environment: input.transientEnvironment ?? false,
    };
    const response = await this.send('POST', '/deployments', 'create deployment', body, true);
    if (response.status === 202) {
      throw new ProviderError(`create deployment: GitHub merged the default branch instead of creating a deployment (HTTP 202)`, {
        provider: this.provider,
        status: 202,
        requestId: requestIdOf(response),
      });
    }
    return githubDeployment(jsonBody(this.provider, 'create deployment', response));
  }

  async createStatus(deploymentId: number, input: CreateStatusInput): Promise<GitHubDeploymentStatus> {
    const body = {
      state: input.state,
      description: deploymentDescription(input.description),
      environment_url: input.environmentUrl ?? undefined,
      log_url: input.logUrl ?? undefined,
      auto_inactive: input.autoInactive,
    };
    const what = `create ${input.state} status on deployment ${deploymentId}`;
    // Adding the same status twice is harmless, so a status is not a mutation in the HttpClient's
    // sense: retrying a 5xx is fine.
    const response = await this.send('POST', `/deployments/${deploymentId}/statuses`, what, body, false);
    return jsonBody<GitHubDeploymentStatus>(this.provider, what, response);
  }

  async list(filter: { environment?: string; sha?: string; task?: string; perPage?: number }): Promise<GitHubDeployment[]> {
    const path = `/deployments${query({ environment: filter.environment, sha: filter.sha, task: filter.task, per_page: filter.perPage ?? 30 })}`;
    const response = await this.send('GET', path, 'list deployments');
    const body = jsonBody<unknown>(this.provider, 'list deployments', response);
    if (!Array.isArray(body)) throw unexpectedShape(this.provider, 'list deployments', 'expected an array');
    return body.map(githubDeployment);
  }

  async statuses(deploymentId: number): Promise<GitHubDeploymentStatus[]> {
    const what = `list statuses of deployment ${deploymentId}`;
    const response = await this.send('GET', `/deployments/${deploymentId}/statuses${query({ per_page: 30 })}`, what);
    const body = jsonBody<unknown>(this.provider, what, response);
    if (!Array.isArray(body)) throw unexpectedShape(this.provider, what, 'expected an array');
    return body as GitHubDeploymentStatus[];
  }

  private send(method: string, path: string, what: string, body?: unknown, mutation = false): Promise<HttpResponse> {
    return githubRequest(this.options, { method, path, what, body, mutation });
  }
}

function githubDeployment(raw: unknown): GitHubDeployment {
  const value = raw as Partial<GitHubDeployment> | null;
  if (!value || typeof value.id !== 'number') throw unexpectedShape('github', 'deployment', 'a deployment needs a numeric id');
  return value as GitHubDeployment;
}

/** GitHub keeps 140 characters; redacted first, so a cut never leaves half a secret to unmask. */
function deploymentDescription(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redact(text).slice(0, 140);
}
