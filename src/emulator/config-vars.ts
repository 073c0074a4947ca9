/**
 * Fake environment variables (docs/backups.md): Vercel project env vars
 * (`GET/POST /v10/projects/{id}/env`, behind the Vercel token check) and Railway service variables
 * (the `variables` query and the `variableCollectionUpsert` mutation, on the current Railway
 * GraphQL engine). A project or service is known once it has an entry in this bucket (an empty
 * list or object is an empty project); tests and the demo seed them through `extensionState('config-vars')`.
 */
import {
  GraphQLFieldError,
  json,
  parseJsonBody,
  vercelError,
  type EmuResponse,
  type EmulatorExtension,
} from './extension-api.js';

export interface VercelEmuEnv {
  id: string;
  key: string;
  value: string;
  type: 'plain' | 'encrypted' | 'sensitive' | 'secret' | 'system';
  target: string[];
  gitBranch?: string;
  createdAt: number;
  updatedAt: number;
}

export interface ConfigVarsEmuState extends Record<string, unknown> {
  /** Vercel project id → its variables. */
  vercelEnv: Record<string, VercelEmuEnv[]>;
  /** `projectId/environmentId/serviceId` → name → value. */
  railwayVariables: Record<string, Record<string, string>>;
  nextId: number;
}

const TARGETS = new Set(['production', 'preview', 'development']);

/** What Vercel shows without `decrypt=true`: not the value (the real ciphertext format is not ours to copy). */
const opaque = (env: VercelEmuEnv) => `enc:${Buffer.from(env.id).toString('base64')}`;

function listed(env: VercelEmuEnv, decrypt: boolean): Record<string, unknown> {
  const { value, ...rest } = env;
  if (env.type === 'sensitive') return rest;
  return { ...rest, value: decrypt || env.type === 'plain' ? value : opaque(env) };
}

function upsertVercel(
  state: ConfigVarsEmuState,
  projectId: string,
  raw: unknown,
  upsert: boolean,
  now: number,
): EmuResponse {
  const items = Array.isArray(raw) ? raw : [raw];
  const list = state.vercelEnv[projectId]!;
  const created: Record<string, unknown>[] = [];
  for (const item of items as Record<string, unknown>[]) {
    const target = Array.isArray(item?.target)
      ? (item.target as unknown[]).map(String)
      : typeof item?.target === 'string'
        ? [item.target]
        : [];
    if (
      !item ||
      typeof item.key !== 'string' ||
      !/^[A-Za-z_][A-Za-z0-9_]*$/.test(item.key) ||
      typeof item.value !== 'string' ||
      target.length === 0 ||
      target.some((t) => !TARGETS.has(t))
    ) {
      return vercelError(
        400,
        'bad_request',
        'Invalid request: each variable needs key, value and target (production, preview, development).',
      );
    }
    const type = (
      ['plain', 'encrypted', 'sensitive'].includes(String(item.type)) ? item.type : 'encrypted'
    ) as VercelEmuEnv['type'];
    const gitBranch = typeof item.gitBranch === 'string' ? item.gitBranch : undefined;
    const clash = list.find(
      (env) => env.key === item.key && env.gitBranch === gitBranch && env.target.some((t) => target.includes(t)),
    );
    if (clash && !upsert)
      return vercelError(
        400,
        'ENV_ALREADY_EXISTS',
        `A variable with the name ${item.key} already exists for the target.`,
      );
    if (clash) Object.assign(clash, { value: item.value, type, target, updatedAt: now });
    const env = clash ?? {
      id: `env_${String(state.nextId++).padStart(6, '0')}`,
      key: item.key,
      value: item.value,
      type,
      target,
      gitBranch,
      createdAt: now,
      updatedAt: now,
    };
    if (!clash) list.push(env);
    created.push(listed(env, false));
  }
  return json(201, { created: Array.isArray(raw) ? created : created[0], failed: [] });
}

const railwayKey = (args: Record<string, unknown>) =>
  `${String(args.projectId)}/${String(args.environmentId)}/${String(args.serviceId)}`;

export const configVarsExtension: EmulatorExtension<ConfigVarsEmuState> = {
  name: 'config-vars',
  initialState: () => ({ vercelEnv: {}, railwayVariables: {}, nextId: 1 }),
  vercelRoutes: [
    {
      method: 'GET',
      path: '/v10/projects/:id/env',
      handle(req, ctx) {
        const envs = ctx.state.vercelEnv[req.params.id!];
        if (!envs) return vercelError(404, 'not_found', 'Project not found');
        const target = req.query.get('target');
        const decrypt = req.query.get('decrypt') === 'true';
        return json(200, {
          envs: envs.filter((env) => !target || env.target.includes(target)).map((env) => listed(env, decrypt)),
        });
      },
    },
    {
      method: 'POST',
      path: '/v10/projects/:id/env',
      handle(req, ctx) {
        if (!ctx.state.vercelEnv[req.params.id!]) return vercelError(404, 'not_found', 'Project not found');
        let body: unknown;
        try {
          body = parseJsonBody(req);
        } catch {
          return vercelError(400, 'bad_request', 'Invalid JSON body');
        }
        return upsertVercel(ctx.state, req.params.id!, body, req.query.get('upsert') === 'true', ctx.clock.now());
      },
    },
  ],
  railwayFields: {
    variables(args, ctx) {
      ctx.authorize(String(args.projectId), String(args.environmentId));
      const vars = ctx.state.railwayVariables[railwayKey(args)];
      if (!vars) throw new GraphQLFieldError('Service not found', { code: 'NOT_FOUND' });
      return { ...vars };
    },
    variableCollectionUpsert(args, ctx) {
      const input = (args.input ?? {}) as Record<string, unknown>;
      ctx.authorize(String(input.projectId), String(input.environmentId));
      const vars = ctx.state.railwayVariables[railwayKey(input)];
      if (!vars) throw new GraphQLFieldError('Service not found', { code: 'NOT_FOUND' });
      const given = input.variables;
      if (!given || typeof given !== 'object' || Array.isArray(given))
        throw new GraphQLFieldError('Variable "$variables" got invalid value', { code: 'BAD_USER_INPUT' });
      if (input.replace === true) for (const name of Object.keys(vars)) delete vars[name];
      for (const [name, value] of Object.entries(given as Record<string, unknown>)) vars[name] = String(value);
      return true;
    },
    // Railway's variableDelete (remediate's revert of a flag that did not exist before).
    variableDelete(args, ctx) {
      const input = (args.input ?? {}) as Record<string, unknown>;
      ctx.authorize(String(input.projectId), String(input.environmentId));
      const vars = ctx.state.railwayVariables[railwayKey(input)];
      if (!vars) throw new GraphQLFieldError('Service not found', { code: 'NOT_FOUND' });
      delete vars[String(input.name)];
      return true;
    },
  },
  railwayMutations: ['variableCollectionUpsert'],
  seedDemo(ctx) {
    // The demo's project and service (control.seedDemo), with stand-in values, and empty scratch ones for a drill.
    const now = ctx.clock.now();
    const env = (key: string, value: string, type: VercelEmuEnv['type']): VercelEmuEnv => ({
      id: `env_demo_${key.toLowerCase()}`,
      key,
      value,
      type,
      target: ['production'],
      createdAt: now,
      updatedAt: now,
    });
    ctx.state.vercelEnv.prj_threadr_web = [
      env('NEXT_PUBLIC_API_URL', 'https://api.threadr.test', 'plain'),
      env('OPENAI_API_KEY', 'sk-demo-not-a-real-key', 'encrypted'),
    ];
    ctx.state.vercelEnv.prj_threadr_scratch = [];
    ctx.state.railwayVariables['rw-project-threadr/rw-env-production/rw-service-api'] = {
      DATABASE_URL: '${{Postgres.DATABASE_URL}}',
      SESSION_SECRET: 'demo-session-secret',
      PORT: '8080',
    };
    ctx.state.railwayVariables['rw-project-threadr/rw-env-drill/rw-service-api'] = {};
  },
};
