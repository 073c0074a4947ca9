import { createHash } from 'node:crypto';
import { ConfigurationError } from '../core/errors.js';
import {
  COMPONENTS,
  ENVIRONMENTS,
  PROVIDER_OF,
  type ComponentName,
  type Environment,
  type RollbackTarget,
} from './component.js';

/**
 * The deploy action's `rollback-plan` output and the rollback action's input: for each component
 * the deploy touched, the deployment that served before it (null on a first deploy).
 *
 * It crosses jobs as a job output, and GitHub drops a job output that contains any secret of the
 * job ("Skip output 'rollback-plan' since it may contain secret."; docs/workflows.md). Callers
 * pass the Vercel project id and the Railway service id as secrets, so the plan names deployments
 * only (id, url, commit) and carries each project/service id as a one-way fingerprint: the rollback
 * reads the ids from its own inputs and refuses a plan recorded for another project. Written form
 * (version 2):
 *
 * {"version":2,"environment":"production","sha":"<deployed commit>","recordedAt":"<ISO>",
 *  "components":{"frontend":{"provider":"vercel","deploymentId":"dpl_…","url":"https://…","sha":"…","project":"sha256:…"},
 *                "backend":null}}
 *
 * In memory (what the deploy records, what the rollback acts on) each target keeps its `scope`.
 */
export interface RollbackPlan {
  version: 1;
  environment: Environment;
  /** The commit the deploy was deploying. */
  sha: string;
  recordedAt: string;
  components: Partial<Record<ComponentName, RollbackTarget | null>>;
}

/** Where a rollback's targets come from: a deploy's plan, or the deployment that served before the current one. */
export type RollbackSource = { kind: 'plan'; plan: RollbackPlan } | { kind: 'previous' };

/** A component's target as written in the plan: nothing in it is a secret of the caller. */
export interface PlannedDeployment {
  provider: RollbackTarget['provider'];
  deploymentId: string;
  url: string | null;
  sha: string | null;
  /** scopeFingerprint() of the Vercel project id or Railway service id the deployment belongs to. */
  project: string;
}

/** The plan as read from the `rollback-plan` input, before it is bound to the rollback's own ids. */
export interface WrittenPlan {
  version: 2;
  environment: Environment;
  sha: string;
  recordedAt: string;
  components: Partial<Record<ComponentName, PlannedDeployment | null>>;
}

/**
 * A one-way fingerprint of a project or service id: equal ids give equal fingerprints, and the id
 * cannot be read back from it, so the plan never contains the value a caller passed as a secret.
 */
export function scopeFingerprint(scope: string): string {
  return `sha256:${createHash('sha256').update(scope).digest('hex').slice(0, 16)}`;
}

export function serializePlan(plan: RollbackPlan): string {
  const components: WrittenPlan['components'] = {};
  for (const [name, target] of Object.entries(plan.components) as [ComponentName, RollbackTarget | null][]) {
    components[name] = target
      ? {
          provider: target.provider,
          deploymentId: target.deploymentId,
          url: target.url,
          sha: target.sha,
          project: scopeFingerprint(target.scope),
        }
      : null;
  }
  const written: WrittenPlan = {
    version: 2,
    environment: plan.environment,
    sha: plan.sha,
    recordedAt: plan.recordedAt,
    components,
  };
  return JSON.stringify(written);
}

const INPUT = 'rollback-plan';
const EXAMPLE = `{"version":2,"environment":"production","sha":"<sha>","components":{"frontend":{"provider":"vercel","deploymentId":"dpl_123","project":"sha256:…"},"backend":null}}`;

/**
 * Validates a plan read from the `rollback-plan` input (already parsed from JSON/YAML). Version 1
 * plans (which named the ids in clear, and so never reached a rollback job on GitHub) are read too.
 */
export function parsePlan(value: unknown): WrittenPlan {
  const fail = (problem: string): never => {
    throw new ConfigurationError(
      INPUT,
      `${problem}; expected the deploy action's rollback-plan output, such as ${EXAMPLE}`,
    );
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('must be a JSON object');
  const raw = value as Record<string, unknown>;
  if (raw.version !== 1 && raw.version !== 2)
    fail(`has version ${JSON.stringify(raw.version)}, only versions 1 and 2 are understood`);
  if (!ENVIRONMENTS.includes(raw.environment as Environment))
    fail(`has environment ${JSON.stringify(raw.environment)}, expected one of ${ENVIRONMENTS.join(', ')}`);
  if (!raw.components || typeof raw.components !== 'object' || Array.isArray(raw.components))
    fail('has no components object');
  const components: WrittenPlan['components'] = {};
  for (const [name, entry] of Object.entries(raw.components as Record<string, unknown>)) {
    if (!COMPONENTS.includes(name as ComponentName))
      fail(`names an unknown component '${name}' (known: ${COMPONENTS.join(', ')})`);
    const component = name as ComponentName;
    if (entry === null) {
      components[component] = null;
      continue;
    }
    const target = entry as Record<string, unknown>;
    if (!target || typeof target !== 'object') fail(`components.${name} must be an object or null`);
    if (target.provider !== PROVIDER_OF[component])
      fail(`components.${name}.provider must be '${PROVIDER_OF[component]}'`);
    if (typeof target.deploymentId !== 'string' || target.deploymentId === '')
      fail(`components.${name}.deploymentId must be a non-empty string`);
    let project: string;
    if (raw.version === 1) {
      if (typeof target.scope !== 'string' || target.scope === '')
        fail(`components.${name}.scope must be the Vercel project id or Railway service id`);
      project = scopeFingerprint(target.scope as string);
    } else {
      if (typeof target.project !== 'string' || !/^sha256:[0-9a-f]{16}$/.test(target.project))
        fail(`components.${name}.project must be the fingerprint the deploy wrote (sha256:<16 hex digits>)`);
      project = target.project as string;
    }
    components[component] = {
      provider: PROVIDER_OF[component],
      deploymentId: target.deploymentId as string,
      url: typeof target.url === 'string' ? target.url : null,
      sha: typeof target.sha === 'string' ? target.sha : null,
      project,
    };
  }
  if (Object.keys(components).length === 0) fail('lists no component');
  return {
    version: 2,
    environment: raw.environment as Environment,
    sha: typeof raw.sha === 'string' ? raw.sha : '',
    recordedAt: typeof raw.recordedAt === 'string' ? raw.recordedAt : '',
    components,
  };
}

/**
 * The written plan bound to the rollback's own ids (its vercel-project-id / railway-service-id
 * inputs): a plan from another project or service would roll back the wrong thing, so it is refused.
 */
export function bindPlan(plan: WrittenPlan, scopes: Partial<Record<ComponentName, string>>): RollbackPlan {
  const components: RollbackPlan['components'] = {};
  for (const [name, planned] of Object.entries(plan.components) as [ComponentName, PlannedDeployment | null][]) {
    const scope = scopes[name];
    if (planned === null || scope === undefined) {
      if (planned === null) components[name] = null;
      continue;
    }
    if (planned.project !== scopeFingerprint(scope)) {
      const input = name === 'frontend' ? 'vercel-project-id' : 'railway-service-id';
      throw new ConfigurationError(
        INPUT,
        `was recorded for another ${name === 'frontend' ? 'Vercel project' : 'Railway service'} than ${input} (fingerprint ${planned.project}, ${input} has ${scopeFingerprint(scope)})`,
      );
    }
    components[name] = {
      provider: planned.provider,
      deploymentId: planned.deploymentId,
      url: planned.url,
      sha: planned.sha,
      scope,
    };
  }
  return { version: 1, environment: plan.environment, sha: plan.sha, recordedAt: plan.recordedAt, components };
}
