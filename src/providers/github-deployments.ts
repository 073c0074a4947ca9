import { ProviderError } from '../core/errors.js';
import type { HttpClient, HttpResponse } from '../core/http.js';
import { errorFromResponse, joinUrl, jsonBody, query, requestIdOf, unexpectedShape, type ErrorBodyReader } from './errors.js';

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

export interface GitHubDeploymentsClientOptions {
  http: HttpClient;
  /** https://api.github.com or an enterprise host's /api/v3, from github.api_url. */
  apiUrl: string;
  token: string;
  /** owner/name */
  repository: string;
  timeoutMs?: number;
}

const readGitHubError: ErrorBodyReader = (body) => {
  const value = body as { message?: unknown } | null;
  return value && typeof value.message === 'string' ? { message: value.message } : undefined;
};

export class GitHubDeploymentsClient {
  readonly provider = 'github';
  constructor(private readonly options: GitHubDeploymentsClientOptions) {}

  async create(input: CreateDeploymentInput): Promise<GitHubDeployment> {
    const body = {
      ref: input.ref,
      environment: input.environment,
      task: input.task ?? 'deploy',
      description: input.description?.slice(0, 140),
      payload: input.payload ?? {},
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
      description: input.description?.slice(0, 140),
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

  private async send(method: string, path: string, what: string, body?: unknown, mutation = false): Promise<HttpResponse> {
    const response = await this.options.http.request({
      method,
      url: joinUrl(this.options.apiUrl, `/repos/${this.options.repository}${path}`),
      headers: {
        authorization: `Bearer ${this.options.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      mutation,
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status < 200 || response.status >= 300) throw errorFromResponse(this.provider, what, response, readGitHubError);
    return response;
  }
}

function githubDeployment(raw: unknown): GitHubDeployment {
  const value = raw as Partial<GitHubDeployment> | null;
  if (!value || typeof value.id !== 'number') throw unexpectedShape('github', 'deployment', 'a deployment needs a numeric id');
  return value as GitHubDeployment;
}
