/**
 * What remediate (issue 16) changes on Vercel: Attack Challenge Mode (`POST /v1/security/attack-mode`)
 * and Edge Config items (`GET /v1/edge-config/{id}/items`, `GET …/item/{key}`, `PATCH …/items`),
 * behind the built-in Vercel token check, with its faults and request log. Shapes in
 * docs/platform-behaviour.md "Remediation". Tests seed Edge Configs through `extensionState('remediation')`.
 */
import { json, parseJsonBody, vercelError, type EmuResponse, type EmulatorExtension } from './extension-api.js';

export interface EdgeConfigEmuItem {
  key: string;
  value: unknown;
  createdAt: number;
  updatedAt: number;
}

export interface RemediationEmuState extends Record<string, unknown> {
  /** Vercel project id → Attack Challenge Mode. */
  attackMode: Record<
    string,
    { attackModeEnabled: boolean; attackModeUpdatedAt: number; attackModeActiveUntil?: number | null }
  >;
  /** Edge Config id (`ecfg_…`) → its items; an Edge Config exists once it has an entry. */
  edgeConfigs: Record<string, EdgeConfigEmuItem[]>;
}

const KEY = /^[\w-]+$/;

function body(req: Parameters<typeof parseJsonBody>[0]): Record<string, unknown> | undefined {
  try {
    const parsed = parseJsonBody(req);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function edgeConfig(state: RemediationEmuState, id: string): EdgeConfigEmuItem[] | EmuResponse {
  const items = state.edgeConfigs[id];
  return items ?? vercelError(404, 'not_found', 'The Edge Config was not found.');
}

export const remediationExtension: EmulatorExtension<RemediationEmuState> = {
  name: 'remediation',
  initialState: () => ({ attackMode: {}, edgeConfigs: {} }),
  vercelRoutes: [
    {
      method: 'POST',
      path: '/v1/security/attack-mode',
      handle(req, ctx): EmuResponse {
        const given = body(req);
        if (!given || typeof given.projectId !== 'string' || typeof given.attackModeEnabled !== 'boolean') {
          return vercelError(
            400,
            'bad_request',
            'Invalid request: projectId (string) and attackModeEnabled (boolean) are required.',
          );
        }
        const until = given.attackModeActiveUntil;
        if (until !== undefined && until !== null && typeof until !== 'number')
          return vercelError(400, 'bad_request', 'Invalid request: attackModeActiveUntil must be a number.');
        const now = ctx.clock.now();
        ctx.state.attackMode[given.projectId] = {
          attackModeEnabled: given.attackModeEnabled,
          attackModeUpdatedAt: now,
          attackModeActiveUntil: (until as number | null | undefined) ?? null,
        };
        return json(200, { attackModeEnabled: given.attackModeEnabled, attackModeUpdatedAt: now });
      },
    },
    {
      method: 'GET',
      path: '/v1/edge-config/:id/items',
      handle(req, ctx): EmuResponse {
        const items = edgeConfig(ctx.state, req.params.id!);
        if (!Array.isArray(items)) return items;
        return json(
          200,
          items.map((item) => ({ ...item, edgeConfigId: req.params.id })),
        );
      },
    },
    {
      method: 'GET',
      path: '/v1/edge-config/:id/item/:key',
      handle(req, ctx): EmuResponse {
        const items = edgeConfig(ctx.state, req.params.id!);
        if (!Array.isArray(items)) return items;
        const item = items.find((candidate) => candidate.key === req.params.key);
        if (!item) return vercelError(404, 'not_found', 'The Edge Config item was not found.');
        return json(200, { ...item, edgeConfigId: req.params.id });
      },
    },
    {
      method: 'PATCH',
      path: '/v1/edge-config/:id/items',
      handle(req, ctx): EmuResponse {
        const items = edgeConfig(ctx.state, req.params.id!);
        if (!Array.isArray(items)) return items;
        const given = body(req);
        const changes = given?.items;
        if (!Array.isArray(changes)) return vercelError(400, 'bad_request', 'Invalid request: items is required.');
        // All or nothing: check every operation before applying any.
        const next = items.map((item) => ({ ...item }));
        const now = ctx.clock.now();
        for (const change of changes as Record<string, unknown>[]) {
          const key = change?.key;
          const operation = change?.operation;
          if (
            typeof key !== 'string' ||
            !KEY.test(key) ||
            !['create', 'update', 'upsert', 'delete'].includes(String(operation))
          ) {
            return vercelError(
              400,
              'bad_request',
              'Invalid request: each item needs operation (create, update, upsert, delete) and key.',
            );
          }
          const index = next.findIndex((item) => item.key === key);
          if (operation === 'create' && index >= 0)
            return vercelError(409, 'conflict', `The item ${key} already exists.`);
          if ((operation === 'update' || operation === 'delete') && index < 0)
            return vercelError(404, 'not_found', `The item ${key} was not found.`);
          if (operation === 'delete') next.splice(index, 1);
          else if (index >= 0) next[index] = { ...next[index]!, value: change.value ?? null, updatedAt: now };
          else next.push({ key, value: change.value ?? null, createdAt: now, updatedAt: now });
        }
        ctx.state.edgeConfigs[req.params.id!] = next;
        return json(200, { status: 'ok' });
      },
    },
  ],
};
