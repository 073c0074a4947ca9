import type { Logger } from '../core/host.js';
import { formatDuration } from '../core/duration.js';
import { errorText } from './adapter-context.js';
import type { Clock } from './clock.js';
import type { ComponentAdapter, ComponentName, Environment, LogExcerpt, Observation, Pin, RollbackTarget } from './component.js';
import type { DeploymentRecord } from './github-record.js';
import type { Patience } from './poll.js';
import type { RollbackPlan } from './plan.js';
import { restoreComponent, type RestoreResult } from './restore.js';
import type { Verifier, VerifyResult } from './verify.js';

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

export interface DeployDeps {
  adapters: Partial<Record<ComponentName, ComponentAdapter>>;
  record: DeploymentRecord;
  verifier: Verifier;
  clock: Clock;
  log: Logger;
  /** Essential reads ride out transient failures for a while. */
  patience: Patience;
  /** Called as soon as the rollback targets are known, before anything changes. */
  onPlan: (plan: RollbackPlan) => void;
  /** The job was cancelled (SIGINT/SIGTERM): stop, cancel what is still building, change nothing more. */
  signal?: AbortSignal;
}

/**
 * deployed: the commit serves; already-serving: it already did (re-run); failed / timed-out: it
 * did not get there; not-started: an earlier component failed first (or the job was cancelled);
 * cancelled: the job was cancelled while this component was on its way; planned: dry run.
 */
export type ComponentResult = 'deployed' | 'already-serving' | 'failed' | 'timed-out' | 'cancelled' | 'not-started' | 'planned';

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
  const adapters = settings.components.map((name) => deps.adapters[name]!);
  const reports = new Map<ComponentName, ComponentReport>(
    adapters.map((adapter) => [
      adapter.component,
      { component: adapter.component, label: adapter.label, before: null, result: 'not-started', deployment: null, origin: null, statusReads: 0, durationMs: 0, notes: [] },
    ]),
  );
  const finish = (status: DeployStatus, message: string, plan: RollbackPlan | null): DeployReport => ({
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

  // 1. What serves now: the rollback targets, recorded before anything changes.
  let plan: RollbackPlan;
  const pins: { adapter: ComponentAdapter; pin: Pin }[] = [];
  try {
    plan = await log.group('Recording what serves now', async () => {
      const components: RollbackPlan['components'] = {};
      for (const adapter of adapters) {
        const serving = await deps.patience(`${adapter.component}: reading what serves now`, () => adapter.current());
        const before = await verifiedTarget(adapter, serving, settings.environment, deps);
        components[adapter.component] = before;
        reports.get(adapter.component)!.before = before;
        log.info(
          before
            ? `${adapter.label}: serving ${before.deploymentId}${before.sha ? ` (commit ${before.sha.slice(0, 12)})` : ''}${before.url ? ` at ${before.url}` : ''}`
            : `${adapter.label}: nothing serves ${settings.environment} yet (first deploy: nothing to roll back to)`,
        );
        const pin = await deps.patience(`${adapter.component}: reading the rollback pin`, () => adapter.pin());
        if (pin) pins.push({ adapter, pin });
      }
      return { version: 1, environment: settings.environment, sha: settings.sha, recordedAt: new Date(clock.now()).toISOString(), components } satisfies RollbackPlan;
    });
  } catch (error) {
    const message = `could not read what serves now, so nothing was changed: ${errorText(error)}`;
    log.error(message);
    return finish('failed', message, null);
  }
  deps.onPlan(plan);
  if (deps.signal?.aborted) return finish('cancelled', 'the job was cancelled before anything changed', plan);

  // 2. An instant rollback pins production; deploying over it silently undoes someone's emergency.
  for (const { adapter, pin } of pins) {
    const what = `production is pinned to ${pin.deploymentId ?? 'an earlier deployment'} by an instant rollback${pin.description ? ` (${pin.description})` : ''}`;
    if (!settings.allowPinned) {
      const message = `${adapter.label}: ${what}. Nothing was deployed. Promote a deployment to lift the pin (vercel promote <deployment>), or set allow-pinned: true to deploy and promote over it.`;
      log.error(message);
      return finish('refused', message, plan);
    }
    log.warn(`${adapter.label}: ${what}; allow-pinned is set, so the new build will be promoted over the pin`);
    reports.get(adapter.component)!.notes.push('deployed over an instant-rollback pin (allow-pinned)');
  }

  if (settings.dryRun) {
    for (const adapter of adapters) {
      const report = reports.get(adapter.component)!;
      report.result = 'planned';
      log.info(`dry run: would deploy ${settings.sha.slice(0, 12)} to ${adapter.label}${report.before ? `, replacing ${report.before.deploymentId}` : ''}`);
    }
    return finish('dry-run', `dry run: would deploy ${settings.sha.slice(0, 12)} to ${settings.environment} (${settings.order}); nothing was changed`, plan);
  }

  // 3. The GitHub Deployment: bookkeeping, never a reason to stop.
  await deps.record.start({
    ref: settings.sha,
    environment: settings.environment,
    description: `threadr-ops deploy of ${settings.sha.slice(0, 12)} (${settings.components.join(', ')})`,
    payload: { components: settings.components, order: settings.order, rollbackPlan: plan },
  });

  // 4. Deploy, in order or side by side, within one deadline.
  const deadline = started + settings.timeoutMs;
  if (settings.order === 'parallel') {
    await Promise.all(adapters.map((adapter) => log.group(`Deploying ${adapter.component}`, () => deployComponent(adapter, reports.get(adapter.component)!, settings, deps, deadline))));
  } else {
    for (const adapter of adapters) {
      const report = reports.get(adapter.component)!;
      await log.group(`Deploying ${adapter.component}`, () => deployComponent(adapter, report, settings, deps, deadline));
      if (!succeeded(report) || deps.signal?.aborted) break;
    }
  }

  // A cancelled job has seconds left before the runner kills it: a rollback could not finish, and
  // half a rollback is worse than none. Builds on their way were cancelled; say what serves.
  if (deps.signal?.aborted) {
    const message = `the job was cancelled: ${[...reports.values()].map((r) => `${r.component} ${cancelledState(r, settings.sha)}`).join('; ')}`;
    log.error(message);
    await deps.record.status('error', { description: message.slice(0, 140), environmentUrl: primaryUrl(reports, true) });
    return finish('cancelled', message, plan);
  }

  // 5. A backend can reach SUCCESS and crash seconds later: look once more before calling it done.
  if ([...reports.values()].every(succeeded)) await confirm(adapters, reports, deps);

  const failedOnes = [...reports.values()].filter((report) => report.result === 'failed' || report.result === 'timed-out');
  if (failedOnes.length === 0) {
    const environmentUrl = primaryUrl(reports);
    await deps.record.status('success', { description: `deployed ${settings.sha.slice(0, 12)}`, environmentUrl });
    const unchanged = [...reports.values()].every((report) => report.result === 'already-serving');
    const message = unchanged
      ? `${settings.sha.slice(0, 12)} already serves ${settings.environment}: nothing to do`
      : `deployed ${settings.sha.slice(0, 12)} to ${settings.environment} (${settings.components.join(', ')}) in ${formatDuration(clock.now() - started)}`;
    log.info(message);
    return finish('deployed', message, plan);
  }

  // 6. Something failed: put back every component that no longer serves what it served before.
  const cause = failedOnes.map((report) => `${report.component} ${report.result === 'timed-out' ? 'timed out' : 'failed'}: ${report.error ?? 'unknown error'}`).join('; ');
  await log.group('Rolling back', async () => {
    const touched = [...reports.values()].filter((report) => report.result !== 'not-started');
    for (const report of touched) {
      const adapter = deps.adapters[report.component]!;
      report.restore = await restoreComponent(adapter, report.before, `threadr-ops deploy of ${settings.sha.slice(0, 12)} failed: ${cause}`.slice(0, 200), 'promote', {
        clock,
        log,
        verifier: deps.verifier,
        timeoutMs: settings.timeoutMs,
        patience: deps.patience,
      });
      log.info(`${report.component}: ${report.restore.outcome} — ${report.restore.detail}`);
    }
  });
  const restores = [...reports.values()].flatMap((report) => (report.restore ? [report.restore] : []));
  const needsHuman = restores.filter((restore) => restore.outcome === 'needs-a-human');
  const firstDeployLeft = [...reports.values()].filter((report) => report.restore?.outcome === 'nothing-to-roll-back' && report.result !== 'failed' && report.result !== 'timed-out');
  const rolledBack = restores.some((restore) => restore.outcome === 'restored');
  let status: DeployStatus;
  let message: string;
  if (needsHuman.length > 0) {
    status = 'failed';
    message = `${cause}. Rolling back did not fully work, ${needsHuman.map((r) => `${r.component} needs a human: ${r.detail}`).join('; ')}`;
  } else if (rolledBack) {
    status = 'rolled-back';
    message = `${cause}. Rolled back: ${restores.map((r) => `${r.component} ${r.outcome}`).join(', ')}`;
  } else {
    status = 'failed';
    message = `${cause}. Production was not changed${restores.length ? ` (${restores.map((r) => `${r.component} ${r.outcome}`).join(', ')})` : ''}`;
  }
  if (firstDeployLeft.length > 0) message += `. ${firstDeployLeft.map((r) => r.component).join(', ')} had nothing to roll back to and stays on the new build`;
  log.error(message);
  await deps.record.status('failure', { description: message, environmentUrl: primaryUrl(reports, true) });
  return finish(status, message, plan);
}

/**
 * The rollback target is the last VERIFIED deployment, not whatever serves: a cancelled deploy of a
 * broken commit can leave its build serving, and a re-run must not record that as the way back.
 * GitHub Deployments say which commit was last verified (a success status); the platform says
 * which of its deployments built that commit. Without a GitHub record, what serves is the target.
 */
async function verifiedTarget(adapter: ComponentAdapter, serving: RollbackTarget | null, environment: Environment, deps: DeployDeps): Promise<RollbackTarget | null> {
  const verified = await deps.record.lastVerified(environment, adapter.component);
  if (!verified || serving?.sha === verified.sha) return serving;
  const what = `${adapter.label}: ${serving ? `${serving.deploymentId}${serving.sha ? ` (commit ${serving.sha.slice(0, 12)})` : ''}` : 'nothing'} serves, but the last verified commit is ${verified.sha.slice(0, 12)} (GitHub deployment ${verified.id})`;
  const target = await deps.patience(`${adapter.component}: finding the deployment of ${verified.sha.slice(0, 12)}`, () => adapter.deploymentOf(verified.sha)).catch((error: unknown) => {
    deps.log.warn(`${adapter.component}: could not look for the deployment of ${verified.sha.slice(0, 12)} (${errorText(error)})`);
    return null;
  });
  if (!target) {
    deps.log.warn(`${what}, and no deployment of it can be gone back to: the rollback plan keeps what serves`);
    return serving;
  }
  deps.log.warn(`${what}: the rollback plan points at ${target.deploymentId}, the deployment of that commit`);
  return target;
}

function cancelledState(report: ComponentReport, sha: string): string {
  const before = report.before ? `still serves ${report.before.deploymentId}` : 'serves nothing yet';
  switch (report.result) {
    case 'deployed':
    case 'already-serving':
      return `serves ${sha.slice(0, 12)} (${report.deployment?.id}${report.verify ? `, health ${report.verify.verdict}` : ''})`;
    case 'cancelled':
      return report.deployment?.phase === 'succeeded'
        ? (report.notes.at(-1) ?? `${report.deployment.id} is built, not verified`)
        : `${before}; ${report.notes.at(-1) ?? 'its build was left as it was'}`;
    default:
      return before;
  }
}

function succeeded(report: ComponentReport): boolean {
  return report.result === 'deployed' || report.result === 'already-serving';
}

async function deployComponent(adapter: ComponentAdapter, report: ComponentReport, settings: DeploySettings, deps: DeployDeps, deadline: number): Promise<void> {
  const { clock, log } = deps;
  const name = adapter.component;
  const started = clock.now();
  const sha = settings.sha;
  const done = (): void => {
    report.durationMs = clock.now() - started;
  };
  try {
    // Re-runs: a deployment of this commit that serves or is on its way is adopted, never duplicated.
    let existing: Observation | null = null;
    try {
      existing = await deps.patience(`${name}: looking for a deployment of ${sha.slice(0, 12)}`, () => adapter.findForCommit(sha));
    } catch (error) {
      log.warn(`${name}: could not look for an existing deployment of ${sha.slice(0, 12)} (${errorText(error)}); creating one`);
    }
    if (existing?.phase === 'succeeded' && (await deps.patience(`${name}: reading what serves`, () => adapter.isServing(existing!.id)))) {
      report.deployment = existing;
      report.origin = 'adopted';
      report.result = 'already-serving';
      log.info(`${name}: ${existing.id} already serves commit ${sha.slice(0, 12)}; not deploying it again`);
      // An earlier run may have been cancelled before it verified this build: verify it now.
      if (deps.verifier.configured(name)) {
        report.verify = await deps.verifier.verify(name, existing.url, sha);
        if (report.verify.verdict === 'unhealthy') {
          report.result = 'failed';
          report.error = `${existing.id} serves ${sha.slice(0, 12)} but is unhealthy: ${report.verify.detail}`;
          log.error(`${name}: ${report.error}`);
        } else {
          log.info(`${name}: ${report.verify.detail}`);
        }
      }
      return;
    }
    let deployment: Observation;
    if (existing) {
      deployment = existing;
      report.origin = 'adopted';
      log.info(`${name}: adopting ${existing.id} (${existing.state}), an existing deployment of ${sha.slice(0, 12)}, instead of starting another`);
    } else {
      if (deps.signal?.aborted) return;
      deployment = await adapter.start(sha);
      report.origin = 'created';
      log.info(`${name}: started ${deployment.id} for ${sha.slice(0, 12)}`);
    }
    report.deployment = deployment;

    if (deployment.phase === 'pending') {
      const outcome = await adapter.wait(deployment.id, started, {
        deadline,
        signal: deps.signal,
        onProgress: (o) => {
          report.deployment = o;
          log.info(`${name}: ${o.id} is ${o.state} after ${formatDuration(clock.now() - started)}`);
        },
      });
      report.statusReads += outcome.reads;
      if (outcome.kind === 'cancelled') {
        report.result = 'cancelled';
        if (outcome.last) report.deployment = outcome.last;
        await cancelOnJobCancel(adapter, deployment, report, deps);
        return;
      }
      if (outcome.kind === 'timed-out') {
        report.result = 'timed-out';
        report.error = `${deployment.id} was still ${outcome.last?.state ?? 'pending'} after ${formatDuration(settings.timeoutMs)} (timeout)`;
        log.error(`${name}: ${report.error}; canceling it`);
        try {
          await adapter.cancel(deployment.id);
          report.notes.push(`canceled ${deployment.id}`);
          log.info(`${name}: canceled ${deployment.id}`);
        } catch (error) {
          report.notes.push(`could not cancel ${deployment.id}: ${errorText(error)}`);
          log.error(`${name}: could not cancel ${deployment.id} (${errorText(error)}); it may still finish`);
        }
        return;
      }
      deployment = outcome.observation;
      report.deployment = deployment;
    }
    if (deployment.phase === 'failed') {
      report.result = 'failed';
      report.error = `${deployment.id} ended ${deployment.state}${deployment.error ? `: ${deployment.error}` : ''}${deployment.logUrl ? ` (logs: ${deployment.logUrl})` : ''}`;
      log.error(`${name}: ${report.error}`);
      await readFailureLogs(adapter, deployment, report, deps);
      return;
    }
    // Built: it stays, unverified. Usually it already serves (Vercel aliases a READY production
    // build, Railway switches on SUCCESS), but not over a pin: one read says which.
    if (deps.signal?.aborted) {
      report.result = 'cancelled';
      const serving = await adapter.isServing(deployment.id).catch(() => undefined);
      report.notes.push(
        serving === undefined
          ? `${deployment.id} is built (${deployment.state}); whether it serves could not be read; not verified`
          : serving
            ? `serves ${sha.slice(0, 12)} (${deployment.id}), not verified`
            : `${deployment.id} is built (${deployment.state}) but does not serve`,
      );
      return;
    }
    const promoted = await adapter.ensureServing(deployment, { deadline: Math.max(deadline, clock.now() + 60_000) });
    if (promoted) {
      report.notes.push(promoted);
      log.info(`${name}: ${promoted}`);
    }
    if (deps.verifier.configured(name)) {
      report.verify = await deps.verifier.verify(name, deployment.url, sha);
      if (report.verify.verdict === 'unhealthy') {
        report.result = 'failed';
        report.error = `${deployment.id} is ${deployment.state} but unhealthy: ${report.verify.detail}`;
        log.error(`${name}: ${report.error}`);
        return;
      }
      if (report.verify.verdict === 'unreachable') {
        // Rolling back because the runner cannot reach the site would punish a healthy deploy.
        log.warn(`${name}: ${report.verify.detail}; not treating that as a failed deploy`);
      } else {
        log.info(`${name}: ${report.verify.detail}`);
      }
    }
    // A process can pass its start and crash right after: read once more before the next component.
    const settled = await adapter.observe(deployment.id).catch((error: unknown) => {
      log.warn(`${name}: could not re-read ${deployment.id} (${errorText(error)}); keeping the earlier answer`);
      return deployment;
    });
    report.statusReads++;
    if (settled.phase === 'failed') {
      report.deployment = settled;
      report.result = 'failed';
      report.error = `${settled.id} reached ${deployment.state} and then ended ${settled.state}${settled.error ? `: ${settled.error}` : ''}`;
      log.error(`${name}: ${report.error}`);
      await readFailureLogs(adapter, settled, report, deps);
      return;
    }
    report.result = 'deployed';
    log.info(`${name}: ${deployment.id} serves ${sha.slice(0, 12)}${deployment.url ? ` at ${deployment.url}` : ''}`);
  } catch (error) {
    report.result = 'failed';
    report.error = errorText(error);
    log.error(`${name}: ${report.error}`);
  } finally {
    done();
  }
}

/** Why it failed, in the platform's words: a log that cannot be read is a note, never a new failure. */
async function readFailureLogs(adapter: ComponentAdapter, observation: Observation, report: ComponentReport, deps: DeployDeps): Promise<void> {
  try {
    report.logs = await adapter.failureLogs(observation);
  } catch (error) {
    report.notes.push(`could not read the logs of ${observation.id}: ${errorText(error)}`);
    return;
  }
  for (const excerpt of report.logs) deps.log.info(`${adapter.component}: ${excerpt.title}:\n${excerpt.lines.map((line) => `  ${line}`).join('\n')}`);
}

/** Only a build this run started is cancelled; one adopted from another run is that run's. */
async function cancelOnJobCancel(adapter: ComponentAdapter, deployment: Observation, report: ComponentReport, deps: DeployDeps): Promise<void> {
  const name = adapter.component;
  if (report.origin !== 'created') {
    report.notes.push(`left ${deployment.id} (adopted from an earlier run) as it was`);
    return;
  }
  try {
    await adapter.cancel(deployment.id);
    report.notes.push(`canceled ${deployment.id} before it went live`);
    deps.log.info(`${name}: canceled ${deployment.id} (the job was cancelled)`);
  } catch (error) {
    report.notes.push(`could not cancel ${deployment.id}: ${errorText(error)}; it may still go live`);
    deps.log.error(`${name}: could not cancel ${deployment.id} (${errorText(error)}); it may still go live`);
  }
}

async function confirm(adapters: ComponentAdapter[], reports: Map<ComponentName, ComponentReport>, deps: DeployDeps): Promise<void> {
  for (const adapter of adapters) {
    const report = reports.get(adapter.component)!;
    if (!report.deployment || report.result !== 'deployed') continue;
    try {
      const now = await adapter.observe(report.deployment.id);
      if (now.phase === 'failed') {
        report.result = 'failed';
        report.error = `${now.id} reached ${report.deployment.state} and then ended ${now.state}${now.error ? `: ${now.error}` : ''}`;
        report.deployment = now;
        deps.log.error(`${adapter.component}: ${report.error}`);
        await readFailureLogs(adapter, now, report, deps);
      }
    } catch (error) {
      deps.log.warn(`${adapter.component}: could not re-read ${report.deployment.id} (${errorText(error)}); keeping the earlier answer`);
    }
  }
}

/** The URL people open: the frontend's, else the backend's. */
function primaryUrl(reports: Map<ComponentName, ComponentReport>, beforeToo = false): string | null {
  for (const name of ['frontend', 'backend'] as const) {
    const report = reports.get(name);
    const url = report?.restore?.url ?? report?.deployment?.url ?? (beforeToo ? report?.before?.url : null);
    if (url) return url;
  }
  return null;
}
