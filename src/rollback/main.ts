import { cancellable } from '../core/cancellation.js';
import type { ActionDefinition } from '../core/host.js';
import type { RunOutcome } from '../core/outcome.js';
import { systemClock } from '../release/clock.js';
import type { Overrides } from '../release/collaborators.js';
import { releaseAction } from '../release/release-action.js';
import { getInputs } from './inputs.js';
import { rollback, type RollbackReport } from '../release/rollbacker.js';
import { renderRollbackSummary } from './summary.js';
import { runOnRunner } from '../runtime/runner-host.js';

export function rollbackOutputs(report: RollbackReport): Record<string, string> {
  const of = (name: 'frontend' | 'backend') => report.components.find((component) => component.component === name);
  return {
    status: report.status,
    'frontend-deployment-id': of('frontend')?.deploymentId ?? '',
    'backend-deployment-id': of('backend')?.deploymentId ?? '',
    'frontend-url': of('frontend')?.url ?? '',
    'backend-url': of('backend')?.url ?? '',
    pinned: String(report.components.some((component) => component.pinned)),
    'github-deployment-id': report.githubDeploymentId === null ? '' : String(report.githubDeploymentId),
    report: JSON.stringify(report),
  };
}

/** The rollback action; `overrides` let tests run it in-process on virtual time. */
export function createDefinition(overrides: Overrides = { clock: systemClock }): ActionDefinition {
  return releaseAction(
    {
      name: 'rollback',
      getInputs,
      async run(host, settings, collaborators) {
        const report = await cancellable(
          (signal) =>
            host.log.warn(`Received ${signal}: the job is being cancelled; rollbacks already requested stay requested`),
          (signal) =>
            rollback(
              {
                environment: settings.platform.environment,
                components: settings.platform.components,
                source: settings.source,
                reason: settings.reason,
                timeoutMs: settings.timeoutMs,
                githubDeploymentId: settings.githubDeploymentId,
              },
              { ...collaborators, clock: overrides.clock, log: host.log, signal },
            ),
        );
        for (const [name, value] of Object.entries(rollbackOutputs(report))) host.setOutput(name, value);
        await host.writeSummary(renderRollbackSummary(report));
        if (report.status === 'failed' || report.status === 'cancelled') host.fail(`rollback: ${report.message}`);
        return rollbackOutcome(report);
      },
    },
    overrides,
  );
}

/** A rollback is news even when it worked: production had to be restored. */
function rollbackOutcome(report: RollbackReport): RunOutcome {
  return {
    state: report.status === 'failed' || report.status === 'cancelled' ? 'failure' : 'warning',
    title: `Rollback of ${report.environment}: ${report.status}`,
    details: [report.message, `Reason: ${report.reason || 'not given'}`, ...(report.unpin ? [report.unpin] : [])],
    key: report.environment,
  };
}

export const definition: ActionDefinition = createDefinition();

/** The action on the runner (and under `@github/local-action`): the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
