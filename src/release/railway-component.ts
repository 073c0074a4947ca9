import {
  railwayCommitOf,
  railwayUrl,
  type RailwayClient,
  type RailwayDeployment,
  type RailwayStatus,
} from '../providers/railway.js';
import { errorText } from '../core/errors.js';
import { decidingRead, waitForSettled, type AdapterContext } from './adapter-context.js';
import {
  ReleaseError,
  type ComponentAdapter,
  LOG_TAIL_LINES,
  type LogExcerpt,
  type Observation,
  type Pin,
  type RollbackTarget,
  type WaitContext,
  type WaitOutcome,
} from './component.js';
import { mutateOnce } from './mutation.js';
import { redact } from '../core/redact.js';
import { retryAfterOf } from './poll.js';

export interface RailwayComponentOptions {
  client: RailwayClient;
  projectId: string;
  environmentId: string;
  serviceId: string;
  /** Dashboard host for log links (railway.com). */
  dashboardUrl?: string;
  /** Scheme of deployment URLs (the API's: https, or http for the emulator). */
  scheme: 'https' | 'http';
  context: AdapterContext;
}

const PENDING: readonly RailwayStatus[] = [
  'QUEUED',
  'WAITING',
  'INITIALIZING',
  'BUILDING',
  'DEPLOYING',
  'NEEDS_APPROVAL',
];
/** What serves: SUCCESS, or SLEEPING (a serverless app asleep after it deployed fine). */
const SERVING: readonly RailwayStatus[] = ['SUCCESS', 'SLEEPING'];

/** The backend on Railway: one service instance in one environment. */
export class RailwayComponent implements ComponentAdapter {
  readonly component = 'backend' as const;
  readonly provider = 'railway' as const;
  readonly label: string;

  constructor(private readonly options: RailwayComponentOptions) {
    this.label = `backend (Railway service ${options.serviceId})`;
  }

  /** The service's healthcheck path here, null when none is configured (then Railway switches traffic unchecked). */
  healthcheckPath(): Promise<string | null> {
    return this.client.healthcheckPath(this.options.serviceId, this.options.environmentId);
  }

  private get client(): RailwayClient {
    return this.options.client;
  }

  private list(status?: RailwayStatus[], first = 20): Promise<RailwayDeployment[]> {
    const { projectId, environmentId, serviceId } = this.options;
    return this.client.deployments(
      { projectId, environmentId, serviceId, ...(status ? { status: { in: status } } : {}) },
      first,
    );
  }

  /** What serves, confirmed by a second read: it names rollback targets and skips rollbacks. */
  async current(): Promise<RollbackTarget | null> {
    const serving = await decidingRead(
      this.options.context,
      'backend: reading what serves',
      async () => (await this.list([...SERVING], 5))[0] ?? null,
      (a, b) => a?.id === b?.id,
    );
    return serving ? this.targetOf(serving) : null;
  }

  /** The newest deployment of `sha` that served and can be gone back to (the last verified commit). */
  async deploymentOf(sha: string): Promise<RollbackTarget | null> {
    const mine = (
      await this.options.context.patience('backend: listing deployments', () => this.list(undefined, 50))
    ).filter((d) => railwayCommitOf(d) === sha);
    const chosen =
      mine.find((d) => SERVING.includes(d.status)) ?? mine.find((d) => d.status === 'REMOVED' && d.canRollback);
    return chosen ? this.targetOf(chosen) : null;
  }

  async pin(): Promise<Pin | null> {
    return null;
  }

  /** It decides whether to build (a re-run adopts, never duplicates): confirmed by a second read. */
  findForCommit(sha: string): Promise<Observation | null> {
    return decidingRead(
      this.options.context,
      `backend: looking for a deployment of ${sha.slice(0, 12)}`,
      () => this.lookForCommit(sha),
      (a, b) => a?.id === b?.id,
    );
  }

  private async lookForCommit(sha: string): Promise<Observation | null> {
    const mine = (await this.list()).filter((d) => railwayCommitOf(d) === sha);
    const chosen = mine.find((d) => SERVING.includes(d.status)) ?? mine.find((d) => PENDING.includes(d.status));
    return chosen ? this.observation(chosen) : null;
  }

  async start(sha: string): Promise<Observation> {
    const { serviceId, environmentId } = this.options;
    const deploy = async (): Promise<Observation> => {
      const id = await this.client.deployCommit(serviceId, environmentId, sha);
      return { id, state: 'QUEUED', phase: 'pending', url: null, sha, logUrl: this.logUrl(id) };
    };
    return mutateOnce(
      'backend: serviceInstanceDeployV2',
      deploy,
      () => this.findForCommit(sha),
      this.mutationOptions(),
    );
  }

  async observe(id: string): Promise<Observation> {
    return this.observation(await this.client.deployment(id));
  }

  wait(id: string, startedAt: number, context: WaitContext): Promise<WaitOutcome> {
    return waitForSettled('backend', id, startedAt, (d) => this.observe(d), this.options.context, context);
  }

  async cancel(id: string): Promise<void> {
    const settled = async (): Promise<true | null> => ((await this.observe(id)).phase !== 'pending' ? true : null);
    try {
      await mutateOnce(
        `backend: cancel ${id}`,
        async () => (await this.client.cancel(id), true as const),
        settled,
        this.mutationOptions(),
      );
      return;
    } catch (error) {
      const now = await this.observe(id).catch(() => undefined);
      if (now && now.phase !== 'pending') return;
      // deploymentCancel only stops queued or building deployments; one already DEPLOYING is
      // removed instead, or it would replace production after we gave up on it.
      if (now?.state !== 'DEPLOYING') throw error;
      this.options.context.log.info(`backend: ${id} is DEPLOYING and cannot be canceled; removing it instead`);
      await this.client.remove(id);
    }
  }

  async ensureServing(): Promise<string | null> {
    // A deployment that reached SUCCESS serves: Railway retires the previous one by itself.
    return null;
  }

  async isServing(deploymentId: string): Promise<boolean> {
    return (await this.current())?.deploymentId === deploymentId;
  }

  async rollbackTo(target: RollbackTarget, _reason: string, context: WaitContext): Promise<Observation> {
    const { clock, log } = this.options.context;
    // What serves and what is on its way decide whether to ask Railway at all: read until two
    // answers agree (a GraphQL errors[] is retried, one stale list decides nothing).
    const decision = (list: RailwayDeployment[]): string =>
      [
        list.find((d) => SERVING.includes(d.status))?.id,
        ...list.filter((d) => PENDING.includes(d.status)).map((d) => d.id),
      ].join(',');
    const before = await decidingRead(
      this.options.context,
      'backend: listing deployments',
      () => this.list(undefined, 20),
      (a, b) => decision(a) === decision(b),
    );
    const serving = before.find((d) => SERVING.includes(d.status));
    if (serving && (serving.id === target.deploymentId || this.isRollbackOf(serving, target))) {
      log.info(
        `backend: ${serving.id === target.deploymentId ? `${target.deploymentId} already serves` : `${serving.id}, a rollback to ${target.deploymentId} (commit ${target.sha?.slice(0, 12)}), already serves`}`,
      );
      return this.observation(serving);
    }
    // A re-run of a cancelled rollback: the rollback deployment it asked for is still on its way.
    // Waiting for it, never asking again, keeps to one rollback deployment.
    const inFlight = before.find((d) => PENDING.includes(d.status) && this.isRollbackOf(d, target));
    if (inFlight) {
      log.info(
        `backend: ${inFlight.id}, a rollback to ${target.deploymentId} asked for earlier, is ${inFlight.status}; waiting for it instead of asking again`,
      );
      return this.settleRollback(this.observation(inFlight), clock.now(), context);
    }
    const known = new Map(before.map((d) => [d.id, d.status]));
    // Whether deploymentRollback makes a new deployment or revives the old record is UNCONFIRMED
    // (§2.3): accept either, found by listing.
    const findRollback = async (): Promise<Observation | null> => {
      const after = await this.list(undefined, 20);
      const fresh = after.find((d) => !known.has(d.id) && d.status !== 'REMOVED' && d.status !== 'REMOVING');
      if (fresh) return this.observation(fresh);
      const revived = after.find(
        (d) => d.id === target.deploymentId && d.status !== known.get(d.id) && d.status !== 'REMOVED',
      );
      return revived ? this.observation(revived) : null;
    };
    const startedAt = clock.now();
    await mutateOnce(
      `backend: deploymentRollback to ${target.deploymentId}`,
      async () => {
        const accepted = await this.client.rollback(target.deploymentId);
        if (!accepted)
          throw new ReleaseError(
            `Railway refused to roll back to ${target.deploymentId} (deploymentRollback returned false)`,
          );
        return true as const;
      },
      async () => ((await findRollback()) ? (true as const) : null),
      this.mutationOptions(),
    );
    // The new deployment may take a moment to be listed (scripted lag in the emulator, §Emulator).
    let found: Observation | null = null;
    while (found === null) {
      let notBefore = 0;
      found = await findRollback().catch((error: unknown) => {
        notBefore = retryAfterOf(error);
        log.warn(`backend: listing deployments after the rollback failed (${errorText(error)})`);
        return null;
      });
      if (found) break;
      if (clock.now() >= context.deadline)
        throw new ReleaseError(
          `rollback to ${target.deploymentId} was accepted but no new deployment appeared in time`,
        );
      await clock.sleep(Math.max(this.options.context.schedule.minMs, notBefore));
    }
    return this.settleRollback(found, startedAt, context);
  }

  /**
   * Is `d` a rollback to `target`? Railway's rollback deployment copies the target's meta (its
   * commit); the emulator also names the source in `meta.rollbackSourceDeploymentId`, a key that is
   * UNCONFIRMED for real Railway, so the commit is what counts when it is known.
   */
  private isRollbackOf(d: RailwayDeployment, target: RollbackTarget): boolean {
    if (d.id === target.deploymentId) return false;
    if (d.meta?.rollbackSourceDeploymentId === target.deploymentId) return true;
    return target.sha !== null && railwayCommitOf(d) === target.sha;
  }

  private async settleRollback(found: Observation, startedAt: number, context: WaitContext): Promise<Observation> {
    this.options.context.log.info(`backend: rollback deployment ${found.id} is ${found.state}`);
    if (found.phase !== 'pending') return found;
    const outcome = await this.wait(found.id, startedAt, context);
    if (outcome.kind !== 'settled') {
      const when = outcome.kind === 'cancelled' ? 'before the job was cancelled' : 'in time';
      throw new ReleaseError(
        `rollback deployment ${found.id} did not reach SUCCESS ${when} (last ${outcome.last?.state ?? 'unknown'})`,
      );
    }
    return outcome.observation;
  }

  /** It names the rollback target of `to: previous`: confirmed by a second read. */
  previous(): Promise<RollbackTarget | null> {
    return decidingRead(
      this.options.context,
      'backend: finding the previous deployment',
      () => this.findPrevious(),
      (a, b) => a?.deploymentId === b?.deploymentId,
    );
  }

  private async findPrevious(): Promise<RollbackTarget | null> {
    const all = await this.list(undefined, 50);
    const current = all.find((d) => SERVING.includes(d.status)) ?? all[0];
    if (!current) return null;
    // Retired deployments end REMOVED whether they once served or were aborted; which of them
    // served is not in the API we read (UNCONFIRMED), so take the newest older one that can be
    // rolled back to and is not a failure.
    const candidate = all.find(
      (d) =>
        d.id !== current.id &&
        Date.parse(d.createdAt) < Date.parse(current.createdAt) &&
        d.canRollback &&
        ['REMOVED', 'SUCCESS', 'SLEEPING'].includes(d.status),
    );
    return candidate ? this.targetOf(candidate) : null;
  }

  private mutationOptions() {
    return {
      clock: this.options.context.clock,
      log: this.options.context.log,
      settleMs: this.options.context.settleMs,
    };
  }

  /** FAILED: the build or the start may be at fault, so both logs; CRASHED: the runtime log. */
  async failureLogs(observation: Observation): Promise<LogExcerpt[]> {
    const kinds: ('build' | 'deployment')[] =
      observation.state === 'FAILED' ? ['build', 'deployment'] : observation.state === 'CRASHED' ? ['deployment'] : [];
    const excerpts: LogExcerpt[] = [];
    for (const kind of kinds) {
      const lines = await this.client.logs(kind, observation.id, LOG_TAIL_LINES);
      if (lines.length > 0)
        excerpts.push({
          title: `${kind} log of ${observation.id}, last ${lines.length} lines`,
          lines: lines.map((line) => redact(line.message)),
        });
    }
    return excerpts;
  }

  /** Dashboard link of a deployment (URL pattern UNCONFIRMED; the API has no log URL field). */
  logUrl(id: string): string {
    const { projectId, serviceId, environmentId } = this.options;
    const base = (this.options.dashboardUrl ?? 'https://railway.com').replace(/\/+$/, '');
    return `${base}/project/${projectId}/service/${serviceId}?environmentId=${environmentId}&id=${id}`;
  }

  private observation(d: RailwayDeployment): Observation {
    const base = {
      id: d.id,
      state: d.status,
      url: railwayUrl(d, this.options.scheme),
      sha: railwayCommitOf(d) ?? null,
      logUrl: this.logUrl(d.id),
    };
    if (SERVING.includes(d.status)) return { ...base, phase: 'succeeded' };
    if (PENDING.includes(d.status)) return { ...base, phase: 'pending' };
    const why: Partial<Record<RailwayStatus, string>> = {
      FAILED: 'the build or deploy failed',
      CRASHED: 'the app crashed after it started',
      REMOVED: 'the deployment was removed',
      REMOVING: 'the deployment is being removed',
      SKIPPED: 'the build was skipped',
    };
    return {
      ...base,
      phase: 'failed',
      error: `deployment ${d.status}: ${why[d.status] ?? 'unexpected state'}; logs: ${base.logUrl}`,
    };
  }

  private targetOf(d: RailwayDeployment): RollbackTarget {
    return {
      provider: 'railway',
      deploymentId: d.id,
      url: railwayUrl(d, this.options.scheme),
      sha: railwayCommitOf(d) ?? null,
      scope: this.options.serviceId,
    };
  }
}
