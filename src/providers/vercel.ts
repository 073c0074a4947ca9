import type { HttpClient, HttpResponse } from '../core/http.js';
import { jsonBody, query, unexpectedShape } from './errors.js';
import { vercelRequest } from './vercel-rest.js';

/** Vercel REST API client: the calls the deploy and rollback actions make (docs/platform-behaviour.md §1). */

export type VercelReadyState =
  'QUEUED' | 'INITIALIZING' | 'BUILDING' | 'READY' | 'ERROR' | 'CANCELED' | 'BLOCKED' | 'DELETED';
export const VERCEL_TERMINAL: ReadonlySet<string> = new Set(['READY', 'ERROR', 'CANCELED', 'BLOCKED', 'DELETED']);

export interface VercelDeployment {
  id: string;
  /** Hostname without scheme; null while an upload is incomplete. */
  url: string | null;
  readyState: VercelReadyState;
  readySubstate?: 'STAGED' | 'ROLLING' | 'PROMOTED';
  target?: string | null;
  aliasAssigned?: boolean;
  aliasError?: { code?: string; message?: string } | null;
  errorCode?: string;
  errorMessage?: string;
  inspectorUrl?: string | null;
  createdAt?: number;
  meta?: Record<string, string>;
  gitSource?: { sha?: string; ref?: string; [key: string]: unknown };
  projectId?: string;
  isRollbackCandidate?: boolean;
}

export interface VercelAliasRequest {
  fromDeploymentId: string | null;
  toDeploymentId: string;
  jobStatus: 'pending' | 'in-progress' | 'succeeded' | 'failed' | 'skipped';
  requestedAt: number;
  type: 'promote' | 'rollback';
}

export interface VercelProject {
  id: string;
  name: string;
  /**
   * What serves production now (null: nothing yet, e.g. a project without `targets`). `alias`: the
   * domains assigned to it (`targets.production.alias`, hostnames without a scheme; empty when absent).
   */
  productionDeployment: { id: string; url?: string | null; readyState?: string; alias: string[] } | null;
  lastAliasRequest: VercelAliasRequest | null;
  /**
   * Left by an instant rollback. Typed as an open object by Vercel and not relied on: whether a
   * promote clears it is UNCONFIRMED (docs/platform-behaviour.md, "Vercel pin"). Pins are read from
   * `lastAliasRequest` (see `vercelPinned`).
   */
  lastRollbackTarget: unknown;
  rollbackDescription?: string | null;
}

export interface VercelGitSource {
  type: 'github';
  org: string;
  repo: string;
  ref: string;
  sha: string;
}

export interface CreateDeploymentRequest {
  name: string;
  project: string;
  /**
   * `production` or `staging`; absent for a preview (the CLI omits it rather than sending null,
   * docs/platform-behaviour.md "Vercel create").
   */
  target?: string;
  gitSource: VercelGitSource;
  meta?: Record<string, string>;
  /**
   * false: a production build that does not take the production domains (READY, STAGED), promoted
   * later. What the CLI's `vercel --prod --skip-domain` sends (docs/platform-behaviour.md "Vercel
   * staged builds"); absent otherwise, as the CLI leaves it.
   */
  autoAssignCustomDomains?: false;
}

export interface ListDeploymentsQuery {
  projectId: string;
  target?: string;
  state?: readonly VercelReadyState[];
  limit?: number;
  until?: number;
  since?: number;
  sha?: string;
  rollbackCandidate?: boolean;
}

/** What the suite reads of a rolling release. */
export interface VercelRollingRelease {
  /** ACTIVE, COMPLETE or ABORTED. */
  state: string;
  stageIndex: number | null;
  percentage: number | null;
  stages: number;
  currentDeploymentId: string | null;
  canaryDeploymentId: string | null;
}

export interface VercelClientOptions {
  http: HttpClient;
  /** https://api.vercel.com, the emulator, or a proxy. */
  baseUrl: string;
  token: string;
  teamId?: string;
  /** The CLI lists with v6, the OpenAPI with v7 (docs/platform-behaviour.md §1.3). */
  listVersion?: 'v6' | 'v7';
  /** Timeout of one request, milliseconds (the HttpClient's own otherwise). */
  timeoutMs?: number;
}

/**
 * Build-log event types that carry output. `fatal` is the event that says why a build stopped, so
 * it belongs in a failure excerpt (docs/platform-behaviour.md "Vercel build events").
 */
const BUILD_LOG_TYPES: ReadonlySet<string> = new Set(['stdout', 'stderr', 'command', 'fatal']);

/** Vercel refuses a rollback description longer than this (docs/platform-behaviour.md "Vercel rollback"). */
export const VERCEL_ROLLBACK_DESCRIPTION_MAX = 250;

export class VercelClient {
  readonly provider = 'vercel';
  constructor(private readonly options: VercelClientOptions) {}

  async createDeployment(body: CreateDeploymentRequest): Promise<VercelDeployment> {
    // forceNew: a deploy of a commit must build it; de-duplication rules are UNCONFIRMED (docs/platform-behaviour.md §1.1)
    // and our own idempotency check (an existing READY deployment of the commit) runs before this.
    const response = await this.send(
      'POST',
      `/v13/deployments${this.scope({ forceNew: 1, skipAutoDetectionConfirmation: 1 })}`,
      'create deployment',
      {
        body,
        mutation: true,
      },
    );
    return deployment(jsonBody(this.provider, 'create deployment', response), 'create deployment');
  }

  async getDeployment(id: string): Promise<VercelDeployment> {
    const response = await this.send(
      'GET',
      `/v13/deployments/${encodeURIComponent(id)}${this.scope({})}`,
      `get deployment ${id}`,
    );
    return deployment(jsonBody(this.provider, `get deployment ${id}`, response), `get deployment ${id}`);
  }

  /**
   * The last `limit` lines of a deployment's build output, oldest first. Endpoint and parameters:
   * Vercel's REST reference (GET /v3/deployments/{idOrUrl}/events, direction, limit, follow). The
   * event shape ({ type, created, payload: { text } }) is UNCONFIRMED: events without text are
   * skipped, a top-level `text` is read too.
   */
  async buildLog(id: string, limit: number): Promise<string[]> {
    const what = `read the build log of ${id}`;
    const response = await this.send(
      'GET',
      `/v3/deployments/${encodeURIComponent(id)}/events${this.scope({ direction: 'backward', limit, follow: 0 })}`,
      what,
    );
    const body = jsonBody(this.provider, what, response);
    if (!Array.isArray(body)) throw unexpectedShape(this.provider, what, 'expected a list of events');
    const lines: { created: number; text: string }[] = [];
    for (const event of body as { type?: unknown; created?: unknown; text?: unknown; payload?: { text?: unknown } }[]) {
      const text =
        typeof event?.payload?.text === 'string'
          ? event.payload.text
          : typeof event?.text === 'string'
            ? event.text
            : undefined;
      if (text === undefined || (event.type !== undefined && !BUILD_LOG_TYPES.has(String(event.type)))) continue;
      lines.push({ created: typeof event.created === 'number' ? event.created : 0, text });
    }
    return lines.sort((a, b) => a.created - b.created).map((line) => line.text);
  }

  /** One page, newest first. List items are keyed `uid`; they are returned with `id` like the rest. */
  async listDeployments(q: ListDeploymentsQuery): Promise<{ deployments: VercelDeployment[]; next: number | null }> {
    const version = this.options.listVersion ?? 'v6';
    const path = `/${version}/deployments${this.scope({
      projectId: q.projectId,
      target: q.target,
      state: q.state?.join(','),
      limit: q.limit ?? 20,
      until: q.until,
      since: q.since,
      sha: q.sha,
      rollbackCandidate: q.rollbackCandidate,
    })}`;
    const what = 'list deployments';
    const response = await this.send('GET', path, what);
    const body = jsonBody<{ deployments?: unknown; pagination?: { next?: unknown } }>(this.provider, what, response);
    if (!Array.isArray(body.deployments)) throw unexpectedShape(this.provider, what, 'no deployments array');
    const deployments = body.deployments.map((item) => {
      const raw = item as Record<string, unknown>;
      return deployment({ ...raw, id: raw.id ?? raw.uid, readyState: raw.readyState ?? raw.state }, what);
    });
    const next = typeof body.pagination?.next === 'number' ? body.pagination.next : null;
    return { deployments, next };
  }

  async cancelDeployment(id: string): Promise<VercelDeployment> {
    const what = `cancel deployment ${id}`;
    const response = await this.send(
      'PATCH',
      `/v12/deployments/${encodeURIComponent(id)}/cancel${this.scope({})}`,
      what,
      { mutation: true },
    );
    return deployment(jsonBody(this.provider, what, response), what);
  }

  async getProject(projectId: string): Promise<VercelProject> {
    const what = `get project ${projectId}`;
    const response = await this.send(
      'GET',
      `/v9/projects/${encodeURIComponent(projectId)}${this.scope({ rollbackInfo: 'true' })}`,
      what,
    );
    const body = jsonBody<Record<string, unknown>>(this.provider, what, response);
    if (typeof body.id !== 'string') throw unexpectedShape(this.provider, what, 'no project id');
    // `targets` is optional in Vercel's project schema: a project that never served production has
    // none, which means nothing serves yet (docs/platform-behaviour.md "Vercel project").
    if (body.targets !== undefined && body.targets !== null && typeof body.targets !== 'object')
      throw unexpectedShape(this.provider, what, 'targets is not an object');
    const targets = (body.targets ?? {}) as {
      production?: { id?: unknown; url?: unknown; readyState?: unknown; alias?: unknown } | null;
    };
    const production = targets.production && typeof targets.production.id === 'string' ? targets.production : null;
    return {
      id: body.id,
      name: typeof body.name === 'string' ? body.name : body.id,
      productionDeployment: production
        ? {
            id: production.id as string,
            url: typeof production.url === 'string' ? production.url : null,
            readyState: typeof production.readyState === 'string' ? production.readyState : undefined,
            // Optional in the SDK's schema: a missing or malformed list means no known domain, never a failed read.
            alias: Array.isArray(production.alias)
              ? production.alias.filter((host): host is string => typeof host === 'string' && host !== '')
              : [],
          }
        : null,
      lastAliasRequest: aliasRequest(body.lastAliasRequest),
      lastRollbackTarget: body.lastRollbackTarget ?? null,
      rollbackDescription: describeRollback(body.rollbackDescription),
    };
  }

  /** 201 (done or started) or 202 (queued behind a rolling release); no body either way. */
  async promote(projectId: string, deploymentId: string): Promise<number> {
    const what = `promote ${deploymentId}`;
    const path = `/v10/projects/${encodeURIComponent(projectId)}/promote/${encodeURIComponent(deploymentId)}${this.scope({})}`;
    const response = await this.send('POST', path, what, { body: {}, mutation: true });
    return response.status;
  }

  /**
   * Instant rollback to `deploymentId` (the deployment to go back TO); pins production. The
   * description is cut to Vercel's limit rather than have the emergency refused for its length.
   */
  async rollback(projectId: string, deploymentId: string, description?: string): Promise<number> {
    const what = `roll back to ${deploymentId}`;
    const cut = description === undefined ? undefined : truncate(description, VERCEL_ROLLBACK_DESCRIPTION_MAX);
    const path = `/v1/projects/${encodeURIComponent(projectId)}/rollback/${encodeURIComponent(deploymentId)}${this.scope({ description: cut })}`;
    const response = await this.send('POST', path, what, { body: {}, mutation: true });
    return response.status;
  }

  /**
   * Vercel rolling releases (@vercel/sdk rollingRelease* calls, docs/platform-behaviour.md "Vercel
   * rolling releases"): read, start with a canary, approve the next stage. Each answers
   * `{ rollingRelease }`, null when none exists.
   */
  async rollingRelease(
    projectId: string,
    action: 'get' | 'start' | 'approve-stage',
    body?: { canaryDeploymentId: string; nextStageIndex?: number },
  ): Promise<VercelRollingRelease | null> {
    const what = action === 'get' ? 'read the rolling release' : `${action} the rolling release`;
    const path = `/v1/projects/${encodeURIComponent(projectId)}/rolling-release${action === 'get' ? '' : `/${action}`}${this.scope({})}`;
    const response = await this.send(
      action === 'get' ? 'GET' : 'POST',
      path,
      what,
      action === 'get' ? {} : { body, mutation: true },
    );
    const value = jsonBody<{ rollingRelease?: unknown }>(this.provider, what, response).rollingRelease;
    if (value === null || value === undefined) return null;
    const rr = value as {
      state?: unknown;
      activeStage?: { index?: unknown; targetPercentage?: unknown } | null;
      stages?: unknown;
      currentDeployment?: { id?: unknown } | null;
      canaryDeployment?: { id?: unknown } | null;
    };
    if (typeof rr.state !== 'string' || !Array.isArray(rr.stages))
      throw unexpectedShape(this.provider, what, 'rollingRelease without state or stages');
    return {
      state: rr.state,
      stageIndex: typeof rr.activeStage?.index === 'number' ? rr.activeStage.index : null,
      percentage: typeof rr.activeStage?.targetPercentage === 'number' ? rr.activeStage.targetPercentage : null,
      stages: rr.stages.length,
      currentDeploymentId: typeof rr.currentDeployment?.id === 'string' ? rr.currentDeployment.id : null,
      canaryDeploymentId: typeof rr.canaryDeployment?.id === 'string' ? rr.canaryDeployment.id : null,
    };
  }

  private scope(params: Record<string, string | number | boolean | undefined>): string {
    return query({ ...params, teamId: this.options.teamId });
  }

  private send(
    method: string,
    path: string,
    what: string,
    extra: { body?: unknown; mutation?: boolean } = {},
  ): Promise<HttpResponse> {
    return vercelRequest(this.options, method, path, what, { body: extra.body, mutation: extra.mutation === true });
  }
}

function deployment(raw: unknown, what: string): VercelDeployment {
  const value = raw as Partial<VercelDeployment> | null;
  if (!value || typeof value.id !== 'string' || typeof value.readyState !== 'string') {
    throw unexpectedShape('vercel', what, 'a deployment needs a string id and readyState');
  }
  return { ...value, url: typeof value.url === 'string' ? value.url : null } as VercelDeployment;
}

function aliasRequest(raw: unknown): VercelAliasRequest | null {
  const value = raw as Partial<VercelAliasRequest> | null | undefined;
  if (!value || typeof value.toDeploymentId !== 'string' || typeof value.jobStatus !== 'string') return null;
  return {
    fromDeploymentId: typeof value.fromDeploymentId === 'string' ? value.fromDeploymentId : null,
    toDeploymentId: value.toDeploymentId,
    jobStatus: value.jobStatus,
    requestedAt: typeof value.requestedAt === 'number' ? value.requestedAt : 0,
    type: value.type === 'rollback' ? 'rollback' : 'promote',
  };
}

/** At most `max` characters (UTF-16 units, as JavaScript counts), ending in an ellipsis when cut. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  // Never leave half of a surrogate pair at the end.
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/**
 * Whether production is pinned by an instant rollback, read as the official CLI reads rollback
 * state: from `lastAliasRequest` (packages/cli/src/commands/rollback/status.ts). The last alias
 * job is a rollback that succeeded or is under way; a later promote replaces it and lifts the pin.
 * `lastRollbackTarget` is not used: it may survive a promote (docs/platform-behaviour.md "Vercel pin").
 */
export function vercelPinned(project: Pick<VercelProject, 'lastAliasRequest'>): boolean {
  const job = project.lastAliasRequest;
  return (
    job !== null &&
    job.type === 'rollback' &&
    (job.jobStatus === 'succeeded' || job.jobStatus === 'pending' || job.jobStatus === 'in-progress')
  );
}

/** The shape of `rollbackDescription` is UNCONFIRMED (docs/platform-behaviour.md §1.5, "who/why"): a string or an object with a description. */
function describeRollback(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (!raw || typeof raw !== 'object') return null;
  const value = raw as { description?: unknown; username?: unknown };
  const why = typeof value.description === 'string' && value.description ? value.description : null;
  const who = typeof value.username === 'string' ? value.username : null;
  return why && who ? `${why} (by ${who})` : (why ?? (who ? `by ${who}` : null));
}

/**
 * A deployment URL from Vercel's scheme-less hostname. The scheme is the API's own: https for
 * Vercel, http for the loopback emulator.
 */
export function vercelUrl(hostname: string | null | undefined, scheme: 'https' | 'http' = 'https'): string | null {
  if (!hostname) return null;
  return /^https?:\/\//.test(hostname) ? hostname : `${scheme}://${hostname}`;
}

/**
 * The domain users reach production at, from the production deployment's `alias` list: the first
 * custom domain (not `*.vercel.app`), else the first `*.vercel.app` one, else null; an entry that is
 * not a bare hostname is skipped. A project with a
 * custom domain serves users there; its `<project>.vercel.app` domain serves the same build but is
 * not what users type (docs/platform-behaviour.md "Vercel production domain").
 */
export function vercelProductionDomain(aliases: readonly string[]): string | null {
  // Only a bare hostname (a port for the emulator) can become the URL a health check asks.
  const hosts = aliases.filter((host) => /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i.test(host));
  const custom = hosts.find((host) => !/(^|\.)vercel\.app$/i.test(host.replace(/:\d+$/, '')));
  return custom ?? hosts[0] ?? null;
}

/** The commit a deployment was built from: gitSource.sha, or a git meta key (names UNCONFIRMED, docs/platform-behaviour.md §1.3). */
export function vercelCommitOf(d: VercelDeployment): string | undefined {
  return d.gitSource?.sha ?? d.meta?.githubCommitSha ?? d.meta?.threadrCommitSha ?? undefined;
}
