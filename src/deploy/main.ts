import { cancellable } from '../core/cancellation.js';
import { errorText } from '../core/errors.js';
import type { ActionDefinition, ActionHost } from '../core/host.js';
import type { RunOutcome } from '../core/outcome.js';
import { systemClock } from '../release/clock.js';
import type { Overrides } from '../release/collaborators.js';
import { serializePlan } from '../release/plan.js';
import { promotePlan } from '../release/promote-plan.js';
import { RailwayComponent } from '../release/railway-component.js';
import { deploy, type DeployReport } from '../release/deployer.js';
import { releaseAction } from '../release/release-action.js';
import { getInputs, type DeployInputs } from './inputs.js';
import { renderDeploySummary } from './summary.js';
import { runOnRunner } from '../runtime/runner-host.js';

type DeployOutput =
  | 'status'
  | 'frontend-url'
  | 'backend-url'
  | 'frontend-deployment-id'
  | 'backend-deployment-id'
  | 'github-deployment-id'
  | 'rollback-plan'
  | 'report';

export function deployOutputs(report: DeployReport): Record<DeployOutput, string> {
  const of = (name: 'frontend' | 'backend') => report.components.find((component) => component.component === name);
  // After a rollback, the deployment that serves is the restored one; the failed one is in the report.
  const serving = (name: 'frontend' | 'backend') => {
    const component = of(name);
    if (!component) return { id: '', url: '' };
    if (component.restore?.deploymentId)
      return { id: component.restore.deploymentId, url: component.restore.url ?? '' };
    return { id: component.deployment?.id ?? '', url: component.deployment?.url ?? '' };
  };
  return {
    status: report.status,
    'frontend-url': serving('frontend').url,
    'backend-url': serving('backend').url,
    'frontend-deployment-id': serving('frontend').id,
    'backend-deployment-id': serving('backend').id,
    'github-deployment-id': report.githubDeploymentId === null ? '' : String(report.githubDeploymentId),
    'rollback-plan': report.plan ? serializePlan(report.plan) : '',
    report: JSON.stringify(report),
  };
}

function deployOutcome(report: DeployReport): RunOutcome {
  const ok = report.status === 'deployed' || report.status === 'dry-run';
  const outputs = deployOutputs(report);
  return {
    state: ok ? 'success' : report.status === 'rolled-back' || report.status === 'cancelled' ? 'warning' : 'failure',
    title: `Deploy of ${report.sha.slice(0, 7)} to ${report.environment}: ${report.status}`,
    details: [report.message, ...report.components.map((c) => `${c.label}: ${c.result}`)],
    links: [
      ...(outputs['frontend-url'] ? [{ text: 'Frontend', url: outputs['frontend-url'] }] : []),
      ...(outputs['backend-url'] ? [{ text: 'Backend', url: outputs['backend-url'] }] : []),
    ],
    key: report.environment,
  };
}

/** The deploy action; `overrides` let tests run it in-process on virtual time. */
export function createDefinition(overrides: Overrides = { clock: systemClock }): ActionDefinition {
  return releaseAction(
    {
      name: 'deploy',
      getInputs,
      strategy: (settings) => (isStaged(settings) ? 'staged' : 'direct'),
      async run(host, settings, collaborators) {
        await warnWithoutHealthcheck(collaborators.adapters.backend, host);
        const report = await cancellable(
          (signal) =>
            host.log.warn(
              `Received ${signal}: the job is being cancelled; canceling builds on their way, changing nothing else`,
            ),
          (signal) =>
            deploy(settings.deploy, {
              ...collaborators,
              clock: overrides.clock,
              log: host.log,
              signal,
              onPlan: (plan) => host.setOutput('rollback-plan', serializePlan(plan)),
            }),
        );
        for (const [name, value] of Object.entries(deployOutputs(report))) host.setOutput(name, value);
        if (isStaged(settings))
          for (const [name, value] of Object.entries(stagedOutputs(report, settings.platform.vercel?.projectId)))
            host.setOutput(name, value);
        await host.writeSummary(renderDeploySummary(report));
        if (report.status !== 'deployed' && report.status !== 'dry-run') host.fail(`deploy: ${report.message}`);
        return deployOutcome(report);
      },
    },
    overrides,
  );
}

/** strategy: staged applies to production only; other environments deploy directly. */
function isStaged(settings: DeployInputs): boolean {
  return settings.strategy === 'staged' && settings.deploy.environment === 'production';
}

/**
 * strategy: staged. candidate-url: the staged frontend build on its own URL (for health checks and
 * the canary); promote-plan: what the promote action needs, nothing secret. Both empty when the
 * frontend was not deployed, or already served the commit (nothing to promote).
 */
export function stagedOutputs(
  report: DeployReport,
  projectId: string | undefined,
): { 'candidate-url': string; 'promote-plan': string } {
  const frontend = report.components.find((component) => component.component === 'frontend');
  if (!frontend?.deployment || !projectId || frontend.result !== 'deployed' || report.status !== 'deployed')
    return { 'candidate-url': '', 'promote-plan': '' };
  const before = frontend.before;
  const plan = promotePlan({
    sha: report.sha,
    projectId,
    deploymentId: frontend.deployment.id,
    url: frontend.deployment.url,
    previous: before ? { deploymentId: before.deploymentId, url: before.url, sha: before.sha } : null,
  });
  return { 'candidate-url': frontend.deployment.url ?? '', 'promote-plan': JSON.stringify(plan) };
}

/** Railway switches traffic once the healthcheck path answers; without one, as soon as the container starts. */
async function warnWithoutHealthcheck(backend: unknown, host: ActionHost): Promise<void> {
  if (!(backend instanceof RailwayComponent)) return;
  try {
    const path = await backend.healthcheckPath();
    if (path === null) {
      host.log.warn(
        'deploy: the Railway service has no healthcheck path: Railway will switch traffic to the new deployment as soon as it starts, without checking it. Set one (service settings, or healthcheckPath in railway.json) such as /health',
      );
    } else host.log.debug(`Railway healthcheck path: ${path}`);
  } catch (error) {
    host.log.debug(`could not read the Railway healthcheck path: ${errorText(error)}`);
  }
}

export const definition: ActionDefinition = createDefinition();

/** The action on the runner (and under `@github/local-action`): the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
