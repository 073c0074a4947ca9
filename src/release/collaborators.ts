import { githubRun, runUrl } from '../core/github-context.js';
import type { Logger } from '../core/host.js';
import { HttpClient, type HttpClientOptions } from '../core/http.js';
import { errorText } from '../core/errors.js';
import { GitHubDeploymentsClient } from '../providers/github-deployments.js';
import { RailwayClient } from '../providers/railway.js';
import { VercelClient } from '../providers/vercel.js';
import type { AdapterContext } from './adapter-context.js';
import type { Clock } from './clock.js';
import type { ComponentAdapter, ComponentName } from './component.js';
import { DeploymentRecord } from './github-record.js';
import type { PlatformSettings } from './inputs.js';
import { RailwayComponent } from './railway-component.js';
import { patience as makePatience, type Patience } from './poll.js';
import { scheduleWithMin } from './schedule.js';
import { VercelComponent } from './vercel-component.js';
import { Verifier } from './verify.js';

export interface Collaborators {
  http: HttpClient;
  adapters: Partial<Record<ComponentName, ComponentAdapter>>;
  record: DeploymentRecord;
  verifier: Verifier;
  patience: Patience;
}

/** What deploy and rollback run with: the collaborators (not the HTTP client under them), a clock and the log. */
export interface ReleaseDeps extends Omit<Collaborators, 'http'> {
  clock: Clock;
  log: Logger;
  /** The job was cancelled (SIGINT/SIGTERM): stop waiting and change nothing more (each says what that means). */
  signal?: AbortSignal;
}

/** The adapters of the given components, in that order (the settings name only configured ones). */
export function adaptersOf(
  components: readonly ComponentName[],
  adapters: ReleaseDeps['adapters'],
): ComponentAdapter[] {
  return components.map((name) => adapters[name]!);
}

/** How long an essential read may keep failing before it counts (a 429 storm, a platform restart). */
const READ_BUDGET_MS = 120_000;

/** What tests and the benchmark may replace; a runner uses the defaults. */
export interface Overrides {
  clock: Clock;
  /** Extra HttpClient options (a test's `sleep` for retry backoff, say). */
  http?: Partial<HttpClientOptions>;
}

/** Builds the HTTP client, the provider clients and the component adapters from the settings. */
export function buildCollaborators(
  settings: PlatformSettings,
  log: Logger,
  env: Readonly<Record<string, string | undefined>>,
  overrides: Overrides,
  git?: { org: string; repo: string; branch: string },
  /** staged: Vercel production builds do not take the domains (deploy's `strategy` input). */
  strategy: 'staged' | 'direct' = 'direct',
): Collaborators {
  const http = new HttpClient({
    timeoutMs: settings.requestTimeoutMs,
    userAgent: 'threadr-ops',
    onRetry: ({ url, attempt, delayMs, reason }) =>
      log.info(`${new URL(url).pathname}: ${reason}, try ${attempt + 1} in ${Math.round(delayMs)}ms`),
    now: () => overrides.clock.now(),
    ...overrides.http,
  });
  const schedule = scheduleWithMin(settings.pollMinMs);
  const patience = makePatience({
    clock: overrides.clock,
    schedule,
    budgetMs: READ_BUDGET_MS,
    onRetry: (what, error) => log.warn(`${what}: ${errorText(error)}; trying again`),
  });
  const context: AdapterContext = { clock: overrides.clock, schedule, log, settleMs: settings.pollMinMs, patience };
  const adapters: Partial<Record<ComponentName, ComponentAdapter>> = {};
  if (settings.vercel) {
    const { token, apiUrl, teamId, projectId } = settings.vercel;
    adapters.frontend = new VercelComponent({
      client: new VercelClient({ http, baseUrl: apiUrl, token, teamId }),
      projectId,
      environment: settings.environment,
      git: git ?? { org: '', repo: '', branch: '' },
      scheme: schemeOf(apiUrl),
      context,
      staged: strategy === 'staged',
    });
  }
  if (settings.railway) {
    const { token, tokenKind, apiUrl, projectId, environmentId, serviceId } = settings.railway;
    adapters.backend = new RailwayComponent({
      client: new RailwayClient({ http, url: apiUrl, token, tokenKind }),
      projectId,
      environmentId,
      serviceId,
      scheme: schemeOf(apiUrl),
      context,
    });
  }
  const github = settings.github
    ? new GitHubDeploymentsClient({
        http,
        apiUrl: settings.github.apiUrl,
        token: settings.github.token,
        repository: settings.github.repository,
        warn: (message) => log.warn(message),
        sleep: (ms) => overrides.clock.sleep(ms),
      })
    : undefined;
  const record = new DeploymentRecord(github, log, githubRun(env).then(runUrl), {
    clock: overrides.clock,
    settleMs: settings.pollMinMs,
  });
  const verifier = new Verifier(settings.verify, { http, log, clock: overrides.clock });
  return { http, adapters, record, verifier, patience };
}

function schemeOf(apiUrl: string): 'https' | 'http' {
  return new URL(apiUrl).protocol === 'http:' ? 'http' : 'https';
}
