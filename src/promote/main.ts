import type { ActionDefinition, ActionHost } from '../core/host.js';
import { runOnRunner } from '../core/runner-host.js';
import { systemClock } from '../release/clock.js';
import { buildCollaborators, type Overrides } from '../release/collaborators.js';
import { promote } from '../release/promoter.js';
import { getInputs } from './inputs.js';
import { renderPromoteSummary } from './summary.js';

/** The promote action; `overrides` let tests run it in-process on virtual time. */
export function createDefinition(overrides: Overrides = { clock: systemClock }): ActionDefinition {
  return {
    name: 'promote',
    async run(host: ActionHost) {
      host.setOutput('status', 'failed');
      const settings = getInputs(host.inputs, host.env);
      const collaborators = buildCollaborators(settings.platform, host.log, host.env, overrides);
      try {
        const report = await promote(settings.plan, settings.timeoutMs, {
          frontend: collaborators.adapters.frontend!,
          verifier: collaborators.verifier,
          clock: overrides.clock,
          log: host.log,
          scope: settings.platform.vercel!.projectId,
        });
        const frontendUrl = report.verify?.url ? new URL(report.verify.url).origin : (settings.plan.frontend.url ?? '');
        host.setOutput('status', report.status);
        host.setOutput('frontend-url', report.status === 'promoted' ? frontendUrl : '');
        host.setOutput('report', JSON.stringify(report));
        await host.writeSummary(renderPromoteSummary(report, frontendUrl));
        if (report.status !== 'promoted') host.fail(`promote: ${report.status}: ${report.message}`);
        return {
          state: report.status === 'promoted' ? 'success' : 'failure',
          title: `Promote of ${report.sha.slice(0, 7)} to production: ${report.status}`,
          details: [report.message],
          key: 'production',
        };
      } finally {
        await collaborators.http.close();
      }
    },
  };
}

export const definition: ActionDefinition = createDefinition();

/** The action on the runner: the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
