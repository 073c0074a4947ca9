import { findRoute, json, empty, parseJsonBody, routeTable, type EmuRequest, type EmuResponse } from './http-kit.js';
import { githubError } from './provider-errors.js';
import type { FaultAnswer, Provider } from './provider.js';
import { fakeSha, isoTime, type HandlerCtx } from './runtime.js';

export const GITHUB_STATUS_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;
export type GithubStatusState = (typeof GITHUB_STATUS_STATES)[number];

export interface GithubSettings {
  /** Requests per hour per token (x-ratelimit-limit); exhausted ⇒ 403 with x-ratelimit-remaining: 0. */
  rateLimit: number;
}

export interface GithubUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface GithubStatus {
  id: number;
  state: GithubStatusState;
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  creator: GithubUser;
  created_at: string;
  updated_at: string;
}

export interface GithubDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: GithubUser;
  created_at: string;
  updated_at: string;
  transient_environment: boolean;
  production_environment: boolean;
  statuses: GithubStatus[];
}

export interface GithubComment {
  id: number;
  body: string;
  user: GithubUser;
  created_at: string;
  updated_at: string;
}

export interface GithubIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  assignees: string[];
  user: GithubUser;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  comments: GithubComment[];
}

export interface GithubRepo {
  owner: string;
  name: string;
  defaultBranch: string;
  /** Refs behind the default branch: `merge` ⇒ 202 auto-merge once, `conflict` ⇒ 409 (with auto_merge on). */
  behindRefs: Record<string, 'merge' | 'conflict'>;
  /** Commit statuses per ref or SHA: context → state. */
  commitStatuses: Record<string, Record<string, string>>;
  /** Branch/tag → SHA, for deployments created from a ref. */
  refs: Record<string, string>;
  deployments: GithubDeployment[];
  issues: GithubIssue[];
}

export interface GithubState {
  settings: GithubSettings;
  tokens: { token: string; user: GithubUser }[];
  repos: Record<string, GithubRepo>;
  nextId: number;
  /** Requests used per token in the current hour window. */
  usage: Record<string, { used: number; resetAt: number }>;
}

export function initialGithubState(settings: Partial<GithubSettings> = {}): GithubState {
  return { settings: { rateLimit: 5000, ...settings }, tokens: [], repos: {}, nextId: 1000, usage: {} };
}

export function githubRepo(state: GithubState, owner: string, name: string): GithubRepo {
  const key = `${owner}/${name}`;
  return (state.repos[key] ??= {
    owner,
    name,
    defaultBranch: 'main',
    behindRefs: {},
    commitStatuses: {},
    refs: {},
    deployments: [],
    issues: [],
  });
}

interface GhCtx extends HandlerCtx {
  user: GithubUser;
  repo: GithubRepo;
  base: string;
}

/** GitHub REST (docs/platform-behaviour.md §3): deployments + statuses, and issues + comments for incident tracking. */
export const githubProvider: Provider = {
  name: 'github',
  prefix: '/github',
  isMutation: (req) => req.method !== 'GET' && req.method !== 'HEAD',
  faultResponse(answer: FaultAnswer) {
    if (answer.kind !== 'rate-limit')
      return githubError(
        answer.status,
        answer.status === 503 ? 'Service Unavailable' : 'Server Error',
        {},
        answer.headers,
      );
    // Secondary limits keep the quota headers as they are and say so in the message, which is how
    // clients (Octokit's throttling plugin) tell them from an exhausted quota (docs/platform-behaviour.md §3).
    if (answer.secondary)
      return githubError(
        answer.status,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        {},
        answer.headers,
      );
    const reset = Math.ceil(answer.now / 1000) + answer.retryAfterSeconds;
    const headers = {
      ...answer.headers,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core',
    };
    return githubError(
      answer.status,
      "API rate limit exceeded for user. (But here's the good news: Authenticated requests get a higher rate limit.)",
      {},
      headers,
    );
  },
  handle(req, ctx) {
    const state = ctx.root.github;
    const match = /^(?:Bearer|token)\s+(.+)$/i.exec(String(req.headers['authorization'] ?? ''));
    if (!match) return githubError(401, 'Requires authentication');
    const token = state.tokens.find((candidate) => candidate.token === match[1]?.trim());
    if (!token) return githubError(401, 'Bad credentials');
    const now = ctx.rt.clock.now();
    const usage = (state.usage[token.token] ??= { used: 0, resetAt: now + 3_600_000 });
    if (now >= usage.resetAt) Object.assign(usage, { used: 0, resetAt: now + 3_600_000 });
    usage.used++;
    const limit = state.settings.rateLimit;
    const rateHeaders = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - usage.used)),
      'x-ratelimit-used': String(Math.min(usage.used, limit)),
      'x-ratelimit-reset': String(Math.ceil(usage.resetAt / 1000)),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
      // Every GitHub answer carries one; Octokit puts it in its logs and errors.
      'x-github-request-id': `EMU:${req.seq.toString(16).toUpperCase()}`,
    };
    const answer =
      usage.used > limit
        ? githubError(403, `API rate limit exceeded for user ${token.user.login}.`)
        : route(req, ctx, token.user);
    answer.headers = { ...rateHeaders, ...answer.headers };
    return answer;
  },
};

function route(req: EmuRequest, ctx: HandlerCtx, user: GithubUser): EmuResponse {
  const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(req.path);
  if (!repoMatch) return githubError(404, 'Not Found');
  const repo = githubRepo(
    ctx.root.github,
    decodeURIComponent(repoMatch[1] as string),
    decodeURIComponent(repoMatch[2] as string),
  );
  const base = `${ctx.rt.urls.github}/repos/${repo.owner}/${repo.name}`;
  const sub = { ...req, path: repoMatch[3] ?? '/' };
  const found = findRoute(routes, sub);
  if (found === 'method') return githubError(404, 'Not Found');
  if (!found) return githubError(404, 'Not Found');
  sub.params = found.params;
  let body: Record<string, unknown> = {};
  if (req.method === 'POST' || req.method === 'PATCH') {
    try {
      const parsed = parseJsonBody(req);
      if (parsed !== undefined && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)))
        return githubError(400, 'Problems parsing JSON');
      body = (parsed ?? {}) as Record<string, unknown>;
    } catch {
      return githubError(400, 'Problems parsing JSON');
    }
  }
  (sub as EmuRequest & { json: Record<string, unknown> }).json = body;
  return found.route.handle(sub, { ...ctx, user, repo, base }) as EmuResponse;
}

type GhRequest = EmuRequest & { json: Record<string, unknown> };
const bodyOf = (req: EmuRequest): Record<string, unknown> => (req as GhRequest).json;

const validation = (resource: string, field: string, code: string, extra: Record<string, unknown> = {}): EmuResponse =>
  githubError(422, 'Validation Failed', { errors: [{ resource, field, code, ...extra }] });

const routes = routeTable<GhCtx>({
  '/deployments': { POST: createDeployment, GET: listDeployments },
  '/deployments/:id': { GET: getDeployment, DELETE: deleteDeployment },
  '/deployments/:id/statuses': { POST: createStatus, GET: listStatuses },
  '/deployments/:id/statuses/:statusId': { GET: getStatus },
  '/issues': { POST: createIssue, GET: listIssues },
  '/issues/:number': { GET: getIssue, PATCH: updateIssue },
  '/issues/:number/comments': { POST: createComment, GET: listComments },
});

function nextId(ctx: GhCtx): number {
  return ++ctx.root.github.nextId;
}

function withDeployment(req: EmuRequest, ctx: GhCtx, then: (deployment: GithubDeployment) => EmuResponse): EmuResponse {
  const deployment = ctx.repo.deployments.find((candidate) => String(candidate.id) === req.params['id']);
  return deployment ? then(deployment) : githubError(404, 'Not Found');
}

function withIssue(req: EmuRequest, ctx: GhCtx, then: (issue: GithubIssue) => EmuResponse): EmuResponse {
  const issue = ctx.repo.issues.find((candidate) => String(candidate.number) === req.params['number']);
  return issue ? then(issue) : githubError(404, 'Not Found');
}

function createDeployment(req: EmuRequest, ctx: GhCtx): EmuResponse {
  const body = bodyOf(req);
  const ref = body['ref'];
  // Exact 422 body UNCONFIRMED (docs/platform-behaviour.md §3.2).
  if (typeof ref !== 'string' || ref === '') return validation('Deployment', 'ref', 'missing_field');
  const repo = ctx.repo;
  // auto_merge default true is UNCONFIRMED (docs/platform-behaviour.md §3.2); callers should always send it.
  if (body['auto_merge'] !== false && repo.behindRefs[ref]) {
    const kind = repo.behindRefs[ref];
    if (kind === 'conflict') return githubError(409, `Conflict merging ${repo.defaultBranch} into ${ref}.`);
    delete repo.behindRefs[ref];
    return json(202, { message: `Auto-merged ${repo.defaultBranch} into ${ref} on deployment.` });
  }
  const sha = /^[0-9a-f]{40}$/i.test(ref) ? ref : (repo.refs[ref] ??= fakeSha(ctx.root));
  const statuses = { ...repo.commitStatuses[ref], ...(ref !== sha ? repo.commitStatuses[sha] : {}) };
  const required = Array.isArray(body['required_contexts'])
    ? (body['required_contexts'] as string[])
    : Object.keys(statuses);
  const failing = required.filter((context) => statuses[context] !== 'success');
  if (failing.length > 0) {
    // Message wording from third-party fakes, UNCONFIRMED (docs/platform-behaviour.md §3.2).
    return githubError(409, `Conflict: Commit status checks failed for ${ref}.`, {
      errors: [
        {
          contexts: required.map((context) => ({ context, state: statuses[context] ?? 'missing' })),
          resource: 'Deployment',
          field: 'required_contexts',
          code: 'invalid',
        },
      ],
    });
  }
  const environment = typeof body['environment'] === 'string' ? body['environment'] : 'production';
  let payload: unknown = body['payload'] ?? {};
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      // A non-JSON string payload is passed through as it is.
    }
  }
  const at = isoTime(ctx.rt.clock.now());
  const deployment: GithubDeployment = {
    id: nextId(ctx),
    sha,
    ref,
    task: typeof body['task'] === 'string' ? body['task'] : 'deploy',
    payload,
    original_environment: environment,
    environment,
    description: typeof body['description'] === 'string' ? body['description'] : null,
    creator: ctx.user,
    created_at: at,
    updated_at: at,
    transient_environment: body['transient_environment'] === true,
    production_environment:
      typeof body['production_environment'] === 'boolean'
        ? body['production_environment']
        : environment === 'production',
    statuses: [],
  };
  repo.deployments.push(deployment);
  return json(201, deploymentJson(ctx, deployment));
}

function deploymentJson(ctx: GhCtx, deployment: GithubDeployment): Record<string, unknown> {
  const { statuses: _statuses, ...fields } = deployment;
  return {
    url: `${ctx.base}/deployments/${deployment.id}`,
    node_id: Buffer.from(`Deployment${deployment.id}`).toString('base64'),
    ...fields,
    statuses_url: `${ctx.base}/deployments/${deployment.id}/statuses`,
    repository_url: ctx.base,
    performed_via_github_app: null,
  };
}

function listDeployments(req: EmuRequest, ctx: GhCtx): EmuResponse {
  const q = req.query;
  const items = ctx.repo.deployments
    .filter((deployment) => !q.get('sha') || deployment.sha === q.get('sha'))
    .filter((deployment) => !q.get('ref') || deployment.ref === q.get('ref'))
    .filter((deployment) => !q.get('task') || deployment.task === q.get('task'))
    .filter((deployment) => !q.get('environment') || deployment.environment === q.get('environment'))
    .reverse();
  return paginate(req, ctx, items, (deployment) => deploymentJson(ctx, deployment));
}

function getDeployment(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withDeployment(req, ctx, (deployment) => json(200, deploymentJson(ctx, deployment)));
}

function deleteDeployment(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withDeployment(req, ctx, (deployment) => {
    const latest = deployment.statuses[deployment.statuses.length - 1];
    const others = ctx.repo.deployments.filter(
      (other) => other.environment === deployment.environment && other.id !== deployment.id,
    );
    if (latest?.state !== 'inactive' && others.length > 0) {
      return githubError(
        422,
        'We cannot delete an active deployment unless it is the only deployment in a given environment.',
      );
    }
    ctx.repo.deployments = ctx.repo.deployments.filter((other) => other !== deployment);
    return empty(204);
  });
}

function createStatus(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withDeployment(req, ctx, (deployment) => {
    const body = bodyOf(req);
    const state = body['state'];
    if (typeof state !== 'string' || !(GITHUB_STATUS_STATES as readonly string[]).includes(state))
      return validation('DeploymentStatus', 'state', 'invalid');
    const description = typeof body['description'] === 'string' ? body['description'] : '';
    if (description.length > 140)
      return validation('DeploymentStatus', 'description', 'custom', {
        message: 'description is too long (maximum is 140 characters)',
      });
    const at = isoTime(ctx.rt.clock.now());
    if (typeof body['environment'] === 'string') deployment.environment = body['environment'];
    const logUrl = typeof body['log_url'] === 'string' ? body['log_url'] : '';
    const status: GithubStatus = {
      id: nextId(ctx),
      state: state as GithubStatusState,
      description,
      environment: deployment.environment,
      target_url: logUrl || (typeof body['target_url'] === 'string' ? body['target_url'] : ''),
      log_url: logUrl || (typeof body['target_url'] === 'string' ? body['target_url'] : ''),
      environment_url: typeof body['environment_url'] === 'string' ? body['environment_url'] : '',
      creator: ctx.user,
      created_at: at,
      updated_at: at,
    };
    deployment.statuses.push(status);
    deployment.updated_at = at;
    if (state === 'success' && body['auto_inactive'] !== false) markOlderInactive(ctx, deployment, at);
    return json(201, statusJson(ctx, deployment, status));
  });
}

/** auto_inactive: earlier non-transient, non-production deployments of the environment whose latest status is success. */
function listStatuses(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withDeployment(req, ctx, (deployment) =>
    paginate(req, ctx, [...deployment.statuses].reverse(), (status) => statusJson(ctx, deployment, status)),
  );
}

function getStatus(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withDeployment(req, ctx, (deployment) => {
    const status = deployment.statuses.find((candidate) => String(candidate.id) === req.params['statusId']);
    return status ? json(200, statusJson(ctx, deployment, status)) : githubError(404, 'Not Found');
  });
}

function markOlderInactive(ctx: GhCtx, current: GithubDeployment, at: string): void {
  for (const other of ctx.repo.deployments) {
    if (other === current || other.environment !== current.environment || other.id > current.id) continue;
    if (other.transient_environment || other.production_environment) continue;
    if (other.statuses[other.statuses.length - 1]?.state !== 'success') continue;
    other.statuses.push({
      ...(other.statuses[other.statuses.length - 1] as GithubStatus),
      id: nextId(ctx),
      state: 'inactive',
      description: '',
      created_at: at,
      updated_at: at,
    });
  }
}

function statusJson(ctx: GhCtx, deployment: GithubDeployment, status: GithubStatus): Record<string, unknown> {
  return {
    url: `${ctx.base}/deployments/${deployment.id}/statuses/${status.id}`,
    node_id: Buffer.from(`DeploymentStatus${status.id}`).toString('base64'),
    ...status,
    deployment_url: `${ctx.base}/deployments/${deployment.id}`,
    repository_url: ctx.base,
    performed_via_github_app: null,
  };
}

function labelsOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .map((label) => (typeof label === 'string' ? label : String((label as { name?: unknown }).name ?? '')))
    .filter(Boolean);
}

function createIssue(req: EmuRequest, ctx: GhCtx): EmuResponse {
  const body = bodyOf(req);
  if (typeof body['title'] !== 'string' && typeof body['title'] !== 'number')
    return validation('Issue', 'title', 'missing_field');
  const at = isoTime(ctx.rt.clock.now());
  const issue: GithubIssue = {
    id: nextId(ctx),
    number: Math.max(0, ...ctx.repo.issues.map((other) => other.number)) + 1,
    title: String(body['title']),
    body: typeof body['body'] === 'string' ? body['body'] : null,
    state: 'open',
    state_reason: null,
    labels: labelsOf(body['labels']) ?? [],
    assignees: Array.isArray(body['assignees']) ? (body['assignees'] as string[]) : [],
    user: ctx.user,
    created_at: at,
    updated_at: at,
    closed_at: null,
    comments: [],
  };
  ctx.repo.issues.push(issue);
  return json(201, issueJson(ctx, issue));
}

function listIssues(req: EmuRequest, ctx: GhCtx): EmuResponse {
  const state = req.query.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) return validation('Issue', 'state', 'invalid');
  const labels =
    req.query
      .get('labels')
      ?.split(',')
      .map((label) => label.trim())
      .filter(Boolean) ?? [];
  const ascending = req.query.get('direction') === 'asc';
  const items = ctx.repo.issues
    .filter((issue) => state === 'all' || issue.state === state)
    .filter((issue) => labels.every((label) => issue.labels.includes(label)))
    .sort((a, b) => (ascending ? a.number - b.number : b.number - a.number));
  return paginate(req, ctx, items, (issue) => issueJson(ctx, issue));
}

function getIssue(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withIssue(req, ctx, (issue) => json(200, issueJson(ctx, issue)));
}

function updateIssue(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withIssue(req, ctx, (issue) => {
    const body = bodyOf(req);
    const at = isoTime(ctx.rt.clock.now());
    if (body['state'] !== undefined) {
      if (body['state'] !== 'open' && body['state'] !== 'closed') return validation('Issue', 'state', 'invalid');
      if (body['state'] === 'closed' && issue.state === 'open') {
        issue.closed_at = at;
        issue.state_reason = typeof body['state_reason'] === 'string' ? body['state_reason'] : 'completed';
      }
      if (body['state'] === 'open' && issue.state === 'closed') {
        issue.closed_at = null;
        issue.state_reason = 'reopened';
      }
      issue.state = body['state'];
    }
    if (typeof body['title'] === 'string') issue.title = body['title'];
    if (typeof body['body'] === 'string' || body['body'] === null) issue.body = body['body'] as string | null;
    issue.labels = labelsOf(body['labels']) ?? issue.labels;
    issue.updated_at = at;
    return json(200, issueJson(ctx, issue));
  });
}

function createComment(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withIssue(req, ctx, (issue) => {
    const body = bodyOf(req);
    if (typeof body['body'] !== 'string' || body['body'] === '')
      return validation('IssueComment', 'body', 'missing_field');
    const at = isoTime(ctx.rt.clock.now());
    const comment: GithubComment = {
      id: nextId(ctx),
      body: body['body'],
      user: ctx.user,
      created_at: at,
      updated_at: at,
    };
    issue.comments.push(comment);
    issue.updated_at = at;
    return json(201, commentJson(ctx, issue, comment));
  });
}

function listComments(req: EmuRequest, ctx: GhCtx): EmuResponse {
  return withIssue(req, ctx, (issue) =>
    paginate(req, ctx, issue.comments, (comment) => commentJson(ctx, issue, comment)),
  );
}

function issueJson(ctx: GhCtx, issue: GithubIssue): Record<string, unknown> {
  const url = `${ctx.base}/issues/${issue.number}`;
  return {
    url,
    repository_url: ctx.base,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `https://github.com/${ctx.repo.owner}/${ctx.repo.name}/issues/${issue.number}`,
    id: issue.id,
    node_id: Buffer.from(`Issue${issue.id}`).toString('base64'),
    number: issue.number,
    title: issue.title,
    user: issue.user,
    labels: issue.labels.map((name, index) => ({
      id: issue.id * 100 + index,
      name,
      color: 'ededed',
      default: false,
      description: null,
    })),
    state: issue.state,
    state_reason: issue.state_reason,
    locked: false,
    assignee: issue.assignees[0] ? { login: issue.assignees[0] } : null,
    assignees: issue.assignees.map((login) => ({ login })),
    milestone: null,
    comments: issue.comments.length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    author_association: 'NONE',
    body: issue.body,
  };
}

function commentJson(ctx: GhCtx, issue: GithubIssue, comment: GithubComment): Record<string, unknown> {
  return {
    url: `${ctx.base}/issues/comments/${comment.id}`,
    html_url: `https://github.com/${ctx.repo.owner}/${ctx.repo.name}/issues/${issue.number}#issuecomment-${comment.id}`,
    issue_url: `${ctx.base}/issues/${issue.number}`,
    id: comment.id,
    node_id: Buffer.from(`IssueComment${comment.id}`).toString('base64'),
    user: comment.user,
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: 'NONE',
    body: comment.body,
  };
}

/** `per_page` (default 30, max 100) + `page`, with a `Link` header (first/prev/next/last). */
function paginate<T>(req: EmuRequest, ctx: GhCtx, items: T[], render: (item: T) => unknown): EmuResponse {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (target: number, rel: string) => {
    const url = new URL(`${ctx.rt.urls.github}${req.fullPath.replace(/^\/github/, '')}`);
    for (const [key, value] of req.query) url.searchParams.set(key, value);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(target));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return json(200, slice.map(render), links.length ? { link: links.join(', ') } : {});
}
