import { redact } from '../core/redact.js';
import { jsonBody, query, unexpectedShape } from './errors.js';
import { githubRequest, type GitHubRestOptions } from './github-rest.js';

export interface GitHubIssue {
  number: number;
  title: string;
  state: 'open' | 'closed';
  created_at: string;
  html_url?: string;
  labels?: ({ name: string } | string)[];
}

/** The few issue endpoints incident tracking needs. */
export class GitHubIssuesClient {
  constructor(private readonly options: GitHubRestOptions) {}

  async listOpen(label: string): Promise<GitHubIssue[]> {
    const what = 'list open incident issues';
    const response = await githubRequest(this.options, { method: 'GET', path: `/issues${query({ state: 'open', labels: label, per_page: 100 })}`, what });
    const body = jsonBody<unknown>('github', what, response);
    if (!Array.isArray(body)) throw unexpectedShape('github', what, 'expected an array');
    return body as GitHubIssue[];
  }

  async create(title: string, body: string, labels: string[]): Promise<GitHubIssue> {
    const response = await githubRequest(this.options, { method: 'POST', path: '/issues', what: 'open incident issue', body: { title: redact(title), body: redact(body), labels }, mutation: true });
    return jsonBody<GitHubIssue>('github', 'open incident issue', response);
  }

  async comment(issue: number, body: string): Promise<void> {
    await githubRequest(this.options, { method: 'POST', path: `/issues/${issue}/comments`, what: `comment on issue #${issue}`, body: { body: redact(body) }, mutation: true });
  }

  /** Every comment of an issue, oldest first (pages of 100, at most 20 pages). */
  async comments(issue: number): Promise<{ id: number; body: string; created_at: string }[]> {
    const what = `list comments of issue #${issue}`;
    const all: { id: number; body: string; created_at: string }[] = [];
    for (let page = 1; page <= 20; page++) {
      const response = await githubRequest(this.options, { method: 'GET', path: `/issues/${issue}/comments${query({ per_page: 100, page })}`, what });
      const body = jsonBody<unknown>('github', what, response);
      if (!Array.isArray(body)) throw unexpectedShape('github', what, 'expected an array');
      all.push(...(body as { id: number; body: string; created_at: string }[]));
      if (body.length < 100) break;
    }
    return all;
  }

  async close(issue: number): Promise<void> {
    // Closing twice is harmless, so a retry after an unknown outcome is safe.
    await githubRequest(this.options, { method: 'PATCH', path: `/issues/${issue}`, what: `close issue #${issue}`, body: { state: 'closed', state_reason: 'completed' } });
  }
}
