import type { HttpClient } from '../core/http.js';
import { OpenAIRateLimitsClient, type ProjectRateLimit } from '../providers/openai-rate-limits.js';
import { RailwayReplicasClient } from '../providers/railway-replicas.js';
import { RailwayVariablesClient, type RailwayServiceRef } from '../providers/railway-variables.js';
import type { RailwayTokenKind } from '../providers/railway-graphql.js';
import { VercelSecurityClient } from '../providers/vercel-security.js';
import type { RollbackDeploySettings } from './rollback-deploy.js';
import type { RecordEntry, RemediationKind } from './types.js';

/** What each action changes, read and written through the providers' published APIs (docs/platform-behaviour.md §9). */

/**
 * A target holds the options its provider client takes (endpoint, token) plus what the action changes
 * (the service, the project), so each effect hands it to the client as it is, with the HTTP client and
 * the timeout; the clients read only their own fields.
 */
export interface RailwayTarget {
  token: string;
  tokenKind: RailwayTokenKind;
  url: string;
  ref: RailwayServiceRef;
}

export interface VercelTarget {
  token: string;
  teamId?: string;
  baseUrl: string;
  projectId: string;
}

export interface OpenAITarget {
  adminKey: string;
  baseUrl: string;
  projectId: string;
}

export interface FlagSettings {
  /** Where the app reads the flag. */
  store: 'railway' | 'edge-config';
  name: string;
  /** The tighter value (a string for Railway; JSON or a string for Edge Config). */
  value: string;
  edgeConfigId?: string;
}

export interface EffectSettings {
  minReplicas: number;
  maxReplicas: number;
  /** rate_limit: new limit = floor(old × fraction), at least 1. */
  fraction: number;
  /** rate_limit: models whose limits are lowered; empty: every model of the project. */
  models: string[];
  flag?: FlagSettings;
  railway?: RailwayTarget;
  vercel?: VercelTarget;
  openai?: OpenAITarget;
  /** rollback_deploy: the platforms, read as the rollback action reads them. */
  deploy?: RollbackDeploySettings;
  timeoutMs: number;
}

/** A change to make: the target, its value now, the value wanted. */
export interface Change {
  target: string;
  from: unknown;
  to: unknown;
}

export interface Effect {
  target: string;
  /** Reads only: the change to make, or why there is none. */
  plan(entries: readonly RecordEntry[]): Promise<Change | { none: string }>;
  /** Writes `value` and returns what is read back afterwards. */
  write(value: unknown): Promise<unknown>;
  /** Whether the read back is the value wanted; JSON equality when absent. */
  matches?(readBack: unknown, wanted: unknown): boolean;
}

type RateLimits = Record<string, { model: string; max_requests_per_1_minute: number; max_tokens_per_1_minute: number }>;

function parseFlagValue(store: FlagSettings['store'], text: string): unknown {
  if (store === 'railway') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The last value our own record says we set on a target (for what cannot be read back: attack mode). */
function lastRecorded(entries: readonly RecordEntry[], target: string): unknown {
  const applied = entries.filter((entry) => entry.target === target && entry.phase === 'after' && entry.ok);
  return applied.length ? applied.reduce((newest, entry) => (entry.at >= newest.at ? entry : newest)).to : undefined;
}

/** The effect of one action, or why it cannot run with the inputs given (a configuration error). */
export function effectFor(
  kind: Exclude<RemediationKind, 'rollback_deploy'>,
  settings: EffectSettings,
  http: Pick<HttpClient, 'request'>,
): Effect {
  switch (kind) {
    case 'scale_backend':
    case 'scale_down': {
      const railway = settings.railway!;
      const client = new RailwayReplicasClient({ ...railway, http, timeoutMs: settings.timeoutMs });
      return {
        target: `railway:${railway.ref.serviceId}@${railway.ref.environmentId}`,
        async plan() {
          const from = await client.get(railway.ref);
          if (kind === 'scale_backend') {
            if (from >= settings.maxReplicas)
              return { none: `already ${from} replicas, max-replicas is ${settings.maxReplicas}` };
            return { target: this.target, from, to: from + 1 };
          }
          if (from <= settings.minReplicas)
            return { none: `already ${from} replicas, min-replicas is ${settings.minReplicas}` };
          return { target: this.target, from, to: settings.minReplicas };
        },
        async write(value) {
          await client.set(railway.ref, value as number);
          return client.get(railway.ref);
        },
      };
    }
    case 'rate_limit': {
      const openai = settings.openai!;
      const client = new OpenAIRateLimitsClient({
        http,
        baseUrl: openai.baseUrl,
        adminKey: openai.adminKey,
        timeoutMs: settings.timeoutMs,
      });
      const chosen = (limits: ProjectRateLimit[]) =>
        limits.filter((limit) => settings.models.length === 0 || settings.models.includes(limit.model));
      const asRecord = (limits: ProjectRateLimit[]): RateLimits =>
        Object.fromEntries(
          chosen(limits).map((limit) => [
            limit.id,
            {
              model: limit.model,
              max_requests_per_1_minute: limit.max_requests_per_1_minute,
              max_tokens_per_1_minute: limit.max_tokens_per_1_minute,
            },
          ]),
        );
      return {
        target: `openai:${openai.projectId}`,
        async plan() {
          const from = asRecord(await client.list(openai.projectId));
          if (Object.keys(from).length === 0)
            return {
              none: `project ${openai.projectId} has no rate limits for ${settings.models.join(', ') || 'any model'}`,
            };
          const lower = (value: number) => Math.max(1, Math.floor(value * settings.fraction));
          const to: RateLimits = Object.fromEntries(
            Object.entries(from).map(([id, limit]) => [
              id,
              {
                model: limit.model,
                max_requests_per_1_minute: lower(limit.max_requests_per_1_minute),
                max_tokens_per_1_minute: lower(limit.max_tokens_per_1_minute),
              },
            ]),
          );
          return { target: this.target, from, to };
        },
        async write(value) {
          for (const [id, limit] of Object.entries(value as RateLimits)) {
            await client.update(openai.projectId, id, {
              max_requests_per_1_minute: limit.max_requests_per_1_minute,
              max_tokens_per_1_minute: limit.max_tokens_per_1_minute,
            });
          }
          const now = asRecord(await client.list(openai.projectId));
          return Object.fromEntries(Object.keys(value as RateLimits).map((id) => [id, now[id]]));
        },
      };
    }
    case 'rate_limit_tightening': {
      const flag = settings.flag!;
      const wanted = parseFlagValue(flag.store, flag.value);
      if (flag.store === 'railway') {
        const railway = settings.railway!;
        const client = new RailwayVariablesClient({ ...railway, http, timeoutMs: settings.timeoutMs });
        const read = async () => (await client.list(railway.ref))[flag.name];
        return {
          target: `railway-variable:${railway.ref.serviceId}@${railway.ref.environmentId}/${flag.name}`,
          async plan() {
            const from = await read();
            if (from === wanted) return { none: `${flag.name} is already ${flag.value}` };
            return { target: this.target, from: from ?? null, to: wanted };
          },
          async write(value) {
            if (value === null || value === undefined) await client.delete(railway.ref, flag.name);
            else await client.upsert(railway.ref, { [flag.name]: String(value) });
            return (await read()) ?? null;
          },
        };
      }
      const vercel = settings.vercel!;
      const client = new VercelSecurityClient({ ...vercel, http, timeoutMs: settings.timeoutMs });
      const read = async () => (await client.edgeConfigItem(flag.edgeConfigId!, flag.name)) ?? null;
      return {
        target: `edge-config:${flag.edgeConfigId}/${flag.name}`,
        async plan() {
          const from = await read();
          if (JSON.stringify(from) === JSON.stringify(wanted)) return { none: `${flag.name} is already ${flag.value}` };
          return { target: this.target, from, to: wanted };
        },
        async write(value) {
          await client.setEdgeConfigItem(flag.edgeConfigId!, flag.name, value === null ? undefined : value);
          return read();
        },
      };
    }
    case 'lockdown':
    case 'lockdown_off': {
      const vercel = settings.vercel!;
      const client = new VercelSecurityClient({ ...vercel, http, timeoutMs: settings.timeoutMs });
      const target = `vercel-attack-mode:${vercel.projectId}`;
      return {
        target,
        async plan(entries) {
          // Reading the mode back is UNCONFIRMED (docs/platform-behaviour.md §9): the previous value is the
          // one our record last set, else off (Vercel's default).
          const known = lastRecorded(entries, target);
          const from = typeof known === 'boolean' ? known : false;
          const to = kind === 'lockdown';
          if (from === to && typeof known === 'boolean')
            return {
              none: `attack challenge mode is already ${to ? 'on' : 'off'} (set by remediate at the last change in the record)`,
            };
          return { target, from, to };
        },
        async write(value) {
          // The answer of the POST is the state after it: the read back.
          return client.setAttackMode(vercel.projectId, value as boolean);
        },
      };
    }
  }
}
