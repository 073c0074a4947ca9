import { ConfigurationError } from '../core/errors.js';
import type { RequestSpec } from './request.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const KEYS = ['name', 'method', 'url', 'path', 'headers', 'body', 'weight', 'expect-status'];

export interface ScenarioRequest {
  url: URL;
  spec: RequestSpec;
}

/**
 * Reads a scenario: a list of requests (or `{ requests: [...] }`), each with `method`, `url` or
 * `path` (resolved against `base`), `headers`, `body` (a string, or an object sent as JSON),
 * `weight` and `expect-status` (a status, a class such as `2xx`, or a list of them).
 */
export function parseScenario(value: unknown, base: URL | undefined, input = 'scenario'): ScenarioRequest[] {
  const list = Array.isArray(value)
    ? value
    : isObject(value) && Array.isArray(value.requests)
      ? value.requests
      : undefined;
  if (!list || list.length === 0) {
    throw new ConfigurationError(
      input,
      'must be a list of requests, such as "- path: /api/health" (inline YAML/JSON or a file)',
    );
  }
  return list.map((item: unknown, index: number) => parseItem(item, index + 1, base, input));
}

function parseItem(item: unknown, position: number, base: URL | undefined, input: string): ScenarioRequest {
  const fail = (problem: string): never => {
    throw new ConfigurationError(input, `request ${position} ${problem}`);
  };
  if (!isObject(item)) return fail('must be a mapping with url or path, such as { path: /api/health }');
  const unknown = Object.keys(item).filter((k) => !KEYS.includes(k));
  if (unknown.length) fail(`has unknown keys ${unknown.join(', ')}; known keys: ${KEYS.join(', ')}`);
  const method = String(item.method ?? 'GET').toUpperCase();
  if (!METHODS.includes(method)) fail(`has method '${String(item.method)}'; use one of ${METHODS.join(', ')}`);
  let url: URL;
  if (typeof item.url === 'string') {
    try {
      url = new URL(item.url);
    } catch {
      return fail(`has url '${item.url}', which is not an absolute http(s) URL`);
    }
  } else if (typeof item.path === 'string') {
    if (!base) return fail(`has a path but there is no base URL: set target or deployment-url`);
    url = new URL(item.path, base);
  } else return fail('needs url or path');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`must use http or https, got ${url.protocol}`);
  const headers: Record<string, string> = {};
  if (item.headers !== undefined) {
    if (!isObject(item.headers)) fail('has headers that are not a mapping of name: value');
    for (const [name, v] of Object.entries(item.headers as Record<string, unknown>)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail(`has an invalid header name '${name}'`);
      headers[name.toLowerCase()] = String(v);
    }
  }
  let body: string | undefined;
  if (item.body !== undefined && item.body !== null) {
    if (typeof item.body === 'string') body = item.body;
    else {
      body = JSON.stringify(item.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  const weight = item.weight === undefined ? 1 : Number(item.weight);
  if (!(Number.isFinite(weight) && weight > 0))
    fail(`has weight '${String(item.weight)}'; use a number above 0 such as 3`);
  const expectStatus = item['expect-status'] === undefined ? [] : parseStatuses(item['expect-status'], fail);
  const path = `${url.pathname}${url.search}`;
  const name = typeof item.name === 'string' && item.name !== '' ? item.name : `${method} ${url.pathname}`;
  return { url, spec: { name, method, path, headers, body, weight, expectStatus } };
}

/** `200`, `2xx`, `[200, 201]`, `"200, 404"`, `["2xx", 404]` → the statuses. */
export function parseStatuses(value: unknown, fail: (problem: string) => never): number[] {
  const items = Array.isArray(value) ? value : String(value).split(',');
  const statuses: number[] = [];
  for (const raw of items) {
    const text = String(raw).trim().toLowerCase();
    const cls = /^([1-5])xx$/.exec(text);
    if (cls) {
      for (let s = Number(cls[1]) * 100; s < Number(cls[1]) * 100 + 100; s++) statuses.push(s);
    } else if (/^[1-5]\d\d$/.test(text)) statuses.push(Number(text));
    else fail(`has expect-status '${text}'; use statuses or classes such as 200, 2xx or [200, 404]`);
  }
  return statuses;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
