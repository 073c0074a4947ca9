import { errorFromResponse, joinUrl, jsonBody, query, unexpectedShape } from './errors.js';
import { readVercelError, vercelRequest, type VercelRestOptions } from './vercel-rest.js';

/**
 * Vercel Attack Challenge Mode (`POST /v1/security/attack-mode`) and Edge Config items
 * (`GET /v1/edge-config/{id}/item/{key}`, `PATCH /v1/edge-config/{id}/items`), docs/platform-behaviour.md §9.
 */

export type VercelSecurityOptions = VercelRestOptions;

export class VercelSecurityClient {
  constructor(private readonly options: VercelSecurityOptions) {}

  async setAttackMode(projectId: string, enabled: boolean): Promise<boolean> {
    const what = `set attack challenge mode of ${projectId}`;
    // Idempotent (a setting, not a creation), so it may be retried.
    const body = await this.send<{ attackModeEnabled?: unknown }>(
      'POST',
      '/v1/security/attack-mode',
      what,
      { projectId, attackModeEnabled: enabled },
      false,
    );
    if (typeof body.attackModeEnabled !== 'boolean') throw unexpectedShape('vercel', what, 'no attackModeEnabled');
    return body.attackModeEnabled;
  }

  /** An Edge Config item's value, or undefined when the item does not exist. */
  async edgeConfigItem(edgeConfigId: string, key: string): Promise<unknown> {
    const path = `/v1/edge-config/${encodeURIComponent(edgeConfigId)}/item/${encodeURIComponent(key)}`;
    const response = await this.options.http.request({
      method: 'GET',
      url: joinUrl(this.options.baseUrl, `${path}${query({ teamId: this.options.teamId })}`),
      headers: this.headers(false),
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status === 404) {
      // A missing item and a missing Edge Config are both 404; the list tells them apart.
      await this.send(
        'GET',
        `/v1/edge-config/${encodeURIComponent(edgeConfigId)}/items`,
        `read Edge Config ${edgeConfigId}`,
      );
      return undefined;
    }
    if (response.status < 200 || response.status >= 300)
      throw errorFromResponse('vercel', `read Edge Config item ${key}`, response, readVercelError);
    return jsonBody<{ value?: unknown }>('vercel', `read Edge Config item ${key}`, response).value;
  }

  /** Sets (upsert) or, with undefined, deletes one item. */
  async setEdgeConfigItem(edgeConfigId: string, key: string, value: unknown): Promise<void> {
    const item = value === undefined ? { operation: 'delete', key } : { operation: 'upsert', key, value };
    await this.send(
      'PATCH',
      `/v1/edge-config/${encodeURIComponent(edgeConfigId)}/items`,
      `set Edge Config item ${key}`,
      { items: [item] },
      false,
    );
  }

  private headers(withBody: boolean): Record<string, string> {
    return {
      authorization: `Bearer ${this.options.token}`,
      accept: 'application/json',
      ...(withBody ? { 'content-type': 'application/json' } : {}),
    };
  }

  private async send<T>(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    mutation = method !== 'GET',
  ): Promise<T> {
    return jsonBody<T>(
      'vercel',
      what,
      await vercelRequest(this.options, method, `${path}${query({ teamId: this.options.teamId })}`, what, {
        body,
        mutation,
      }),
    );
  }
}
