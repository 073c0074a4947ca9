import {
  bearerToken,
  BodyError,
  empty,
  findRoute,
  json,
  parseJsonBody,
  routeTable,
  type EmuRequest,
  type EmuResponse,
  type Route,
} from './http-kit.js';
import { vercelError } from './provider-errors.js';
import type { FaultAnswer, Provider } from './provider.js';
import { extensionContext, fakeSha, nextId, type HandlerCtx } from './runtime.js';
import {
  advanceAliasJob,
  advanceDeployment,
  isRollbackCandidate,
  newProgress,
  planFor,
  productionDomains,
  startAliasJob,
  vercelBuildLines,
  tickVercel,
  VERCEL_CANCELABLE,
  type VercelDeployment,
  type VercelProject,
  type VercelToken,
} from './vercel-model.js';
import {
  abortOnRollback,
  changeRollingRelease,
  getRollingRelease,
  type RollingAction,
  type RollingProject,
} from './vercel-rolling.js';

interface VercelCtx extends HandlerCtx {
  token: VercelToken;
  teamId?: string;
}

type Answer = EmuResponse;

/** Vercel's limit on a rollback description (docs/platform-behaviour.md "Vercel rollback"). */
const ROLLBACK_DESCRIPTION_MAX = 250;

const notFound = (what: string, id: string): Answer =>
  vercelError(404, 'not_found', `Could not find the ${what}: ${id}`);
const badRequest = (message: string): Answer => vercelError(400, 'bad_request', message);

/** Vercel REST (docs/platform-behaviour.md §1): deployments, promote / instant rollback with alias jobs, project rollback info. */
export const vercelProvider: Provider = {
  name: 'vercel',
  prefix: '/vercel',
  isMutation: (req) => req.method !== 'GET' && req.method !== 'HEAD',
  faultResponse: (answer: FaultAnswer) => {
    const headers = { ...answer.headers };
    if (answer.kind !== 'rate-limit')
      return vercelError(answer.status, 'internal_server_error', 'An unexpected internal error occurred.', {}, headers);
    const reset = Math.ceil((answer.now + answer.retryAfterSeconds * 1000) / 1000);
    // X-RateLimit-* names UNCONFIRMED (docs/platform-behaviour.md §1.0); sent because third-party material shows them.
    Object.assign(headers, {
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(reset),
    });
    return vercelError(
      answer.status,
      'rate_limited',
      'Rate limit exceeded',
      { limit: { remaining: 0, reset, resetMs: reset * 1000, total: 100 } },
      headers,
    );
  },
  async handle(req, ctx) {
    const state = ctx.root.vercel;
    const token = state.tokens.find((candidate) => candidate.token === bearerToken(req));
    if (!token) return vercelError(403, 'forbidden', 'Not authorized', { invalidToken: true });
    const teamParam = req.query.get('teamId') ?? undefined;
    const slug = req.query.get('slug') ?? undefined;
    const teamId =
      teamParam ??
      (slug ? (Object.entries(state.teams).find(([, teamSlug]) => teamSlug === slug)?.[0] ?? slug) : undefined);
    if (teamId !== undefined && !token.teams.includes(teamId))
      return vercelError(403, 'forbidden', `You don't have permission to access the team ${teamId}.`);
    tickVercel(ctx.root, ctx.rt.clock.now());
    const vctx: VercelCtx = { ...ctx, token, teamId };
    const found = findRoute(routes, req);
    if (found === 'method')
      return vercelError(405, 'method_unknown', `The method ${req.method} is not allowed for ${req.path}.`);
    if (found) {
      req.params = found.params;
      return found.route.handle(req, vctx);
    }
    for (const extension of ctx.rt.extensions) {
      for (const route of extension.vercelRoutes ?? []) {
        const params = findRoute([route], req);
        if (params && params !== 'method') {
          req.params = params.params;
          return route.handle(req, { ...extensionContext(ctx, extension.name), token: token.token, teamId });
        }
      }
    }
    return vercelError(404, 'not_found', 'The requested API endpoint was not found.');
  },
};

const routes = routeTable<VercelCtx>({
  '/v13/deployments': { POST: createDeployment },
  '/v13/deployments/:idOrUrl': { GET: getDeployment },
  '/v3/deployments/:idOrUrl/events': { GET: deploymentEvents },
  '/v6/deployments': { GET: listDeployments },
  '/v7/deployments': { GET: listDeployments },
  '/v12/deployments/:id/cancel': { PATCH: cancelDeployment },
  '/v10/projects/:projectId/promote/:deploymentId': { POST: promote },
  '/v1/projects/:projectId/rollback/:deploymentId': { POST: rollback },
  '/v9/projects/:projectId/rollback/:deploymentId': { POST: rollback },
  '/v1/projects/:projectId/rollback/:deploymentId/update-description': { PATCH: updateDescription },
  '/v1/projects/:projectId/promote/aliases': { GET: failedAliases },
  '/v9/projects/:projectId/promote/aliases': { GET: failedAliases },
  '/v9/projects/:projectId/rollback/aliases': { GET: failedAliases },
  '/v9/projects/:idOrName': { GET: getProject },
  '/v1/projects/:idOrName/rolling-release': { GET: rollingStatus },
  '/v1/projects/:idOrName/rolling-release/start': { POST: rollingChange('start') },
  '/v1/projects/:idOrName/rolling-release/approve-stage': { POST: rollingChange('approve-stage') },
  '/v1/projects/:idOrName/rolling-release/complete': { POST: rollingChange('complete') },
});

function rollingStatus(req: EmuRequest, ctx: VercelCtx): Answer {
  return getRollingRelease(rollingLookup(req, ctx)(undefined), ctx.root.vercel);
}

/** The three rolling-release steps take the same arguments and differ only in the action (the path's last segment). */
function rollingChange(action: RollingAction): Route<VercelCtx>['handle'] {
  return (req, ctx) => changeRollingRelease(action, req, rollingLookup(req, ctx), ctx.root.vercel, ctx.rt.clock.now());
}

/** The project of a rolling-release call, and the deployment it names (when it names one). */
function rollingLookup(req: EmuRequest, ctx: VercelCtx) {
  return (deploymentId: string | undefined): { project: RollingProject; deployment?: VercelDeployment } | Answer => {
    const project = findProject(ctx, req.params['idOrName'] ?? '');
    if (!project) return notFound('project', req.params['idOrName'] ?? '');
    if (deploymentId === undefined) return { project };
    const deployment = findDeployment(ctx, deploymentId);
    return { project, deployment: deployment && deployment.projectId === project.id ? deployment : undefined };
  };
}

function findProject(ctx: VercelCtx, idOrName: string): VercelProject | undefined {
  return Object.values(ctx.root.vercel.projects).find(
    (project) => (project.id === idOrName || project.name === idOrName) && project.teamId === ctx.teamId,
  );
}

function findDeployment(ctx: VercelCtx, idOrUrl: string): VercelDeployment | undefined {
  const state = ctx.root.vercel;
  const host = idOrUrl.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const byAlias = Object.values(state.projects).find((project) => project.productionHost === host);
  const deployment =
    state.deployments[idOrUrl] ??
    Object.values(state.deployments).find((candidate) => candidate.url === host) ??
    (byAlias ? state.deployments[byAlias.productionDeploymentId ?? ''] : undefined);
  return deployment && deployment.teamId === ctx.teamId ? deployment : undefined;
}

async function createDeployment(req: EmuRequest, ctx: VercelCtx): Promise<Answer> {
  let body: Record<string, unknown>;
  try {
    const parsed = parseJsonBody(req);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return badRequest('Invalid request: body must be a JSON object.');
    body = parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof BodyError) return badRequest(`Invalid JSON: ${error.message}`);
    throw error;
  }
  if (typeof body['name'] !== 'string' || body['name'] === '')
    return badRequest('Invalid request: missing required property `name`.');
  const root = ctx.root;
  const state = root.vercel;
  const now = ctx.rt.clock.now();
  const projectKey = typeof body['project'] === 'string' ? body['project'] : body['name'];
  // Real Vercel creates a project for an unknown name; the emulator refuses, so a wrong id shows up in tests.
  const project = findProject(ctx, projectKey);
  if (!project) return notFound('project', projectKey);

  let gitSource = body['gitSource'] as Record<string, unknown> | undefined;
  let inherited: VercelDeployment | undefined;
  if (typeof body['deploymentId'] === 'string') {
    inherited = findDeployment(ctx, body['deploymentId']);
    if (!inherited) return notFound('deployment', body['deploymentId']);
    gitSource ??= inherited.gitSource;
  }
  if (gitSource !== undefined) {
    const problem = gitSourceProblem(gitSource);
    if (problem) return badRequest(`Invalid request: \`gitSource\` ${problem}`);
  }
  const gitMetadata = (body['gitMetadata'] ?? {}) as Record<string, unknown>;
  const ref = String(gitSource?.['ref'] ?? gitMetadata['commitRef'] ?? project.link.productionBranch);
  const sha = String(gitSource?.['sha'] ?? gitMetadata['commitSha'] ?? inherited?.sha ?? fakeSha(root));
  // `target` is an optional string in Vercel's request schema; the CLI omits it for a preview.
  // An explicit null is refused here so a client that sends one shows up (docs/platform-behaviour.md).
  if (body['target'] !== undefined && typeof body['target'] !== 'string')
    return badRequest('Invalid request: `target` should be string.');
  const target = body['target'] === undefined || body['target'] === 'preview' ? null : body['target'];
  const autoAssign = body['autoAssignCustomDomains'] !== false;

  if (state.settings.dedup && req.query.get('forceNew') !== '1') {
    const earlier = Object.values(state.deployments)
      .filter(
        (candidate) =>
          candidate.projectId === project.id &&
          candidate.sha === sha &&
          candidate.target === target &&
          !['ERROR', 'CANCELED'].includes(candidate.readyState),
      )
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (earlier) return json(200, serializeDeployment(ctx, earlier));
  }

  const plan = planFor(state, sha);
  const id = nextId(root, 'dpl_emu');
  const url = await ctx.rt.apps.ensure(id);
  const createdAt = Math.max(now, ...Object.values(state.deployments).map((other) => other.createdAt + 1));
  const meta: Record<string, string> = { githubCommitSha: sha, githubCommitRef: ref, ...stringMap(body['meta']) };
  const deployment: VercelDeployment = {
    id,
    url,
    name: project.name,
    projectId: project.id,
    teamId: project.teamId,
    ownerId: project.accountId,
    target,
    readyState: 'QUEUED',
    createdAt,
    aliasAssigned: false,
    aliasError: null,
    alias: target === 'production' && autoAssign && project.autoAssignCustomDomains ? productionDomains(project) : [],
    meta,
    gitSource: gitSource ? { ...gitSource, sha } : undefined,
    sha,
    creator: { uid: ctx.token.userId, username: ctx.token.username },
    inspectorUrl: `https://vercel.com/${ctx.teamId ? (state.teams[ctx.teamId] ?? ctx.teamId) : ctx.token.username}/${project.name}/${id.replace(/^dpl_/, '')}`,
    source: inherited ? 'redeploy' : gitSource ? 'git' : 'cli',
    autoAssign,
    progress: newProgress(state, project, plan, createdAt),
    outcome: plan.outcome ?? 'ready',
    plannedErrorMessage: plan.errorMessage,
  };
  state.deployments[id] = deployment;
  project.updatedAt = now;
  return json(200, serializeDeployment(ctx, deployment));
}

function gitSourceProblem(source: Record<string, unknown>): string | undefined {
  const has = (...keys: string[]) => keys.every((key) => source[key] !== undefined && source[key] !== '');
  switch (source['type']) {
    case 'github':
    case 'github-limited':
      return has('org', 'repo', 'ref') || has('repoId', 'ref')
        ? undefined
        : 'of type github needs `org`, `repo` and `ref` (or `repoId` and `ref`).';
    case 'gitlab':
      return has('projectId', 'ref') ? undefined : 'of type gitlab needs `projectId` and `ref`.';
    case 'bitbucket':
      return has('repoUuid', 'ref') || has('owner', 'slug', 'ref')
        ? undefined
        : 'of type bitbucket needs `repoUuid` and `ref` (or `owner`, `slug` and `ref`).';
    case 'cursor-origin':
      return has('repoId', 'ref') ? undefined : 'of type cursor-origin needs `repoId` and `ref`.';
    case 'vercel':
      return has('sha') ? undefined : 'of type vercel needs `sha`.';
    default:
      return 'must have a `type` of github, github-limited, gitlab, bitbucket, cursor-origin or vercel.';
  }
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, String(item)]));
}

function getDeployment(req: EmuRequest, ctx: VercelCtx): Answer {
  const deployment = findDeployment(ctx, req.params['idOrUrl'] ?? '');
  if (!deployment) return notFound('deployment', req.params['idOrUrl'] ?? '');
  advanceDeployment(ctx.root, deployment, ctx.rt.clock.now(), true);
  return json(200, serializeDeployment(ctx, deployment));
}

/**
 * Build output as JSON (follow=0). The endpoint and its direction/limit parameters are in Vercel's
 * REST reference (vercel.com/docs/rest-api/deployments/get-deployment-events); the event shape,
 * an array of { type: 'stdout' | 'stderr', created, payload: { text, deploymentId } }, is
 * UNCONFIRMED: it is what public scripts read (`.[] | .payload.text`), not a documented schema.
 */
function deploymentEvents(req: EmuRequest, ctx: VercelCtx): Answer {
  const deployment = findDeployment(ctx, req.params['idOrUrl'] ?? '');
  if (!deployment) return notFound('deployment', req.params['idOrUrl'] ?? '');
  advanceDeployment(ctx.root, deployment, ctx.rt.clock.now(), true);
  const lines = vercelBuildLines(ctx.root.vercel, deployment);
  // A failed build's last line is its `fatal` event: the reason the build stopped.
  const fatalAt = deployment.readyState === 'ERROR' ? lines.length - 1 : -1;
  const events = lines.map((text, i) => ({
    type: i === fatalAt ? 'fatal' : /error/i.test(text) ? 'stderr' : 'stdout',
    created: deployment.createdAt + i * 1000,
    payload: {
      text,
      deploymentId: deployment.id,
      id: `evt_${deployment.id}_${i}`,
      date: deployment.createdAt + i * 1000,
      serial: String(i).padStart(8, '0'),
    },
  }));
  if (req.query.get('direction') === 'backward') events.reverse();
  const limit = Number(req.query.get('limit') ?? '-1');
  return json(200, limit > 0 ? events.slice(0, limit) : events);
}

function serializeDeployment(_ctx: HandlerCtx, deployment: VercelDeployment): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: deployment.id,
    ...sharedFields(deployment),
    name: deployment.name,
    projectId: deployment.projectId,
    ownerId: deployment.ownerId,
    status: deployment.readyState,
    buildingAt: deployment.buildingAt,
    ready: deployment.ready,
    aliasWarning: null,
    alias: deployment.alias,
    gitSource: deployment.gitSource,
    inspectorUrl: deployment.inspectorUrl,
    source: deployment.source,
    regions: ['iad1'],
    version: 2,
    plan: 'pro',
    // Required in the SDK's full deployment schema (names of env vars, build settings).
    build: { env: [] },
    env: [],
    projectSettings: {},
  };
  if (deployment.canceledAt !== undefined) body['canceledAt'] = deployment.canceledAt;
  if (deployment.buildErrorAt !== undefined) body['buildErrorAt'] = deployment.buildErrorAt;
  if (deployment.errorCode)
    Object.assign(body, {
      errorCode: deployment.errorCode,
      errorMessage: deployment.errorMessage,
      errorStep: deployment.errorStep,
    });
  if (deployment.target && deployment.target !== 'production' && deployment.target !== 'staging')
    body['customEnvironment'] = { slug: deployment.target };
  return body;
}

/** The fields the full record, the list item and the project's targets all copy from the deployment as they are. */
function sharedFields(deployment: VercelDeployment): Record<string, unknown> {
  return {
    url: deployment.url,
    readyState: deployment.readyState,
    ...readySubstateOf(deployment),
    target: deployment.target,
    createdAt: deployment.createdAt,
    meta: deployment.meta,
    aliasAssigned: deployment.aliasAssigned,
    aliasError: deployment.aliasError,
    creator: deployment.creator,
    type: 'LAMBDAS',
  };
}

/** `readySubstate` is sent only on a READY deployment (full record, list item and project target alike). */
function readySubstateOf(deployment: VercelDeployment): { readySubstate?: VercelDeployment['readySubstate'] } {
  return deployment.readyState === 'READY' && deployment.readySubstate
    ? { readySubstate: deployment.readySubstate }
    : {};
}

function listItem(deployment: VercelDeployment): Record<string, unknown> {
  return {
    uid: deployment.id,
    ...sharedFields(deployment),
    name: deployment.name,
    created: deployment.createdAt,
    state: deployment.readyState,
    projectId: deployment.projectId,
    inspectorUrl: deployment.inspectorUrl,
    isRollbackCandidate: isRollbackCandidate(deployment),
    buildingAt: deployment.buildingAt ?? deployment.createdAt,
    ready: deployment.ready,
    source: deployment.source,
    ...(deployment.errorCode ? { errorCode: deployment.errorCode, errorMessage: deployment.errorMessage } : {}),
  };
}

function listDeployments(req: EmuRequest, ctx: VercelCtx): Answer {
  const q = req.query;
  const number = (name: string): number | undefined => (q.get(name) === null ? undefined : Number(q.get(name)));
  const limitParam = number('limit');
  if (limitParam !== undefined && !(Number.isInteger(limitParam) && limitParam > 0))
    return badRequest('Invalid request: `limit` must be a positive integer.');
  const limit = Math.min(limitParam ?? ctx.root.vercel.settings.listLimit, 100);
  const projectIds = [q.get('projectId'), ...q.getAll('projectIds').flatMap((value) => value.split(','))].filter(
    (value): value is string => Boolean(value),
  );
  const projects = projectIds.map((idOrName) => findProject(ctx, idOrName));
  if (projects.some((project) => !project)) return notFound('project', projectIds.join(','));
  const projectSet = new Set(projects.map((project) => (project as VercelProject).id));
  const states = q
    .get('state')
    ?.split(',')
    .map((value) => value.trim().toUpperCase())
    .filter(Boolean);
  const target = q.get('target');
  const since = number('since') ?? number('from');
  const until = number('until') ?? number('to');
  const metaFilters = [...q.entries()]
    .filter(([key]) => key.startsWith('meta-'))
    .map(([key, value]) => [key.slice(5), value] as const);
  const all = Object.values(ctx.root.vercel.deployments)
    .filter((deployment) => deployment.teamId === ctx.teamId)
    .filter((deployment) => projectSet.size === 0 || projectSet.has(deployment.projectId))
    .filter((deployment) => !q.get('app') || deployment.name === q.get('app'))
    .filter(
      (deployment) => !target || (target === 'preview' ? deployment.target === null : deployment.target === target),
    )
    .filter((deployment) => !states || states.includes(deployment.readyState))
    .filter((deployment) => since === undefined || deployment.createdAt > since)
    .filter((deployment) => until === undefined || deployment.createdAt < until)
    .filter((deployment) => !q.get('sha') || deployment.sha === q.get('sha'))
    .filter((deployment) => !q.get('branch') || deployment.meta['githubCommitRef'] === q.get('branch'))
    .filter((deployment) => !q.get('users') || q.get('users')?.split(',').includes(deployment.creator.uid))
    .filter((deployment) => q.get('rollbackCandidate') !== 'true' || isRollbackCandidate(deployment))
    .filter((deployment) => metaFilters.every(([key, value]) => deployment.meta[key] === value))
    .sort((a, b) => b.createdAt - a.createdAt);
  const page = all.slice(0, limit);
  const last = page[page.length - 1];
  return json(200, {
    deployments: page.map(listItem),
    pagination: {
      count: page.length,
      next: all.length > limit && last ? last.createdAt : null,
      prev: page[0]?.createdAt ?? null,
    },
  });
}

function cancelDeployment(req: EmuRequest, ctx: VercelCtx): Answer {
  const deployment = findDeployment(ctx, req.params['id'] ?? '');
  if (!deployment) return notFound('deployment', req.params['id'] ?? '');
  if (!VERCEL_CANCELABLE.includes(deployment.readyState)) {
    return badRequest(`Deployment ${deployment.id} cannot be canceled because it is ${deployment.readyState}.`);
  }
  const now = ctx.rt.clock.now();
  deployment.readyState = 'CANCELED';
  deployment.canceledAt = now;
  deployment.progress.index = deployment.progress.steps.length - 1;
  return json(200, serializeDeployment(ctx, deployment));
}

function projectAndDeployment(
  req: EmuRequest,
  ctx: VercelCtx,
): { project: VercelProject; deployment: VercelDeployment } | Answer {
  const project = findProject(ctx, req.params['projectId'] ?? '');
  if (!project) return notFound('project', req.params['projectId'] ?? '');
  const deployment = findDeployment(ctx, req.params['deploymentId'] ?? '');
  if (!deployment || deployment.projectId !== project.id)
    return notFound('deployment', req.params['deploymentId'] ?? '');
  return { project, deployment };
}

function promote(req: EmuRequest, ctx: VercelCtx): Answer {
  const found = projectAndDeployment(req, ctx);
  if ('status' in found) return found;
  const { project, deployment } = found;
  const reject = ctx.root.vercel.settings.rejectStatus;
  // Status codes for these two refusals are UNCONFIRMED (docs/platform-behaviour.md §1.4): configurable `rejectStatus`.
  if (deployment.target !== 'production')
    return vercelError(
      reject,
      'bad_request',
      `Deployment ${deployment.id} is not a production deployment; create a production build from it instead.`,
    );
  if (deployment.readyState !== 'READY')
    return vercelError(
      reject,
      'bad_request',
      `Deployment ${deployment.id} is ${deployment.readyState}; only READY deployments can be promoted.`,
    );
  if (project.aliasJob) return aliasJobInProgress();
  startAliasJob(ctx.root, project, deployment, 'promote', ctx.rt.clock.now());
  return empty(ctx.root.vercel.settings.promoteStatus);
}

function rollback(req: EmuRequest, ctx: VercelCtx): Answer {
  const found = projectAndDeployment(req, ctx);
  if ('status' in found) return found;
  const { project, deployment } = found;
  const reject = ctx.root.vercel.settings.rejectStatus;
  if (abortOnRollback(project, deployment.id, ctx.rt.clock.now())) return empty(201);
  if (project.productionDeploymentId === deployment.id)
    return vercelError(409, 'conflict', `Deployment ${deployment.id} is already serving production.`);
  if (!isRollbackCandidate(deployment))
    return vercelError(
      reject,
      'bad_request',
      `Deployment ${deployment.id} is not a rollback candidate (it must be a READY production deployment that served production before).`,
    );
  const description = req.query.get('description');
  if (description !== null && description.length > ROLLBACK_DESCRIPTION_MAX)
    return badRequest(
      `Invalid request: \`description\` should NOT be longer than ${ROLLBACK_DESCRIPTION_MAX} characters.`,
    );
  if (project.aliasJob) return aliasJobInProgress();
  const now = ctx.rt.clock.now();
  const request = startAliasJob(ctx.root, project, deployment, 'rollback', now);
  // An instant rollback pins production: later production builds are staged, not aliased.
  project.autoAssignCustomDomains = false;
  project.lastRollbackTarget = { ...request, type: 'rollback' };
  project.rollbackDescription = {
    userId: ctx.token.userId,
    username: ctx.token.username,
    description: req.query.get('description'),
    createdAt: now,
  };
  return empty(201);
}

/**
 * One alias job at a time per project: a promote or rollback asked for while one is still running
 * is refused with 409 (as observed in issue 18; the exact code and message are UNCONFIRMED).
 */
function aliasJobInProgress(): Answer {
  return vercelError(
    409,
    'conflict',
    'Another promote or rollback is in progress for this project. Wait for it to finish and try again.',
  );
}

function updateDescription(req: EmuRequest, ctx: VercelCtx): Answer {
  const found = projectAndDeployment(req, ctx);
  if ('status' in found) return found;
  const body = (() => {
    try {
      return parseJsonBody(req) as { description?: string } | undefined;
    } catch {
      return undefined;
    }
  })();
  if (found.project.rollbackDescription)
    found.project.rollbackDescription.description = body?.description ?? req.query.get('description');
  return empty(200);
}

function failedAliases(req: EmuRequest, ctx: VercelCtx): Answer {
  const project = findProject(ctx, req.params['projectId'] ?? '');
  if (!project) return notFound('project', req.params['projectId'] ?? '');
  const failed =
    project.lastAliasRequest?.jobStatus === 'failed'
      ? [{ status: 'failed', alias: project.productionHost, id: project.lastAliasRequest.toDeploymentId }]
      : [];
  return json(200, { aliases: failed, pagination: { count: failed.length, next: null, prev: null } });
}

function getProject(req: EmuRequest, ctx: VercelCtx): Answer {
  const project = findProject(ctx, req.params['idOrName'] ?? '');
  if (!project) return notFound('project', req.params['idOrName'] ?? '');
  advanceAliasJob(ctx.root, project, ctx.rt.clock.now(), true);
  const production = project.productionDeploymentId
    ? ctx.root.vercel.deployments[project.productionDeploymentId]
    : undefined;
  const latest = Object.values(ctx.root.vercel.deployments)
    .filter((deployment) => deployment.projectId === project.id)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, 5);
  const body: Record<string, unknown> = {
    id: project.id,
    name: project.name,
    accountId: project.accountId,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    framework: project.framework,
    link: { ...project.link, deployHooks: [], gitCredentialId: 'cred_emu', repoId: 1 },
    // Required by @vercel/sdk's project schema; values are plain defaults.
    alias: [],
    directoryListing: false,
    nodeVersion: '22.x',
    defaultResourceConfig: { functionDefaultRegions: ['iad1'] },
    resourceConfig: { functionDefaultRegions: ['iad1'] },
    deploymentExpiration: {},
    // A project that never served production has no `targets` (optional in Vercel's schema).
    ...(production ? { targets: { production: targetSummary(production) } } : {}),
    latestDeployments: latest.map(targetSummary),
    lastAliasRequest: project.lastAliasRequest,
    rollingRelease: null,
  };
  if (req.query.get('rollbackInfo') === 'true') {
    body['lastRollbackTarget'] = project.lastRollbackTarget;
    body['rollbackDescription'] = project.rollbackDescription;
  }
  return json(200, body);
}

function targetSummary(deployment: VercelDeployment): Record<string, unknown> {
  const { id, alias, buildingAt, ready } = deployment;
  return { id, ...sharedFields(deployment), alias, buildingAt, readyAt: ready, plan: 'pro' };
}
