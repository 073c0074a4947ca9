import type { HttpClient } from '../core/http.js';
import { errorFromResponse, joinUrl, jsonBody, readErrorObject, unexpectedShape } from './errors.js';

/**
 * OpenAI project rate limits, organization admin API (docs/platform-behaviour.md §9):
 * `GET /v1/organization/projects/{id}/rate_limits`, `POST …/rate_limits/{rate_limit_id}`.
 */

export interface ProjectRateLimit {
  id: string;
  model: string;
  max_requests_per_1_minute: number;
  max_tokens_per_1_minute: number;
}

export interface OpenAIAdminOptions {
  http: Pick<HttpClient, 'request'>;
  /** https://api.openai.com (the /v1 paths are appended). */
  baseUrl: string;
  adminKey: string;
  timeoutMs?: number;
}

export class OpenAIRateLimitsClient {
  constructor(private readonly options: OpenAIAdminOptions) {}

  async list(projectId: string): Promise<ProjectRateLimit[]> {
    const what = `list rate limits of ${projectId}`;
    const body = await this.send<{ data?: unknown }>(
      'GET',
      `/v1/organization/projects/${encodeURIComponent(projectId)}/rate_limits?limit=100`,
      what,
    );
    if (!Array.isArray(body.data)) throw unexpectedShape('openai', what, 'no data array');
    return body.data.map((raw, index) => {
      const limit = raw as Record<string, unknown> | null;
      if (
        !limit ||
        typeof limit.id !== 'string' ||
        typeof limit.model !== 'string' ||
        !Number.isInteger(limit.max_requests_per_1_minute) ||
        !Number.isInteger(limit.max_tokens_per_1_minute)
      ) {
        throw unexpectedShape('openai', what, `data[${index}] is not a project.rate_limit`);
      }
      return {
        id: limit.id,
        model: limit.model,
        max_requests_per_1_minute: limit.max_requests_per_1_minute as number,
        max_tokens_per_1_minute: limit.max_tokens_per_1_minute as number,
      };
    });
  }

  async update(
    projectId: string,
    rateLimitId: string,
    values: { max_requests_per_1_minute: number; max_tokens_per_1_minute: number },
  ): Promise<void> {
    await this.send(
      'POST',
      `/v1/organization/projects/${encodeURIComponent(projectId)}/rate_limits/${encodeURIComponent(rateLimitId)}`,
      `update rate limit ${rateLimitId}`,
      values,
    );
  }

  private async send<T>(method: string, path: string, what: string, body?: unknown): Promise<T> {
    const response = await this.options.http.request({
      method,
      url: joinUrl(this.options.baseUrl, path),
      headers: {
        authorization: `Bearer ${this.options.adminKey}`,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      // Setting a limit to a value is idempotent, so a retry after an unknown outcome is safe.
      mutation: false,
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status < 200 || response.status >= 300)
      throw errorFromResponse('openai', what, response, readErrorObject);
    return jsonBody<T>('openai', what, response);
  }
}
