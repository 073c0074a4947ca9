import type { HttpClient } from '../core/http.js';
import { unexpectedShape } from './errors.js';
import { railwayGraphql, type RailwayTokenKind } from './railway-graphql.js';

/** Railway public GraphQL API client: deploy, read, cancel and roll back deployments (docs/platform-behaviour.md §2). */

export type RailwayStatus =
  | 'BUILDING'
  | 'CRASHED'
  | 'DEPLOYING'
  | 'FAILED'
  | 'INITIALIZING'
  | 'NEEDS_APPROVAL'
  | 'QUEUED'
  | 'REMOVED'
  | 'REMOVING'
  | 'SKIPPED'
  | 'SLEEPING'
  | 'SUCCESS'
  | 'WAITING';

export interface RailwayDeployment {
  id: string;
  status: RailwayStatus;
  createdAt: string;
  url: string | null;
  staticUrl: string | null;
  meta: Record<string, unknown> | null;
  canRollback: boolean;
}

/**
 * A project token (the usual RAILWAY_TOKEN in CI) is sent as `Project-Access-Token`; an account,
 * workspace or OAuth token as `Authorization: Bearer`. Sending one the other way is "Not Authorized".
 */
export type { RailwayTokenKind };

export interface RailwayClientOptions {
  http: HttpClient;
  /** https://backboard.railway.com/graphql/v2, the emulator, or a proxy. */
  url: string;
  token: string;
  tokenKind: RailwayTokenKind;
  timeoutMs?: number;
}

export interface DeploymentListInput {
  projectId: string;
  environmentId: string;
  serviceId: string;
  status?: { in?: RailwayStatus[]; notIn?: RailwayStatus[] };
}

const DEPLOYMENT_FIELDS = 'id status createdAt url staticUrl meta canRollback';

export class RailwayClient {
  readonly provider = 'railway';
  constructor(private readonly options: RailwayClientOptions) {}

  /** Deploys `commitSha` of the service's connected repo; returns the new deployment id. */
  async deployCommit(serviceId: string, environmentId: string, commitSha: string): Promise<string> {
    const data = await this.graphql<{ serviceInstanceDeployV2: unknown }>(
      'ServiceInstanceDeployV2',
      'mutation ServiceInstanceDeployV2($serviceId: String!, $environmentId: String!, $commitSha: String) { serviceInstanceDeployV2(serviceId: $serviceId, environmentId: $environmentId, commitSha: $commitSha) }',
      { serviceId, environmentId, commitSha },
      true,
    );
    if (typeof data.serviceInstanceDeployV2 !== 'string')
      throw unexpectedShape(this.provider, 'serviceInstanceDeployV2', 'expected a deployment id');
    return data.serviceInstanceDeployV2;
  }

  /**
   * The service's healthcheck path in one environment, null when none is set. Railway switches
   * traffic to a new deployment only once this path answers; without one it switches as soon as the
   * container starts (docs/platform-behaviour.md "Railway healthcheck"). Field: ServiceInstance.healthcheckPath
   * in the schema the Railway CLI ships (src/gql/schema.json).
   */
  async healthcheckPath(serviceId: string, environmentId: string): Promise<string | null> {
    const data = await this.graphql<{ serviceInstance: { healthcheckPath?: unknown } | null }>(
      'ServiceInstanceHealthcheck',
      'query ServiceInstanceHealthcheck($serviceId: String!, $environmentId: String!) { serviceInstance(serviceId: $serviceId, environmentId: $environmentId) { healthcheckPath } }',
      { serviceId, environmentId },
    );
    const path = data.serviceInstance?.healthcheckPath;
    return typeof path === 'string' && path.trim() !== '' ? path : null;
  }

  async deployment(id: string): Promise<RailwayDeployment> {
    const data = await this.graphql<{ deployment: unknown }>(
      'Deployment',
      `query Deployment($id: String!) { deployment(id: $id) { ${DEPLOYMENT_FIELDS} } }`,
      { id },
    );
    return railwayDeployment(data.deployment, `deployment ${id}`);
  }

  /**
   * The last `limit` lines of a deployment's build or runtime log (docs/platform-behaviour.md §2.2: buildLogs /
   * deploymentLogs, from Railway's CLI). Which end `limit` keeps is UNCONFIRMED; lines are sorted
   * by timestamp here either way.
   */
  async logs(
    kind: 'build' | 'deployment',
    deploymentId: string,
    limit: number,
  ): Promise<{ timestamp: string; message: string; severity: string | null }[]> {
    const field = kind === 'build' ? 'buildLogs' : 'deploymentLogs';
    const name = kind === 'build' ? 'BuildLogs' : 'DeploymentLogs';
    const data = await this.graphql<Record<string, unknown>>(
      name,
      `query ${name}($deploymentId: String!, $limit: Int) { ${field}(deploymentId: $deploymentId, limit: $limit) { timestamp message severity } }`,
      { deploymentId, limit },
    );
    const lines = data[field];
    if (!Array.isArray(lines)) throw unexpectedShape(this.provider, field, 'expected a list of log lines');
    return lines
      .filter(
        (line): line is { timestamp?: unknown; message: string; severity?: unknown } =>
          typeof line?.message === 'string',
      )
      .map((line) => ({
        timestamp: typeof line.timestamp === 'string' ? line.timestamp : '',
        message: line.message,
        severity: typeof line.severity === 'string' ? line.severity : null,
      }))
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  }

  /** Newest first (ordering UNCONFIRMED docs/platform-behaviour.md §2.2: callers sort by createdAt too). */
  async deployments(input: DeploymentListInput, first = 10): Promise<RailwayDeployment[]> {
    const data = await this.graphql<{ deployments: { edges?: { node: unknown }[] } | null }>(
      'Deployments',
      `query Deployments($input: DeploymentListInput!, $first: Int) { deployments(input: $input, first: $first) { edges { node { ${DEPLOYMENT_FIELDS} } } } }`,
      { input, first },
    );
    const edges = data.deployments?.edges;
    if (!Array.isArray(edges)) throw unexpectedShape(this.provider, 'deployments', 'no edges array');
    return edges
      .map((edge) => railwayDeployment(edge?.node, 'deployments'))
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }

  /**
   * Rolls back to deployment `id`. The schema types the result as Boolean! (the docs' selection
   * set is a validation error, docs/platform-behaviour.md §2.3), so the new deployment is found by listing afterwards.
   */
  rollback(id: string): Promise<boolean> {
    return this.deploymentMutation(
      'DeploymentRollback',
      'mutation DeploymentRollback($id: String!) { deploymentRollback(id: $id) }',
      id,
    );
  }

  cancel(id: string): Promise<boolean> {
    return this.deploymentMutation(
      'DeploymentCancel',
      'mutation DeploymentCancel($id: String!) { deploymentCancel(id: $id) }',
      id,
    );
  }

  /** Stops a deployment and moves it to history (REMOVED); for one past the point where cancel works. */
  remove(id: string): Promise<boolean> {
    return this.deploymentMutation(
      'DeploymentRemove',
      'mutation DeploymentRemove($id: String!) { deploymentRemove(id: $id) }',
      id,
    );
  }

  /** A mutation of one deployment whose one field is typed Boolean!: true when Railway says it was done. */
  private async deploymentMutation(operationName: string, query: string, id: string): Promise<boolean> {
    const data = await this.graphql<Record<string, unknown>>(operationName, query, { id }, true);
    return Object.values(data)[0] === true;
  }

  private graphql<T>(
    operationName: string,
    query: string,
    variables: Record<string, unknown>,
    mutation = false,
  ): Promise<T> {
    return railwayGraphql<T>(this.options, { operationName, query, variables, mutation });
  }
}

function railwayDeployment(raw: unknown, what: string): RailwayDeployment {
  const value = raw as Partial<RailwayDeployment> | null | undefined;
  if (!value || typeof value.id !== 'string' || typeof value.status !== 'string') {
    throw unexpectedShape('railway', what, 'a deployment needs a string id and status');
  }
  return {
    id: value.id,
    status: value.status,
    createdAt: typeof value.createdAt === 'string' ? value.createdAt : new Date(0).toISOString(),
    url: typeof value.url === 'string' ? value.url : null,
    staticUrl: typeof value.staticUrl === 'string' ? value.staticUrl : null,
    meta: value.meta && typeof value.meta === 'object' ? value.meta : null,
    canRollback: value.canRollback === true,
  };
}

/**
 * The deployment's own URL with a scheme (whether Railway includes one is UNCONFIRMED, docs/platform-behaviour.md §2.1; the
 * scheme is the API's own: https for Railway, http for the loopback emulator). The deployment URL,
 * not the service's static domain, so a health check looks at this build and not whichever serves.
 */
export function railwayUrl(
  d: Pick<RailwayDeployment, 'url' | 'staticUrl'>,
  scheme: 'https' | 'http' = 'https',
): string | null {
  const host = d.url ?? d.staticUrl;
  if (!host) return null;
  return /^https?:\/\//.test(host) ? host : `${scheme}://${host}`;
}

export function railwayCommitOf(d: RailwayDeployment): string | undefined {
  const hash = d.meta?.commitHash;
  return typeof hash === 'string' ? hash : undefined;
}
