import { parseDuration } from '../core/duration.js';
import { ConfigurationError, errorText } from '../core/errors.js';
import { parseHttpUrl } from '../core/inputs.js';
import { parseStatusMatcher, type StatusMatcher } from './status-matcher.js';

export interface BodyExpectation {
  kind: 'substring' | 'regex';
  pattern: string;
  regex?: RegExp;
}

/** One check, fully validated. */
export interface CheckSpec {
  name: string;
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: StatusMatcher;
  expectBody?: BodyExpectation;
  /** JSON path → expected value. */
  expectJson?: Record<string, unknown>;
  maxLatencyMs?: number;
  tags: string[];
  /** Whether `expect-version` applies to this check. */
  checkVersion: boolean;
}

const KNOWN_KEYS = [
  'name',
  'url',
  'method',
  'headers',
  'body',
  'expect-status',
  'expect-body',
  'expect-json',
  'max-latency',
  'tags',
  'check-version',
] as const;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const EXAMPLE = '- name: api\n  url: https://api.example.com/health\n  expect-status: 200\n  tags: [critical]';

/**
 * What a person calls a URL: its path (`/api/health`), or the host name (without a port) for the
 * root. Two URLs with the same path on different hosts keep their hosts to stay apart.
 */
export function nameForUrl(url: URL, clashes = false): string {
  const path = url.pathname === '/' ? '' : url.pathname + url.search;
  if (!path) return clashes ? url.host : url.hostname;
  return clashes ? url.host + path : path;
}

/**
 * Checks from the `url` input (used when no `checks` are given): each must answer 2xx. `names`
 * gives them names where the caller knows better (the pipeline's `frontend` and `backend`).
 */
export function checksFromUrls(urls: URL[], names: readonly (string | undefined)[] = []): CheckSpec[] {
  const plain = urls.map((url) => nameForUrl(url));
  return urls.map((url, index) => ({
    name: names[index] ?? nameForUrl(url, plain.filter((n) => n === plain[index]).length > 1),
    url,
    method: 'GET',
    headers: {},
    expectStatus: parseStatusMatcher('url', '200-299'),
    tags: [],
    checkVersion: true,
  }));
}

/**
 * Validates the `checks` input (already parsed from YAML/JSON). A relative `url` is resolved
 * against the first URL of the `url` input, so a suite can be written once for every environment.
 */
export function parseChecks(value: unknown, base: URL | undefined): CheckSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new ConfigurationError('checks', `must be a YAML or JSON list of checks, such as:\n${EXAMPLE}`);
  }
  const names = new Set<string>();
  return value.map((item, index) => {
    const where = `check ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new ConfigurationError('checks', `${where} must be a mapping with at least 'url', such as:\n${EXAMPLE}`);
    }
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
        throw new ConfigurationError(
          'checks',
          `${where} has unknown key '${key}'; known keys: ${KNOWN_KEYS.join(', ')}`,
        );
      }
    }
    const url = checkUrl(entry.url, where, base);
    const name = entry.name === undefined ? nameForUrl(url) : String(entry.name);
    if (names.has(name))
      throw new ConfigurationError('checks', `${where} repeats the name '${name}'; names must be unique`);
    names.add(name);
    const label = `${where} ('${name}')`;
    const method = entry.method === undefined ? 'GET' : String(entry.method).toUpperCase();
    if (!METHODS.has(method))
      throw new ConfigurationError('checks', `${label} has method '${method}'; use one of ${[...METHODS].join(', ')}`);
    return {
      name,
      url,
      method,
      headers: checkHeaders(entry.headers, label),
      body:
        entry.body === undefined ? undefined : typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body),
      expectStatus: parseStatusMatcher('checks', entry['expect-status'] ?? '200-299', label),
      expectBody: checkBody(entry['expect-body'], label),
      expectJson: checkJson(entry['expect-json'], label),
      maxLatencyMs: checkLatency(entry['max-latency'], label),
      tags: checkTags(entry.tags, label),
      checkVersion: entry['check-version'] === undefined ? true : checkBoolean(entry['check-version'], label),
    };
  });
}

/** `full` runs everything; any other suite runs the checks tagged with it, every check alike. */
export function selectSuite(checks: CheckSpec[], suite: string, mayBeEmpty = false): CheckSpec[] {
  if (suite === 'full') return checks;
  const selected = checks.filter((check) => check.tags.includes(suite));
  if (selected.length === 0 && !mayBeEmpty) {
    const tags = [...new Set(checks.flatMap((check) => check.tags))];
    throw new ConfigurationError(
      'suite',
      `selects no check: none is tagged '${suite}' (tags in use: ${tags.join(', ') || 'none'}; 'full' runs all)`,
    );
  }
  return selected;
}

function checkUrl(value: unknown, where: string, base: URL | undefined): URL {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(
      'checks',
      `${where} needs a 'url' (absolute, or a path such as /api/health when the 'url' input is set)`,
    );
  }
  if (value.startsWith('/')) {
    if (!base)
      throw new ConfigurationError(
        'checks',
        `${where} has the relative url '${value}' but the 'url' input gives no base URL`,
      );
    return new URL(value, base);
  }
  try {
    return parseHttpUrl('checks', value);
  } catch (error) {
    if (error instanceof ConfigurationError)
      throw new ConfigurationError('checks', `${where}: url ${error.problem.replace(/^must/, 'must')}`);
    throw error;
  }
}

function checkHeaders(value: unknown, label: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError('checks', `${label} 'headers' must be a mapping such as {accept: application/json}`);
  }
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.toLowerCase(), String(v)]));
}

function checkBody(value: unknown, label: string): BodyExpectation | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(
      'checks',
      `${label} 'expect-body' must be a substring or a /regex/, such as '"status":"ok"' or '/ok|healthy/i'`,
    );
  }
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(value);
  if (!regex) return { kind: 'substring', pattern: value };
  try {
    return { kind: 'regex', pattern: value, regex: new RegExp(regex[1], regex[2]) };
  } catch (error) {
    throw new ConfigurationError('checks', `${label} 'expect-body' is not a valid regex: ${errorText(error)}`);
  }
}

function checkJson(value: unknown, label: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      'checks',
      `${label} 'expect-json' must map JSON paths to values, such as {status: ok, "$.db.connected": true}`,
    );
  }
  return value as Record<string, unknown>;
}

function checkLatency(value: unknown, label: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? undefined : parseDuration(String(value));
  if (ms === undefined)
    throw new ConfigurationError(
      'checks',
      `${label} 'max-latency' must be a duration such as 500ms or 2s, got '${String(value)}'`,
    );
  return ms;
}

function checkTags(value: unknown, label: string): string[] {
  if (value === undefined) return [];
  const tags = Array.isArray(value) ? value : String(value).split(',');
  return tags.map((tag) => {
    const text = String(tag).trim();
    if (!/^[\w-]+$/.test(text))
      throw new ConfigurationError('checks', `${label} has tag '${text}'; tags are words such as critical or smoke`);
    return text;
  });
}

function checkBoolean(value: unknown, label: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new ConfigurationError('checks', `${label} 'check-version' must be true or false`);
}
