import { ConfigurationError } from '../core/errors.js';
import type { GitHubRun } from '../core/github-context.js';
import type { InputReader } from '../core/inputs.js';
import { COMPONENTS, type ComponentName } from '../release/component.js';
import { readComponents, readPlatform, type PlatformSettings } from '../release/inputs.js';
import { bindPlan, parsePlan, type RollbackPlan, type RollbackSource, type WrittenPlan } from '../release/plan.js';

/** Deployment ids named by hand (the emergency rollback workflow): a plan without a deploy behind it. */
const NAMED = { frontend: 'frontend-deployment', backend: 'backend-deployment' } as const;

export interface RollbackInputs {
  platform: PlatformSettings;
  source: RollbackSource;
  reason: string;
  timeoutMs: number;
  /** The GitHub deployment to mark failed; found by listing when absent. */
  githubDeploymentId?: number;
}

/** Reads and validates every input before any request is made; `run` is the workflow run (core/github-context). */
export function getInputs(inputs: InputReader, run: GitHubRun): RollbackInputs {
  const planValue = inputs.structured('rollback-plan');
  const to = inputs.oneOf('to', ['', 'previous'] as const);
  const named = COMPONENTS.filter((name) => inputs.text(NAMED[name]) !== '');
  if (named.length > 0) {
    if (planValue !== undefined || to !== '') {
      throw new ConfigurationError(
        NAMED[named[0]],
        'names a deployment, so rollback-plan and to must be empty (one way to choose the targets)',
      );
    }
    return namedTargets(inputs, run, named);
  }
  let written: WrittenPlan | undefined;
  if (planValue !== undefined) {
    if (to !== '')
      throw new ConfigurationError(
        'to',
        `must be empty when rollback-plan is given (the plan names the targets), got '${to}'`,
      );
    written = parsePlan(planValue);
  } else if (to !== 'previous') {
    // An empty plan usually means the deploy step stopped before recording one (or GitHub dropped
    // the job output because it held a secret); going back to "previous" then would roll back a
    // production that was never touched.
    throw new ConfigurationError(
      'rollback-plan',
      "is required: pass the deploy action's rollback-plan output, or set to: previous to go back to the last deployment that served before the current one",
    );
  }
  const fallback: readonly ComponentName[] = written
    ? COMPONENTS.filter((name) => name in written.components)
    : COMPONENTS;
  let components = readComponents(inputs, fallback, 'roll back');
  if (written) {
    const plan = written;
    const missing = components.filter((name) => !(name in plan.components));
    if (missing.length > 0 && inputs.list('components').length > 0) {
      throw new ConfigurationError(
        'components',
        `lists ${missing.join(', ')}, which the rollback-plan does not cover (it has ${Object.keys(plan.components).join(', ')})`,
      );
    }
    components = components.filter((name) => name in plan.components);
  }
  const platform = readPlatform(inputs, run, components);
  const source: RollbackSource = written ? { kind: 'plan', plan: planFor(written, platform) } : { kind: 'previous' };
  return common(inputs, platform, source);
}

function common(inputs: InputReader, platform: PlatformSettings, source: RollbackSource): RollbackInputs {
  const idText = inputs.text('github-deployment-id');
  return {
    platform,
    source,
    reason: inputs.text('reason') || 'rollback requested',
    timeoutMs: inputs.duration('timeout', { min: 1 }),
    githubDeploymentId: idText === '' ? undefined : inputs.integer('github-deployment-id', { min: 1 }),
  };
}

/** frontend-deployment / backend-deployment: roll those components back to exactly these deployments. */
function namedTargets(inputs: InputReader, run: GitHubRun, named: ComponentName[]): RollbackInputs {
  const platform = readPlatform(inputs, run, named);
  const components: RollbackPlan['components'] = {};
  for (const name of named) {
    const deploymentId = inputs.text(NAMED[name]);
    if (!/^[\w-]+$/.test(deploymentId))
      throw new ConfigurationError(
        NAMED[name],
        `must be a deployment id such as ${name === 'frontend' ? 'dpl_8xKq2…' : 'a Railway deployment UUID'}, got '${deploymentId}'`,
      );
    const scope = name === 'frontend' ? platform.vercel!.projectId : platform.railway!.serviceId;
    components[name] = {
      provider: name === 'frontend' ? 'vercel' : 'railway',
      deploymentId,
      url: null,
      sha: null,
      scope,
    };
  }
  const plan: RollbackPlan = {
    version: 1,
    environment: platform.environment,
    sha: '',
    recordedAt: new Date().toISOString(),
    components,
  };
  return common(inputs, platform, { kind: 'plan', plan });
}

/**
 * A plan from another environment or project would roll back the wrong thing: refuse it up front.
 * The plan names no project or service id (they are secrets of the caller, and GitHub drops a job
 * output holding one); they come from this action's own inputs and must match the plan's fingerprints.
 */
function planFor(plan: WrittenPlan, platform: PlatformSettings): RollbackPlan {
  if (plan.environment !== platform.environment) {
    throw new ConfigurationError(
      'rollback-plan',
      `was recorded for environment '${plan.environment}', but environment is '${platform.environment}'`,
    );
  }
  return bindPlan(plan, { frontend: platform.vercel?.projectId, backend: platform.railway?.serviceId });
}
