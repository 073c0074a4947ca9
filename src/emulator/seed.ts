import { startProgress } from './progress.js';
import {
  createRailwayDeployment,
  enterRailwayStep,
  serviceKey,
  type RailwayProject,
  type RailwayPlan,
  type RailwayService,
} from './railway-model.js';
import { fakeSha, nextId, nextNumber, nextUuid, type Runtime } from './runtime.js';
import { pointProduction, type VercelProject, type VercelDeployment } from './vercel-model.js';
import type { StepTiming } from './progress.js';

const HOUR = 3_600_000;

export interface VercelProjectSeed {
  id?: string;
  name?: string;
  /** Put the project in a team (callers must then send `teamId`). */
  teamId?: string;
  /** SHA of the READY + PROMOTED production deployment; `null` = a first-deploy project with none. Default: a generated SHA. */
  productionSha?: string | null;
  /** Older production deployments that served before (oldest first): rollback candidates. */
  previousShas?: string[];
  org?: string;
  repo?: string;
  productionBranch?: string;
  timing?: StepTiming;
}

export interface SeededVercelProject {
  projectId: string;
  name: string;
  teamId?: string;
  /** Stable production alias host (`127.0.0.1:PORT`): serves whatever production is. */
  productionHost: string;
  productionUrl: string;
  productionDeploymentId: string | null;
  /** Ids of the seeded production deployments, oldest first (the last one is production). */
  deploymentIds: string[];
}

export async function seedVercelProject(rt: Runtime, seed: VercelProjectSeed = {}): Promise<SeededVercelProject> {
  const root = rt.state;
  const state = root.vercel;
  const now = rt.clock.now();
  const id = seed.id ?? nextId(root, 'prj_emu');
  const name = seed.name ?? `web-${nextNumber(root)}`;
  if (seed.teamId && !state.teams[seed.teamId]) state.teams[seed.teamId] = seed.teamId.replace(/^team_/, '');
  const project: VercelProject = {
    id,
    name,
    teamId: seed.teamId,
    accountId: seed.teamId ?? 'user_emu',
    createdAt: now - 48 * HOUR,
    updatedAt: now - HOUR,
    autoAssignCustomDomains: true,
    productionDeploymentId: null,
    productionHost: await rt.apps.ensure(`vercel-production:${id}`),
    lastAliasRequest: null,
    lastRollbackTarget: null,
    rollbackDescription: null,
    link: {
      type: 'github',
      org: seed.org ?? 'threadr',
      repo: seed.repo ?? 'threadr-web',
      productionBranch: seed.productionBranch ?? 'main',
    },
    framework: 'nextjs',
    timing: seed.timing,
  };
  state.projects[id] = project;
  const shas = seed.productionSha === null ? [] : [...(seed.previousShas ?? []), seed.productionSha ?? fakeSha(root)];
  const ids: string[] = [];
  for (const [index, sha] of shas.entries()) {
    const createdAt = now - (shas.length - index + 1) * HOUR;
    const deploymentId = nextId(root, 'dpl_emu');
    const deployment: VercelDeployment = {
      id: deploymentId,
      url: await rt.apps.ensure(deploymentId),
      name,
      projectId: id,
      teamId: seed.teamId,
      ownerId: project.accountId,
      target: 'production',
      readyState: 'READY',
      readySubstate: 'PROMOTED',
      createdAt,
      buildingAt: createdAt + 5_000,
      ready: createdAt + 60_000,
      aliasAssigned: true,
      aliasError: null,
      alias: [],
      meta: { githubCommitSha: sha, githubCommitRef: project.link.productionBranch },
      gitSource: {
        type: 'github',
        org: project.link.org,
        repo: project.link.repo,
        ref: project.link.productionBranch,
        sha,
      },
      sha,
      creator: { uid: 'user_emu', username: 'threadr-ops' },
      inspectorUrl: `https://vercel.com/threadr/${name}/${deploymentId.replace(/^dpl_/, '')}`,
      source: 'git',
      autoAssign: true,
      progress: startProgress(['READY'], {}, createdAt),
      outcome: 'ready',
    };
    state.deployments[deploymentId] = deployment;
    pointProduction(state, project, deployment);
    ids.push(deploymentId);
  }
  return {
    projectId: id,
    name,
    teamId: seed.teamId,
    productionHost: project.productionHost,
    productionUrl: `http://${project.productionHost}`,
    productionDeploymentId: project.productionDeploymentId,
    deploymentIds: ids,
  };
}

export interface RailwayServiceSeed {
  /** Add to this project if it exists (else a project with this id is created). */
  projectId?: string;
  projectName?: string;
  environmentId?: string;
  environmentName?: string;
  serviceId?: string;
  serviceName?: string;
  /** SHA of the SUCCESS deployment; `null` = a service never deployed. Default: a generated SHA. */
  successSha?: string | null;
  /** Older deployments that succeeded before (oldest first), now REMOVED: rollback candidates. */
  previousShas?: string[];
  timing?: StepTiming;
  /** The healthcheck path of the service; null: none configured (deploy warns). Default /health. */
  healthcheckPath?: string | null;
}

export interface SeededRailwayService {
  projectId: string;
  environmentId: string;
  serviceId: string;
  /** The SUCCESS deployment, or null. */
  deploymentId: string | null;
  /** Seeded deployment ids, oldest first. */
  deploymentIds: string[];
  /** Stable service host / URL (serves the active deployment). */
  serviceHost: string;
  serviceUrl: string;
}

export async function seedRailwayService(rt: Runtime, seed: RailwayServiceSeed = {}): Promise<SeededRailwayService> {
  const root = rt.state;
  const state = root.railway;
  const now = rt.clock.now();
  const projectId = seed.projectId ?? nextUuid(root);
  const project: RailwayProject = (state.projects[projectId] ??= {
    id: projectId,
    name: seed.projectName ?? 'threadr',
    environments: [],
    services: [],
  });
  const environmentId =
    seed.environmentId ??
    project.environments.find((environment) => environment.name === (seed.environmentName ?? 'production'))?.id ??
    nextUuid(root);
  if (!project.environments.some((environment) => environment.id === environmentId))
    project.environments.push({ id: environmentId, name: seed.environmentName ?? 'production' });
  const serviceId = seed.serviceId ?? nextUuid(root);
  let service: RailwayService | undefined = project.services.find((candidate) => candidate.id === serviceId);
  if (!service) {
    service = {
      id: serviceId,
      name: seed.serviceName ?? 'api',
      timing: seed.timing,
      healthcheckPath: seed.healthcheckPath === undefined ? '/health' : seed.healthcheckPath,
    };
    project.services.push(service);
  }
  const key = serviceKey(serviceId, environmentId);
  const serviceHost = (state.serviceHosts[key] ??= await rt.apps.ensure(`railway-service:${key}`));
  const shas = seed.successSha === null ? [] : [...(seed.previousShas ?? []), seed.successSha ?? fakeSha(root)];
  const ids: string[] = [];
  for (const [index, sha] of shas.entries()) {
    const at = now - (shas.length - index + 1) * 3_600_000;
    const planned: RailwayPlan | undefined = state.plans[sha];
    delete state.plans[sha];
    const deployment = createRailwayDeployment(
      root,
      { serviceId, environmentId, sha, build: true, url: 'pending' },
      at,
    );
    if (planned) state.plans[sha] = planned;
    deployment.url = await rt.apps.ensure(deployment.id);
    deployment.progress = startProgress(['SUCCESS'], {}, at);
    deployment.listHidden = 0;
    enterRailwayStep(root, deployment, 'SUCCESS', at);
    ids.push(deployment.id);
  }
  // Seeded history is settled: the older ones are already gone.
  for (const id of ids.slice(0, -1)) {
    const old = state.deployments[id];
    if (old) {
      old.progress = startProgress(['REMOVED'], {}, now);
      enterRailwayStep(root, old, 'REMOVED', now - 3_600_000);
    }
  }
  return {
    projectId,
    environmentId,
    serviceId,
    deploymentId: ids[ids.length - 1] ?? null,
    deploymentIds: ids,
    serviceHost,
    serviceUrl: `http://${serviceHost}`,
  };
}
