import type { LastAliasRequest } from '@vercel/sdk/models/createprojecttargets.js';
import { productionFor } from './vercel-rolling.js';
import type { AppTarget } from './apps.js';
import { advanceProgress, currentStep, isFinished, startProgress, type Progress, type StepTiming } from './progress.js';
import type { EmulatorState } from './runtime.js';

export type VercelReadyState = 'QUEUED' | 'INITIALIZING' | 'BUILDING' | 'READY' | 'ERROR' | 'CANCELED' | 'BLOCKED';
export const VERCEL_TERMINAL: readonly string[] = ['READY', 'ERROR', 'CANCELED'];
export const VERCEL_CANCELABLE: readonly string[] = ['QUEUED', 'INITIALIZING', 'BUILDING', 'BLOCKED'];

/** How a build ends. `alias-error`: READY but `aliasAssigned: false` and `aliasError` set. */
export type VercelOutcome = 'ready' | 'error' | 'canceled' | 'blocked' | 'alias-error';

export interface VercelPlan {
  outcome?: VercelOutcome;
  timing?: StepTiming;
  errorMessage?: string;
  /** The build output `/v3/deployments/:id/events` returns for this commit (default: made up). */
  buildLog?: string[];
}

export interface VercelSettings {
  /** Identical create (same project, target, commit) without `forceNew=1` returns the earlier deployment. Real rules UNCONFIRMED. Default false. */
  dedup: boolean;
  /** Status of a successful promote: 201, or 202 ("queued behind a rolling release"). Default 201. */
  promoteStatus: 201 | 202;
  /** Status when promoting/rolling back to a deployment that is not a READY production one. UNCONFIRMED; default 400. */
  rejectStatus: number;
  /** Build timing of new deployments (overridden per project and per commit). Default: one step per status read. */
  timing: StepTiming;
  /** Timing of promote/rollback alias jobs (pending → in-progress → succeeded|failed), advanced by project reads. */
  aliasTiming: StepTiming;
  /** Outcome of the next alias job(s); `failed` jobs leave production where it was. */
  aliasOutcome: 'succeeded' | 'failed';
  /** Page size of GET /v6|v7/deployments when `limit` is absent. */
  listLimit: number;
  /**
   * `targets.production` moves as soon as the alias job starts remapping (in-progress), before the
   * job ends; a job that then fails leaves it there. Whether Vercel does this is UNCONFIRMED
   * (docs/platform-behaviour.md "Vercel alias jobs"); clients must wait for `jobStatus`. Default false.
   */
  aliasTargetsEarly: boolean;
  /**
   * Whether a promote clears `lastRollbackTarget`. UNCONFIRMED either way (docs/platform-behaviour.md
   * "Vercel pin"), so both are offered; the pin itself (no auto-aliasing) is lifted by a promote in
   * both. Default true.
   */
  promoteClearsRollbackTarget: boolean;
}

export const DEFAULT_VERCEL_SETTINGS: VercelSettings = {
  dedup: false,
  promoteStatus: 201,
  rejectStatus: 400,
  timing: { readsPerStep: 1 },
  aliasTiming: { readsPerStep: 1 },
  aliasOutcome: 'succeeded',
  listLimit: 20,
  aliasTargetsEarly: false,
  promoteClearsRollbackTarget: true,
};

export interface VercelToken {
  token: string;
  /** Team ids this token may act on (besides its personal scope). */
  teams: string[];
  userId: string;
  username: string;
}

/**
 * Vercel's `lastAliasRequest`, typed by the official SDK (a type-only import: nothing of it is
 * bundled). The emulator imports only core of ours, so it cannot inherit a mistake of the client it
 * stands in for; the SDK's own type holds both to what Vercel sends.
 */
export type AliasRequest = Pick<
  LastAliasRequest,
  'fromDeploymentId' | 'toDeploymentId' | 'jobStatus' | 'requestedAt' | 'type'
>;

export interface VercelProject {
  id: string;
  name: string;
  /** Team id, or undefined for the personal scope. */
  teamId?: string;
  accountId: string;
  createdAt: number;
  updatedAt: number;
  /** False while an instant rollback pins production: new production builds end READY + STAGED. */
  autoAssignCustomDomains: boolean;
  productionDeploymentId: string | null;
  /** Stable production alias host `127.0.0.1:PORT` (serves whatever production is). */
  productionHost: string;
  lastAliasRequest: AliasRequest | null;
  aliasJob?: { progress: Progress; outcome: 'succeeded' | 'failed' };
  /** Shape UNCONFIRMED: mirrors lastAliasRequest for the last rollback; null once promoted again. */
  lastRollbackTarget: (AliasRequest & { type: 'rollback' }) | null;
  /** Shape UNCONFIRMED ("who/why"). */
  rollbackDescription: { userId: string; username: string; description: string | null; createdAt: number } | null;
  link: { type: 'github'; org: string; repo: string; productionBranch: string };
  framework: string;
  /** Build timing for this project's deployments (overrides the global one). */
  timing?: StepTiming;
}

export interface VercelDeployment {
  id: string;
  url: string;
  name: string;
  projectId: string;
  teamId?: string;
  ownerId: string;
  target: string | null;
  readyState: VercelReadyState;
  readySubstate?: 'STAGED' | 'ROLLING' | 'PROMOTED';
  createdAt: number;
  buildingAt?: number;
  ready?: number;
  canceledAt?: number;
  buildErrorAt?: number;
  aliasAssigned: boolean;
  aliasError: { code: string; message: string } | null;
  alias: string[];
  errorCode?: string;
  errorMessage?: string;
  errorStep?: string;
  meta: Record<string, string>;
  gitSource?: Record<string, unknown>;
  sha: string;
  creator: { uid: string; username: string };
  inspectorUrl: string;
  source: string;
  /** `autoAssignCustomDomains` as sent on create (default true). */
  autoAssign: boolean;
  progress: Progress;
  outcome: VercelOutcome;
  plannedErrorMessage?: string;
}

export interface VercelState {
  settings: VercelSettings;
  tokens: VercelToken[];
  /** Team id → slug. */
  teams: Record<string, string>;
  projects: Record<string, VercelProject>;
  deployments: Record<string, VercelDeployment>;
  /** Scripted outcome/timing per commit SHA. */
  plans: Record<string, VercelPlan>;
}

export function initialVercelState(settings: Partial<VercelSettings> = {}): VercelState {
  return {
    settings: { ...DEFAULT_VERCEL_SETTINGS, ...settings },
    tokens: [],
    teams: {},
    projects: {},
    deployments: {},
    plans: {},
  };
}

export function stepsFor(outcome: VercelOutcome): string[] {
  switch (outcome) {
    case 'ready':
    case 'alias-error':
      return ['QUEUED', 'INITIALIZING', 'BUILDING', 'READY'];
    case 'error':
      return ['QUEUED', 'INITIALIZING', 'BUILDING', 'ERROR'];
    case 'canceled':
      return ['QUEUED', 'INITIALIZING', 'BUILDING', 'CANCELED'];
    case 'blocked':
      return ['QUEUED', 'BLOCKED'];
  }
}

export function planFor(state: VercelState, sha: string): VercelPlan {
  return (
    state.plans[sha] ?? Object.entries(state.plans).find(([key]) => key.length >= 7 && sha.startsWith(key))?.[1] ?? {}
  );
}

export function newProgress(state: VercelState, project: VercelProject, plan: VercelPlan, now: number): Progress {
  const timing = plan.timing ?? project.timing ?? state.settings.timing;
  return startProgress(stepsFor(plan.outcome ?? 'ready'), structuredClone(timing), now);
}

/** Applies a state entered by a deployment's progress. */
export function enterDeploymentStep(root: EmulatorState, deployment: VercelDeployment, step: string, at: number): void {
  const state = root.vercel;
  deployment.readyState = step as VercelReadyState;
  if (step === 'BUILDING') deployment.buildingAt = at;
  if (step === 'CANCELED') deployment.canceledAt = at;
  if (step === 'ERROR') {
    deployment.buildErrorAt = at;
    deployment.errorCode = 'BUILD_FAILED';
    deployment.errorStep = 'build';
    deployment.errorMessage = deployment.plannedErrorMessage ?? 'Command "npm run build" exited with 1';
  }
  if (step !== 'READY') return;
  deployment.ready = at;
  if (deployment.outcome === 'alias-error') {
    deployment.aliasAssigned = false;
    deployment.aliasError = { code: 'ALIAS_FAILED', message: 'The alias could not be assigned to the deployment.' };
  } else {
    deployment.aliasAssigned = true;
  }
  const project = state.projects[deployment.projectId];
  if (deployment.target !== 'production' || !project) return;
  if (deployment.outcome !== 'alias-error' && deployment.autoAssign && project.autoAssignCustomDomains) {
    pointProduction(state, project, deployment);
  } else {
    deployment.readySubstate = 'STAGED';
  }
}

/**
 * The domains production's deployment holds (its `alias`, hence `targets.production.alias`): the
 * project's `<name>.vercel.app` domain, which nothing here answers, and the stable production host
 * standing in for a custom domain (the emulator's app server answers it with whatever production
 * serves). Both, so clients must pick the custom one as they would on Vercel.
 */
export function productionDomains(project: VercelProject): string[] {
  return [`${project.name}.vercel.app`, project.productionHost];
}

export function pointProduction(state: VercelState, project: VercelProject, deployment: VercelDeployment): void {
  project.productionDeploymentId = deployment.id;
  deployment.readySubstate = 'PROMOTED';
  const domains = productionDomains(project);
  deployment.alias = [...deployment.alias.filter((alias) => !domains.includes(alias)), ...domains];
  const previous = Object.values(state.deployments).filter(
    (other) => other.projectId === project.id && other.id !== deployment.id,
  );
  for (const other of previous) other.alias = other.alias.filter((alias) => !domains.includes(alias));
}

/** Advances time-driven transitions everywhere (called on every Vercel request). */
export function tickVercel(root: EmulatorState, now: number): void {
  for (const deployment of Object.values(root.vercel.deployments)) advanceDeployment(root, deployment, now, false);
  for (const project of Object.values(root.vercel.projects)) advanceAliasJob(root, project, now, false);
}

export function advanceDeployment(root: EmulatorState, deployment: VercelDeployment, now: number, read: boolean): void {
  if (VERCEL_TERMINAL.includes(deployment.readyState) || isFinished(deployment.progress)) return;
  advanceProgress(deployment.progress, now, read, (step, at) => enterDeploymentStep(root, deployment, step, at));
}

export function advanceAliasJob(root: EmulatorState, project: VercelProject, now: number, read: boolean): void {
  const job = project.aliasJob;
  const request = project.lastAliasRequest;
  if (!job || !request || isFinished(job.progress)) return;
  advanceProgress(job.progress, now, read, (step) => {
    request.jobStatus = step as AliasRequest['jobStatus'];
    if (project.lastRollbackTarget && request.type === 'rollback')
      project.lastRollbackTarget = { ...request, type: 'rollback' };
    const target = root.vercel.deployments[request.toDeploymentId];
    if (!target) return;
    if (step === 'in-progress' && root.vercel.settings.aliasTargetsEarly) pointProduction(root.vercel, project, target);
    if (step !== 'succeeded') return;
    pointProduction(root.vercel, project, target);
    if (request.type === 'promote') {
      // A promote ends the rollback pin: production follows new production builds again.
      project.autoAssignCustomDomains = true;
      if (root.vercel.settings.promoteClearsRollbackTarget) project.lastRollbackTarget = null;
    }
  });
  if (isFinished(job.progress)) delete project.aliasJob;
}

export function startAliasJob(
  root: EmulatorState,
  project: VercelProject,
  to: VercelDeployment,
  type: 'promote' | 'rollback',
  now: number,
): AliasRequest {
  const settings = root.vercel.settings;
  const request: AliasRequest = {
    fromDeploymentId: project.productionDeploymentId,
    toDeploymentId: to.id,
    jobStatus: 'pending',
    requestedAt: now,
    type,
  };
  project.lastAliasRequest = request;
  project.aliasJob = {
    outcome: settings.aliasOutcome,
    progress: startProgress(
      ['pending', 'in-progress', settings.aliasOutcome],
      structuredClone(settings.aliasTiming),
      now,
    ),
  };
  project.updatedAt = now;
  return request;
}

export function isRollbackCandidate(deployment: VercelDeployment): boolean {
  return (
    deployment.target === 'production' && deployment.readyState === 'READY' && deployment.readySubstate === 'PROMOTED'
  );
}

export function vercelAppTarget(root: EmulatorState, key: string): AppTarget | undefined {
  const state = root.vercel;
  const projectId = key.startsWith('vercel-production:') ? key.slice('vercel-production:'.length) : undefined;
  const project = projectId ? state.projects[projectId] : undefined;
  const deployment = projectId
    ? state.deployments[(project ? productionFor(project) : null) ?? '']
    : state.deployments[key];
  if (!deployment) return projectId ? { provider: 'vercel', deploymentId: '', sha: '', phase: 'gone' } : undefined;
  const phase =
    deployment.readyState === 'READY'
      ? 'serving'
      : VERCEL_TERMINAL.includes(deployment.readyState) || deployment.readyState === 'BLOCKED'
        ? 'gone'
        : 'starting';
  return { provider: 'vercel', deploymentId: deployment.id, sha: deployment.sha, phase };
}

export function currentVercelStep(deployment: VercelDeployment): string {
  return currentStep(deployment.progress);
}

/** A deployment's build output: the commit's scripted lines, else a few made up from its outcome. */
export function vercelBuildLines(state: VercelState, deployment: VercelDeployment): string[] {
  const plan = planFor(state, deployment.sha);
  if (plan.buildLog) return plan.buildLog;
  if (deployment.readyState === 'QUEUED') return [];
  const failed = deployment.outcome === 'error';
  return [
    `Cloning (Commit: ${deployment.sha.slice(0, 7)})`,
    'Running "npm run build"',
    ...(failed ? [deployment.errorMessage ?? 'Error: Command "npm run build" exited with 1'] : ['Build Completed']),
  ];
}
