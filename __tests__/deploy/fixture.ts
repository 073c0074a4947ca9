import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import type { RailwayDeployment, VercelDeployment } from '../../src/emulator/index.js';

/** Commits used across the deploy and rollback tests. */
export const OLD = '01d0000000000000000000000000000000000001';
export const OLDER = '01d0000000000000000000000000000000000000';
export const NEW = 'feed000000000000000000000000000000000002';

export interface FixtureOptions extends EmulatorOptions {
  /** Commit serving before the deploy; null = first deploy (nothing serves). */
  frontendSha?: string | null;
  backendSha?: string | null;
  /** Older commits that served before (oldest first). */
  previous?: string[];
}

/**
 * One emulator with a Vercel project, a Railway service, a GitHub repo and tokens, plus the inputs
 * both actions need to reach it, and readers for what serves production at the end.
 */
export class Fixture {
  private constructor(
    readonly emulator: Emulator,
    readonly tokens: { vercel: string; railway: string; github: string },
    readonly vercel: { projectId: string; productionDeploymentId: string | null; productionUrl: string },
    readonly railway: {
      projectId: string;
      environmentId: string;
      serviceId: string;
      deploymentId: string | null;
      serviceUrl: string;
    },
  ) {}

  static async start(options: FixtureOptions = {}): Promise<Fixture> {
    const emulator = await startEmulator({ port: 0, ...options });
    const control = emulator.control;
    const frontendSha = options.frontendSha === undefined ? OLD : options.frontendSha;
    const backendSha = options.backendSha === undefined ? OLD : options.backendSha;
    const vercelToken = control.addVercelToken();
    const project = await control.seedVercelProject({
      productionSha: frontendSha,
      previousShas: frontendSha ? options.previous : undefined,
      org: 'threadr',
      repo: 'threadr',
    });
    const service = await control.seedRailwayService({
      successSha: backendSha,
      previousShas: backendSha ? options.previous : undefined,
    });
    const railwayToken = control.addRailwayProjectToken({
      projectId: service.projectId,
      environmentId: service.environmentId,
    });
    const githubToken = control.addGithubToken();
    control.githubRepo('threadr/threadr');
    return new Fixture(
      emulator,
      { vercel: vercelToken, railway: railwayToken, github: githubToken },
      {
        projectId: project.projectId,
        productionDeploymentId: project.productionDeploymentId,
        productionUrl: project.productionUrl,
      },
      {
        projectId: service.projectId,
        environmentId: service.environmentId,
        serviceId: service.serviceId,
        deploymentId: service.deploymentId,
        serviceUrl: service.serviceUrl,
      },
    );
  }

  get control() {
    return this.emulator.control;
  }

  /** Credentials, API URLs and fast polling for both components. */
  inputs(extra: Record<string, string> = {}): Record<string, string> {
    const urls = this.emulator.urls;
    return {
      'vercel-token': this.tokens.vercel,
      'vercel-project-id': this.vercel.projectId,
      'vercel-api-url': urls.vercel,
      'railway-token': this.tokens.railway,
      'railway-project-id': this.railway.projectId,
      'railway-environment-id': this.railway.environmentId,
      'railway-service-id': this.railway.serviceId,
      'railway-api-url': urls.railwayGraphql,
      'github-token': this.tokens.github,
      'github-api-url': urls.github,
      'poll-interval': '5ms',
      'request-timeout': '2s',
      'verify-timeout': '2s',
      ...extra,
    };
  }

  /** The deployment production points at on Vercel. */
  vercelProduction(): VercelDeployment | undefined {
    const id = this.control.vercelProject(this.vercel.projectId)?.productionDeploymentId;
    return id ? this.control.vercelDeployment(id) : undefined;
  }

  /** The deployment that serves the Railway service (newest active one). */
  railwayProduction(): RailwayDeployment | undefined {
    return this.control
      .railwayDeployments(this.railway.serviceId)
      .find((d) => ['SUCCESS', 'CRASHED', 'SLEEPING'].includes(d.status));
  }

  /** Production ends on a deployment that is READY / SUCCESS (the fault matrix's invariant). */
  productionHealthy(): { frontend: boolean; backend: boolean } {
    return {
      frontend: this.vercelProduction()?.readyState === 'READY',
      backend: this.railwayProduction()?.status === 'SUCCESS',
    };
  }

  githubDeployments() {
    return this.control.githubRepo('threadr/threadr').deployments;
  }

  /** Every recorded request's URL and body must be free of tokens (they travel in headers only). */
  tokenLeaks(): string[] {
    const secrets = Object.values(this.tokens);
    return this.control
      .requests()
      .filter((r) => secrets.some((secret) => r.fullPath.includes(secret) || r.body.includes(secret)))
      .map((r) => `${r.method} ${r.fullPath}`);
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
  }
}

export type { VercelDeployment, RailwayDeployment };
