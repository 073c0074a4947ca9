/**
 * Fake Upstash Developer API (reference §6): Basic auth (email:key), `/v2/redis/databases`,
 * `/v2/redis/database/{id}`, `/v2/redis/stats/{id}` with `dailybilling` in Go time format.
 * Error bodies are UNCONFIRMED: `{code, message}` JSON by default, plain text when `plainTextErrors`.
 */
import { basicAuth, json, text, type EmuResponse, type EmulatorExtension } from './extension-api.js';
import { demoCostStates } from './fixtures/cost/months.js';
import {
  handleUpstashBackups,
  handleUpstashRest,
  seedDemoBackups,
  type UpstashBackupState,
} from './upstash-backups.js';

export interface UpstashEmuDatabase {
  database_id: string;
  database_name: string;
  region: string;
  primary_region: string;
  type: 'free' | 'payg' | 'pro' | 'paid';
  state: 'active' | 'suspended' | 'passive';
  creation_time: number;
  budget: number;
  /** Account (email) that owns it. */
  owner: string;
  /** Created through a marketplace integration: invisible to the Developer API, as on the real service. */
  marketplace?: 'vercel' | 'fly';
  daily_backup_enabled?: boolean;
}

export interface UpstashEmuStats {
  dailybilling: { x: string; y: number }[];
  total_monthly_billing: number;
  dailyrequests?: { x: string; y: number }[];
  days?: string[];
}

export interface UpstashEmuState extends Record<string, unknown>, UpstashBackupState {
  accounts: { email: string; apiKey: string }[];
  databases: UpstashEmuDatabase[];
  stats: Record<string, UpstashEmuStats>;
  plainTextErrors?: boolean;
}

function upstashError(
  state: UpstashEmuState,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): EmuResponse {
  return state.plainTextErrors ? text(status, message, headers) : json(status, { code, message }, headers);
}

function publicDatabase(db: UpstashEmuDatabase): Record<string, unknown> {
  const { owner: _owner, marketplace: _marketplace, ...rest } = db;
  return {
    daily_backup_enabled: false,
    ...rest,
    port: 6379,
    endpoint: `${db.database_name}.upstash.io`,
    tls: true,
    eviction: false,
    auto_upgrade: false,
    read_regions: [],
  };
}

export const upstashExtension: EmulatorExtension<UpstashEmuState> = {
  name: 'upstash',
  prefix: '/upstash',
  initialState: () => ({ accounts: [], databases: [], stats: {} }),
  handle(req, ctx) {
    const state = ctx.state;
    const rest = handleUpstashRest(req, state);
    if (rest) return rest;
    const auth = basicAuth(req);
    const account = auth && state.accounts.find((a) => a.email === auth.user && a.apiKey === auth.password);
    if (!account) return upstashError(state, 401, 'unauthorized', 'Unauthorized: wrong email or API key');
    const visible = state.databases.filter((db) => db.owner === account.email && !db.marketplace);
    const backups = handleUpstashBackups(req, state, visible, account.email, ctx.clock.now(), (status, code, message) =>
      upstashError(state, status, code, message),
    );
    if (backups) return backups;
    if (req.method !== 'GET') return upstashError(state, 405, 'method_not_allowed', 'method not allowed');
    if (req.path === '/v2/redis/databases') return json(200, visible.map(publicDatabase));
    const one = /^\/v2\/redis\/(database|stats)\/([^/]+)$/.exec(req.path);
    if (one) {
      const db = visible.find((d) => d.database_id === decodeURIComponent(one[2]));
      if (!db) return upstashError(state, 404, 'not_found', 'database not found');
      if (one[1] === 'database') return json(200, publicDatabase(db));
      const stats = state.stats[db.database_id] ?? { dailybilling: [], total_monthly_billing: 0 };
      return json(200, {
        daily_net_commands: 0,
        dailyrequests: stats.dailyrequests ?? [],
        dailybilling: stats.dailybilling,
        days: stats.days ?? [],
        total_monthly_billing: stats.total_monthly_billing,
        total_monthly_requests: 0,
        total_monthly_bandwidth: 0,
        total_monthly_storage: 0,
        current_storage: 0,
        queue_optimized: false,
      });
    }
    return upstashError(state, 404, 'not_found', `no route for ${req.path}`);
  },
  errorResponse(status, code, message, headers) {
    return json(status, { code, message }, headers);
  },
  seedDemo(ctx) {
    Object.assign(ctx.state, demoCostStates(ctx.clock.now()).upstash);
    const db = ctx.state.databases.find((d) => !d.marketplace);
    if (db) seedDemoBackups(ctx.state, db.database_id, db.owner, ctx.clock.now());
  },
};
