import { formatDuration } from '../core/duration.js';
import type { ComponentName, Environment, Pin } from './component.js';
import type { ComponentReport, DeployStatus, Order } from './deployer.js';

/**
 * What a deploy run found, at the point where it ended: the input of its verdict. A run ends early
 * (what serves could not be read, production is pinned, a dry run, the job was cancelled before
 * anything changed) or after its components ran (and, when one failed, after the rollback).
 */
export type DeployFacts =
  | { stage: 'plan-unreadable'; error: string }
  | { stage: 'pinned'; label: string; pin: Pin }
  | { stage: 'cancelled-before-change' }
  | { stage: 'dry-run'; sha: string; environment: Environment; order: Order }
  | {
      stage: 'ran';
      sha: string;
      environment: Environment;
      /** The components asked for, in deploy order. */
      components: readonly ComponentName[];
      /** What happened to each component: its result, error, verification and restore (after a failure). */
      reports: readonly ComponentReport[];
      /** The job was cancelled while the components were on their way (nothing was rolled back). */
      cancelled: boolean;
      durationMs: number;
    };

export interface DeployVerdict {
  status: DeployStatus;
  message: string;
}

/** The run's status and the one message that explains it (the action's failure line, the summary). */
export function deployVerdict(facts: DeployFacts): DeployVerdict {
  switch (facts.stage) {
    case 'plan-unreadable':
      return { status: 'failed', message: `could not read what serves now, so nothing was changed: ${facts.error}` };
    case 'pinned':
      return {
        status: 'refused',
        message: `${facts.label}: ${pinDescription(facts.pin)}. Nothing was deployed. Promote a deployment to lift the pin (vercel promote <deployment>), or set allow-pinned: true to deploy and promote over it.`,
      };
    case 'cancelled-before-change':
      return { status: 'cancelled', message: 'the job was cancelled before anything changed' };
    case 'dry-run':
      return {
        status: 'dry-run',
        message: `dry run: would deploy ${facts.sha.slice(0, 12)} to ${facts.environment} (${facts.order}); nothing was changed`,
      };
    case 'ran':
      return ranVerdict(facts);
  }
}

function ranVerdict(facts: Extract<DeployFacts, { stage: 'ran' }>): DeployVerdict {
  const { reports } = facts;
  const sha = facts.sha.slice(0, 12);
  // A cancelled job has seconds left before the runner kills it, so nothing was rolled back: say what serves.
  if (facts.cancelled)
    return {
      status: 'cancelled',
      message: `the job was cancelled: ${reports.map((r) => `${r.component} ${cancelledState(r, facts.sha)}`).join('; ')}`,
    };
  const failed = failedComponents(reports);
  if (failed.length === 0) {
    const unchanged = reports.every((report) => report.result === 'already-serving');
    return {
      status: 'deployed',
      message: unchanged
        ? `${sha} already serves ${facts.environment}: nothing to do`
        : `deployed ${sha} to ${facts.environment} (${facts.components.join(', ')}) in ${formatDuration(facts.durationMs)}`,
    };
  }
  const cause = failureCause(failed);
  const restores = reports.flatMap((report) => (report.restore ? [report.restore] : []));
  const needsHuman = restores.filter((restore) => restore.outcome === 'needs-a-human');
  const outcomes = restores.map((r) => `${r.component} ${r.outcome}`).join(', ');
  let verdict: DeployVerdict;
  if (needsHuman.length > 0) {
    verdict = {
      status: 'failed',
      message: `${cause}. Rolling back did not fully work, ${needsHuman.map((r) => `${r.component} needs a human: ${r.detail}`).join('; ')}`,
    };
  } else if (restores.some((restore) => restore.outcome === 'restored')) {
    verdict = { status: 'rolled-back', message: `${cause}. Rolled back: ${outcomes}` };
  } else {
    verdict = {
      status: 'failed',
      message: `${cause}. Production was not changed${restores.length ? ` (${outcomes})` : ''}`,
    };
  }
  // A first deploy has nothing to go back to: a component that did deploy stays on the new build.
  const firstDeployLeft = reports.filter(
    (report) => report.restore?.outcome === 'nothing-to-roll-back' && !failed.includes(report),
  );
  if (firstDeployLeft.length > 0)
    verdict.message += `. ${firstDeployLeft.map((r) => r.component).join(', ')} had nothing to roll back to and stays on the new build`;
  return verdict;
}

/** What an instant-rollback pin holds production to, for the refusal and the allow-pinned warning. */
export function pinDescription(pin: Pin): string {
  return `production is pinned to ${pin.deploymentId ?? 'an earlier deployment'} by an instant rollback${pin.description ? ` (${pin.description})` : ''}`;
}

/** The components whose deploy failed or timed out: the reason to roll back. */
export function failedComponents(reports: readonly ComponentReport[]): ComponentReport[] {
  return reports.filter((report) => report.result === 'failed' || report.result === 'timed-out');
}

/** Why the deploy failed, one clause per failed component (the rollback's reason starts with it). */
export function failureCause(failed: readonly ComponentReport[]): string {
  return failed
    .map(
      (report) =>
        `${report.component} ${report.result === 'timed-out' ? 'timed out' : 'failed'}: ${report.error ?? 'unknown error'}`,
    )
    .join('; ');
}

export function succeeded(report: ComponentReport): boolean {
  return report.result === 'deployed' || report.result === 'already-serving';
}

/** What a component serves after the job was cancelled. */
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
