import { ConfigurationError } from '../core/errors.js';
import type { GitHubRun } from '../core/github-context.js';
import type { InputReader } from '../core/inputs.js';
import type { ComponentName } from '../release/component.js';
import { readComponents, readPlatform, type PlatformSettings } from '../release/inputs.js';
import { ORDERS, type DeploySettings, type Order } from '../release/deployer.js';

export interface DeployInputs {
  deploy: DeploySettings;
  platform: PlatformSettings;
  /** Where Vercel fetches the commit (only when the frontend is deployed). */
  git?: { org: string; repo: string; branch: string };
  /**
   * staged: the production frontend is built without the domains, for canary and promote; direct: it
   * serves at once. The input's `auto` (action.yml's default) is resolved here by the environment.
   */
  strategy: 'staged' | 'direct';
}

const ORDERED: Record<Exclude<Order, 'parallel'>, ComponentName[]> = {
  'backend-first': ['backend', 'frontend'],
  'frontend-first': ['frontend', 'backend'],
};

/**
 * Reads and validates every input before any request is made. `run` is the workflow run
 * (core/github-context's githubRun), resolved by the action before it reads its inputs.
 */
export function getInputs(inputs: InputReader, run: GitHubRun): DeployInputs {
  const sha = inputs.text('ref');
  if (!/^[0-9a-f]{40}$/i.test(sha)) {
    throw new ConfigurationError(
      'ref',
      `must be a full 40-character commit SHA such as \${{ github.sha }}, got '${sha}'`,
    );
  }
  const order = inputs.oneOf('order', ORDERS);
  const requested = readComponents(inputs, ['frontend', 'backend'], 'deploy');
  const components = order === 'parallel' ? requested : ORDERED[order].filter((name) => requested.includes(name));
  const platform = readPlatform(inputs, run, components);
  const deploy: DeploySettings = {
    environment: platform.environment,
    sha: sha.toLowerCase(),
    components,
    order,
    timeoutMs: inputs.duration('timeout', { min: 1 }),
    dryRun: inputs.boolean('dry-run'),
    allowPinned: inputs.boolean('allow-pinned'),
  };
  return {
    deploy,
    platform,
    git: components.includes('frontend') ? readGit(inputs, run) : undefined,
    strategy: readStrategy(inputs, deploy.environment),
  };
}

/**
 * auto: staged for production, direct elsewhere. Staging and preview builds have no production
 * domains to hold back (each build has its own URL), so `staged` there is a mistake, not a wish.
 */
function readStrategy(inputs: InputReader, environment: string): 'staged' | 'direct' {
  const strategy = inputs.oneOf('strategy', ['auto', 'staged', 'direct'] as const);
  if (strategy === 'auto') return environment === 'production' ? 'staged' : 'direct';
  if (strategy === 'staged' && environment !== 'production') {
    throw new ConfigurationError(
      'strategy',
      `staged holds back Vercel's production domains, so it needs environment production; use auto or direct for ${environment}`,
    );
  }
  return strategy;
}

function readGit(inputs: InputReader, run: GitHubRun): { org: string; repo: string; branch: string } {
  const repository = inputs.text('vercel-git-repository') || run.repository || '';
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (!match) {
    throw new ConfigurationError(
      'vercel-git-repository',
      `must be the GitHub repository Vercel builds from, as owner/name such as threadr/web, got '${repository}'`,
    );
  }
  // A pull request's own branch, else the branch or tag the run is on.
  const branch = inputs.text('git-branch') || run.headRef || run.refName || '';
  if (branch === '')
    throw new ConfigurationError(
      'git-branch',
      'is required when the run has no branch (GITHUB_REF_NAME), for example main',
    );
  return { org: match[1], repo: match[2], branch };
}
