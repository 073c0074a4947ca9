import type { Logger } from '../core/host.js';
import type { DeploymentState, GitHubDeploymentsClient } from '../providers/github-deployments.js';
import { errorText } from '../core/errors.js';
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import type { ComponentName, Environment } from './component.js';
import { mutateOnce } from './mutation.js';

/**
 * The GitHub Deployment that tells people what was deployed where. It is bookkeeping: a failure
 * here (a token without `deployments: write`, GitHub having a bad minute) is logged as a warning
 * and never stops or fails a production deploy or rollback.
 */
export class DeploymentRecord {
  id: number | null = null;

  constructor(
    private readonly client: GitHubDeploymentsClient | undefined,
    private readonly log: Logger,
    /** The run's page (core/github-context.ts), where the deploy's log lives; resolved once, when the first status is written. */
    private readonly logUrl: Promise<string | null> | string | null,
    private readonly timing: { clock: Clock; settleMs: number },
  ) {}

  get enabled(): boolean {
    return this.client !== undefined;
  }

  async start(input: {
    ref: string;
    environment: Environment;
    description: string;
    task?: string;
    payload?: Record<string, unknown>;
  }): Promise<number | null> {
    if (!this.client) return null;
    const client = this.client;
    // A key in the payload finds this very record again if the create's answer is lost.
    const key = randomUUID();
    try {
      const deployment = await mutateOnce(
        'GitHub: create deployment',
        () =>
          client.create({
            ref: input.ref,
            environment: input.environment,
            description: input.description,
            task: input.task,
            payload: { ...input.payload, threadrOpsKey: key },
            productionEnvironment: input.environment === 'production',
          }),
        async () =>
          (await client.list({ environment: input.environment, sha: input.ref, perPage: 10 })).find(
            (d) => (d.payload as { threadrOpsKey?: string } | null)?.threadrOpsKey === key,
          ) ?? null,
        { clock: this.timing.clock, log: this.log, settleMs: this.timing.settleMs },
      );
      this.id = deployment.id;
      this.log.info(`GitHub deployment ${deployment.id} created for ${input.environment}`);
      await this.status('in_progress', { description: input.description });
      return deployment.id;
    } catch (error) {
      this.log.warn(`GitHub deployment not recorded (${errorText(error)}); going on without it`);
      return null;
    }
  }

  /** Attaches to an existing deployment (the rollback action marking the one that failed). */
  adopt(id: number): void {
    this.id = id;
  }

  async status(
    state: DeploymentState,
    details: { description?: string; environmentUrl?: string | null },
    id: number | null = this.id,
  ): Promise<boolean> {
    if (!this.client || id === null) return false;
    try {
      await this.client.createStatus(id, {
        state,
        description: details.description,
        environmentUrl: details.environmentUrl,
        logUrl: await this.logUrl,
      });
      this.log.info(`GitHub deployment ${id}: ${state}`);
      return true;
    } catch (error) {
      this.log.warn(`GitHub deployment ${id}: could not set ${state} (${errorText(error)})`);
      return false;
    }
  }

  /**
   * The commit last verified in the environment for `component`: the newest GitHub deployment
   * covering it whose latest status is success (or inactive, which GitHub sets only on a deployment
   * that succeeded and was then superseded). A deploy that failed, was cancelled or is still on its
   * way is skipped. Null when GitHub is not configured, knows none, or cannot be read: the caller
   * then falls back to what serves.
   */
  async lastVerified(environment: Environment, component: ComponentName): Promise<{ sha: string; id: number } | null> {
    if (!this.client) return null;
    const client = this.client;
    try {
      // The order of both lists is not documented (UNCONFIRMED): ids grow with time, so sort by id.
      const deployments = (await client.list({ environment, perPage: 30 })).sort((a, b) => b.id - a.id);
      for (const deployment of deployments) {
        if (!covers(deployment.payload, component)) continue;
        const latest = (await client.statuses(deployment.id)).reduce<{ id: number; state: string } | null>(
          (newest, status) => (newest === null || status.id > newest.id ? status : newest),
          null,
        );
        if (latest?.state === 'success' || latest?.state === 'inactive')
          return { sha: deployment.sha, id: deployment.id };
      }
      return null;
    } catch (error) {
      this.log.warn(`could not read the verified deployments from GitHub (${errorText(error)}); going by what serves`);
      return null;
    }
  }

  /** The newest deployment of the environment (optionally of one commit), for the rollback action. */
  async latest(environment: Environment, sha?: string): Promise<number | null> {
    if (!this.client) return null;
    try {
      const [newest] = await this.client.list({ environment, sha, perPage: 1 });
      return newest?.id ?? null;
    } catch (error) {
      this.log.warn(`could not list GitHub deployments (${errorText(error)})`);
      return null;
    }
  }
}

/** Which components a record is about: a deploy's `components`, a rollback's `targets`; all when it does not say. */
function covers(payload: unknown, component: ComponentName): boolean {
  const value = payload as { components?: unknown; targets?: unknown } | null | undefined;
  if (Array.isArray(value?.components)) return value.components.includes(component);
  if (value?.targets && typeof value.targets === 'object')
    return (value.targets as Record<string, unknown>)[component] != null;
  return true;
}
