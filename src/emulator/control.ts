import type { AppBehaviour, AppRequest } from './apps.js';
import type { RollingProject } from './vercel-rolling.js';
import type { Fault, FaultMatch, FaultRule, ActiveFault } from './faults.js';
import { findRoute, json, parseJsonBody, type EmuRequest, type EmuResponse, type Route } from './http-kit.js';
import { githubRepo, type GithubRepo, type GithubSettings, type GithubUser } from './github.js';
import { forceStatus, type RailwayDeployment, type RailwayPlan, type RailwaySettings } from './railway-model.js';
import type { RecordedRequest, RequestFilter } from './recorder.js';
import { extensionContext, nextNumber, type EmulatorState, type Runtime } from './runtime.js';
import {
  seedRailwayService,
  seedVercelProject,
  type RailwayServiceSeed,
  type SeededRailwayService,
  type SeededVercelProject,
  type VercelProjectSeed,
} from './seed.js';
import type { SlackMessage, SlackSettings } from './slack.js';
import type { VercelDeployment, VercelPlan, VercelProject, VercelSettings } from './vercel-model.js';
import { errorText } from '../core/errors.js';

export interface CommitScript {
  /** How the deployed app behaves (default healthy). */
  app?: AppBehaviour;
  /** How a Vercel build of this commit goes. */
  vercel?: VercelPlan;
  /** How a Railway deployment of this commit goes. */
  railway?: RailwayPlan;
}

export interface DemoSetup {
  vercel: { token: string; project: SeededVercelProject };
  railway: { accountToken: string; projectToken: string; service: SeededRailwayService };
  github: { token: string; owner: string; repo: string };
  slack: { webhookUrl: string };
  /** Commits with scripted behaviour: `good` deploys and serves fine, `broken` deploys but its app answers 500. */
  commits: { current: string; good: string; broken: string };
}

export interface SettingsPatch {
  vercel?: Partial<VercelSettings>;
  railway?: Partial<RailwaySettings>;
  github?: Partial<GithubSettings>;
  slack?: Partial<SlackSettings>;
}

/** Lifecycle calls the control API can make on its emulator. */
export interface Lifecycle {
  /** Restarts shortly after the current answer has been sent. */
  scheduleRestart(downMs?: number): void;
}

const token = (root: EmulatorState, prefix: string) => `${prefix}${String(nextNumber(root)).padStart(6, '0')}`;

/**
 * Everything a test or the demo does to the emulator besides calling the fake APIs: seed, script
 * commits and faults, move the clock, read the request log and the recorded Slack messages.
 * The same operations are served over HTTP under `/_control/...` (see README).
 */
export class EmulatorControl {
  constructor(
    private readonly rt: Runtime,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** The live state (mutating it is allowed, at your own risk). */
  state(): EmulatorState {
    return this.rt.state;
  }

  // Tokens -----------------------------------------------------------------
  addVercelToken(value?: string, options: { teams?: string[]; username?: string } = {}): string {
    const root = this.rt.state;
    const tokenValue = value ?? token(root, 'vercel_emu_');
    root.vercel.tokens.push({
      token: tokenValue,
      teams: options.teams ?? Object.keys(root.vercel.teams),
      userId: 'user_emu',
      username: options.username ?? 'threadr-ops',
    });
    return tokenValue;
  }

  addVercelTeam(id: string, slug: string = id.replace(/^team_/, '')): void {
    this.rt.state.vercel.teams[id] = slug;
  }

  addRailwayAccountToken(value?: string): string {
    const root = this.rt.state;
    const tokenValue = value ?? token(root, 'railway_account_emu_');
    root.railway.accountTokens.push({
      token: tokenValue,
      userId: 'user_emu',
      email: 'ops@threadr.test',
      name: 'Threadr Ops',
    });
    return tokenValue;
  }

  addRailwayProjectToken(scope: { projectId: string; environmentId: string }, value?: string): string {
    const root = this.rt.state;
    const tokenValue = value ?? token(root, 'railway_project_emu_');
    root.railway.projectTokens.push({ token: tokenValue, ...scope });
    return tokenValue;
  }

  addGithubToken(value?: string, user: Partial<GithubUser> = {}): string {
    const root = this.rt.state;
    const tokenValue = value ?? token(root, 'ghs_emu');
    root.github.tokens.push({
      token: tokenValue,
      user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot', ...user },
    });
    return tokenValue;
  }

  // Seeding ----------------------------------------------------------------
  seedVercelProject(seed: VercelProjectSeed = {}): Promise<SeededVercelProject> {
    return seedVercelProject(this.rt, seed);
  }

  seedRailwayService(seed: RailwayServiceSeed = {}): Promise<SeededRailwayService> {
    return seedRailwayService(this.rt, seed);
  }

  /** Tokens, one Vercel project and one Railway service both serving `current`, a GitHub repo and a Slack webhook. */
  async seedDemo(): Promise<DemoSetup> {
    const commits = {
      current: 'c0ffee0000000000000000000000000000000001',
      good: 'c0ffee0000000000000000000000000000000002',
      broken: 'bad0000000000000000000000000000000000003',
    };
    this.setCommit(commits.broken, { app: { kind: 'broken' } });
    const vercelToken = this.addVercelToken('vercel_demo_token');
    const project = await this.seedVercelProject({
      id: 'prj_threadr_web',
      name: 'threadr-web',
      productionSha: commits.current,
    });
    const service = await this.seedRailwayService({
      projectId: 'rw-project-threadr',
      projectName: 'threadr',
      environmentId: 'rw-env-production',
      serviceId: 'rw-service-api',
      serviceName: 'api',
      successSha: commits.current,
    });
    const accountToken = this.addRailwayAccountToken('railway_demo_account_token');
    const projectToken = this.addRailwayProjectToken(
      { projectId: service.projectId, environmentId: service.environmentId },
      'railway_demo_project_token',
    );
    const githubToken = this.addGithubToken('ghs_demo_token');
    githubRepo(this.rt.state.github, 'threadr', 'threadr');
    for (const extension of this.rt.extensions)
      extension.seedDemo?.(extensionContext({ root: this.rt.state, stale: false, rt: this.rt }, extension.name));
    return {
      vercel: { token: vercelToken, project },
      railway: { accountToken, projectToken, service },
      github: { token: githubToken, owner: 'threadr', repo: 'threadr' },
      slack: { webhookUrl: `${this.rt.urls.slack}/services/T0DEMO/B0DEMO/demosecret` },
      commits,
    };
  }

  // Commits, settings ------------------------------------------------------
  /** Scripts a commit: app behaviour and/or build outcomes (SHA or a prefix of at least 7). */
  setCommit(sha: string, script: CommitScript): void {
    const root = this.rt.state;
    if (script.app) root.apps.behaviours[sha] = script.app;
    if (script.vercel) root.vercel.plans[sha] = script.vercel;
    if (script.railway) root.railway.plans[sha] = script.railway;
  }

  setApp(sha: string, behaviour: AppBehaviour): void {
    this.setCommit(sha, { app: behaviour });
  }

  /**
   * Configures Vercel rolling releases on a project: stage percentages in order (the last must be
   * 100), each needing approval unless `requireApproval` is false. null removes the configuration.
   */
  configureRollingRelease(projectId: string, percentages: number[] | null, requireApproval = true): void {
    const project = this.rt.state.vercel.projects[projectId] as RollingProject | undefined;
    if (!project) throw new Error(`no Vercel project ${projectId}`);
    if (percentages !== null && percentages.at(-1) !== 100)
      throw new Error('the last rolling-release stage must be 100');
    project.rollingReleaseConfig =
      percentages === null
        ? null
        : { stages: percentages.map((targetPercentage) => ({ targetPercentage, requireApproval, duration: null })) };
  }

  /** Requests the deployment apps answered (latest 20 000), optionally only those of one build or one URL key. */
  appRequests(filter: { sha?: string; deploymentId?: string; key?: string } = {}): AppRequest[] {
    return (this.rt.state.apps.log ?? []).filter(
      (entry) =>
        (filter.sha === undefined || entry.sha === filter.sha) &&
        (filter.deploymentId === undefined || entry.deploymentId === filter.deploymentId) &&
        (filter.key === undefined || entry.key === filter.key),
    );
  }

  configure(patch: SettingsPatch): void {
    const root = this.rt.state;
    Object.assign(root.vercel.settings, patch.vercel);
    Object.assign(root.railway.settings, patch.railway);
    Object.assign(root.github.settings, patch.github);
    Object.assign(root.slack.settings, patch.slack);
  }

  // Inspection and scripted platform events -------------------------------
  vercelProject(id: string): VercelProject | undefined {
    return this.rt.state.vercel.projects[id];
  }

  vercelDeployment(id: string): VercelDeployment | undefined {
    return this.rt.state.vercel.deployments[id];
  }

  vercelDeployments(projectId?: string): VercelDeployment[] {
    return Object.values(this.rt.state.vercel.deployments)
      .filter((deployment) => !projectId || deployment.projectId === projectId)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  railwayDeployment(id: string): RailwayDeployment | undefined {
    return this.rt.state.railway.deployments[id];
  }

  railwayDeployments(serviceId?: string): RailwayDeployment[] {
    return Object.values(this.rt.state.railway.deployments)
      .filter((deployment) => !serviceId || deployment.serviceId === serviceId)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** A running Railway deployment crashes now (SUCCESS → CRASHED). */
  railwayCrash(deploymentId: string): void {
    const deployment = this.rt.state.railway.deployments[deploymentId];
    if (!deployment) throw new Error(`no Railway deployment ${deploymentId}`);
    forceStatus(this.rt.state, deployment, 'CRASHED', this.rt.clock.now());
  }

  githubRepo(fullName: string): GithubRepo {
    const [owner = '', name = ''] = fullName.split('/');
    return githubRepo(this.rt.state.github, owner, name);
  }

  /** Sets a commit status context on a ref or SHA (checked by `required_contexts`). */
  githubCommitStatus(
    fullName: string,
    ref: string,
    context: string,
    state: 'success' | 'failure' | 'error' | 'pending',
  ): void {
    const repo = this.githubRepo(fullName);
    (repo.commitStatuses[ref] ??= {})[context] = state;
  }

  /** Marks a ref as behind the default branch: `merge` ⇒ one 202 auto-merge answer, `conflict` ⇒ 409. */
  githubBehind(fullName: string, ref: string, kind: 'merge' | 'conflict' = 'merge'): void {
    this.githubRepo(fullName).behindRefs[ref] = kind;
  }

  slackMessages(webhook?: string): SlackMessage[] {
    const path = webhook ? webhookPath(webhook) : undefined;
    return this.rt.state.slack.messages.filter((message) => !path || message.webhook === path);
  }

  clearSlackMessages(): void {
    this.rt.state.slack.messages = [];
  }

  /** Every post to this webhook (URL or `/services/...` path) answers `status` `error` from now on (e.g. 404 no_service). */
  slackDisable(webhook: string, error = 'no_service', status = 404): void {
    this.rt.state.slack.disabled[webhookPath(webhook)] = { status, error };
  }

  slackEnable(webhook: string): void {
    delete this.rt.state.slack.disabled[webhookPath(webhook)];
  }

  extensionState<S = Record<string, unknown>>(name: string): S {
    return (this.rt.state.ext[name] ??= {}) as S;
  }

  // Faults, requests, clock ------------------------------------------------
  fault(rule: FaultRule): string {
    return this.rt.faults.add(rule);
  }

  /** The next matching requests get these faults, one each, in order. */
  script(match: FaultMatch, faults: Fault[]): string[] {
    return this.rt.faults.script(match, faults);
  }

  faults(): ActiveFault[] {
    return this.rt.faults.list();
  }

  clearFaults(): void {
    this.rt.faults.clear();
  }

  requests(filter?: RequestFilter): RecordedRequest[] {
    return this.rt.requests.list(filter);
  }

  clearRequests(): void {
    this.rt.requests.clear();
  }

  now(): number {
    return this.rt.clock.now();
  }

  advance(ms: number): number {
    return this.rt.clock.advance(ms);
  }

  setSpeed(speed: number): void {
    this.rt.clock.setSpeed(speed);
  }

  setAutoAdvance(on: boolean): void {
    this.rt.clock.setAutoAdvance(on);
  }

  /** A sleep on the emulator's clock, for in-process clients that share it. */
  sleep(ms: number): Promise<void> {
    return this.rt.clock.sleep(ms);
  }

  // HTTP ------------------------------------------------------------------
  /** Serves `/_control/...` (req.path is below `/_control`). */
  async http(req: EmuRequest): Promise<EmuResponse | undefined> {
    const ext = /^\/ext\/([^/]+)(\/.*)?$/.exec(req.path);
    if (ext) {
      const extension = this.rt.extensions.find((candidate) => candidate.name === ext[1]);
      if (!extension?.control) return undefined;
      return extension.control(
        { ...req, path: ext[2] ?? '/' },
        extensionContext({ root: this.rt.state, stale: false, rt: this.rt }, extension.name),
      );
    }
    const found = findRoute(this.routes, req);
    if (!found || found === 'method') return undefined;
    req.params = found.params;
    let body: Record<string, unknown> = {};
    try {
      body = (parseJsonBody(req) ?? {}) as Record<string, unknown>;
    } catch (error) {
      return json(400, { error: `control body is not JSON: ${errorText(error)}` });
    }
    return found.route.handle(req, body);
  }

  private readonly routes: Route<Record<string, unknown>>[] = [
    {
      method: 'GET',
      path: '/',
      handle: () =>
        json(200, { urls: this.rt.urls, routes: this.routes.map((route) => `${route.method} /_control${route.path}`) }),
    },
    { method: 'GET', path: '/state', handle: () => json(200, this.rt.state) },
    {
      method: 'GET',
      path: '/requests',
      handle: (req) => json(200, this.requests(Object.fromEntries(req.query) as RequestFilter)),
    },
    { method: 'DELETE', path: '/requests', handle: () => (this.clearRequests(), json(200, { ok: true })) },
    { method: 'GET', path: '/faults', handle: () => json(200, this.faults()) },
    {
      method: 'POST',
      path: '/faults',
      handle: (_req, body) => json(201, { id: this.fault(body as unknown as FaultRule) }),
    },
    {
      method: 'POST',
      path: '/faults/script',
      handle: (_req, body) => json(201, { ids: this.script(body['match'] as FaultMatch, body['faults'] as Fault[]) }),
    },
    { method: 'DELETE', path: '/faults', handle: () => (this.clearFaults(), json(200, { ok: true })) },
    {
      method: 'DELETE',
      path: '/faults/:id',
      handle: (req) => json(200, { removed: this.rt.faults.remove(req.params['id'] ?? '') }),
    },
    { method: 'GET', path: '/clock', handle: () => json(200, this.rt.clock.snapshot()) },
    {
      method: 'POST',
      path: '/clock/advance',
      handle: (_req, body) => json(200, { now: this.advance(Number(body['ms'] ?? 0)) }),
    },
    {
      method: 'POST',
      path: '/clock',
      handle: (_req, body) => {
        if (typeof body['speed'] === 'number') this.setSpeed(body['speed']);
        if (typeof body['autoAdvance'] === 'boolean') this.setAutoAdvance(body['autoAdvance']);
        return json(200, this.rt.clock.snapshot());
      },
    },
    {
      method: 'POST',
      path: '/commits/:sha',
      handle: (req, body) => (this.setCommit(req.params['sha'] ?? '', body as CommitScript), json(200, { ok: true })),
    },
    {
      method: 'POST',
      path: '/configure',
      handle: (_req, body) => (this.configure(body as SettingsPatch), json(200, { ok: true })),
    },
    { method: 'POST', path: '/seed/demo', handle: async () => json(201, await this.seedDemo()) },
    {
      method: 'POST',
      path: '/seed/vercel-project',
      handle: async (_req, body) => json(201, await this.seedVercelProject(body as VercelProjectSeed)),
    },
    {
      method: 'POST',
      path: '/seed/railway-service',
      handle: async (_req, body) => json(201, await this.seedRailwayService(body as RailwayServiceSeed)),
    },
    {
      method: 'POST',
      path: '/tokens/vercel',
      handle: (_req, body) =>
        json(201, {
          token: this.addVercelToken(body['token'] as string | undefined, {
            teams: body['teams'] as string[] | undefined,
          }),
        }),
    },
    {
      method: 'POST',
      path: '/tokens/railway-account',
      handle: (_req, body) => json(201, { token: this.addRailwayAccountToken(body['token'] as string | undefined) }),
    },
    {
      method: 'POST',
      path: '/tokens/railway-project',
      handle: (_req, body) =>
        json(201, {
          token: this.addRailwayProjectToken(
            { projectId: String(body['projectId']), environmentId: String(body['environmentId']) },
            body['token'] as string | undefined,
          ),
        }),
    },
    {
      method: 'POST',
      path: '/tokens/github',
      handle: (_req, body) => json(201, { token: this.addGithubToken(body['token'] as string | undefined) }),
    },
    {
      method: 'GET',
      path: '/vercel/projects/:id',
      handle: (req) => orNotFound(this.vercelProject(req.params['id'] ?? '')),
    },
    {
      method: 'GET',
      path: '/vercel/deployments/:id',
      handle: (req) => orNotFound(this.vercelDeployment(req.params['id'] ?? '')),
    },
    {
      method: 'GET',
      path: '/railway/deployments/:id',
      handle: (req) => orNotFound(this.railwayDeployment(req.params['id'] ?? '')),
    },
    {
      method: 'POST',
      path: '/railway/deployments/:id/crash',
      handle: (req) => (this.railwayCrash(req.params['id'] ?? ''), json(200, { ok: true })),
    },
    {
      method: 'POST',
      path: '/github/repos/:owner/:repo/commit-status',
      handle: (req, body) => (
        this.githubCommitStatus(
          `${req.params['owner']}/${req.params['repo']}`,
          String(body['ref']),
          String(body['context']),
          body['state'] as 'success',
        ),
        json(200, { ok: true })
      ),
    },
    {
      method: 'POST',
      path: '/github/repos/:owner/:repo/behind',
      handle: (req, body) => (
        this.githubBehind(
          `${req.params['owner']}/${req.params['repo']}`,
          String(body['ref']),
          (body['kind'] as 'merge' | 'conflict') ?? 'merge',
        ),
        json(200, { ok: true })
      ),
    },
    {
      method: 'GET',
      path: '/github/repos/:owner/:repo',
      handle: (req) => json(200, this.githubRepo(`${req.params['owner']}/${req.params['repo']}`)),
    },
    {
      method: 'GET',
      path: '/slack/messages',
      handle: (req) => json(200, this.slackMessages(req.query.get('webhook') ?? undefined)),
    },
    { method: 'DELETE', path: '/slack/messages', handle: () => (this.clearSlackMessages(), json(200, { ok: true })) },
    {
      method: 'POST',
      path: '/slack/disable',
      handle: (_req, body) => (
        this.slackDisable(
          String(body['webhook']),
          body['error'] as string | undefined,
          body['status'] as number | undefined,
        ),
        json(200, { ok: true })
      ),
    },
    {
      method: 'POST',
      path: '/slack/enable',
      handle: (_req, body) => (this.slackEnable(String(body['webhook'])), json(200, { ok: true })),
    },
    {
      method: 'POST',
      path: '/restart',
      handle: (_req, body) => {
        // Answer first, then go down: the caller must see this response.
        this.lifecycle.scheduleRestart(Number(body['downMs'] ?? 0));
        return json(202, { restarting: true, downMs: Number(body['downMs'] ?? 0) });
      },
    },
  ];
}

function orNotFound(value: unknown): EmuResponse {
  return value === undefined ? json(404, { error: 'not found' }) : json(200, value);
}

function webhookPath(webhook: string): string {
  const path = webhook.startsWith('http') ? new URL(webhook).pathname : webhook;
  return path.replace(/^\/slack/, '');
}
