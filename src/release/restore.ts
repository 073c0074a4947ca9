import { errorText } from '../core/errors.js';
import type { Logger } from '../core/host.js';
import type { Clock } from './clock.js';
import type { Patience } from './poll.js';
import type { ComponentAdapter, ComponentName, RestoreMode, RollbackTarget } from './component.js';
import type { Verifier, VerifyResult } from './verify.js';

/**
 * restored: the target serves again (and answered healthy, when a health URL was given);
 * not-needed: production never left the target; nothing-to-roll-back: there was nothing before
 * (first deploy); needs-a-human: the rollback failed or the restored build is unhealthy;
 * cancelled: the job was cancelled before the target was confirmed serving.
 */
export type RestoreOutcome = 'restored' | 'not-needed' | 'nothing-to-roll-back' | 'needs-a-human' | 'cancelled';

export interface RestoreResult {
  component: ComponentName;
  outcome: RestoreOutcome;
  target: RollbackTarget | null;
  /** The deployment serving after the restore (Railway may create a new one). */
  deploymentId: string | null;
  url: string | null;
  detail: string;
  verify?: VerifyResult;
  /** Production is now held by a Vercel instant rollback. */
  pinned: boolean;
}

export interface RestoreDeps {
  clock: Clock;
  log: Logger;
  verifier: Verifier;
  timeoutMs: number;
  patience: Patience;
  /** A cancelled job: stop waiting; what was requested stays requested. */
  signal?: AbortSignal;
}

/** Puts `target` back in service for one component, then re-verifies it. Never throws. */
export async function restoreComponent(
  adapter: ComponentAdapter,
  target: RollbackTarget | null,
  reason: string,
  mode: RestoreMode,
  deps: RestoreDeps,
): Promise<RestoreResult> {
  const { component } = adapter;
  const base = { component, target, pinned: false };
  if (!target) {
    const detail = 'nothing served before this deploy (first deploy): there is nothing to go back to';
    deps.log.info(`${component}: ${detail}`);
    return { ...base, outcome: 'nothing-to-roll-back', deploymentId: null, url: null, detail };
  }
  const deadline = deps.clock.now() + deps.timeoutMs;
  if (deps.signal?.aborted) {
    return {
      ...base,
      outcome: 'cancelled',
      deploymentId: null,
      url: null,
      detail: `the job was cancelled before going back to ${target.deploymentId}`,
    };
  }
  let served;
  try {
    if (
      mode === 'promote' &&
      (await deps.patience(`${component}: reading what serves`, () => adapter.isServing(target.deploymentId)))
    ) {
      const detail = `production still serves ${target.deploymentId}: nothing changed, nothing to undo`;
      deps.log.info(`${component}: ${detail}`);
      return { ...base, outcome: 'not-needed', deploymentId: target.deploymentId, url: target.url, detail };
    }
    deps.log.info(
      `${component}: going back to ${target.deploymentId}${target.sha ? ` (commit ${target.sha.slice(0, 12)})` : ''}`,
    );
    served = await adapter.rollbackTo(target, reason, { deadline, signal: deps.signal }, mode);
  } catch (error) {
    if (deps.signal?.aborted) {
      const detail = `the job was cancelled while going back to ${target.deploymentId} (${errorText(error)}); check what serves`;
      deps.log.warn(`${component}: ${detail}`);
      return { ...base, outcome: 'cancelled', deploymentId: null, url: null, detail };
    }
    const detail = `rollback to ${target.deploymentId} failed: ${errorText(error)}`;
    deps.log.error(`${component}: ${detail}`);
    return { ...base, outcome: 'needs-a-human', deploymentId: null, url: null, detail };
  }
  const pinned = adapter.provider === 'vercel' && mode === 'pin';
  if (served.phase !== 'succeeded') {
    const detail = `rollback deployment ${served.id} ended ${served.state}${served.error ? `: ${served.error}` : ''}`;
    deps.log.error(`${component}: ${detail}`);
    return { ...base, pinned, outcome: 'needs-a-human', deploymentId: served.id, url: served.url, detail };
  }
  const url = served.url ?? target.url;
  if (deps.signal?.aborted) {
    return {
      ...base,
      pinned,
      outcome: 'restored',
      deploymentId: served.id,
      url,
      detail: `${served.id} serves again (not verified: the job was cancelled)`,
    };
  }
  const verify = await deps.verifier.verify(component, url, target.sha).catch((error: unknown): VerifyResult => ({
    verdict: 'unhealthy',
    detail: `verification crashed: ${errorText(error)}`,
  }));
  const serving = `${served.id} serves again`;
  // Every verdict reports the same served deployment and verification; only the outcome and the words differ.
  const verified = (outcome: RestoreOutcome, detail: string): RestoreResult => ({
    ...base,
    pinned,
    outcome,
    deploymentId: served.id,
    url,
    verify,
    detail,
  });
  switch (verify.verdict) {
    case 'healthy':
      return verified('restored', `${serving} and answers healthy`);
    case 'skipped':
      return verified('restored', `${serving} (platform state; ${verify.detail})`);
    case 'unreachable':
      deps.log.warn(`${component}: ${verify.detail}; the platform says it serves, so this is not counted against it`);
      return verified('restored', `${serving}; health not confirmed: ${verify.detail}`);
    case 'unhealthy':
      deps.log.error(`${component}: ${verify.detail}`);
      return verified('needs-a-human', `${serving} but is unhealthy: ${verify.detail}`);
  }
}
