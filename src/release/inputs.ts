import { ConfigurationError } from '../core/errors.js';
import type { GitHubRun } from '../core/github-context.js';
import { parseHttpUrl, type InputReader } from '../core/inputs.js';
import type { RailwayTokenKind } from '../providers/railway.js';
import { COMPONENTS, ENVIRONMENTS, type ComponentName, type Environment } from './component.js';
import type { VerifySettings } from './verify.js';

/** The inputs the deploy and rollback actions share: environment, credentials, verification, timing. */

export interface VercelSettings {
  token: string;
  projectId: string;
  teamId?: string;
  apiUrl: string;
}

export interface RailwaySettings {
  token: string;
  tokenKind: RailwayTokenKind;
  projectId: string;
  environmentId: string;
  serviceId: string;
  apiUrl: string;
}

export interface GitHubSettings {
  token: string;
  apiUrl: string;
  repository: string;
}

export interface PlatformSettings {
  environment: Environment;
  components: ComponentName[];
  vercel?: VercelSettings;
  railway?: RailwaySettings;
  /** Absent when no github-token is given: no GitHub Deployment is recorded. */
  github?: GitHubSettings;
  verify: VerifySettings;
  /** Shortest pause between status reads (2s for real platforms). */
  pollMinMs: number;
  requestTimeoutMs: number;
}

export function readEnvironment(inputs: InputReader): Environment {
  return inputs.oneOf('environment', ENVIRONMENTS);
}

/**
 * `components`, or (when empty) the given default list narrowed to those with credentials. Every
 * token is masked as it is read.
 */
export function readComponents(inputs: InputReader, fallback: readonly ComponentName[], verb: string): ComponentName[] {
  const listed = inputs.list('components');
  for (const name of listed) {
    if (!COMPONENTS.includes(name as ComponentName)) {
      throw new ConfigurationError(
        'components',
        `must list frontend and/or backend (comma or newline separated), got '${name}'`,
      );
    }
  }
  const hasToken: Record<ComponentName, boolean> = {
    frontend: inputs.secret('vercel-token') !== '',
    backend: inputs.secret('railway-token') !== '',
  };
  const chosen =
    listed.length > 0 ? [...new Set(listed as ComponentName[])] : fallback.filter((name) => hasToken[name]);
  if (chosen.length === 0) {
    throw new ConfigurationError(
      'components',
      `leaves nothing to ${verb}: give vercel-token for the frontend and/or railway-token for the backend, or list components such as 'frontend, backend'`,
    );
  }
  for (const name of chosen) {
    if (!hasToken[name]) {
      const input = name === 'frontend' ? 'vercel-token' : 'railway-token';
      throw new ConfigurationError(
        input,
        `is required to ${verb} the ${name}, for example ${input}: \${{ secrets.${input.toUpperCase().replace(/-/g, '_')} }}`,
      );
    }
  }
  return chosen;
}

function apiUrl(inputs: InputReader, name: string): string {
  return inputs.url(name).toString();
}

export function readVercel(inputs: InputReader): VercelSettings {
  return {
    token: inputs.secret('vercel-token'),
    projectId: inputs.required('vercel-project-id', 'prj_AbCdEf123'),
    teamId: inputs.text('vercel-team-id') || undefined,
    apiUrl: apiUrl(inputs, 'vercel-api-url'),
  };
}

export function readRailway(inputs: InputReader): RailwaySettings {
  return {
    token: inputs.secret('railway-token'),
    tokenKind: inputs.oneOf('railway-token-type', ['project', 'account'] as const),
    projectId: inputs.required('railway-project-id', 'a Railway project UUID'),
    environmentId: inputs.required('railway-environment-id', "the Railway environment's UUID for this environment"),
    serviceId: inputs.required('railway-service-id', "the backend service's UUID"),
    apiUrl: apiUrl(inputs, 'railway-api-url'),
  };
}

/** The repository and API come from the workflow run (core/github-context), resolved before the inputs are read. */
export function readGitHub(inputs: InputReader, run: GitHubRun): GitHubSettings | undefined {
  const token = inputs.secret('github-token');
  if (token === '') return undefined;
  const repository = run.repository ?? '';
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) {
    throw new ConfigurationError(
      'github-token',
      `needs GITHUB_REPOSITORY (owner/name) in the environment to record deployments, got '${repository}'`,
    );
  }
  const raw = inputs.text('github-api-url') || run.apiUrl;
  return { token, repository, apiUrl: parseHttpUrl('github-api-url', raw).toString() };
}

function healthUrl(inputs: InputReader, name: string): string | undefined {
  const value = inputs.text(name);
  if (value === '') return undefined;
  if (value.startsWith('/')) return value;
  return parseHttpUrl(name, value).toString();
}

export function readVerify(inputs: InputReader, pollMinMs: number, requestTimeoutMs: number): VerifySettings {
  return {
    healthUrls: {
      frontend: healthUrl(inputs, 'frontend-health-url'),
      backend: healthUrl(inputs, 'backend-health-url'),
    },
    headers: inputs.headers('health-headers'),
    timeoutMs: inputs.duration('verify-timeout', { min: 0 }),
    intervalMs: Math.max(pollMinMs, 1),
    requestTimeoutMs,
    expectVersion: inputs.boolean('health-expect-version'),
  };
}

/** Everything but the components list, which each action reads with its own default. */
export function readPlatform(inputs: InputReader, run: GitHubRun, components: ComponentName[]): PlatformSettings {
  const environment = readEnvironment(inputs);
  const pollMinMs = inputs.duration('poll-interval', { min: 1, max: 60_000 });
  const requestTimeoutMs = inputs.duration('request-timeout', { min: 10, max: 300_000 });
  return {
    environment,
    components,
    vercel: components.includes('frontend') ? readVercel(inputs) : undefined,
    railway: components.includes('backend') ? readRailway(inputs) : undefined,
    github: readGitHub(inputs, run),
    verify: readVerify(inputs, pollMinMs, requestTimeoutMs),
    pollMinMs,
    requestTimeoutMs,
  };
}
