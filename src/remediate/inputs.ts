import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import { readRailwayService } from '../backups/provider-inputs.js';
import type { RemediationSettings } from '../remediation/remediate.js';
import { COMPONENTS, ENVIRONMENTS, type Environment } from '../release/component.js';
import { REMEDIATIONS, type RemediationKind } from '../remediation/types.js';

export interface RemediateGitHubSettings {
  token: string;
  apiUrl: string;
  repository: string;
}

export type RemediateInputs = RemediationSettings & { github: RemediateGitHubSettings; requestTimeoutMs: number };

const base = (inputs: InputReader, name: string) => inputs.url(name).toString().replace(/\/+$/, '');

/**
 * Every input, checked before anything is read. An action is refused up front when the inputs it
 * needs are missing, rather than skipped at 3 a.m. `now` comes from THREADR_OPS_NOW (an ISO time,
 * for tests and drills) or the wall clock.
 */
export function getInputs(inputs: InputReader, env: Readonly<Record<string, string | undefined>>): RemediateInputs {
  const actions = [...new Set(inputs.list('actions'))];
  if (actions.length === 0)
    throw new ConfigurationError(
      'actions',
      `is required: any of ${REMEDIATIONS.join(', ')}, comma-separated, for example scale_backend`,
    );
  for (const action of actions) {
    if (!(REMEDIATIONS as readonly string[]).includes(action))
      throw new ConfigurationError('actions', `must list only ${REMEDIATIONS.join(', ')}, got '${action}'`);
  }
  const kinds = actions as RemediationKind[];
  const confirm = inputs.boolean('confirm');
  const dryRunText = inputs.text('dry-run');
  // auto: a run by hand changes nothing unless it says confirm: true; workflows that gate remediate
  // behind a GitHub environment pass confirm: true.
  const dryRun = dryRunText === 'auto' ? !confirm : inputs.boolean('dry-run');
  const minReplicas = inputs.integer('min-replicas', { min: 1, max: 100 });
  const maxReplicas = inputs.integer('max-replicas', { min: 1, max: 100 });
  if (maxReplicas < minReplicas)
    throw new ConfigurationError('max-replicas', `must be at least min-replicas (${minReplicas}), got ${maxReplicas}`);
  const fixedNow = env['THREADR_OPS_NOW'];
  let now = () => Date.now();
  if (fixedNow) {
    const at = Date.parse(fixedNow);
    if (Number.isNaN(at))
      throw new ConfigurationError(
        'THREADR_OPS_NOW',
        `must be an ISO time such as 2026-12-01T03:00:00Z, got '${fixedNow}'`,
      );
    now = () => at;
  }
  const repository = inputs.required('repository', 'threadr/threadr');
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new ConfigurationError('repository', `must be owner/name such as threadr/threadr, got '${repository}'`);
  const githubToken = inputs.secret('github-token');
  if (!githubToken)
    throw new ConfigurationError(
      'github-token',
      'is required: every action is recorded on a GitHub issue (the workflow token with issues: write)',
    );
  const settings: RemediateInputs = {
    actions: kinds,
    reason: inputs.text('reason'),
    dryRun,
    revert: inputs.boolean('revert'),
    cooldownMs: inputs.duration('cooldown', { min: 0, max: 7 * 86_400_000 }),
    maxActionsPerHour: inputs.integer('max-actions-per-hour', { min: 1, max: 100 }),
    minReplicas,
    maxReplicas,
    fraction: inputs.number('fraction', { min: 0.01, max: 1, example: '0.5' }),
    models: inputs.list('openai-models'),
    environment: inputs.required('environment', 'production'),
    now,
    timeoutMs: inputs.duration('request-timeout', { min: 1000, max: 600_000 }),
    requestTimeoutMs: inputs.duration('request-timeout', { min: 1000, max: 600_000 }),
    github: { token: githubToken, apiUrl: base(inputs, 'github-api-url'), repository },
  };
  const needs = (kind: RemediationKind) => kinds.includes(kind);
  const railwayToken = inputs.secret('railway-token');
  const vercelToken = inputs.secret('vercel-token');
  const flagStore = inputs.oneOf('flag-store', ['railway', 'edge-config'] as const);
  const wantsRailway =
    needs('scale_backend') || needs('scale_down') || (needs('rate_limit_tightening') && flagStore === 'railway');
  const wantsVercel =
    needs('lockdown') || needs('lockdown_off') || (needs('rate_limit_tightening') && flagStore === 'edge-config');
  if (wantsRailway) {
    if (!railwayToken)
      throw new ConfigurationError(
        'railway-token',
        'is required for scale_backend, scale_down and rate_limit_tightening with flag-store: railway',
      );
    settings.railway = readRailwayService(inputs, railwayToken);
  }
  if (wantsVercel) {
    if (!vercelToken)
      throw new ConfigurationError(
        'vercel-token',
        'is required for lockdown, lockdown_off and rate_limit_tightening with flag-store: edge-config',
      );
    settings.vercel = {
      token: vercelToken,
      teamId: inputs.text('vercel-team-id') || undefined,
      baseUrl: base(inputs, 'vercel-api-url'),
      projectId:
        needs('lockdown') || needs('lockdown_off')
          ? inputs.required('vercel-project-id', 'prj_… (for lockdown)')
          : inputs.text('vercel-project-id'),
    };
  }
  if (needs('rate_limit')) {
    const adminKey = inputs.secret('openai-admin-key');
    if (!adminKey)
      throw new ConfigurationError(
        'openai-admin-key',
        'is required for rate_limit (an organization admin key: project rate limits are an admin API)',
      );
    settings.openai = {
      adminKey,
      baseUrl: base(inputs, 'openai-api-url'),
      projectId: inputs.required('openai-project-id', 'proj_… (the project whose rate limits are lowered)'),
    };
  }
  if (needs('rate_limit_tightening')) {
    const name = inputs.required(
      'flag-name',
      'RATE_LIMIT_RPM (the Railway variable or Edge Config item the app reads)',
    );
    if (!/^[\w-]+$/.test(name))
      throw new ConfigurationError('flag-name', `must be letters, digits, _ or -, got '${name}'`);
    const value = inputs.required('flag-value', '60 (the tighter value)');
    settings.flag = { store: flagStore, name, value };
    if (flagStore === 'edge-config') {
      const id = inputs.required('edge-config-id', 'ecfg_… (the Edge Config the app reads)');
      if (!/^ecfg_\w+$/.test(id))
        throw new ConfigurationError('edge-config-id', `must be an Edge Config id such as ecfg_abc123, got '${id}'`);
      settings.flag.edgeConfigId = id;
    }
  }
  if (needs('rollback_deploy')) {
    // The rollback action's platforms, read from remediate's own inputs: each component whose token is given.
    const environment = settings.environment;
    if (!(ENVIRONMENTS as readonly string[]).includes(environment))
      throw new ConfigurationError(
        'environment',
        `must be one of ${ENVIRONMENTS.join(', ')} for rollback_deploy (a GitHub Deployments environment), got '${environment}'`,
      );
    const components = COMPONENTS.filter((name) => (name === 'frontend' ? vercelToken : railwayToken) !== '');
    if (components.length === 0)
      throw new ConfigurationError(
        'vercel-token',
        'or railway-token is required for rollback_deploy: the frontend is rolled back with vercel-token, the backend with railway-token',
      );
    const pollMinMs = inputs.duration('poll-interval', { min: 1, max: 60_000 });
    settings.deploy = {
      platform: {
        environment: environment as Environment,
        components,
        vercel: components.includes('frontend')
          ? {
              token: vercelToken,
              projectId: inputs.required('vercel-project-id', 'prj_… (with vercel-token, for rollback_deploy)'),
              teamId: inputs.text('vercel-team-id') || undefined,
              apiUrl: base(inputs, 'vercel-api-url'),
            }
          : undefined,
        railway: components.includes('backend')
          ? {
              token: railwayToken,
              tokenKind: inputs.oneOf('railway-token-type', ['account', 'project'] as const),
              projectId: inputs.required('railway-project-id', 'the Railway project UUID (with railway-token)'),
              environmentId: inputs.required(
                'railway-environment-id',
                'the Railway environment UUID (with railway-token)',
              ),
              serviceId: inputs.required('railway-service-id', 'the Railway service UUID (with railway-token)'),
              apiUrl: base(inputs, 'railway-api-url'),
            }
          : undefined,
        github: settings.github,
        // No health URLs: remediate reads the platforms' state back; the health-check that raised the alert runs again on its schedule.
        verify: {
          healthUrls: {},
          headers: {},
          timeoutMs: 0,
          intervalMs: pollMinMs,
          requestTimeoutMs: settings.requestTimeoutMs,
          expectVersion: false,
        },
        pollMinMs,
        requestTimeoutMs: settings.requestTimeoutMs,
      },
      timeoutMs: inputs.duration('rollback-timeout', { min: 1000, max: 3_600_000 }),
      env,
    };
  }
  return settings;
}
