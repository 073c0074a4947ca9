import type { IncomingHttpHeaders } from 'node:http';
import { errorText } from '../core/errors.js';

/** One request as the emulator's handlers see it: body already read, path relative to the provider prefix. */
export interface EmuRequest {
  method: string;
  /** Path below the provider prefix, without the query: `/v13/deployments/dpl_1` for `/vercel/v13/deployments/dpl_1`. */
  path: string;
  /** Full path as received, without the query. */
  fullPath: string;
  query: URLSearchParams;
  /** Node's lower-cased header map. */
  headers: IncomingHttpHeaders;
  /** Raw body text, '' when there is none. */
  body: string;
  /** Route parameters filled by `matchPath`-based routing (`:id` → params.id). */
  params: Record<string, string>;
  /** Sequence number of the request in the recorder. */
  seq: number;
}

/** What a handler answers. `body` is sent as is; use the helpers below to build one. */
export interface EmuResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export function json(status: number, value: unknown, headers: Record<string, string | string[]> = {}): EmuResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function text(status: number, body: string, headers: Record<string, string | string[]> = {}): EmuResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

export function empty(status: number, headers: Record<string, string | string[]> = {}): EmuResponse {
  return { status, headers, body: '' };
}

/** Parses the body as JSON; `undefined` for an empty body, `BodyError` when it is not JSON. */
export function parseJsonBody(req: EmuRequest): unknown {
  if (req.body.trim() === '') return undefined;
  try {
    return JSON.parse(req.body) as unknown;
  } catch (error) {
    throw new BodyError(errorText(error));
  }
}

export class BodyError extends Error {
  override readonly name = 'BodyError';
}

export function header(req: EmuRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), or undefined. */
export function bearerToken(req: EmuRequest): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  return match?.[1]?.trim();
}

/** `Authorization: Basic base64(user:password)` decoded, or undefined. */
export function basicAuth(req: EmuRequest): { user: string; password: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1].trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Matches `/v13/deployments/:id` against a path; returns the parameters or undefined.
 * A trailing `*` segment matches the rest of the path (`params['*']`).
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] as string;
    if (segment === '*') {
      params['*'] = got.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const value = got[i];
    if (value === undefined) return undefined;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(value);
    else if (segment !== value) return undefined;
  }
  return got.length === want.length ? params : undefined;
}

/** A tiny method + path router: the first matching route answers. */
export interface Route<C> {
  method: string;
  path: string;
  handle(req: EmuRequest, ctx: C): Promise<EmuResponse> | EmuResponse;
}

export function findRoute<C>(
  routes: readonly Route<C>[],
  req: EmuRequest,
): { route: Route<C>; params: Record<string, string> } | 'method' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, req.path);
    if (!params) continue;
    pathMatched = true;
    if (route.method === req.method) return { route, params };
  }
  return pathMatched ? 'method' : undefined;
}

/** The handlers of one path, by method. */
export type RouteMethods<C> = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Route<C>['handle']>>;

/**
 * A route table written one path a line (`'/issues': { GET: listIssues, POST: createIssue }`), flattened
 * for `findRoute`: paths are tried in the order they are written, as in a list of routes.
 */
export function routeTable<C>(table: Record<string, RouteMethods<C>>): Route<C>[] {
  return Object.entries(table).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, handle]) => ({ method, path, handle })),
  );
}

/** RFC 7231 HTTP-date for a ms timestamp (Retry-After's date form). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
