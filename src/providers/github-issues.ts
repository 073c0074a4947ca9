import { redact } from '../core/redact.js';
import { unexpectedShape } from './errors.js';
import { GitHubRest, type GitHubRestOptions } from './github-rest.js';

export interface GitHubIssue {
  number: number;
  title: string;
  state: 'open' | 'closed';
  created_at: string;
  html_url?: string;
  labels?: ({ name: string } | string)[];
}

/** Opening an issue or a comment twice is visible to people: after a 5xx the call is not repeated. */
const MUTATION = { retries: 0 } as const;
/** Comments read at most: 20 pages of 100. */
const MAX_COMMENT_PAGES = 20;

/** The few issue endpoints incident tracking needs, through Octokit (docs/platform-behaviour.md §3). */
export class GitHubIssuesClient {
  private readonly rest: GitHubRest;
  constructor(options: GitHubRestOptions) {
    this.rest = new GitHubRest(options);
  }

  /** The first 100 open issues with the label (one page): incident issues are few. */
  async listOpen(label: string): Promise<GitHubIssue[]> {
    const what = 'list open incident issues';
    const response = await this.rest.call(what, (octokit, repo) =>
      octokit.rest.issues.listForRepo({ ...repo, state: 'open', labels: label, per_page: 100 }),
    );
    if (!Array.isArray(response.data)) throw unexpectedShape('github', what, 'expected an array');
    return response.data as GitHubIssue[];
  }

  async create(title: string, body: string, labels: string[]): Promise<GitHubIssue> {
    const response = await this.rest.call('open incident issue', (octokit, repo) =>
      octokit.rest.issues.create({ ...repo, title: redact(title), body: redact(body), labels, request: MUTATION }),
    );
    return response.data as GitHubIssue;
  }

  async comment(issue: number, body: string): Promise<void> {
    await this.rest.call(`comment on issue #${issue}`, (octokit, repo) =>
      octokit.rest.issues.createComment({ ...repo, issue_number: issue, body: redact(body), request: MUTATION }),
    );
  }

  /** Every comment of an issue, oldest first (pages of 100 following GitHub's Link header, at most 20 pages). */
  async comments(issue: number): Promise<{ id: number; body: string; created_at: string }[]> {
    const what = `list comments of issue #${issue}`;
    return this.rest.call(what, async (octokit, repo) => {
      const all: { id: number; body: string; created_at: string }[] = [];
      let pages = 0;
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
        ...repo,
        issue_number: issue,
        per_page: 100,
      })) {
        if (!Array.isArray(page.data)) throw unexpectedShape('github', what, 'expected an array');
        all.push(
          ...page.data.map((comment) => ({ id: comment.id, body: comment.body ?? '', created_at: comment.created_at })),
        );
        if (++pages >= MAX_COMMENT_PAGES) break;
      }
      return all;
    });
  }

  async close(issue: number): Promise<void> {
    // Closing twice is harmless, so a retry after an unknown outcome is safe.
    await this.rest.call(`close issue #${issue}`, (octokit, repo) =>
      octokit.rest.issues.update({ ...repo, issue_number: issue, state: 'closed', state_reason: 'completed' }),
    );
  }
}
