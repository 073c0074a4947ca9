import { ConfigurationError } from '../core/errors.js';
import { scopeFingerprint } from './plan.js';

/**
 * The deploy action's `promote-plan` output (strategy: staged) and the promote action's input:
 * the staged Vercel production build to promote, and what served before it. Like the rollback
 * plan it crosses jobs as an output, so it holds nothing a caller passes as a secret: the Vercel
 * project id travels as a one-way fingerprint and the promote action reads the id (and the token)
 * from its own inputs, refusing a plan recorded for another project. Written form:
 *
 * {"version":1,"environment":"production","sha":"<commit>","frontend":{"provider":"vercel",
 *  "deploymentId":"dpl_…","url":"https://…","project":"sha256:…","previous":{"deploymentId":"dpl_…","url":"…","sha":"…"}|null}}
 */
export interface PromotePlan {
  version: 1;
  environment: 'production';
  sha: string;
  frontend: {
    provider: 'vercel';
    deploymentId: string;
    url: string | null;
    project: string;
    previous: { deploymentId: string; url: string | null; sha: string | null } | null;
  };
}

const INPUT = 'promote-plan';

export function promotePlan(input: {
  sha: string;
  projectId: string;
  deploymentId: string;
  url: string | null;
  previous: PromotePlan['frontend']['previous'];
}): PromotePlan {
  return {
    version: 1,
    environment: 'production',
    sha: input.sha,
    frontend: {
      provider: 'vercel',
      deploymentId: input.deploymentId,
      url: input.url,
      project: scopeFingerprint(input.projectId),
      previous: input.previous,
    },
  };
}

/** Parses and checks a promote plan against the project the promote action was given. */
export function parsePromotePlan(text: string, projectId: string): PromotePlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigurationError(
      INPUT,
      "must be the deploy step's promote-plan output (JSON), got text that is not JSON",
    );
  }
  const plan = value as Partial<PromotePlan> | null;
  const frontend = plan?.frontend;
  if (
    !plan ||
    plan.version !== 1 ||
    typeof plan.sha !== 'string' ||
    !frontend ||
    frontend.provider !== 'vercel' ||
    typeof frontend.deploymentId !== 'string' ||
    typeof frontend.project !== 'string'
  ) {
    throw new ConfigurationError(
      INPUT,
      "must be the deploy step's promote-plan output: version 1 with a frontend deploymentId; got something else",
    );
  }
  if (frontend.project !== scopeFingerprint(projectId)) {
    throw new ConfigurationError(
      INPUT,
      `was recorded for another Vercel project than vercel-project-id (fingerprint ${frontend.project}, vercel-project-id has ${scopeFingerprint(projectId)})`,
    );
  }
  return plan as PromotePlan;
}
