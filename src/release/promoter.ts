import type { Logger } from '../core/host.js';
import { errorText } from './adapter-context.js';
import type { Clock } from './clock.js';
import type { ComponentAdapter } from './component.js';
import type { PromotePlan } from './promote-plan.js';
import type { Verifier, VerifyResult } from './verify.js';

/**
 * promoted: production serves the staged build and (when a health URL is given) answered healthy
 * with its commit. aborted: nothing was changed, because production no longer serves what it
 * served when the build was staged (someone deployed or rolled back meanwhile). failed: the
 * promote or its alias job failed, or production did not verify after it.
 */
export type PromoteStatus = 'promoted' | 'aborted' | 'failed';

export interface PromoteReport {
  status: PromoteStatus;
  message: string;
  sha: string;
  deploymentId: string;
  /** What served production before, as read now. */
  before: string | null;
  /** The alias moved by this run (false: it already served, or nothing was changed). */
  moved: boolean;
  verify?: VerifyResult;
  durationMs: number;
}

export interface PromoteDeps {
  frontend: ComponentAdapter;
  verifier: Verifier;
  clock: Clock;
  log: Logger;
  scope: string;
}

/** Promotes a staged build, waits for Vercel's alias job (moveAlias), then checks production serves it. */
export async function promote(plan: PromotePlan, timeoutMs: number, deps: PromoteDeps): Promise<PromoteReport> {
  const { frontend, clock, log } = deps;
  const started = clock.now();
  const target = plan.frontend;
  const report: PromoteReport = { status: 'failed', message: '', sha: plan.sha, deploymentId: target.deploymentId, before: null, moved: false, durationMs: 0 };
  const finish = (status: PromoteStatus, message: string): PromoteReport => {
    report.status = status;
    report.message = message;
    report.durationMs = clock.now() - started;
    (status === 'promoted' ? log.info : log.error)(`promote: ${message}`);
    return report;
  };
  try {
    const current = await frontend.current();
    report.before = current?.deploymentId ?? null;
    const already = current?.deploymentId === target.deploymentId;
    if (!already) {
      const recorded = target.previous?.deploymentId ?? null;
      if (report.before !== recorded) {
        return finish('aborted', `production serves ${report.before ?? 'nothing'}, not ${recorded ?? 'nothing'} as when ${target.deploymentId} was staged: someone changed production meanwhile; nothing was promoted`);
      }
      await log.group(`Promoting ${target.deploymentId}`, () =>
        frontend.rollbackTo({ provider: 'vercel', deploymentId: target.deploymentId, url: target.url, sha: plan.sha, scope: deps.scope }, '', { deadline: started + timeoutMs }, 'promote'),
      );
      report.moved = true;
    } else log.info(`promote: production already serves ${target.deploymentId}`);
    if (!(await frontend.isServing(target.deploymentId))) {
      return finish('failed', `the alias job ended but production does not serve ${target.deploymentId}`);
    }
    if (deps.verifier.configured('frontend')) {
      report.verify = await log.group('Verifying production', () => deps.verifier.verify('frontend', target.url, plan.sha));
      if (report.verify.verdict === 'unhealthy') return finish('failed', `production serves ${target.deploymentId} but is unhealthy: ${report.verify.detail}`);
      if (report.verify.verdict === 'unreachable') log.warn(`promote: ${report.verify.detail}; not treating that as a failed promote`);
    }
    return finish('promoted', `production serves ${target.deploymentId} (${plan.sha.slice(0, 12)})${report.verify?.verdict === 'healthy' ? ', verified healthy' : ''}`);
  } catch (error) {
    return finish('failed', `promote of ${target.deploymentId} failed: ${errorText(error)}`);
  }
}
