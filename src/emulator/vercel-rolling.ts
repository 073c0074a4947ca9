import { json, parseJsonBody, type EmuRequest, type EmuResponse } from './http-kit.js';
import { vercelError } from './provider-errors.js';
import { pointProduction, type VercelDeployment, type VercelProject, type VercelState } from './vercel-model.js';

/**
 * Vercel rolling releases as @vercel/sdk's types describe them (models/getrollingreleaseop.ts and
 * the start / approve-stage / complete ops): a project with a rolling-release configuration (stages
 * of target percentages, the last 100) sends a share of production traffic to a canary deployment,
 * advanced stage by stage. Aborting: the SDK has no abort call; the emulator aborts an ACTIVE
 * release when production is instantly rolled back to the current deployment (UNCONFIRMED).
 */
export interface RollingReleaseConfig {
  stages: { targetPercentage: number; requireApproval: boolean; duration: number | null }[];
}

export interface RollingRelease {
  state: 'ACTIVE' | 'COMPLETE' | 'ABORTED';
  canaryDeploymentId: string;
  currentDeploymentId: string | null;
  stageIndex: number;
  startedAt: number;
  updatedAt: number;
  /** Requests the production URL served during the release (the traffic split counts them). */
  served: number;
}

export interface RollingProject extends VercelProject {
  rollingReleaseConfig?: RollingReleaseConfig | null;
  rollingRelease?: RollingRelease | null;
}

type Lookup = { project: RollingProject; deployment?: VercelDeployment } | EmuResponse;

const badRequest = (message: string): EmuResponse => vercelError(400, 'bad_request', message);

export function rollingView(state: VercelState, project: RollingProject): Record<string, unknown> | null {
  const release = project.rollingRelease;
  const config = project.rollingReleaseConfig;
  if (!release || !config) return null;
  const stages = config.stages.map((stage, index) => ({
    ...stage,
    index,
    isFinalStage: index === config.stages.length - 1,
  }));
  const summary = (id: string | null) => {
    const d = id ? state.deployments[id] : undefined;
    return d
      ? { id: d.id, name: d.name, url: d.url, target: d.target, createdAt: d.createdAt, readyState: d.readyState }
      : null;
  };
  const active = release.state === 'ACTIVE' ? (stages[release.stageIndex] ?? null) : null;
  return {
    state: release.state,
    substate: null,
    advancementType: config.stages.some((stage) => stage.requireApproval) ? 'manual-approval' : 'automatic',
    canaryDeployment: summary(release.canaryDeploymentId),
    currentDeployment: summary(release.currentDeploymentId),
    queuedDeploymentId: null,
    stages,
    activeStage: active,
    nextStage: active ? (stages[release.stageIndex + 1] ?? null) : null,
    currentCanaryPercentage: active ? active.targetPercentage : release.state === 'COMPLETE' ? 100 : 0,
    startedAt: release.startedAt,
    updatedAt: release.updatedAt,
  };
}

/** GET /v1/projects/:idOrName/rolling-release */
export function getRollingRelease(lookup: Lookup, state: VercelState): EmuResponse {
  if ('status' in lookup) return lookup;
  return json(200, { rollingRelease: rollingView(state, lookup.project) });
}

/** The last path segment of POST /v1/projects/:idOrName/rolling-release/{start,approve-stage,complete}. */
export type RollingAction = 'start' | 'approve-stage' | 'complete';

/** POST /v1/projects/:idOrName/rolling-release/{start,approve-stage,complete} */
export function changeRollingRelease(
  action: RollingAction,
  req: EmuRequest,
  lookup: (id: string) => Lookup,
  state: VercelState,
  now: number,
): EmuResponse {
  let body: Record<string, unknown>;
  try {
    body = (parseJsonBody(req) ?? {}) as Record<string, unknown>;
  } catch {
    return badRequest('Invalid JSON body.');
  }
  const canaryId = body['canaryDeploymentId'];
  if (typeof canaryId !== 'string')
    return badRequest('Invalid request: missing required property `canaryDeploymentId`.');
  const found = lookup(canaryId);
  if ('status' in found) return found;
  const { project, deployment } = found;
  const config = project.rollingReleaseConfig;
  if (!config) return badRequest(`Rolling releases are not configured for project ${project.id}.`);
  if (!deployment) return vercelError(404, 'not_found', `Could not find the deployment: ${canaryId}`);
  const release = project.rollingRelease;
  if (action === 'start') {
    if (release?.state === 'ACTIVE')
      return vercelError(409, 'conflict', `A rolling release is already active for project ${project.id}.`);
    if (deployment.target !== 'production' || deployment.readyState !== 'READY')
      return badRequest(`Deployment ${deployment.id} must be a READY production deployment.`);
    if (deployment.id === project.productionDeploymentId)
      return badRequest(`Deployment ${deployment.id} already serves production.`);
    project.rollingRelease = {
      state: 'ACTIVE',
      canaryDeploymentId: deployment.id,
      currentDeploymentId: project.productionDeploymentId,
      stageIndex: 0,
      startedAt: now,
      updatedAt: now,
      served: 0,
    };
    return json(200, { rollingRelease: rollingView(state, project) });
  }
  if (!release || release.state !== 'ACTIVE' || release.canaryDeploymentId !== deployment.id)
    return badRequest(`No active rolling release with canary ${deployment.id}.`);
  if (action === 'approve-stage') {
    const next = body['nextStageIndex'];
    if (typeof next !== 'number' || next !== release.stageIndex + 1 || next >= config.stages.length)
      return badRequest(`Invalid request: \`nextStageIndex\` must be ${release.stageIndex + 1}.`);
    release.stageIndex = next;
    release.updatedAt = now;
    if (next === config.stages.length - 1) complete(state, project, release, deployment, now);
    return json(200, { rollingRelease: rollingView(state, project) });
  }
  complete(state, project, release, deployment, now);
  return json(200, { rollingRelease: rollingView(state, project) });
}

function complete(
  state: VercelState,
  project: RollingProject,
  release: RollingRelease,
  canary: VercelDeployment,
  now: number,
): void {
  release.state = 'COMPLETE';
  release.stageIndex = (project.rollingReleaseConfig?.stages.length ?? 1) - 1;
  release.updatedAt = now;
  pointProduction(state, project, canary);
}

/** An instant rollback to the current deployment during an ACTIVE release aborts it (UNCONFIRMED). */
export function abortOnRollback(project: RollingProject, toDeploymentId: string, now: number): boolean {
  const release = project.rollingRelease;
  if (!release || release.state !== 'ACTIVE' || release.currentDeploymentId !== toDeploymentId) return false;
  release.state = 'ABORTED';
  release.updatedAt = now;
  return true;
}

/**
 * Which deployment the production URL serves for this request: during an ACTIVE release, the
 * canary for its stage's share of requests, spread evenly (request n goes to the canary when
 * ⌊(n+1)·p/100⌋ > ⌊n·p/100⌋), so a test sees the exact share.
 */
export function productionFor(project: RollingProject): string | null {
  const release = project.rollingRelease;
  const stage = release?.state === 'ACTIVE' ? project.rollingReleaseConfig?.stages[release.stageIndex] : undefined;
  if (!release || !stage) return project.productionDeploymentId;
  const n = release.served++;
  const p = stage.targetPercentage;
  return Math.floor(((n + 1) * p) / 100) > Math.floor((n * p) / 100)
    ? release.canaryDeploymentId
    : (release.currentDeploymentId ?? project.productionDeploymentId);
}
