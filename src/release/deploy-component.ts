import { formatDuration } from '../core/duration.js';
import { errorText } from '../core/errors.js';
import type { ComponentAdapter, ComponentName, Observation } from './component.js';
import type { ComponentReport, DeployDeps, DeploySettings } from './deployer.js';

/**
 * One component of a deploy: adopt or start the deployment of the commit, wait for its build, let
 * it serve, verify it and read it once more. Everything that happens lands in `report`; nothing
 * throws (an unexpected error is the component's failure).
 */
export async function deployComponent(
  adapter: ComponentAdapter,
  report: ComponentReport,
  settings: DeploySettings,
  deps: DeployDeps,
  deadline: number,
): Promise<void> {
  const { clock, log } = deps;
  const started = clock.now();
  try {
    const existing = await findExisting(adapter, settings.sha, deps);
    if (existing && (await adoptIfServing(adapter, existing, report, settings.sha, deps))) return;
    let deployment: Observation;
    if (existing) {
      deployment = existing;
      report.origin = 'adopted';
      log.info(
        `${adapter.component}: adopting ${existing.id} (${existing.state}), an existing deployment of ${settings.sha.slice(0, 12)}, instead of starting another`,
      );
    } else {
      if (deps.signal?.aborted) return;
      deployment = await adapter.start(settings.sha);
      report.origin = 'created';
      log.info(`${adapter.component}: started ${deployment.id} for ${settings.sha.slice(0, 12)}`);
    }
    report.deployment = deployment;
    const built =
      deployment.phase === 'pending'
        ? await waitForBuild(adapter, deployment, report, settings, deps, { started, deadline })
        : deployment;
    if (!built) return;
    if (built.phase === 'failed') {
      await fail(
        adapter,
        report,
        `${built.id} ended ${built.state}${built.error ? `: ${built.error}` : ''}${built.logUrl ? ` (logs: ${built.logUrl})` : ''}`,
        deps,
        built,
      );
      return;
    }
    if (deps.signal?.aborted) {
      await noteBuiltOnCancel(adapter, built, report, settings.sha);
      return;
    }
    await goLive(adapter, built, report, settings.sha, deps, deadline);
  } catch (error) {
    report.result = 'failed';
    report.error = errorText(error);
    log.error(`${adapter.component}: ${report.error}`);
  } finally {
    report.durationMs = clock.now() - started;
  }
}

/** Re-runs: a deployment of this commit that serves or is on its way is adopted, never duplicated. */
async function findExisting(adapter: ComponentAdapter, sha: string, deps: DeployDeps): Promise<Observation | null> {
  try {
    return await deps.patience(`${adapter.component}: looking for a deployment of ${sha.slice(0, 12)}`, () =>
      adapter.findForCommit(sha),
    );
  } catch (error) {
    deps.log.warn(
      `${adapter.component}: could not look for an existing deployment of ${sha.slice(0, 12)} (${errorText(error)}); creating one`,
    );
    return null;
  }
}

/** A built deployment of the commit that already serves is the result (verified again); true when it was. */
async function adoptIfServing(
  adapter: ComponentAdapter,
  existing: Observation,
  report: ComponentReport,
  sha: string,
  deps: DeployDeps,
): Promise<boolean> {
  const name = adapter.component;
  if (
    existing.phase !== 'succeeded' ||
    !(await deps.patience(`${name}: reading what serves`, () => adapter.isServing(existing.id)))
  )
    return false;
  report.deployment = existing;
  report.origin = 'adopted';
  report.result = 'already-serving';
  deps.log.info(`${name}: ${existing.id} already serves commit ${sha.slice(0, 12)}; not deploying it again`);
  // An earlier run may have been cancelled before it verified this build: verify it now.
  if (deps.verifier.configured(name)) {
    report.verify = await deps.verifier.verify(name, existing.url, sha);
    if (report.verify.verdict === 'unhealthy') {
      await fail(
        adapter,
        report,
        `${existing.id} serves ${sha.slice(0, 12)} but is unhealthy: ${report.verify.detail}`,
        deps,
      );
    } else {
      deps.log.info(`${name}: ${report.verify.detail}`);
    }
  }
  return true;
}

/** Waits for the build to settle; null when the wait ended the component (cancelled, timed out). */
async function waitForBuild(
  adapter: ComponentAdapter,
  deployment: Observation,
  report: ComponentReport,
  settings: DeploySettings,
  deps: DeployDeps,
  { started, deadline }: { started: number; deadline: number },
): Promise<Observation | null> {
  const { clock, log } = deps;
  const name = adapter.component;
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
    return null;
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
    return null;
  }
  report.deployment = outcome.observation;
  return outcome.observation;
}

/**
 * Built, and the job was cancelled: it stays, unverified. Usually it already serves (Vercel aliases
 * a READY production build, Railway switches on SUCCESS), but not over a pin: one read says which.
 */
async function noteBuiltOnCancel(
  adapter: ComponentAdapter,
  deployment: Observation,
  report: ComponentReport,
  sha: string,
): Promise<void> {
  report.result = 'cancelled';
  const serving = await adapter.isServing(deployment.id).catch(() => undefined);
  report.notes.push(
    serving === undefined
      ? `${deployment.id} is built (${deployment.state}); whether it serves could not be read; not verified`
      : serving
        ? `serves ${sha.slice(0, 12)} (${deployment.id}), not verified`
        : `${deployment.id} is built (${deployment.state}) but does not serve`,
  );
}

/**
 * Switching what serves (an alias job, a rollback) is never cut short by the build's `timeout`: a
 * user's tight build budget must not leave production half switched. This is its floor.
 */
export const MIN_TIME_TO_SERVE_MS = 60_000;

/** Built: make it serve, verify it, and read it once more (a process can pass its start and crash right after). */
async function goLive(
  adapter: ComponentAdapter,
  deployment: Observation,
  report: ComponentReport,
  sha: string,
  deps: DeployDeps,
  deadline: number,
): Promise<void> {
  const { clock, log } = deps;
  const name = adapter.component;
  const promoted = await adapter.ensureServing(deployment, {
    deadline: Math.max(deadline, clock.now() + MIN_TIME_TO_SERVE_MS),
  });
  if (promoted) {
    report.notes.push(promoted);
    log.info(`${name}: ${promoted}`);
  }
  if (deps.verifier.configured(name)) {
    report.verify = await deps.verifier.verify(name, deployment.url, sha);
    if (report.verify.verdict === 'unhealthy') {
      await fail(
        adapter,
        report,
        `${deployment.id} is ${deployment.state} but unhealthy: ${report.verify.detail}`,
        deps,
      );
      return;
    }
    if (report.verify.verdict === 'unreachable') {
      // Rolling back because the runner cannot reach the site would punish a healthy deploy.
      log.warn(`${name}: ${report.verify.detail}; not treating that as a failed deploy`);
    } else {
      log.info(`${name}: ${report.verify.detail}`);
    }
  }
  const settled = await adapter.observe(deployment.id).catch((error: unknown) => {
    log.warn(`${name}: could not re-read ${deployment.id} (${errorText(error)}); keeping the earlier answer`);
    return deployment;
  });
  report.statusReads++;
  if (settled.phase === 'failed') {
    report.deployment = settled;
    await fail(
      adapter,
      report,
      `${settled.id} reached ${deployment.state} and then ended ${settled.state}${settled.error ? `: ${settled.error}` : ''}`,
      deps,
      settled,
    );
    return;
  }
  report.result = 'deployed';
  log.info(`${name}: ${deployment.id} serves ${sha.slice(0, 12)}${deployment.url ? ` at ${deployment.url}` : ''}`);
}

/** The component failed: say why, and for a failed deployment read the platform's logs. */
async function fail(
  adapter: ComponentAdapter,
  report: ComponentReport,
  error: string,
  deps: DeployDeps,
  failedDeployment?: Observation,
): Promise<void> {
  report.result = 'failed';
  report.error = error;
  deps.log.error(`${adapter.component}: ${error}`);
  if (failedDeployment) await readFailureLogs(adapter, failedDeployment, report, deps);
}

/** Why it failed, in the platform's words: a log that cannot be read is a note, never a new failure. */
async function readFailureLogs(
  adapter: ComponentAdapter,
  observation: Observation,
  report: ComponentReport,
  deps: DeployDeps,
): Promise<void> {
  try {
    report.logs = await adapter.failureLogs(observation);
  } catch (error) {
    report.notes.push(`could not read the logs of ${observation.id}: ${errorText(error)}`);
    return;
  }
  for (const excerpt of report.logs)
    deps.log.info(`${adapter.component}: ${excerpt.title}:\n${excerpt.lines.map((line) => `  ${line}`).join('\n')}`);
}

/** Only a build this run started is cancelled; one adopted from another run is that run's. */
async function cancelOnJobCancel(
  adapter: ComponentAdapter,
  deployment: Observation,
  report: ComponentReport,
  deps: DeployDeps,
): Promise<void> {
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

/** A backend can reach SUCCESS and crash seconds later: look once more before calling the deploy done. */
export async function confirmDeployed(
  adapters: readonly ComponentAdapter[],
  reports: ReadonlyMap<ComponentName, ComponentReport>,
  deps: DeployDeps,
): Promise<void> {
  for (const adapter of adapters) {
    const report = reports.get(adapter.component)!;
    if (!report.deployment || report.result !== 'deployed') continue;
    try {
      const now = await adapter.observe(report.deployment.id);
      if (now.phase === 'failed') {
        const error = `${now.id} reached ${report.deployment.state} and then ended ${now.state}${now.error ? `: ${now.error}` : ''}`;
        report.deployment = now;
        await fail(adapter, report, error, deps, now);
      }
    } catch (error) {
      deps.log.warn(
        `${adapter.component}: could not re-read ${report.deployment.id} (${errorText(error)}); keeping the earlier answer`,
      );
    }
  }
}
