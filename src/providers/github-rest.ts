import type { HttpClient, HttpResponse } from '../core/http.js';
import { errorFromResponse, joinUrl, type ErrorBodyReader } from './errors.js';

/** What every GitHub REST client needs (reference §3.1). */
export interface GitHubRestOptions {
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

/** One call under /repos/{owner}/{repo}: versioned headers, bearer token, GitHub's error shape. */
export async function githubRequest(
  options: GitHubRestOptions,
  request: { method: string; path: string; what: string; body?: unknown; mutation?: boolean },
): Promise<HttpResponse> {
  const response = await options.http.request({
    method: request.method,
    url: joinUrl(options.apiUrl, `/repos/${options.repository}${request.path}`),
    headers: {
      authorization: `Bearer ${options.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
    mutation: request.mutation ?? false,
    timeoutMs: options.timeoutMs,
  });
  if (response.status < 200 || response.status >= 300) throw errorFromResponse('github', request.what, response, readGitHubError);
  return response;
}
