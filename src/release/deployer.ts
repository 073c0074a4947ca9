import { errorText } from '../core/errors.js';
import { adaptersOf, type ReleaseDeps } from './collaborators.js';
import type {
  ComponentAdapter,
  ComponentName,
  Environment,
  LogExcerpt,
  Observation,
  Pin,
  RollbackTarget,
} from './component.js';
import { confirmDeployed, deployComponent, MIN_TIME_TO_SERVE_MS } from './deploy-component.js';
import {
  deployVerdict,
  failedComponents,
  failureCause,
  pinDescription,
  succeeded,
  type DeployFacts,
  type DeployVerdict,
} from './deploy-verdict.js';
import type { RollbackPlan } from './plan.js';
import { restoreComponent, type RestoreResult } from './restore.js';
import type { VerifyResult } from './verify.js';

export type Order = 'backend-first' | 'frontend-first' | 'parallel';
export const ORDERS: readonly Order[] = ['backend-first', 'frontend-first', 'parallel'];

export interface DeploySettings {
  environment: Environment;
  sha: string;
  /** Components to deploy, already in deploy order for the sequential orders. */
  components: ComponentName[];
  order: Order;
  timeoutMs: number;
  dryRun: boolean;
  allowPinned: boolean;
}

export interface DeployDeps extends ReleaseDeps {
  /** Called as soon as the rollback targets are known, before anything changes. */
  onPlan: (plan: RollbackPlan) => void;
}

/**
 * deployed: the commit serves; already-serving: it already did (re-run); failed / timed-out: it
 * did not get there; not-started: an earlier component failed first (or the job was cancelled);
 * cancelled: the job was cancelled while this component was on its way; planned: dry run.
 */
export type ComponentResult =
  'deployed' | 'already-serving' | 'failed' | 'timed-out' | 'cancelled' | 'not-started' | 'planned';

export interface ComponentReport {
  component: ComponentName;
  label: string;
  before: RollbackTarget | null;
  result: ComponentResult;
  deployment: Observation | null;
  /** How the deployment came about: created now, or adopted from an earlier run of the same commit. */
  origin: 'created' | 'adopted' | null;
  /** Status reads spent waiting. */
  statusReads: number;
  durationMs: number;
  error?: string;
  verify?: VerifyResult;
  notes: string[];
  restore?: RestoreResult;
  /** The end of the platform's logs for a failed deployment (Railway). */
  logs?: LogExcerpt[];
}

/**
 * deployed: every component serves the commit. rolled-back: something failed and every component
 * that changed is back on what served before. failed: something failed and production is not
 * (fully) back, or nothing could be planned. refused: a Vercel rollback pin, nothing changed.
 * cancelled: the job was cancelled; builds on their way were cancelled, what already served the
 * commit stays (the message names it). dry-run: the plan only.
 */
export type DeployStatus = 'deployed' | 'rolled-back' | 'failed' | 'refused' | 'cancelled' | 'dry-run';

export interface DeployReport {
  status: DeployStatus;
  message: string;
  environment: Environment;
  sha: string;
  order: Order;
  plan: RollbackPlan | null;
  components: ComponentReport[];
  githubDeploymentId: number | null;
  durationMs: number;
}

export async function deploy(settings: DeploySettings, deps: DeployDeps): Promise<DeployReport> {
  const { clock, log } = deps;
  const started = clock.now();
  const adapters = adaptersOf(settings.components, deps.adapters);
  const reports = new Map<ComponentName, ComponentReport>(
    adapters.map((adapter) => [adapter.component, notStarted(adapter)]),
  );
  const finish = ({ status, message }: DeployVerdict, plan: RollbackPlan | null): DeployReport => ({
    status,
    message,
    environment: settings.environment,
    sha: settings.sha,
    order: settings.order,
    plan,
    components: [...reports.values()],
    githubDeploymentId: deps.record.id,
    durationMs: clock.now() - started,
  });
  const stop = (facts: DeployFacts, plan: RollbackPlan | null): DeployReport => {
    const verdict = deployVerdict(facts);
    log.error(verdict.message);
    return finish(verdict, plan);
  };

  // 1. What serves now: the rollback targets, recorded before anything changes.
  let serving: Awaited<ReturnType<typeof recordServing>>;
  try {
    serving = await log.group('Recording what serves now', () => recordServing(adapters, reports, settings, deps));
  } catch (error) {
    return stop({ stage: 'plan-unreadable', error: errorText(error) }, null);
  }
  const { plan, pins } = serving;
  deps.onPlan(plan);
  if (deps.signal?.aborted) return finish(deployVerdict({ stage: 'cancelled-before-change' }), plan);

  // 2. An instant rollback pins production; deploying over it silently undoes someone's emergency.
  for (const { adapter, pin } of pins) {
    if (!settings.allowPinned) return stop({ stage: 'pinned', label: adapter.label, pin }, plan);
    log.warn(
      `${adapter.label}: ${pinDescription(pin)}; allow-pinned is set, so the new build will be promoted over the pin`,
    );
    reports.get(adapter.component)!.notes.push('deployed over an instant-rollback pin (allow-pinned)');
  }

  if (settings.dryRun) {
    for (const report of reports.values()) {
      report.result = 'planned';
      log.info(
        `dry run: would deploy ${settings.sha.slice(0, 12)} to ${report.label}${report.before ? `, replacing ${report.before.deploymentId}` : ''}`,
      );
    }
    return finish(
      deployVerdict({ stage: 'dry-run', sha: settings.sha, environment: settings.environment, order: settings.order }),
      plan,
    );
  }

  // 3. The GitHub Deployment: bookkeeping, never a reason to stop.
  await startRecord(plan, settings, deps);

  // 4. Deploy, in order or side by side, within one deadline. It starts now: the reads and the
  // GitHub bookkeeping above (write-throttled by Octokit, docs/platform-behaviour.md) start nothing
  // on the platforms, and the `timeout` is the budget for what the deploy starts there.
  await deployAll(adapters, reports, settings, deps, clock.now() + settings.timeoutMs);

  // 5. A cancelled job has seconds left before the runner kills it: a rollback could not finish, and
  // half a rollback is worse than none. Otherwise a failure puts back what changed.
  const cancelled = Boolean(deps.signal?.aborted);
  if (!cancelled) {
    if ([...reports.values()].every(succeeded)) await confirmDeployed(adapters, reports, deps);
    const failed = failedComponents([...reports.values()]);
    if (failed.length > 0) await rollBack([...reports.values()], failureCause(failed), settings, deps);
  }

  // 6. The verdict, and the GitHub Deployment's status to match.
  const verdict = deployVerdict({
    stage: 'ran',
    sha: settings.sha,
    environment: settings.environment,
    components: settings.components,
    reports: [...reports.values()],
    cancelled,
    durationMs: clock.now() - started,
  });
  await recordVerdict(verdict, cancelled, reports, settings, deps);
  return finish(verdict, plan);
}

function notStarted(adapter: ComponentAdapter): ComponentReport {
  return {
    component: adapter.component,
    label: adapter.label,
    before: null,
    result: 'not-started',
    deployment: null,
    origin: null,
    statusReads: 0,
    durationMs: 0,
    notes: [],
  };
}

async function startRecord(plan: RollbackPlan, settings: DeploySettings, deps: DeployDeps): Promise<void> {
  await deps.record.start({
    ref: settings.sha,
    environment: settings.environment,
    description: `threadr-ops deploy of ${settings.sha.slice(0, 12)} (${settings.components.join(', ')})`,
    payload: { components: settings.components, order: settings.order, rollbackPlan: plan },
  });
}

/** The verdict in the log, and the GitHub Deployment's status to match (error: the job was cancelled). */
async function recordVerdict(
  verdict: DeployVerdict,
  cancelled: boolean,
  reports: ReadonlyMap<ComponentName, ComponentReport>,
  settings: DeploySettings,
  deps: DeployDeps,
): Promise<void> {
  if (verdict.status === 'deployed') {
    await deps.record.status('success', {
      description: `deployed ${settings.sha.slice(0, 12)}`,
      environmentUrl: primaryUrl(reports),
    });
    deps.log.info(verdict.message);
    return;
  }
  deps.log.error(verdict.message);
  await deps.record.status(cancelled ? 'error' : 'failure', {
    description: cancelled ? verdict.message.slice(0, 140) : verdict.message,
    environmentUrl: primaryUrl(reports, true),
  });
}

/** Per component what serves now (the rollback target) and any instant-rollback pin; throws when it cannot be read. */
async function recordServing(
  adapters: readonly ComponentAdapter[],
  reports: ReadonlyMap<ComponentName, ComponentReport>,
  settings: DeploySettings,
  deps: DeployDeps,
): Promise<{ plan: RollbackPlan; pins: { adapter: ComponentAdapter; pin: Pin }[] }> {
  const components: RollbackPlan['components'] = {};
  const pins: { adapter: ComponentAdapter; pin: Pin }[] = [];
  for (const adapter of adapters) {
    const serving = await deps.patience(`${adapter.component}: reading what serves now`, () => adapter.current());
    const before = await verifiedTarget(adapter, serving, settings.environment, deps);
    components[adapter.component] = before;
    reports.get(adapter.component)!.before = before;
    deps.log.info(
      before
        ? `${adapter.label}: serving ${before.deploymentId}${before.sha ? ` (commit ${before.sha.slice(0, 12)})` : ''}${before.url ? ` at ${before.url}` : ''}`
        : `${adapter.label}: nothing serves ${settings.environment} yet (first deploy: nothing to roll back to)`,
    );
    const pin = await deps.patience(`${adapter.component}: reading the rollback pin`, () => adapter.pin());
    if (pin) pins.push({ adapter, pin });
  }
  const plan: RollbackPlan = {
    version: 1,
    environment: settings.environment,
    sha: settings.sha,
    recordedAt: new Date(deps.clock.now()).toISOString(),
    components,
  };
  return { plan, pins };
}

/** Sequential orders stop at the first component that did not make it (or when the job is cancelled). */
async function deployAll(
  adapters: readonly ComponentAdapter[],
  reports: ReadonlyMap<ComponentName, ComponentReport>,
  settings: DeploySettings,
  deps: DeployDeps,
  deadline: number,
): Promise<void> {
  const one = (adapter: ComponentAdapter) =>
    deps.log.group(`Deploying ${adapter.component}`, () =>
      deployComponent(adapter, reports.get(adapter.component)!, settings, deps, deadline),
    );
  if (settings.order === 'parallel') {
    await Promise.all(adapters.map(one));
    return;
  }
  for (const adapter of adapters) {
    await one(adapter);
    if (!succeeded(reports.get(adapter.component)!) || deps.signal?.aborted) break;
  }
}

/** Something failed: put back every component that no longer serves what it served before. */
async function rollBack(
  reports: readonly ComponentReport[],
  cause: string,
  settings: DeploySettings,
  deps: DeployDeps,
): Promise<void> {
  const { clock, log } = deps;
  await log.group('Rolling back', async () => {
    for (const report of reports.filter((r) => r.result !== 'not-started')) {
      const adapter = deps.adapters[report.component]!;
      report.restore = await restoreComponent(
        adapter,
        report.before,
        `threadr-ops deploy of ${settings.sha.slice(0, 12)} failed: ${cause}`.slice(0, 200),
        'promote',
        {
          clock,
          log,
          verifier: deps.verifier,
          // Putting production back gets the same floor as going live (deploy-component.ts).
          timeoutMs: Math.max(settings.timeoutMs, MIN_TIME_TO_SERVE_MS),
          patience: deps.patience,
        },
      );
      log.info(`${report.component}: ${report.restore.outcome} — ${report.restore.detail}`);
    }
  });
}

/**
 * The rollback target is the last VERIFIED deployment, not whatever serves: a cancelled deploy of a
 * broken commit can leave its build serving, and a re-run must not record that as the way back.
 * GitHub Deployments say which commit was last verified (a success status); the platform says
 * which of its deployments built that commit. Without a GitHub record, what serves is the target.
 */
async function verifiedTarget(
  adapter: ComponentAdapter,
  serving: RollbackTarget | null,
  environment: Environment,
  deps: DeployDeps,
): Promise<RollbackTarget | null> {
  const verified = await deps.record.lastVerified(environment, adapter.component);
  if (!verified || serving?.sha === verified.sha) return serving;
  const what = `${adapter.label}: ${serving ? `${serving.deploymentId}${serving.sha ? ` (commit ${serving.sha.slice(0, 12)})` : ''}` : 'nothing'} serves, but the last verified commit is ${verified.sha.slice(0, 12)} (GitHub deployment ${verified.id})`;
  const target = await deps
    .patience(`${adapter.component}: finding the deployment of ${verified.sha.slice(0, 12)}`, () =>
      adapter.deploymentOf(verified.sha),
    )
    .catch((error: unknown) => {
      deps.log.warn(
        `${adapter.component}: could not look for the deployment of ${verified.sha.slice(0, 12)} (${errorText(error)})`,
      );
      return null;
    });
  if (!target) {
    deps.log.warn(`${what}, and no deployment of it can be gone back to: the rollback plan keeps what serves`);
    return serving;
  }
  deps.log.warn(`${what}: the rollback plan points at ${target.deploymentId}, the deployment of that commit`);
  return target;
}

/** The URL people open: the frontend's, else the backend's. */
function primaryUrl(reports: ReadonlyMap<ComponentName, ComponentReport>, beforeToo = false): string | null {
  for (const name of ['frontend', 'backend'] as const) {
    const report = reports.get(name);
    const url = report?.restore?.url ?? report?.deployment?.url ?? (beforeToo ? report?.before?.url : null);
    if (url) return url;
  }
  return null;
}
