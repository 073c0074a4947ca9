import type { Logger } from '../core/host.js';
import { systemClock } from '../release/clock.js';
import { buildCollaborators, type Collaborators } from '../release/collaborators.js';
import type { ComponentName, Environment, RollbackTarget } from '../release/component.js';
import type { PlatformSettings } from '../release/inputs.js';
import { restoreComponent } from '../release/restore.js';
import { rollback } from '../release/rollbacker.js';
import type { Change, Effect } from './effects.js';

/** What rollback_deploy needs besides the run's settings: the platforms, as the rollback action reads them. */
export interface RollbackDeploySettings {
  platform: PlatformSettings & { environment: Environment };
  /** How long each component may take to serve its target. */
  timeoutMs: number;
  /** The runner's environment: the GitHub deployment links the run's log (GITHUB_SERVER_URL, …). */
  env: Readonly<Record<string, string | undefined>>;
}

/** The value rollback_deploy changes: per component, the deployment that serves. */
export type Serving = Partial<Record<ComponentName, RollbackTarget>>;

const short = (sha: string | null) => (sha ? sha.slice(0, 12) : 'unknown commit');
const describe = (target: RollbackTarget) => `${target.deploymentId} (${short(target.sha)})`;

/** Same commit where both know theirs (Railway's rollback serves the old image as a new deployment), else same deployment. */
function sameDeployment(a: RollbackTarget | undefined | null, b: RollbackTarget | undefined | null): boolean {
  if (!a || !b) return false;
  return a.sha && b.sha ? a.sha === b.sha : a.deploymentId === b.deploymentId;
}

/**
 * rollback_deploy: production back to the last deployment a run of ours verified. The target of
 * each component comes from the GitHub Deployments history (DeploymentRecord.lastVerified: the
 * newest deployment whose latest status is success or inactive) and the platform's deployment of
 * that commit (ComponentAdapter.deploymentOf); the rollback itself is the rollback action's
 * `rollback()` (src/release/rollbacker.ts), so it pins Vercel, re-verifies and records on GitHub
 * exactly as a rollback by hand does. A component that already serves its last verified commit is
 * left alone.
 */
export function rollbackDeployEffect(
  settings: RollbackDeploySettings,
  reason: string,
  log: Logger,
  revert: boolean,
): Effect & { close(): Promise<void> } {
  const { platform } = settings;
  const collaborators: Collaborators = buildCollaborators(platform, log, settings.env, { clock: systemClock });
  const adapters = platform.components.map((name) => collaborators.adapters[name]!);
  const target = `deploy:${platform.environment}/${adapters.map((adapter) => `${adapter.provider}:${adapter.provider === 'vercel' ? platform.vercel!.projectId : platform.railway!.serviceId}`).join('+')}`;
  const readServing = async (): Promise<Serving> => {
    const serving: Serving = {};
    for (const adapter of adapters) {
      const current = await collaborators.patience(`${adapter.component}: reading what serves`, () =>
        adapter.current(),
      );
      if (current) serving[adapter.component] = current;
    }
    return serving;
  };
  /**
   * The undo (revert: true): roll forward to what served before, through the same restore step,
   * but with `promote` (production re-pointed, no pin: nothing was pinned before the remediation)
   * and recorded only on the remediation issue, never as a GitHub deployment: a success there would
   * make the unverified deployment "the last verified" one for the next run.
   */
  const rollForward = async (wanted: Serving, names: ComponentName[]) => {
    const failures: string[] = [];
    for (const name of names) {
      const result = await restoreComponent(collaborators.adapters[name]!, wanted[name]!, reason, 'promote', {
        clock: systemClock,
        log,
        verifier: collaborators.verifier,
        timeoutMs: settings.timeoutMs,
        patience: collaborators.patience,
      });
      log.info(`${name}: ${result.outcome} — ${result.detail}`);
      if (result.outcome !== 'restored' && result.outcome !== 'not-needed')
        failures.push(`${name} ${result.outcome}: ${result.detail}`);
    }
    if (failures.length) throw new Error(`roll forward failed: ${failures.join('; ')}`);
  };
  return {
    target,
    async plan(): Promise<Change | { none: string }> {
      const from: Serving = {};
      const to: Serving = {};
      const reasons: string[] = [];
      for (const adapter of adapters) {
        const name = adapter.component;
        const verified = await collaborators.record.lastVerified(platform.environment, name);
        if (!verified) {
          reasons.push(
            `${name}: no deployment verified by threadr-ops in the GitHub Deployments of ${platform.environment}`,
          );
          continue;
        }
        const current = await collaborators.patience(`${name}: reading what serves`, () => adapter.current());
        if (current?.sha === verified.sha) {
          reasons.push(
            `${name} already serves the last verified deployment: ${current ? describe(current) : ''}, GitHub deployment ${verified.id}`,
          );
          continue;
        }
        const wanted = await collaborators.patience(`${name}: finding the deployment of ${short(verified.sha)}`, () =>
          adapter.deploymentOf(verified.sha),
        );
        if (!wanted) {
          reasons.push(
            `${name}: the last verified commit ${short(verified.sha)} (GitHub deployment ${verified.id}) has no deployment on ${adapter.provider} that can be gone back to`,
          );
          continue;
        }
        if (current) from[name] = current;
        to[name] = wanted;
      }
      if (Object.keys(to).length === 0) return { none: reasons.join('; ') };
      for (const line of reasons) log.info(line);
      return { target, from, to };
    },
    async write(value): Promise<unknown> {
      const wanted = value as Serving;
      const names = platform.components.filter((name) => wanted[name]);
      if (revert) {
        await rollForward(wanted, names);
        return readServing();
      }
      const report = await rollback(
        {
          environment: platform.environment,
          components: names,
          source: {
            kind: 'plan',
            plan: {
              version: 1,
              environment: platform.environment,
              sha: '',
              recordedAt: new Date(systemClock.now()).toISOString(),
              components: wanted,
            },
          },
          reason,
          timeoutMs: settings.timeoutMs,
          // What serves was never verified by us (that is why it is rolled back): there is no GitHub
          // deployment of ours to mark failed, and marking the newest one would mark the verified one.
          githubDeploymentId: null,
        },
        { ...collaborators, clock: systemClock, log },
      );
      if (report.status !== 'rolled-back') throw new Error(`rollback ${report.status}: ${report.message}`);
      return readServing();
    },
    matches(readBack, wanted) {
      const got = readBack as Serving;
      return Object.entries(wanted as Serving).every(([name, target]) =>
        sameDeployment(got[name as ComponentName], target),
      );
    },
    close: () => collaborators.http.close(),
  };
}
