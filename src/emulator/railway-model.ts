import type { AppTarget } from './apps.js';
import { advanceProgress, isFinished, startProgress, type Progress, type StepTiming } from './progress.js';
import type { RailwayStatus } from './railway-schema.js';
import { isoTime, nextUuid, type EmulatorState } from './runtime.js';

/** Railway's deployment statuses as its schema lists them (railway-schema.ts). */
export type { RailwayStatus };

/** How a deployment ends: `crash` = SUCCESS, then CRASHED after `crashAfterReads` status reads. */
export type RailwayOutcome = 'success' | 'failed-build' | 'failed-deploy' | 'crash';

export interface RailwayPlan {
  outcome?: RailwayOutcome;
  timing?: StepTiming;
  /** Status reads spent in SUCCESS before CRASHED (outcome `crash`); default 1. */
  crashAfterReads?: number;
  /** Lines `buildLogs` / `deploymentLogs` return for this commit (default: made up from the outcome). */
  buildLog?: string[];
  deployLog?: string[];
}

export interface RailwaySettings {
  /**
   * What deploymentRollback does — UNCONFIRMED (docs/platform-behaviour.md §2.3): `new-deployment` creates a new record reusing
   * the target's image (INITIALIZING → DEPLOYING → SUCCESS); `same-id` re-activates the target record.
   */
  rollbackMode: 'new-deployment' | 'same-id';
  /** Build timing of new deployments (overridden per service and per commit). */
  timing: StepTiming;
  /** `deployments(...)` queries for which a new deployment is still invisible (list lag). Default 0. */
  listLag: number;
  /** HTTP status of syntax / validation errors — UNCONFIRMED (docs/platform-behaviour.md §2.0); default 400. */
  invalidQueryStatus: number;
}

export const DEFAULT_RAILWAY_SETTINGS: RailwaySettings = {
  rollbackMode: 'new-deployment',
  timing: { readsPerStep: 1 },
  listLag: 0,
  invalidQueryStatus: 400,
};

export interface RailwayService {
  id: string;
  name: string;
  /** serviceInstance numReplicas per environment id (absent: 1), set by serviceInstanceUpdate. */
  replicas?: Record<string, number>;
  timing?: StepTiming;
  /** The service's healthcheck path (Railway switches traffic once it answers); null: none configured. Undefined reads as /health. */
  healthcheckPath?: string | null;
}

export interface RailwayProject {
  id: string;
  name: string;
  environments: { id: string; name: string }[];
  services: RailwayService[];
}

export interface RailwayDeployment {
  id: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  status: RailwayStatus;
  createdAt: number;
  updatedAt: number;
  statusUpdatedAt: number;
  /** This deployment's own app (`127.0.0.1:PORT`, no scheme — UNCONFIRMED whether Railway includes `https://`). */
  url: string;
  /** The service's stable domain: serves whichever deployment is active. */
  staticUrl: string;
  meta: Record<string, unknown>;
  canRollback: boolean;
  canRedeploy: boolean;
  deploymentStopped: boolean;
  instances: { id: string; status: string }[];
  sha: string;
  progress: Progress;
  outcome: RailwayOutcome;
  /** Remaining `deployments` queries that do not show it yet. */
  listHidden: number;
}

export interface RailwayState {
  settings: RailwaySettings;
  accountTokens: { token: string; userId: string; email: string; name: string }[];
  projectTokens: { token: string; projectId: string; environmentId: string }[];
  projects: Record<string, RailwayProject>;
  deployments: Record<string, RailwayDeployment>;
  /** Stable host per `serviceId:environmentId`. */
  serviceHosts: Record<string, string>;
  plans: Record<string, RailwayPlan>;
}

export function initialRailwayState(settings: Partial<RailwaySettings> = {}): RailwayState {
  return {
    settings: { ...DEFAULT_RAILWAY_SETTINGS, ...settings },
    accountTokens: [],
    projectTokens: [],
    projects: {},
    deployments: {},
    serviceHosts: {},
    plans: {},
  };
}

export function serviceKey(serviceId: string, environmentId: string): string {
  return `${serviceId}:${environmentId}`;
}

export function findService(
  state: RailwayState,
  serviceId: string,
): { project: RailwayProject; service: RailwayService } | undefined {
  for (const project of Object.values(state.projects)) {
    const service = project.services.find((candidate) => candidate.id === serviceId);
    if (service) return { project, service };
  }
  return undefined;
}

export function railwayPlanFor(state: RailwayState, sha: string): RailwayPlan {
  return (
    state.plans[sha] ?? Object.entries(state.plans).find(([key]) => key.length >= 7 && sha.startsWith(key))?.[1] ?? {}
  );
}

function stepsFor(outcome: RailwayOutcome, build: boolean): string[] {
  const start = build ? ['INITIALIZING', 'BUILDING'] : ['INITIALIZING'];
  switch (outcome) {
    case 'success':
      return [...start, 'DEPLOYING', 'SUCCESS'];
    case 'failed-build':
      return build ? [...start, 'FAILED'] : [...start, 'DEPLOYING', 'SUCCESS'];
    case 'failed-deploy':
      return [...start, 'DEPLOYING', 'FAILED'];
    case 'crash':
      return [...start, 'DEPLOYING', 'SUCCESS', 'CRASHED'];
  }
}

export interface NewDeployment {
  serviceId: string;
  environmentId: string;
  sha: string;
  /** false: reuse an image (rollback, redeploy with the previous image tag): no BUILDING. */
  build: boolean;
  meta?: Record<string, unknown>;
  url: string;
}

export function createRailwayDeployment(root: EmulatorState, input: NewDeployment, now: number): RailwayDeployment {
  const state = root.railway;
  const found = findService(state, input.serviceId);
  if (!found) throw new Error(`unknown service ${input.serviceId}`);
  const plan = railwayPlanFor(state, input.sha);
  const outcome = plan.outcome ?? 'success';
  const timing = structuredClone(plan.timing ?? found.service.timing ?? state.settings.timing);
  if (outcome === 'crash') timing.reads = { SUCCESS: plan.crashAfterReads ?? 1, ...timing.reads };
  const createdAt = Math.max(now, ...Object.values(state.deployments).map((other) => other.createdAt + 1));
  const id = nextUuid(root);
  const deployment: RailwayDeployment = {
    id,
    projectId: found.project.id,
    environmentId: input.environmentId,
    serviceId: input.serviceId,
    status: 'INITIALIZING',
    createdAt,
    updatedAt: createdAt,
    statusUpdatedAt: createdAt,
    url: input.url,
    staticUrl: state.serviceHosts[serviceKey(input.serviceId, input.environmentId)] ?? input.url,
    meta: { commitHash: input.sha, ...input.meta },
    canRollback: false,
    canRedeploy: true,
    deploymentStopped: false,
    instances: [],
    sha: input.sha,
    progress: startProgress(stepsFor(outcome, input.build), timing, createdAt),
    outcome,
    listHidden: state.settings.listLag,
  };
  state.deployments[id] = deployment;
  return deployment;
}

export function enterRailwayStep(root: EmulatorState, deployment: RailwayDeployment, step: string, at: number): void {
  deployment.status = step as RailwayStatus;
  deployment.statusUpdatedAt = at;
  deployment.updatedAt = at;
  const instance = (status: string) => [{ id: `${deployment.id}-instance-1`, status }];
  switch (step) {
    case 'DEPLOYING':
      deployment.instances = instance('INITIALIZING');
      break;
    case 'SUCCESS':
      deployment.canRollback = true;
      deployment.deploymentStopped = false;
      deployment.instances = instance('RUNNING');
      retireOthers(root, deployment, at);
      break;
    case 'FAILED':
      deployment.instances = [];
      break;
    case 'CRASHED':
      deployment.instances = instance('CRASHED');
      break;
    case 'REMOVED':
      deployment.instances = instance('REMOVED');
      deployment.deploymentStopped = true;
      break;
  }
}

/** A newly active deployment retires the one serving before it: REMOVING now, REMOVED on the next request. */
function retireOthers(root: EmulatorState, active: RailwayDeployment, at: number): void {
  for (const other of Object.values(root.railway.deployments)) {
    if (other.id === active.id || other.serviceId !== active.serviceId || other.environmentId !== active.environmentId)
      continue;
    if (!['SUCCESS', 'CRASHED', 'SLEEPING'].includes(other.status)) continue;
    other.progress = startProgress(['REMOVING', 'REMOVED'], { readsPerStep: 1 }, at);
    enterRailwayStep(root, other, 'REMOVING', at);
  }
}

export function advanceRailwayDeployment(
  root: EmulatorState,
  deployment: RailwayDeployment,
  now: number,
  read: boolean,
): void {
  if (isFinished(deployment.progress)) return;
  advanceProgress(deployment.progress, now, read, (step, at) => enterRailwayStep(root, deployment, step, at));
}

/** Time-driven transitions everywhere, and REMOVING → REMOVED one request later. */
export function tickRailway(root: EmulatorState, now: number): void {
  for (const deployment of Object.values(root.railway.deployments)) {
    advanceRailwayDeployment(root, deployment, now, deployment.status === 'REMOVING');
    for (const instance of deployment.instances) if (instance.status === 'RESTARTING') instance.status = 'RUNNING';
  }
}

/** Ends a deployment where it is (cancel, remove, crash). */
export function forceStatus(
  root: EmulatorState,
  deployment: RailwayDeployment,
  status: RailwayStatus,
  now: number,
): void {
  deployment.progress = startProgress([status], {}, now);
  enterRailwayStep(root, deployment, status, now);
}

/** Re-runs a deployment from `steps[0]` (same-id rollback, restart of a crashed one). */
export function restartProgress(
  root: EmulatorState,
  deployment: RailwayDeployment,
  steps: string[],
  now: number,
): void {
  deployment.progress = startProgress(steps, structuredClone(root.railway.settings.timing), now);
  enterRailwayStep(root, deployment, steps[0] as string, now);
}

export function activeDeployments(state: RailwayState, serviceId: string, environmentId: string): RailwayDeployment[] {
  return Object.values(state.deployments)
    .filter((deployment) => deployment.serviceId === serviceId && deployment.environmentId === environmentId)
    .filter((deployment) => ['SUCCESS', 'CRASHED', 'SLEEPING'].includes(deployment.status))
    .sort((a, b) => b.createdAt - a.createdAt);
}

export function railwayAppTarget(root: EmulatorState, key: string): AppTarget | undefined {
  const state = root.railway;
  let deployment: RailwayDeployment | undefined;
  if (key.startsWith('railway-service:')) {
    const [serviceId = '', environmentId = ''] = key.slice('railway-service:'.length).split(':');
    deployment = activeDeployments(state, serviceId, environmentId)[0];
    if (!deployment) return { provider: 'railway', deploymentId: '', sha: '', phase: 'gone' };
  } else {
    deployment = state.deployments[key];
    if (!deployment) return undefined;
  }
  const status = deployment.status;
  const phase = ['SUCCESS', 'REMOVING', 'SLEEPING'].includes(status)
    ? 'serving'
    : status === 'CRASHED'
      ? 'crashed'
      : ['FAILED', 'REMOVED', 'SKIPPED'].includes(status)
        ? 'gone'
        : 'starting';
  return { provider: 'railway', deploymentId: deployment.id, sha: deployment.sha, phase };
}

export function serializeRailwayDeployment(
  state: RailwayState,
  deployment: RailwayDeployment,
): Record<string, unknown> {
  const project = state.projects[deployment.projectId];
  const service = project?.services.find((candidate) => candidate.id === deployment.serviceId);
  const environment = project?.environments.find((candidate) => candidate.id === deployment.environmentId);
  return {
    __typename: 'Deployment',
    id: deployment.id,
    status: deployment.status,
    statusUpdatedAt: isoTime(deployment.statusUpdatedAt),
    createdAt: isoTime(deployment.createdAt),
    updatedAt: isoTime(deployment.updatedAt),
    url: deployment.url,
    staticUrl: deployment.staticUrl,
    meta: deployment.meta,
    projectId: deployment.projectId,
    environmentId: deployment.environmentId,
    serviceId: deployment.serviceId,
    snapshotId: null,
    canRedeploy: deployment.canRedeploy,
    canRollback: deployment.canRollback,
    deploymentStopped: deployment.deploymentStopped,
    instances: deployment.instances.map((instance) => ({ __typename: 'DeploymentDeploymentInstance', ...instance })),
    creator: {
      __typename: 'DeploymentCreator',
      id: 'user_emu',
      email: 'ops@threadr.test',
      name: 'Threadr Ops',
      avatar: null,
    },
    diagnosis: null,
    suggestAddServiceDomain: false,
    environment: { __typename: 'Environment', id: deployment.environmentId, name: environment?.name ?? null },
    service: { __typename: 'Service', id: deployment.serviceId, name: service?.name ?? null },
  };
}

/**
 * The log lines of a deployment: the commit's scripted ones, else a few made up from its outcome,
 * so a failure has something to show. A build that has not started has no lines.
 */
export function railwayLogLines(
  state: RailwayState,
  deployment: RailwayDeployment,
  kind: 'build' | 'deploy',
): string[] {
  const plan = railwayPlanFor(state, deployment.sha);
  const scripted = kind === 'build' ? plan.buildLog : plan.deployLog;
  if (scripted) return scripted;
  if (kind === 'build') {
    return [
      `Using Nixpacks for commit ${deployment.sha.slice(0, 7)}`,
      'npm ci',
      deployment.outcome === 'failed-build'
        ? 'ERROR: failed to solve: process "/bin/bash -ol pipefail -c npm run build" did not complete successfully: exit code: 1'
        : 'Build time: 41.20 seconds',
    ];
  }
  if (deployment.outcome === 'failed-build') return [];
  return [
    'Starting Container',
    deployment.outcome === 'failed-deploy'
      ? "Error: Cannot find module '/app/dist/server.js'"
      : 'listening on 0.0.0.0:8080',
    ...(deployment.outcome === 'crash' ? ['Error: connect ECONNREFUSED 10.0.0.7:6379', 'npm error code 1'] : []),
  ];
}
