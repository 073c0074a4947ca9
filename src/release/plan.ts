import { ConfigurationError } from '../core/errors.js';
import { COMPONENTS, ENVIRONMENTS, PROVIDER_OF, type ComponentName, type Environment, type RollbackTarget } from './component.js';

/**
 * The deploy action's `rollback-plan` output and the rollback action's input: for each component
 * the deploy touched, the deployment that served before it (null on a first deploy).
 *
 * {"version":1,"environment":"production","sha":"<deployed commit>","recordedAt":"<ISO>",
 *  "components":{"frontend":{"provider":"vercel","deploymentId":"dpl_…","url":"https://…","sha":"…","scope":"prj_…"},
 *                "backend":null}}
 */
export interface RollbackPlan {
  version: 1;
  environment: Environment;
  /** The commit the deploy was deploying. */
  sha: string;
  recordedAt: string;
  components: Partial<Record<ComponentName, RollbackTarget | null>>;
}

export function serializePlan(plan: RollbackPlan): string {
  return JSON.stringify(plan);
}

const INPUT = 'rollback-plan';
const EXAMPLE = `{"version":1,"environment":"production","sha":"<sha>","components":{"frontend":{"provider":"vercel","deploymentId":"dpl_123","scope":"prj_123"},"backend":null}}`;

/** Validates a plan read from the `rollback-plan` input (already parsed from JSON/YAML). */
export function parsePlan(value: unknown): RollbackPlan {
  const fail = (problem: string): never => {
    throw new ConfigurationError(INPUT, `${problem}; expected the deploy action's rollback-plan output, such as ${EXAMPLE}`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('must be a JSON object');
  const raw = value as Record<string, unknown>;
  if (raw.version !== 1) fail(`has version ${JSON.stringify(raw.version)}, only version 1 is understood`);
  if (!ENVIRONMENTS.includes(raw.environment as Environment)) fail(`has environment ${JSON.stringify(raw.environment)}, expected one of ${ENVIRONMENTS.join(', ')}`);
  if (!raw.components || typeof raw.components !== 'object' || Array.isArray(raw.components)) fail('has no components object');
  const components: Partial<Record<ComponentName, RollbackTarget | null>> = {};
  for (const [name, entry] of Object.entries(raw.components as Record<string, unknown>)) {
    if (!COMPONENTS.includes(name as ComponentName)) fail(`names an unknown component '${name}' (known: ${COMPONENTS.join(', ')})`);
    const component = name as ComponentName;
    if (entry === null) {
      components[component] = null;
      continue;
    }
    const target = entry as Record<string, unknown>;
    if (!target || typeof target !== 'object') fail(`components.${name} must be an object or null`);
    if (target.provider !== PROVIDER_OF[component]) fail(`components.${name}.provider must be '${PROVIDER_OF[component]}'`);
    if (typeof target.deploymentId !== 'string' || target.deploymentId === '') fail(`components.${name}.deploymentId must be a non-empty string`);
    if (typeof target.scope !== 'string' || target.scope === '') fail(`components.${name}.scope must be the Vercel project id or Railway service id`);
    components[component] = {
      provider: PROVIDER_OF[component],
      deploymentId: target.deploymentId as string,
      url: typeof target.url === 'string' ? target.url : null,
      sha: typeof target.sha === 'string' ? target.sha : null,
      scope: target.scope as string,
    };
  }
  if (Object.keys(components).length === 0) fail('lists no component');
  return {
    version: 1,
    environment: raw.environment as Environment,
    sha: typeof raw.sha === 'string' ? raw.sha : '',
    recordedAt: typeof raw.recordedAt === 'string' ? raw.recordedAt : '',
    components,
  };
}
