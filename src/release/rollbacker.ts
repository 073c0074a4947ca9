import { errorText } from '../core/errors.js';
import { adaptersOf, type ReleaseDeps } from './collaborators.js';
import type { ComponentName, Environment, RollbackTarget } from './component.js';
import { restoreComponent, type RestoreResult } from './restore.js';
import type { RollbackSource } from './plan.js';

export interface RollbackSettings {
  environment: Environment;
  components: ComponentName[];
  source: RollbackSource;
  reason: string;
  timeoutMs: number;
  /** The GitHub deployment to mark failed; found by listing when absent; null: mark none (remediate's rollback_deploy). */
  githubDeploymentId?: number | null;
}

export type RollbackDeps = ReleaseDeps;

/**
 * rolled-back: every component with a target is restored; nothing-to-roll-back: none had one;
 * failed: a component needs a human; cancelled: the job was cancelled before every component was
 * confirmed back (what was requested stays requested).
 */
export type RollbackStatus = 'rolled-back' | 'nothing-to-roll-back' | 'failed' | 'cancelled';

export interface RollbackReport {
  status: RollbackStatus;
  message: string;
  environment: Environment;
  reason: string;
  source: RollbackSource['kind'];
  components: RestoreResult[];
  /** Set when production is held by a Vercel instant rollback: how to lift it. */
  unpin: string | null;
  githubDeploymentId: number | null;
  durationMs: number;
}

export async function rollback(settings: RollbackSettings, deps: RollbackDeps): Promise<RollbackReport> {
  const { clock, log } = deps;
  const started = clock.now();
  const adapters = adaptersOf(settings.components, deps.adapters);

  // 1. Targets: from the deploy's plan, or the last deployment that served before the current one.
  const targets = new Map<ComponentName, RollbackTarget | null>();
  const results: RestoreResult[] = [];
  await log.group('Finding what to go back to', async () => {
    for (const adapter of adapters) {
      try {
        const target =
          settings.source.kind === 'plan'
            ? (settings.source.plan.components[adapter.component] ?? null)
            : await deps.patience(`${adapter.component}: finding the previous deployment`, () => adapter.previous());
        targets.set(adapter.component, target);
        log.info(
          target
            ? `${adapter.label}: target ${target.deploymentId}${target.sha ? ` (commit ${target.sha.slice(0, 12)})` : ''}`
            : `${adapter.label}: nothing to go back to`,
        );
      } catch (error) {
        const detail = `could not find a deployment to go back to: ${errorText(error)}`;
        log.error(`${adapter.label}: ${detail}`);
        results.push({
          component: adapter.component,
          outcome: 'needs-a-human',
          target: null,
          deploymentId: null,
          url: null,
          detail,
          pinned: false,
        });
      }
    }
  });

  // 2. Roll back every component at once: this is an emergency, and they are independent.
  const restored = await log.group('Rolling back', () =>
    Promise.all(
      adapters
        .filter((adapter) => targets.has(adapter.component))
        .map((adapter) =>
          restoreComponent(adapter, targets.get(adapter.component) ?? null, settings.reason, 'pin', {
            clock,
            log,
            verifier: deps.verifier,
            timeoutMs: settings.timeoutMs,
            patience: deps.patience,
            signal: deps.signal,
          }),
        ),
    ),
  );
  results.push(...restored);
  results.sort((a, b) => settings.components.indexOf(a.component) - settings.components.indexOf(b.component));
  for (const result of results)
    log.info(
      `${result.component}: ${result.outcome === 'needs-a-human' ? 'NEEDS A HUMAN' : result.outcome} — ${result.detail}`,
    );

  const pinned = results.find((result) => result.pinned && result.outcome !== 'needs-a-human');
  const unpin = pinned
    ? `Production on Vercel is pinned to ${pinned.deploymentId}: new production deployments are built but not served until one is promoted. To lift the pin, promote a deployment (vercel promote <deployment-url-or-id>, or "Promote" in the dashboard), or run the deploy action with allow-pinned: true.`
    : null;
  if (unpin) log.warn(unpin);

  const needsHuman = results.filter((result) => result.outcome === 'needs-a-human');
  const nothing = results.every((result) => result.outcome === 'nothing-to-roll-back');
  const cancelled = results.some((result) => result.outcome === 'cancelled');
  const status: RollbackStatus = cancelled
    ? 'cancelled'
    : needsHuman.length > 0
      ? 'failed'
      : nothing
        ? 'nothing-to-roll-back'
        : 'rolled-back';
  const message =
    status === 'cancelled'
      ? `the job was cancelled: ${results.map((result) => `${result.component} ${result.outcome}: ${result.detail}`).join('; ')}`
      : status === 'failed'
        ? `${needsHuman.map((result) => `${result.component} needs a human: ${result.detail}`).join('; ')}`
        : status === 'nothing-to-roll-back'
          ? `nothing to roll back in ${settings.environment}: no earlier deployment served (first deploy)`
          : `rolled back ${settings.environment}: ${results.map((result) => `${result.component} ${result.outcome}${result.deploymentId ? ` (${result.deploymentId})` : ''}`).join(', ')}`;

  // 3. GitHub: the deployment rolled back from is marked failed, the rollback recorded as a deployment.
  // A cancelled job has seconds left, and its outcome is not known: it records nothing.
  const githubDeploymentId =
    status === 'nothing-to-roll-back' || status === 'cancelled'
      ? null
      : await recordOnGitHub(settings, deps, results, status);
  (status === 'failed' || status === 'cancelled' ? log.error : log.info)(message);
  return {
    status,
    message,
    environment: settings.environment,
    reason: settings.reason,
    source: settings.source.kind,
    components: results,
    unpin,
    githubDeploymentId,
    durationMs: clock.now() - started,
  };
}

async function recordOnGitHub(
  settings: RollbackSettings,
  deps: RollbackDeps,
  results: RestoreResult[],
  status: RollbackStatus,
): Promise<number | null> {
  const { record } = deps;
  if (!record.enabled) return null;
  const planSha = settings.source.kind === 'plan' ? settings.source.plan.sha || undefined : undefined;
  const failedId =
    settings.githubDeploymentId === undefined
      ? await record.latest(settings.environment, planSha)
      : settings.githubDeploymentId;
  if (failedId !== null) await record.status('failure', { description: `rolled back: ${settings.reason}` }, failedId);
  // The new record needs a ref: the commit that serves again.
  const ref = results.find((result) => result.target?.sha)?.target?.sha;
  if (!ref) {
    deps.log.info(
      'GitHub: no commit known for the restored deployments, so the rollback is recorded only as the failure status above',
    );
    return null;
  }
  const url =
    results.find((result) => result.component === 'frontend')?.url ?? results.find((result) => result.url)?.url ?? null;
  const id = await record.start({
    ref,
    environment: settings.environment,
    task: 'deploy:rollback',
    description: `threadr-ops rollback: ${settings.reason}`,
    payload: {
      rollbackOf: failedId,
      reason: settings.reason,
      targets: Object.fromEntries(results.map((result) => [result.component, result.target])),
    },
  });
  await record.status(status === 'rolled-back' ? 'success' : 'failure', {
    description: `rollback: ${settings.reason}`,
    environmentUrl: url,
  });
  return id;
}
