import type { HttpClient, HttpResponse } from '../core/http.js';
import { errorFromResponse, joinUrl, type ErrorBodyReader } from './errors.js';

/** What every Vercel REST client is built with. */
export interface VercelRestOptions {
  http: Pick<HttpClient, 'request'>;
  /** https://api.vercel.com, the emulator (`…/vercel`), or a proxy. */
  baseUrl: string;
  token: string;
  teamId?: string;
  /** Timeout of one request, milliseconds (the HttpClient's own otherwise). */
  timeoutMs?: number;
}

/** Vercel's error body: `{"error":{"code":"…","message":"…"}}`. */
export const readVercelError: ErrorBodyReader = (body) => {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return undefined;
  return {
    code: typeof error.code === 'string' ? error.code : undefined,
    message: typeof error.message === 'string' ? error.message : undefined,
  };
};

/**
 * One authenticated Vercel request: bearer token, JSON body when there is one, a ProviderError
 * naming `what` for any non-2xx answer. `mutation` defaults to "anything but GET" (the HTTP layer
 * then never repeats a request whose answer was lost).
 */
export async function vercelRequest(
  options: VercelRestOptions,
  method: string,
  path: string,
  what: string,
  extra: { body?: unknown; mutation?: boolean } = {},
): Promise<HttpResponse> {
  const response = await options.http.request({
    method,
    url: joinUrl(options.baseUrl, path),
    headers: {
      authorization: `Bearer ${options.token}`,
      accept: 'application/json',
      ...(extra.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: extra.body !== undefined ? JSON.stringify(extra.body) : undefined,
    mutation: extra.mutation ?? method !== 'GET',
    timeoutMs: options.timeoutMs,
  });
  if (response.status < 200 || response.status >= 300)
    throw errorFromResponse('vercel', what, response, readVercelError);
  return response;
}
