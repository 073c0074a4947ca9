import type { ActionDefinition } from '../core/host.js';
import { runOnRunner } from '../runtime/runner-host.js';
import { systemClock } from '../release/clock.js';
import type { Overrides } from '../release/collaborators.js';
import type { HttpClient } from '../core/http.js';
import { VercelClient } from '../providers/vercel.js';
import type { PlatformSettings } from '../release/inputs.js';
import { promote, type RollingApi } from '../release/promoter.js';
import { releaseAction } from '../release/release-action.js';
import { getInputs } from './inputs.js';
import { renderPromoteSummary } from './summary.js';

/** The promote action; `overrides` let tests run it in-process on virtual time. */
export function createDefinition(overrides: Overrides = { clock: systemClock }): ActionDefinition {
  return releaseAction(
    {
      name: 'promote',
      getInputs,
      async run(host, settings, collaborators) {
        const report = await promote(settings.plan, settings.timeoutMs, {
          frontend: collaborators.adapters.frontend!,
          verifier: collaborators.verifier,
          clock: overrides.clock,
          log: host.log,
          scope: settings.platform.vercel!.projectId,
          rolling: settings.rolling ? rollingApi(settings.platform, collaborators.http) : undefined,
        });
        const frontendUrl = report.verify?.url ? new URL(report.verify.url).origin : (settings.plan.frontend.url ?? '');
        host.setOutput('status', report.status);
        host.setOutput('frontend-url', report.status === 'promoted' ? frontendUrl : '');
        host.setOutput('production-url', report.status === 'promoted' ? (report.productionUrl ?? '') : '');
        host.setOutput('report', JSON.stringify(report));
        await host.writeSummary(renderPromoteSummary(report, frontendUrl));
        if (report.status !== 'promoted') host.fail(`promote: ${report.status}: ${report.message}`);
        return {
          state: report.status === 'promoted' ? 'success' : 'failure',
          title: `Promote of ${report.sha.slice(0, 7)} to production: ${report.status}`,
          details: [report.message],
          key: 'production',
        };
      },
    },
    overrides,
  );
}

/** Requests to production per rolling stage: enough to meet a 10 % canary share twice. */
const STAGE_REQUESTS = 20;

function rollingApi(platform: PlatformSettings, http: HttpClient): RollingApi {
  const vercel = platform.vercel!;
  const client = new VercelClient({ http, baseUrl: vercel.apiUrl, token: vercel.token, teamId: vercel.teamId });
  const url = platform.verify.healthUrls.frontend!;
  return {
    start: (canary) => client.rollingRelease(vercel.projectId, 'start', { canaryDeploymentId: canary }),
    approve: (canary, next) =>
      client.rollingRelease(vercel.projectId, 'approve-stage', { canaryDeploymentId: canary, nextStageIndex: next }),
    abort: async (current) => {
      await client.rollback(vercel.projectId, current, 'threadr-ops promote: rolling release aborted');
    },
    async probe() {
      let errors = 0;
      for (let i = 0; i < STAGE_REQUESTS; i++) {
        try {
          const response = await http.request({
            url,
            headers: platform.verify.headers,
            retry: false,
            timeoutMs: platform.verify.requestTimeoutMs,
          });
          if (response.status >= 500) errors++;
        } catch {
          errors++;
        }
      }
      return { requests: STAGE_REQUESTS, errors };
    },
  };
}

export const definition: ActionDefinition = createDefinition();

/** The action on the runner: the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
