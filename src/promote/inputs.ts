import { ConfigurationError } from '../core/errors.js';
import type { GitHubRun } from '../core/github-context.js';
import type { InputReader } from '../core/inputs.js';
import { readPlatform, type PlatformSettings } from '../release/inputs.js';
import { parsePromotePlan, type PromotePlan } from '../release/promote-plan.js';

export interface PromoteInputs {
  platform: PlatformSettings;
  plan: PromotePlan;
  timeoutMs: number;
  rolling: boolean;
}

/** Reads and validates every input before any request is made; `run` is the workflow run (core/github-context). */
export function getInputs(inputs: InputReader, run: GitHubRun): PromoteInputs {
  const text = inputs.text('promote-plan');
  if (text === '')
    throw new ConfigurationError(
      'promote-plan',
      "is required: pass the deploy step's promote-plan output (deploy with strategy: staged)",
    );
  if (inputs.secret('vercel-token') === '')
    throw new ConfigurationError(
      'vercel-token',
      'is required to promote the frontend, for example vercel-token: ${{ secrets.VERCEL_TOKEN }}',
    );
  if (inputs.text('frontend-health-url').startsWith('/')) {
    throw new ConfigurationError(
      'frontend-health-url',
      `must be production's absolute URL such as https://threadr.app/api/health: a path would check the staged build's own URL, not production; got '${inputs.text('frontend-health-url')}'`,
    );
  }
  const platform = readPlatform(inputs, run, ['frontend']);
  if (platform.environment !== 'production')
    throw new ConfigurationError(
      'environment',
      `must be production: only production builds are staged and promoted, got '${platform.environment}'`,
    );
  const rolling = inputs.boolean('rolling');
  if (rolling && !platform.verify.healthUrls.frontend) {
    throw new ConfigurationError(
      'frontend-health-url',
      "is required with rolling: true: each stage advances only while production's health endpoint answers without errors",
    );
  }
  return {
    platform,
    plan: parsePromotePlan(text, platform.vercel!.projectId),
    timeoutMs: inputs.duration('timeout', { min: 1 }),
    rolling,
  };
}
