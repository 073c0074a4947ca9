import type { RailwayAuth, RailwayFieldContext } from './extension-api.js';
import {
  defaultFieldResolver,
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
} from 'graphql';
import { isIntrospectionOnly, operationsOf, operationTypeOf, railwaySchema } from './graphql.js';
import { header, json, type EmuRequest } from './http-kit.js';
import { GraphQLFieldError, graphqlErrors } from './provider-errors.js';
import type { FaultAnswer, Provider } from './provider.js';
import {
  activeDeployments,
  advanceRailwayDeployment,
  createRailwayDeployment,
  findService,
  forceStatus,
  restartProgress,
  serializeRailwayDeployment,
  serviceKey,
  tickRailway,
  type RailwayDeployment,
  type RailwayStatus,
  railwayLogLines,
} from './railway-model.js';
import { extensionContext, fakeSha, type HandlerCtx } from './runtime.js';

interface Rctx extends RailwayFieldContext {
  hctx: HandlerCtx;
  /** Deployments already counted as read by this request. */
  read: Set<string>;
}

/** A root field of Query or Mutation; its signature is in railway-schema.ts. */
interface FieldSpec {
  resolve(args: Record<string, unknown>, ctx: Rctx): unknown;
}

const NOT_AUTHORIZED = 'Not Authorized';

function parseBody(req: EmuRequest): { query?: unknown; variables?: unknown; operationName?: unknown } | undefined {
  try {
    const body = JSON.parse(req.body) as unknown;
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Railway public GraphQL API (docs/platform-behaviour.md §2): one POST route, graphql-js against railway-schema.ts. */
export const railwayProvider: Provider = {
  name: 'railway',
  prefix: '/railway',
  operationsOf(req) {
    const body = parseBody(req);
    return body ? operationsOf(body.query, body.operationName) : [];
  },
  isMutation(req) {
    const body = parseBody(req);
    return operationTypeOf(body?.query, body?.operationName) === 'mutation';
  },
  faultResponse(answer: FaultAnswer) {
    // Body of a Railway 429 UNCONFIRMED; the CLI only reads Retry-After (integer seconds).
    if (answer.kind === 'rate-limit') {
      const headers = {
        ...answer.headers,
        'x-ratelimit-limit': '1000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(answer.now / 1000) + answer.retryAfterSeconds),
      };
      return json(
        answer.status,
        {
          errors: [{ message: 'Rate limit exceeded. Please try again later.', extensions: { code: 'RATE_LIMITED' } }],
          data: null,
        },
        headers,
      );
    }
    return json(
      answer.status,
      { errors: [{ message: 'Internal Server Error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }], data: null },
      answer.headers,
    );
  },
  async handle(req, ctx) {
    if (req.path !== '/graphql/v2')
      return json(404, { errors: [{ message: `Cannot ${req.method} ${req.fullPath}`, extensions: {} }], data: null });
    if (req.method !== 'POST')
      return json(405, { errors: [{ message: 'Method Not Allowed', extensions: {} }], data: null }, { allow: 'POST' });
    const invalid = ctx.root.railway.settings.invalidQueryStatus;
    const body = parseBody(req);
    if (!body || typeof body.query !== 'string')
      return graphqlErrors([{ message: 'Must provide query string.', extensions: { code: 'BAD_REQUEST' } }], invalid);
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    if (
      body.variables !== undefined &&
      body.variables !== null &&
      (typeof body.variables !== 'object' || Array.isArray(body.variables))
    ) {
      return graphqlErrors([{ message: 'Variables are invalid JSON.', extensions: { code: 'BAD_REQUEST' } }], invalid);
    }
    tickRailway(ctx.root, ctx.rt.clock.now());

    // Parse and validate against Railway's schema before anything else, as a GraphQL server does:
    // a misspelled field, argument, input field or enum value never reaches a resolver.
    const schema = railwaySchemaFor(ctx.rt.extensions);
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      if (error instanceof GraphQLError)
        return graphqlErrors(
          [{ message: error.message, locations: error.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }],
          invalid,
        );
      throw error;
    }
    const problems = validate(schema, document);
    if (problems.length)
      return graphqlErrors(
        problems.map((problem) => ({
          message: problem.message,
          locations: problem.locations,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        })),
        invalid,
      );

    // The schema is public (introspection is on); everything else needs a token. Whether Railway
    // answers introspection without one is UNCONFIRMED.
    const auth = authenticate(req, ctx);
    if (typeof auth === 'string' && !isIntrospectionOnly(body.query, operationName))
      return graphqlErrors([{ message: auth, extensions: {} }]);

    const rctx: Rctx = {
      ...extensionContext(ctx, 'railway'),
      hctx: ctx,
      read: new Set(),
      auth: typeof auth === 'string' ? { kind: 'account', token: '' } : auth,
      operationType: operationTypeOf(body.query, operationName) === 'mutation' ? 'mutation' : 'query',
      authorize(projectId, environmentId) {
        if (typeof auth === 'string') throw new GraphQLFieldError(NOT_AUTHORIZED);
        if (auth.kind === 'account') return;
        if (
          (projectId !== undefined && projectId !== auth.projectId) ||
          (environmentId !== undefined && environmentId !== auth.environmentId)
        ) {
          throw new GraphQLFieldError(NOT_AUTHORIZED);
        }
      },
    };
    const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
    const fieldResolver: GraphQLFieldResolver<unknown, Rctx> = (source, args, context, info) => {
      if (!roots.has(info.parentType)) return defaultFieldResolver(source, args, context, info);
      const { resolve, context: fieldContext } = resolverFor(info.fieldName, context, ctx);
      return resolve({ ...args }, fieldContext);
    };
    const result = await execute({
      schema,
      document,
      variableValues: (body.variables ?? {}) as Record<string, unknown>,
      operationName,
      contextValue: rctx,
      fieldResolver,
    });
    // No data at all: the request itself was refused (variables that do not coerce, no such operation).
    if (!('data' in result) || result.data === undefined) {
      return graphqlErrors(
        (result.errors ?? []).map((error) => ({
          message: error.message,
          locations: error.locations,
          extensions: { code: 'BAD_USER_INPUT' },
        })),
        invalid,
      );
    }
    if (!result.errors?.length) return json(200, { data: result.data });
    const errors = result.errors.map((error) => {
      const original = error.originalError;
      // A resolver that throws anything but a GraphQL error is an emulator bug: answer 500 for it.
      if (
        original &&
        !(original instanceof GraphQLFieldError) &&
        !(original instanceof GraphQLError) &&
        !/^Cannot return null/.test(original.message)
      )
        throw original;
      return {
        message: error.message,
        path: error.path as (string | number)[] | undefined,
        locations: error.locations,
        extensions: original instanceof GraphQLFieldError ? original.extensions : {},
      };
    });
    return json(200, {
      errors: errors.map(({ locations, ...rest }) => ({ ...rest, ...(locations ? { locations } : {}) })),
      data: result.data,
    });
  },
};

/** Railway's schema with the extensions' SDL, checked against every resolver (built once per extension list). */
export function railwaySchemaFor(extensions: HandlerCtx['rt']['extensions']) {
  return railwaySchema(extensions, Object.keys(FIELDS));
}

function extensionField(name: string, ctx: HandlerCtx) {
  for (const extension of ctx.rt.extensions) {
    const resolve = extension.railwayFields?.[name];
    if (resolve) return { extension, resolve };
  }
  return undefined;
}

function resolverFor(
  name: string,
  rctx: Rctx,
  ctx: HandlerCtx,
): { resolve: (args: Record<string, unknown>, context: RailwayFieldContext) => unknown; context: RailwayFieldContext } {
  const builtIn = FIELDS[name];
  if (builtIn) return { resolve: (args) => builtIn.resolve(args, rctx), context: rctx };
  const found = extensionField(name, ctx);
  // In Railway's schema but not served here: say so rather than answer something made up.
  if (!found) throw new GraphQLFieldError(`The emulator does not serve "${name}" yet`, { code: 'NOT_IMPLEMENTED' });
  const context: RailwayFieldContext = { ...rctx, ...extensionContext(ctx, found.extension.name) };
  return { resolve: found.resolve, context };
}

function authenticate(req: EmuRequest, ctx: HandlerCtx): RailwayAuth | string {
  const state = ctx.root.railway;
  const projectToken = header(req, 'project-access-token');
  if (projectToken !== undefined) {
    const found = state.projectTokens.find((candidate) => candidate.token === projectToken.trim());
    return found
      ? { kind: 'project', token: found.token, projectId: found.projectId, environmentId: found.environmentId }
      : 'Project Token not found';
  }
  const match = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  const account = state.accountTokens.find((candidate) => candidate.token === match?.[1]?.trim());
  return account ? { kind: 'account', token: account.token } : NOT_AUTHORIZED;
}

function str(args: Record<string, unknown>, name: string, required = true): string {
  const value = args[name];
  if (typeof value === 'string' && value !== '') return value;
  if (!required && (value === undefined || value === null)) return '';
  throw new GraphQLFieldError(`Argument "${name}" of type "String!" is required.`, { code: 'BAD_USER_INPUT' });
}

function deploymentFor(ctx: Rctx, id: string): RailwayDeployment {
  const deployment = ctx.hctx.root.railway.deployments[id];
  if (!deployment) {
    // An out-of-scope project token learns nothing about other projects' deployments.
    if (ctx.auth.kind === 'project') throw new GraphQLFieldError(NOT_AUTHORIZED);
    throw new GraphQLFieldError('Deployment not found', { code: 'NOT_FOUND' });
  }
  ctx.authorize(deployment.projectId, deployment.environmentId);
  return deployment;
}

function readDeployment(ctx: Rctx, deployment: RailwayDeployment): Record<string, unknown> {
  if (!ctx.read.has(deployment.id)) {
    ctx.read.add(deployment.id);
    advanceRailwayDeployment(ctx.hctx.root, deployment, ctx.clock.now(), true);
  }
  return serializeRailwayDeployment(ctx.hctx.root.railway, deployment);
}

function serviceInstanceFor(ctx: Rctx, serviceId: string, environmentId: string) {
  const found = findService(ctx.hctx.root.railway, serviceId);
  if (!found) {
    if (ctx.auth.kind === 'project') throw new GraphQLFieldError(NOT_AUTHORIZED);
    throw new GraphQLFieldError('Service not found', { code: 'NOT_FOUND' });
  }
  ctx.authorize(found.project.id, environmentId);
  if (!found.project.environments.some((environment) => environment.id === environmentId))
    throw new GraphQLFieldError('Environment not found', { code: 'NOT_FOUND' });
  return found;
}

/** serviceInstanceDeployV2 / serviceInstanceDeploy: the commit given, or a made-up one (latest of the branch). */
async function deployCommit(args: Record<string, unknown>, ctx: Rctx): Promise<RailwayDeployment> {
  const serviceId = str(args, 'serviceId');
  const environmentId = str(args, 'environmentId');
  serviceInstanceFor(ctx, serviceId, environmentId);
  const sha = str(args, 'commitSha', false) || fakeSha(ctx.hctx.root);
  return newDeployment(ctx, serviceId, environmentId, sha, true);
}

async function newDeployment(
  ctx: Rctx,
  serviceId: string,
  environmentId: string,
  sha: string,
  build: boolean,
  meta: Record<string, unknown> = {},
): Promise<RailwayDeployment> {
  const root = ctx.hctx.root;
  const key = serviceKey(serviceId, environmentId);
  root.railway.serviceHosts[key] ??= await ctx.hctx.rt.apps.ensure(`railway-service:${key}`);
  const placeholder = `pending-${root.counter + 1}`;
  const deployment = createRailwayDeployment(
    root,
    { serviceId, environmentId, sha, build, meta, url: placeholder },
    ctx.clock.now(),
  );
  deployment.url = await ctx.hctx.rt.apps.ensure(deployment.id);
  return deployment;
}

function latestSha(ctx: Rctx, serviceId: string, environmentId: string): string | undefined {
  return Object.values(ctx.hctx.root.railway.deployments)
    .filter((deployment) => deployment.serviceId === serviceId && deployment.environmentId === environmentId)
    .sort((a, b) => b.createdAt - a.createdAt)[0]?.sha;
}

function logLines(args: Record<string, unknown>, ctx: Rctx, kind: 'build' | 'deploy'): Record<string, unknown>[] {
  const deployment = deploymentFor(ctx, str(args, 'deploymentId'));
  const lines = railwayLogLines(ctx.hctx.root.railway, deployment, kind);
  const limit = typeof args['limit'] === 'number' && args['limit'] > 0 ? args['limit'] : lines.length;
  const at = new Date(deployment.createdAt).getTime();
  return lines.slice(-limit).map((message, i) => ({
    __typename: 'Log',
    timestamp: new Date(at + i * 1000).toISOString(),
    message,
    severity: /error/i.test(message) ? 'error' : 'info',
    attributes: [],
  }));
}

const CANCELABLE: readonly RailwayStatus[] = ['QUEUED', 'INITIALIZING', 'BUILDING', 'WAITING'];

const FIELDS: Record<string, FieldSpec> = {
  deployment: {
    resolve: (args, ctx) => readDeployment(ctx, deploymentFor(ctx, str(args, 'id'))),
  },
  deployments: {
    resolve(args, ctx) {
      const input = (args['input'] ?? {}) as {
        projectId?: string;
        environmentId?: string;
        serviceId?: string;
        status?: { in?: string[]; notIn?: string[] };
      };
      if (ctx.auth.kind === 'project')
        ctx.authorize(input.projectId ?? ctx.auth.projectId, input.environmentId ?? ctx.auth.environmentId);
      const scope =
        ctx.auth.kind === 'project' ? { projectId: ctx.auth.projectId, environmentId: ctx.auth.environmentId } : {};
      const all = Object.values(ctx.hctx.root.railway.deployments)
        .filter((deployment) => {
          if (deployment.listHidden > 0) {
            deployment.listHidden--;
            return false;
          }
          return true;
        })
        .filter((deployment) => !input.projectId || deployment.projectId === input.projectId)
        .filter((deployment) => !input.environmentId || deployment.environmentId === input.environmentId)
        .filter((deployment) => !input.serviceId || deployment.serviceId === input.serviceId)
        .filter(
          (deployment) =>
            !scope.projectId ||
            (deployment.projectId === scope.projectId && deployment.environmentId === scope.environmentId),
        )
        .filter((deployment) => !input.status?.in || input.status.in.includes(deployment.status))
        .filter((deployment) => !input.status?.notIn || !input.status.notIn.includes(deployment.status))
        // Newest first: inferred from the docs' use of first: 1 for "latest" (ordering UNCONFIRMED, docs/platform-behaviour.md §2.2).
        .sort((a, b) => b.createdAt - a.createdAt);
      return connection(all, args, (deployment) => readDeployment(ctx, deployment));
    },
  },
  // Log = { timestamp, message, severity?, attributes { key value } } (docs/platform-behaviour.md §2.2). Which end
  // `limit` keeps is UNCONFIRMED; the emulator keeps the newest lines, oldest first, as a tail.
  buildLogs: {
    resolve: (args, ctx) => logLines(args, ctx, 'build'),
  },
  deploymentLogs: {
    resolve: (args, ctx) => logLines(args, ctx, 'deploy'),
  },
  serviceInstance: {
    resolve(args, ctx) {
      const serviceId = str(args, 'serviceId');
      const environmentId = str(args, 'environmentId');
      const { service } = serviceInstanceFor(ctx, serviceId, environmentId);
      const deployments = Object.values(ctx.hctx.root.railway.deployments)
        .filter((deployment) => deployment.serviceId === serviceId && deployment.environmentId === environmentId)
        .sort((a, b) => b.createdAt - a.createdAt);
      const latest = deployments[0] ? readDeployment(ctx, deployments[0]) : null;
      return {
        __typename: 'ServiceInstance',
        id: `${serviceId}-${environmentId}`,
        serviceId,
        environmentId,
        serviceName: service.name,
        numReplicas: service.replicas?.[environmentId] ?? 1,
        healthcheckPath: service.healthcheckPath === undefined ? '/health' : service.healthcheckPath,
        latestDeployment: latest,
        activeDeployments: activeDeployments(ctx.hctx.root.railway, serviceId, environmentId).map((deployment) =>
          readDeployment(ctx, deployment),
        ),
      };
    },
  },
  project: {
    resolve(args, ctx) {
      const found = ctx.hctx.root.railway.projects[str(args, 'id')];
      if (!found) throw new GraphQLFieldError(ctx.auth.kind === 'project' ? NOT_AUTHORIZED : 'Project not found');
      ctx.authorize(found.id);
      const edges = <T>(items: T[]) => ({ edges: items.map((node) => ({ node })) });
      return {
        __typename: 'Project',
        id: found.id,
        name: found.name,
        environments: edges(found.environments),
        services: edges(found.services.map(({ id, name }) => ({ id, name }))),
      };
    },
  },
  projectToken: {
    resolve(_args, ctx) {
      if (ctx.auth.kind !== 'project') throw new GraphQLFieldError(NOT_AUTHORIZED);
      return { __typename: 'ProjectToken', projectId: ctx.auth.projectId, environmentId: ctx.auth.environmentId };
    },
  },
  me: {
    resolve(_args, ctx) {
      const account = ctx.hctx.root.railway.accountTokens.find((candidate) => candidate.token === ctx.auth.token);
      if (ctx.auth.kind !== 'account' || !account) throw new GraphQLFieldError(NOT_AUTHORIZED);
      return { __typename: 'User', id: account.userId, email: account.email, name: account.name };
    },
  },
  serviceInstanceDeployV2: {
    async resolve(args, ctx) {
      return (await deployCommit(args, ctx)).id;
    },
  },
  serviceInstanceDeploy: {
    // The older form: the same deploy, but the answer carries no id.
    async resolve(args, ctx) {
      await deployCommit(args, ctx);
      return true;
    },
  },
  serviceInstanceRedeploy: {
    async resolve(args, ctx) {
      const serviceId = str(args, 'serviceId');
      const environmentId = str(args, 'environmentId');
      serviceInstanceFor(ctx, serviceId, environmentId);
      const sha = latestSha(ctx, serviceId, environmentId);
      if (!sha) throw new GraphQLFieldError('No deployment found to redeploy', { code: 'NOT_FOUND' });
      await newDeployment(ctx, serviceId, environmentId, sha, true, { reason: 'redeploy' });
      return true;
    },
  },
  // Only numReplicas is kept (remediate's scale_backend / scale_down); the other settings are accepted and ignored.
  serviceInstanceUpdate: {
    resolve(args, ctx) {
      const serviceId = str(args, 'serviceId');
      const environmentId =
        typeof args['environmentId'] === 'string'
          ? args['environmentId']
          : ctx.auth.kind === 'project'
            ? ctx.auth.environmentId
            : '';
      const { service } = serviceInstanceFor(ctx, serviceId, environmentId);
      const replicas = (args['input'] as { numReplicas?: number | null } | undefined)?.numReplicas;
      if (typeof replicas === 'number') {
        if (replicas < 1) throw new GraphQLFieldError('numReplicas must be at least 1', { code: 'BAD_USER_INPUT' });
        service.replicas = { ...service.replicas, [environmentId]: replicas };
      }
      return true;
    },
  },
  deploymentRedeploy: {
    async resolve(args, ctx) {
      const source = deploymentFor(ctx, str(args, 'id'));
      const created = await newDeployment(
        ctx,
        source.serviceId,
        source.environmentId,
        source.sha,
        args['usePreviousImageTag'] !== true,
        { ...source.meta, reason: 'redeploy' },
      );
      return serializeRailwayDeployment(ctx.hctx.root.railway, created);
    },
  },
  deploymentRollback: {
    async resolve(args, ctx) {
      const target = deploymentFor(ctx, str(args, 'id'));
      if (!target.canRollback)
        throw new GraphQLFieldError('Deployment cannot be rolled back', { code: 'BAD_USER_INPUT' });
      const root = ctx.hctx.root;
      if (root.railway.settings.rollbackMode === 'same-id') {
        restartProgress(root, target, ['DEPLOYING', 'SUCCESS'], ctx.clock.now());
      } else {
        await newDeployment(ctx, target.serviceId, target.environmentId, target.sha, false, {
          ...target.meta,
          reason: 'rollback',
          rollbackSourceDeploymentId: target.id,
        });
      }
      return true;
    },
  },
  deploymentCancel: {
    resolve(args, ctx) {
      const deployment = deploymentFor(ctx, str(args, 'id'));
      // Error text UNCONFIRMED; the dashboard's "Abort" ends in REMOVED (docs/platform-behaviour.md §2.1).
      if (!CANCELABLE.includes(deployment.status))
        throw new GraphQLFieldError(`Deployment cannot be cancelled in status ${deployment.status}`, {
          code: 'BAD_USER_INPUT',
        });
      forceStatus(ctx.hctx.root, deployment, 'REMOVED', ctx.clock.now());
      return true;
    },
  },
  deploymentRestart: {
    resolve(args, ctx) {
      const deployment = deploymentFor(ctx, str(args, 'id'));
      if (!['SUCCESS', 'CRASHED', 'SLEEPING'].includes(deployment.status))
        throw new GraphQLFieldError(`Deployment cannot be restarted in status ${deployment.status}`, {
          code: 'BAD_USER_INPUT',
        });
      const root = ctx.hctx.root;
      delete root.apps.served[deployment.id];
      if (deployment.status !== 'SUCCESS') forceStatus(root, deployment, 'SUCCESS', ctx.clock.now());
      // Same id and status; the instance shows RESTARTING until the next request, then RUNNING.
      deployment.instances = [{ id: `${deployment.id}-instance-1`, status: 'RESTARTING' }];
      return true;
    },
  },
  deploymentStop: {
    resolve(args, ctx) {
      const deployment = deploymentFor(ctx, str(args, 'id'));
      deployment.deploymentStopped = true;
      deployment.instances = deployment.instances.map((instance) => ({ ...instance, status: 'STOPPED' }));
      return true;
    },
  },
  deploymentRemove: {
    resolve(args, ctx) {
      forceStatus(ctx.hctx.root, deploymentFor(ctx, str(args, 'id')), 'REMOVED', ctx.clock.now());
      return true;
    },
  },
};

/** Relay connection over an ordered list; cursors are the node ids (opaque to clients). */
function connection<T extends { id: string }>(items: T[], args: Record<string, unknown>, render: (item: T) => unknown) {
  let start = 0;
  if (typeof args['after'] === 'string') {
    const index = items.findIndex((item) => cursorOf(item.id) === args['after']);
    start = index < 0 ? items.length : index + 1;
  }
  let end = items.length;
  if (typeof args['before'] === 'string') {
    const index = items.findIndex((item) => cursorOf(item.id) === args['before']);
    if (index >= 0) end = index;
  }
  let slice = items.slice(start, end);
  const first = typeof args['first'] === 'number' ? args['first'] : undefined;
  const last = typeof args['last'] === 'number' ? args['last'] : undefined;
  if (first !== undefined) slice = slice.slice(0, Math.max(0, first));
  if (last !== undefined) slice = slice.slice(Math.max(0, slice.length - last));
  const edges = slice.map((item) => ({ __typename: 'Edge', cursor: cursorOf(item.id), node: render(item) }));
  const firstIndex = slice[0] ? items.indexOf(slice[0]) : start;
  const lastIndex = slice.length ? items.indexOf(slice[slice.length - 1] as T) : start - 1;
  return {
    __typename: 'Connection',
    edges,
    pageInfo: {
      __typename: 'PageInfo',
      hasNextPage: lastIndex < end - 1,
      hasPreviousPage: firstIndex > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

function cursorOf(id: string): string {
  return Buffer.from(`deployment:${id}`).toString('base64');
}
