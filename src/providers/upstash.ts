import { errorFromResponse, jsonBody, joinUrl, unexpectedShape, type ErrorBodyReader } from './errors.js';
import type { CostHttp } from './cost-http.js';

/** Upstash Developer API (reference §6): Redis databases and their billing stats. */

export interface UpstashDatabase {
  database_id: string;
  database_name: string;
  type?: string;
  state?: string;
}

export interface UpstashPoint {
  /** A Go-format timestamp (`2025-08-31 15:12:52.799480932 +0000 UTC`), parsed with parseGoTime. */
  x: string;
  y: number;
}

export interface UpstashStats {
  dailybilling: UpstashPoint[];
  total_monthly_billing: number;
}

export interface UpstashClientOptions {
  http: CostHttp;
  /** https://api.upstash.com, the emulator (`…/upstash`), or a proxy; `/v2` is appended. */
  baseUrl: string;
  email: string;
  apiKey: string;
  timeoutMs?: number;
}

/** The spec's `Error` schema is `{code, message}`, but real bodies are UNCONFIRMED (§6): plain text is read too. */
export const readUpstashError: ErrorBodyReader = (body) => {
  if (typeof body === 'string') return { message: body };
  const error = body as { code?: unknown; message?: unknown; error?: unknown } | null;
  if (!error) return undefined;
  const message =
    typeof error.message === 'string' ? error.message : typeof error.error === 'string' ? error.error : undefined;
  return { code: typeof error.code === 'string' ? error.code : undefined, message };
};

export function upstashAuthorization(email: string, apiKey: string): string {
  return `Basic ${Buffer.from(`${email}:${apiKey}`).toString('base64')}`;
}

/**
 * One Developer API call, shared by the billing and the backup clients: Basic auth of email and
 * key, a JSON body when there is one, a ProviderError naming `what` for any non-2xx answer, and the
 * parsed JSON answer. Anything but GET is a mutation (the HTTP layer never repeats it blindly).
 */
export async function upstashRequest<T>(
  options: UpstashClientOptions,
  method: string,
  path: string,
  what: string,
  body?: unknown,
): Promise<T> {
  const response = await options.http.request({
    method,
    url: joinUrl(options.baseUrl, path),
    headers: {
      authorization: upstashAuthorization(options.email, options.apiKey),
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    mutation: method !== 'GET',
    timeoutMs: options.timeoutMs,
  });
  if (response.status < 200 || response.status >= 300)
    throw errorFromResponse('upstash', what, response, readUpstashError);
  return jsonBody<T>('upstash', what, response);
}

export class UpstashClient {
  readonly provider = 'upstash';
  constructor(private readonly options: UpstashClientOptions) {}

  async databases(): Promise<UpstashDatabase[]> {
    const body = await this.get<unknown>('/v2/redis/databases');
    if (!Array.isArray(body))
      throw unexpectedShape(this.provider, 'GET /v2/redis/databases', 'expected an array of databases');
    return body.map((raw, index) => {
      const db = raw as Record<string, unknown> | null;
      if (!db || typeof db.database_id !== 'string')
        throw unexpectedShape(this.provider, 'GET /v2/redis/databases', `[${index}] has no database_id`);
      return {
        database_id: db.database_id,
        database_name: typeof db.database_name === 'string' ? db.database_name : db.database_id,
        type: typeof db.type === 'string' ? db.type : undefined,
        state: typeof db.state === 'string' ? db.state : undefined,
      };
    });
  }

  async stats(databaseId: string): Promise<UpstashStats> {
    const what = `GET /v2/redis/stats/${databaseId}`;
    const body = await this.get<Record<string, unknown>>(`/v2/redis/stats/${encodeURIComponent(databaseId)}`);
    if (!body || !Array.isArray(body.dailybilling))
      throw unexpectedShape(this.provider, what, 'dailybilling is not an array');
    if (typeof body.total_monthly_billing !== 'number')
      throw unexpectedShape(this.provider, what, 'total_monthly_billing is not a number');
    const dailybilling = body.dailybilling.map((raw, index) => {
      const point = raw as Record<string, unknown> | null;
      if (!point || typeof point.x !== 'string' || typeof point.y !== 'number' || !Number.isFinite(point.y)) {
        throw unexpectedShape(this.provider, what, `dailybilling[${index}] needs a string x and a numeric y`);
      }
      return { x: point.x, y: point.y };
    });
    return { dailybilling, total_monthly_billing: body.total_monthly_billing };
  }

  private get<T>(path: string): Promise<T> {
    return upstashRequest<T>(this.options, 'GET', path, `GET ${path}`);
  }
}

/**
 * Upstash's `x` values are Go `time.Time` strings, not ISO-8601: `2025-08-31 15:12:52.799480932 +0000 UTC`.
 * ISO-8601 is accepted too, in case the API changes. Returns epoch ms, or undefined.
 */
export function parseGoTime(text: string): number | undefined {
  const go =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(?:([+-])(\d{2}):?(\d{2})|Z)?(?:\s+[A-Za-z0-9+-]{1,6})?$/.exec(
      text.trim(),
    );
  if (go) {
    const [, y, mo, d, h, mi, s, frac = '0', sign, oh, om] = go;
    const ms = Number(frac.padEnd(3, '0').slice(0, 3));
    let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    if (sign) time -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
    return Number.isNaN(time) ? undefined : time;
  }
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? Date.parse(`${text.trim()}T00:00:00Z`) : NaN;
  return Number.isNaN(iso) ? undefined : iso;
}
