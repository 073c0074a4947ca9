import {
  vercelCommitOf,
  vercelPinned,
  vercelProductionDomain,
  vercelUrl,
  type VercelAliasRequest,
  type VercelClient,
  type VercelDeployment,
  type VercelProject,
  type VercelReadyState,
} from '../providers/vercel.js';
import { errorText, ProviderError } from '../core/errors.js';
import { unexpectedShape } from '../providers/errors.js';
import { decidingRead, waitForSettled, type AdapterContext } from './adapter-context.js';
import {
  ReleaseError,
  type ComponentAdapter,
  type Environment,
  LOG_TAIL_LINES,
  type LogExcerpt,
  type Observation,
  type Pin,
  type RestoreMode,
  type RollbackTarget,
  type WaitContext,
  type WaitOutcome,
} from './component.js';
import { mutateOnce } from './mutation.js';
import { pollUntil } from './poll.js';
import { redact } from '../core/redact.js';

export interface VercelComponentOptions {
  client: VercelClient;
  projectId: string;
  environment: Environment;
  /** Where Vercel fetches the commit from (org/repo of the GitHub repository, branch of the run). */
  git: { org: string; repo: string; branch: string };
  /** Scheme of deployment URLs (the API's: https, or http for the emulator). */
  scheme: 'https' | 'http';
  context: AdapterContext;
  /** Production builds are staged: built without the production domains, left for the promote action. */
  staged?: boolean;
}

const PENDING: readonly VercelReadyState[] = ['QUEUED', 'INITIALIZING', 'BUILDING'];

/** The frontend on Vercel. Production is the aliased deployment of the project (`targets.production`). */
export class VercelComponent implements ComponentAdapter {
  readonly component = 'frontend' as const;
  readonly provider = 'vercel' as const;
  readonly label: string;
  private projectName?: string;

  constructor(private readonly options: VercelComponentOptions) {
    this.label = `frontend (Vercel project ${options.projectId})`;
  }

  private get client(): VercelClient {
    return this.options.client;
  }

  private get production(): boolean {
    return this.options.environment === 'production';
  }

  /** Staging applies to production only: other environments never share a domain with users. */
  private get staged(): boolean {
    return this.production && this.options.staged === true;
  }

  /** Vercel's `target`: production, staging (a custom environment), or undefined for a preview. */
  private get target(): string | undefined {
    return this.options.environment === 'preview' ? undefined : this.options.environment;
  }

  async project(): Promise<VercelProject> {
    const project = await this.client.getProject(this.options.projectId);
    this.projectName = project.name;
    return project;
  }

  async current(): Promise<RollbackTarget | null> {
    // Only production has one shared alias this action moves and can move back; a preview or a
    // staging build gets its own URL and replaces nothing.
    if (!this.production) return null;
    // It names the rollback target: confirmed by a second read (one stale answer decides nothing).
    const servingId = await this.servingId();
    if (!servingId) return null;
    const serving = await this.options.context.patience(`frontend: reading ${servingId}`, () =>
      this.client.getDeployment(servingId),
    );
    return this.targetOf(serving);
  }

  /**
   * A project without `targets.production` has never served production (a first deploy). A
   * deployment that has served it (PROMOTED) says the project answer was partial instead, and
   * recording "nothing to go back to" from a partial answer would leave a failed deploy with no
   * way back (docs/platform-behaviour.md §1.6).
   */
  private async confirmNothingServes(): Promise<void> {
    const { deployments } = await this.client.listDeployments({
      projectId: this.options.projectId,
      target: 'production',
      state: ['READY'],
      limit: 20,
    });
    const served = deployments.find((d) => d.readySubstate === 'PROMOTED' || d.isRollbackCandidate === true);
    if (served)
      throw unexpectedShape(
        'vercel',
        `get project ${this.options.projectId}`,
        `no production target, yet ${served.id} has served production`,
      );
  }

  /**
   * The production deployment's id, read until two answers agree. "Nothing serves" counts as an
   * answer only once the deployments confirm it; a partial project answer is a failed read, retried.
   */
  private servingId(): Promise<string | null> {
    const read = async (): Promise<string | null> => {
      const id = (await this.project()).productionDeployment?.id ?? null;
      if (!id) await this.confirmNothingServes();
      return id;
    };
    return decidingRead(this.options.context, 'frontend: reading what serves', read, (a, b) => a === b);
  }

  /** The newest production deployment of `sha` that served and can be gone back to (the last verified commit). */
  async deploymentOf(sha: string): Promise<RollbackTarget | null> {
    if (!this.production) return null;
    const { deployments } = await this.options.context.patience('frontend: listing deployments', () =>
      this.client.listDeployments({
        projectId: this.options.projectId,
        target: 'production',
        state: ['READY'],
        sha,
        limit: 20,
      }),
    );
    const candidate = deployments.find(
      (d) => vercelCommitOf(d) === sha && (d.readySubstate === 'PROMOTED' || d.isRollbackCandidate === true),
    );
    return candidate ? this.targetOf(candidate.url ? candidate : await this.client.getDeployment(candidate.id)) : null;
  }

  async pin(): Promise<Pin | null> {
    if (!this.production) return null;
    const project = await this.project();
    if (!vercelPinned(project)) return null;
    return { deploymentId: project.productionDeployment?.id ?? null, description: project.rollbackDescription ?? null };
  }

  /** It decides whether to build (a re-run adopts, never duplicates): confirmed by a second read. */
  findForCommit(sha: string): Promise<Observation | null> {
    return decidingRead(
      this.options.context,
      `frontend: looking for a deployment of ${sha.slice(0, 12)}`,
      () => this.lookForCommit(sha),
      (a, b) => a?.id === b?.id,
    );
  }

  private async lookForCommit(sha: string): Promise<Observation | null> {
    const { deployments } = await this.client.listDeployments({
      projectId: this.options.projectId,
      target: this.target ?? 'preview',
      state: ['READY', ...PENDING],
      sha,
      limit: 20,
    });
    // The list's `sha` filter and git meta key names are UNCONFIRMED (docs/platform-behaviour.md §1.3): check each item, and
    // read the full record of those that do not say which commit they are.
    let unknownChecked = 0;
    const matching: VercelDeployment[] = [];
    for (const item of deployments) {
      let commit = vercelCommitOf(item);
      let full = item;
      if (commit === undefined && unknownChecked < 5) {
        unknownChecked++;
        full = await this.client.getDeployment(item.id);
        commit = vercelCommitOf(full);
      }
      if (commit === sha && (full.readyState === 'READY' || PENDING.includes(full.readyState))) matching.push(full);
    }
    const ready = matching.find((d) => d.readyState === 'READY' && !d.aliasError);
    const chosen = ready ?? matching.find((d) => PENDING.includes(d.readyState));
    return chosen ? this.observation(chosen) : null;
  }

  async start(sha: string): Promise<Observation> {
    if (!this.projectName) await this.project();
    const { org, repo, branch } = this.options.git;
    const create = async (): Promise<Observation> =>
      this.observation(
        await this.client.createDeployment({
          name: this.projectName ?? this.options.projectId,
          project: this.options.projectId,
          // A preview omits `target` (null is not what the CLI sends).
          ...(this.target ? { target: this.target } : {}),
          ...(this.staged ? { autoAssignCustomDomains: false as const } : {}),
          gitSource: { type: 'github', org, repo, ref: branch, sha },
          meta: { threadrCommitSha: sha, threadrAction: 'deploy' },
        }),
      );
    return mutateOnce('frontend: create deployment', create, () => this.findForCommit(sha), this.mutationOptions());
  }

  async observe(id: string): Promise<Observation> {
    return this.observation(await this.client.getDeployment(id));
  }

  wait(id: string, startedAt: number, context: WaitContext): Promise<WaitOutcome> {
    return waitForSettled('frontend', id, startedAt, (d) => this.observe(d), this.options.context, context);
  }

  async cancel(id: string): Promise<void> {
    const settled = async (): Promise<true | null> => ((await this.observe(id)).phase !== 'pending' ? true : null);
    try {
      await mutateOnce(
        `frontend: cancel ${id}`,
        async () => (await this.client.cancelDeployment(id), true as const),
        settled,
        this.mutationOptions(),
      );
    } catch (error) {
      // 400 = no longer cancelable: it settled meanwhile, which is all we wanted.
      if ((await settled().catch(() => null)) === true) return;
      throw error;
    }
  }

  /** ERROR: the end of the build output (a CANCELED or BLOCKED build says nothing more). */
  async failureLogs(observation: Observation): Promise<LogExcerpt[]> {
    if (observation.state !== 'ERROR') return [];
    const lines = await this.client.buildLog(observation.id, LOG_TAIL_LINES);
    // Build output can print environment values: redacted before it reaches any report.
    return lines.length > 0
      ? [{ title: `build log of ${observation.id}, last ${lines.length} lines`, lines: lines.map(redact) }]
      : [];
  }

  async isServing(deploymentId: string): Promise<boolean> {
    if (!this.production) return true;
    return (await this.servingId()) === deploymentId;
  }

  /**
   * Production's domain from `targets.production.alias` (`vercelProductionDomain` picks one), as a
   * URL with the API's scheme; null unless production is `deploymentId` and lists a domain.
   */
  async productionUrl(deploymentId: string): Promise<string | null> {
    if (!this.production) return null;
    const serving = (await this.project()).productionDeployment;
    if (serving?.id !== deploymentId) return null;
    return vercelUrl(vercelProductionDomain(serving.alias), this.options.scheme);
  }

  async ensureServing(observation: Observation, context: WaitContext): Promise<string | null> {
    if (!this.production) return null;
    const project = await this.project();
    if (project.productionDeployment?.id === observation.id) return null;
    // Staged: built on its own URL and left there; the promote action moves production to it.
    if (this.staged)
      return `staged ${observation.id} on its own URL (${observation.url ?? 'no URL'}); production still serves ${project.productionDeployment?.id ?? 'nothing'} until promoted`;
    const pinned = vercelPinned(project);
    if (!pinned && observation.state === 'READY') {
      // Not pinned: the alias normally follows READY by itself; give it a moment before acting.
      const { clock, schedule } = this.options.context;
      const settled = await pollUntil(() => this.isServing(observation.id), Boolean, {
        clock,
        schedule,
        startedAt: clock.now(),
        deadline: Math.min(context.deadline, clock.now() + 3 * schedule.minMs),
      });
      if (settled.done) return null;
    }
    // Built but not aliased: production is pinned by an earlier instant rollback (or the build was
    // staged). Promoting moves the alias to it and lifts the pin.
    await this.moveAlias('promote', observation.id, undefined, context);
    return `promoted ${observation.id} to production (it was built but not aliased${pinned ? ': production was pinned by an instant rollback, and the promote lifted the pin' : ''})`;
  }

  async rollbackTo(
    target: RollbackTarget,
    reason: string,
    context: WaitContext,
    mode: RestoreMode,
  ): Promise<Observation> {
    if (!this.production)
      throw new ReleaseError(
        `Vercel instant rollback exists for production only (environment is ${this.options.environment})`,
      );
    if (!(await this.isServing(target.deploymentId))) {
      await this.moveAlias(mode === 'pin' ? 'rollback' : 'promote', target.deploymentId, reason, context);
    } else {
      this.options.context.log.info(`frontend: production already serves ${target.deploymentId}`);
    }
    return this.options.context.patience(`frontend: reading ${target.deploymentId}`, () =>
      this.observe(target.deploymentId),
    );
  }

  /** It names the rollback target of `to: previous`: confirmed by a second read. */
  previous(): Promise<RollbackTarget | null> {
    return decidingRead(
      this.options.context,
      'frontend: finding the previous deployment',
      () => this.findPrevious(),
      (a, b) => a?.deploymentId === b?.deploymentId,
    );
  }

  private async findPrevious(): Promise<RollbackTarget | null> {
    if (!this.production) return null;
    const project = await this.project();
    const currentId = project.productionDeployment?.id;
    const current = currentId ? await this.client.getDeployment(currentId) : undefined;
    const { deployments } = await this.client.listDeployments({
      projectId: this.options.projectId,
      target: 'production',
      state: ['READY'],
      limit: 50,
    });
    // "Served successfully" = has served production (PROMOTED) or Vercel offers it for rollback;
    // only older than what serves now, or a second rollback would go back to the bad build.
    const candidate = deployments.find(
      (d) =>
        d.id !== currentId &&
        (current?.createdAt === undefined || (d.createdAt ?? 0) < current.createdAt) &&
        (d.readySubstate === 'PROMOTED' || d.isRollbackCandidate === true),
    );
    return candidate
      ? this.targetOf(candidate.gitSource || candidate.url ? candidate : await this.client.getDeployment(candidate.id))
      : null;
  }

  /**
   * Promote or instant-rollback to `deploymentId`, then wait for the alias job. Done is what the
   * official CLI calls done: `lastAliasRequest.jobStatus` of a request at least as new as ours
   * (docs/platform-behaviour.md "Vercel alias jobs"). `targets.production` can point at the new
   * deployment while the job is still remapping other aliases, and stays put after a job that
   * failed half-way, so it is not the verdict.
   */
  private async moveAlias(
    kind: 'promote' | 'rollback',
    deploymentId: string,
    reason: string | undefined,
    context: WaitContext,
  ): Promise<void> {
    const { clock, log, patience } = this.options.context;
    const requestedAfter = clock.now();
    // The job before ours: a request is ours only if it is newer (no clocks compared across machines).
    const before = (await patience('frontend: reading the alias job', () => this.project())).lastAliasRequest;
    // The kind of job waited for: ours, or the one adopted (asked for by a cancelled run of this job).
    let jobKind = kind;
    // Set when Vercel refused the request because production already serves this deployment and no
    // alias job runs: there is no job of ours to wait for.
    let nothingToWaitFor = false;
    const ours = (job: VercelAliasRequest | null): boolean => isOurJob(job, before, jobKind, deploymentId);
    const settledOn = (project: VercelProject): boolean => {
      const job = project.lastAliasRequest;
      return (
        project.productionDeployment?.id === deploymentId &&
        !running(job) &&
        !(job?.toDeploymentId === deploymentId && job.jobStatus === 'failed')
      );
    };
    const send = async (): Promise<true> => {
      if (kind === 'promote') await this.client.promote(this.options.projectId, deploymentId);
      else await this.client.rollback(this.options.projectId, deploymentId, reason);
      return true;
    };
    // Vercel runs one alias job per project and refuses another with 409 while it runs. A job
    // already moving production to this deployment (asked for by a cancelled run of this job, or by
    // a request whose answer was lost) is adopted; another one is waited for first.
    const request = async (): Promise<true> => {
      try {
        return await send();
      } catch (error) {
        if (!(error instanceof ProviderError && error.status === 409)) throw error;
        const project = await patience('frontend: reading the alias job', () => this.project());
        const job = project.lastAliasRequest;
        if (running(job) && job!.toDeploymentId === deploymentId) {
          jobKind = job!.type;
          return true;
        }
        if (settledOn(project)) {
          nothingToWaitFor = true;
          return true;
        }
        if (!running(job)) throw error;
        log.info(
          `frontend: Vercel answered 409 (${errorText(error)}): waiting for the ${job!.type} to ${job!.toDeploymentId} to finish first`,
        );
        await this.waitForAliasJob(context);
        return send();
      }
    };
    if (running(before) && before!.toDeploymentId === deploymentId) {
      jobKind = before!.type;
      log.info(
        `frontend: the ${before!.type} of ${deploymentId} asked for earlier is ${before!.jobStatus}; waiting for it instead of asking again`,
      );
    } else {
      if (running(before)) {
        log.info(
          `frontend: a ${before!.type} to ${before!.toDeploymentId} is ${before!.jobStatus}; waiting for it to finish first`,
        );
        await this.waitForAliasJob(context);
      }
      const readBack = async (): Promise<true | null> => {
        const job = (await this.project()).lastAliasRequest;
        return job && ours(job) && job.jobStatus !== 'failed' ? true : null;
      };
      await mutateOnce(`frontend: ${kind} ${deploymentId}`, request, readBack, this.mutationOptions());
    }
    log.info(`frontend: ${kind} of ${deploymentId} requested; waiting for the alias job`);
    const result = await pollUntil(
      () => this.project(),
      (project) => {
        const job = project.lastAliasRequest;
        if (job && ours(job)) return ALIAS_JOB_ENDED.has(job.jobStatus);
        return isSupersededBy(job, before, jobKind, deploymentId) || (nothingToWaitFor && settledOn(project));
      },
      {
        clock,
        schedule: this.options.context.schedule,
        deadline: context.deadline,
        signal: context.signal,
        startedAt: requestedAfter,
        onReadError: (error) => log.warn(`frontend: reading the alias job failed (${errorText(error)}); still waiting`),
      },
    );
    if (!result.done)
      throw new ReleaseError(
        `${kind} of ${deploymentId}: the alias job did not finish ${result.cancelled ? 'before the job was cancelled' : 'in time'}`,
      );
    const project = result.value;
    const job = project.lastAliasRequest;
    if (!job || !ours(job)) {
      if (nothingToWaitFor && settledOn(project)) return;
      throw new ReleaseError(
        `${kind} of ${deploymentId}: another alias job (${job?.type} to ${job?.toDeploymentId}) replaced ours; production serves ${project.productionDeployment?.id ?? 'nothing'}`,
      );
    }
    if (job.jobStatus === 'succeeded') return;
    // Skipped: Vercel had nothing to do, which is only fine if production already serves it.
    if (job.jobStatus === 'skipped' && project.productionDeployment?.id === deploymentId) return;
    throw new ReleaseError(
      `${kind} of ${deploymentId}: the alias job ended ${job.jobStatus}; production serves ${project.productionDeployment?.id ?? 'nothing'}`,
    );
  }

  /** Until no alias job runs on the project (another promote or rollback finishing). */
  private async waitForAliasJob(context: WaitContext): Promise<void> {
    const { clock, schedule, log } = this.options.context;
    const result = await pollUntil(
      () => this.project(),
      (project) => !running(project.lastAliasRequest),
      {
        clock,
        schedule,
        deadline: context.deadline,
        signal: context.signal,
        startedAt: clock.now(),
        onReadError: (error) => log.warn(`frontend: reading the alias job failed (${errorText(error)}); still waiting`),
      },
    );
    if (!result.done)
      throw new ReleaseError(
        `another promote or rollback was still running on the project ${result.cancelled ? 'when the job was cancelled' : 'at the timeout'}`,
      );
  }

  private mutationOptions() {
    return {
      clock: this.options.context.clock,
      log: this.options.context.log,
      settleMs: this.options.context.settleMs,
    };
  }

  private observation(d: VercelDeployment): Observation {
    const url = vercelUrl(d.url, this.options.scheme);
    const base = { id: d.id, state: d.readyState, url, sha: vercelCommitOf(d) ?? null, logUrl: d.inspectorUrl ?? null };
    if (d.readyState === 'READY') {
      if (d.aliasError)
        return {
          ...base,
          phase: 'failed',
          state: 'READY (alias failed)',
          error: `alias failed: ${d.aliasError.message ?? d.aliasError.code ?? 'unknown'}`,
        };
      // Built. Whether production points at it (aliasAssigned, or not over a pin / when staged)
      // is ensureServing's business: it reads the project and promotes when needed.
      return { ...base, phase: 'succeeded' };
    }
    if (PENDING.includes(d.readyState)) return { ...base, phase: 'pending' };
    const detail = [d.errorCode, d.errorMessage].filter(Boolean).join(': ');
    return { ...base, phase: 'failed', error: detail || `deployment ended ${d.readyState}` };
  }

  private targetOf(d: VercelDeployment): RollbackTarget {
    return {
      provider: 'vercel',
      deploymentId: d.id,
      url: vercelUrl(d.url, this.options.scheme),
      sha: vercelCommitOf(d) ?? null,
      scope: this.options.projectId,
    };
  }
}

const ALIAS_JOB_ENDED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'skipped']);

/**
 * Whether `job` is the alias job our request started: same kind and deployment, and newer than the
 * job seen before the request (or that same job still under way, which ours joins).
 */
function isOurJob(
  job: VercelAliasRequest | null,
  before: VercelAliasRequest | null,
  kind: 'promote' | 'rollback',
  deploymentId: string,
): boolean {
  if (!job || job.type !== kind || job.toDeploymentId !== deploymentId) return false;
  if (!before) return true;
  if (job.requestedAt > before.requestedAt) return true;
  const sameAsBefore =
    job.requestedAt === before.requestedAt && job.type === before.type && job.toDeploymentId === before.toDeploymentId;
  return sameAsBefore && !ALIAS_JOB_ENDED.has(before.jobStatus);
}

/** A newer job for something else: someone else moved production meanwhile; waiting longer is pointless. */
function isSupersededBy(
  job: VercelAliasRequest | null,
  before: VercelAliasRequest | null,
  kind: 'promote' | 'rollback',
  deploymentId: string,
): boolean {
  if (!job || (before && job.requestedAt <= before.requestedAt)) return false;
  return !(job.type === kind && job.toDeploymentId === deploymentId);
}

/** An alias job still moving production (Vercel refuses another meanwhile). */
function running(job: VercelAliasRequest | null | undefined): boolean {
  return job !== null && job !== undefined && (job.jobStatus === 'pending' || job.jobStatus === 'in-progress');
}
