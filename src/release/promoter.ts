import { errorText } from '../core/errors.js';
import type { Logger } from '../core/host.js';
import type { VercelRollingRelease } from '../providers/vercel.js';
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
  /**
   * The production domain (as a URL) the project lists for the promoted build, read after the alias
   * job: what a pipeline verifies production through. Null when Vercel names none or it could not be read.
   */
  productionUrl: string | null;
  verify?: VerifyResult;
  /** rolling: each stage's share and what production answered during it. */
  stages?: { percentage: number | null; requests: number; errors: number }[];
  durationMs: number;
}

/** Vercel rolling releases, for `rolling: true`. */
export interface RollingApi {
  start(canaryDeploymentId: string): Promise<VercelRollingRelease | null>;
  approve(canaryDeploymentId: string, nextStageIndex: number): Promise<VercelRollingRelease | null>;
  /** Ends an active release by an instant rollback to what served before (the SDK has no abort call). */
  abort(currentDeploymentId: string): Promise<void>;
  /** Requests to production during a stage: how many, how many failed. */
  probe(): Promise<{ requests: number; errors: number }>;
}

export interface PromoteDeps {
  frontend: ComponentAdapter;
  verifier: Verifier;
  clock: Clock;
  log: Logger;
  scope: string;
  rolling?: RollingApi;
}

/** Promotes a staged build, waits for Vercel's alias job (moveAlias), then checks production serves it. */
export async function promote(plan: PromotePlan, timeoutMs: number, deps: PromoteDeps): Promise<PromoteReport> {
  const { frontend, clock, log } = deps;
  const started = clock.now();
  const target = plan.frontend;
  const report: PromoteReport = {
    status: 'failed',
    message: '',
    sha: plan.sha,
    deploymentId: target.deploymentId,
    before: null,
    moved: false,
    productionUrl: null,
    durationMs: 0,
  };
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
        return finish(
          'aborted',
          `production serves ${report.before ?? 'nothing'}, not ${recorded ?? 'nothing'} as when ${target.deploymentId} was staged: someone changed production meanwhile; nothing was promoted`,
        );
      }
      if (deps.rolling) {
        const outcome = await log.group(`Rolling release of ${target.deploymentId}`, () =>
          rollingRelease(target.deploymentId, deps.rolling!, report, log),
        );
        if (outcome) return finish(outcome.status, outcome.message);
      } else {
        await log.group(`Promoting ${target.deploymentId}`, () =>
          frontend.rollbackTo(
            {
              provider: 'vercel',
              deploymentId: target.deploymentId,
              url: target.url,
              sha: plan.sha,
              scope: deps.scope,
            },
            '',
            { deadline: started + timeoutMs },
            'promote',
          ),
        );
      }
      report.moved = true;
    } else log.info(`promote: production already serves ${target.deploymentId}`);
    if (!(await frontend.isServing(target.deploymentId))) {
      return finish('failed', `the alias job ended but production does not serve ${target.deploymentId}`);
    }
    report.productionUrl = await productionUrlOf(frontend, target.deploymentId, log);
    if (deps.verifier.configured('frontend')) {
      report.verify = await log.group('Verifying production', () =>
        deps.verifier.verify('frontend', target.url, plan.sha),
      );
      if (report.verify.verdict === 'unhealthy')
        return finish('failed', `production serves ${target.deploymentId} but is unhealthy: ${report.verify.detail}`);
      if (report.verify.verdict === 'unreachable')
        log.warn(`promote: ${report.verify.detail}; not treating that as a failed promote`);
    }
    return finish(
      'promoted',
      `production serves ${target.deploymentId} (${plan.sha.slice(0, 12)})${report.verify?.verdict === 'healthy' ? ', verified healthy' : ''}`,
    );
  } catch (error) {
    return finish('failed', `promote of ${target.deploymentId} failed: ${errorText(error)}`);
  }
}

/** Production's domain; a failed read only leaves it unknown (the promote itself is done by then). */
async function productionUrlOf(frontend: ComponentAdapter, deploymentId: string, log: Logger): Promise<string | null> {
  if (!frontend.productionUrl) return null;
  try {
    const url = await frontend.productionUrl(deploymentId);
    if (!url)
      log.warn(`promote: Vercel names no production domain for ${deploymentId} (targets.production.alias is empty)`);
    return url;
  } catch (error) {
    log.warn(`promote: could not read production's domain: ${errorText(error)}`);
    return null;
  }
}

/**
 * Starts a rolling release with the canary and advances each stage only while production answers
 * without errors (every probe request, canary share included); the first failing stage aborts it.
 * Returns an outcome to stop with, or undefined once the release is COMPLETE.
 */
async function rollingRelease(
  canary: string,
  api: RollingApi,
  report: PromoteReport,
  log: Logger,
): Promise<{ status: PromoteStatus; message: string } | undefined> {
  let release = await api.start(canary);
  report.stages = [];
  for (let guard = 0; release?.state === 'ACTIVE' && guard < 100; guard++) {
    const seen = await api.probe();
    report.stages.push({ percentage: release.percentage, ...seen });
    log.info(
      `promote: stage ${(release.stageIndex ?? 0) + 1} of ${release.stages} at ${release.percentage}%: ${seen.errors} of ${seen.requests} production requests failed`,
    );
    if (seen.errors > 0) {
      await api.abort(release.currentDeploymentId ?? report.before ?? '');
      return {
        status: 'aborted',
        message: `rolling release of ${canary} aborted at ${release.percentage}%: ${seen.errors} of ${seen.requests} production requests failed; production is back on ${release.currentDeploymentId ?? 'what served before'}`,
      };
    }
    release = await api.approve(canary, (release.stageIndex ?? 0) + 1);
  }
  if (release?.state !== 'COMPLETE')
    return { status: 'failed', message: `rolling release of ${canary} ended ${release?.state ?? 'without a release'}` };
  return undefined;
}
