import type { Octokit } from '@octokit/rest';
import { ProviderError } from '../core/errors.js';
import { sleep } from '../core/clock.js';
import type { HttpClient } from '../core/http.js';
import { providerMessage } from '../core/redact.js';
import { parseRetryAfter } from '../core/retry-after.js';
import { isRetriableStatus } from './errors.js';

/** What every GitHub REST client needs (docs/platform-behaviour.md, GitHub). */
export interface GitHubRestOptions {
  /** Carries every request: its timeout, body cap and undici dispatcher apply to Octokit's calls. */
  http: HttpClient;
  /** https://api.github.com or an enterprise host's /api/v3, from github.api_url. */
  apiUrl: string;
  token: string;
  /** owner/name */
  repository: string;
  timeoutMs?: number;
  /** Where Octokit's retry and rate-limit notes go (a warning each); silent when not set. */
  warn?: (message: string) => void;
  /** How a rate limit's wait is spent: real time by default, a test's virtual clock in tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Tries after the first for a request that may be repeated (a read, an idempotent write), 5xx and network failures. */
export const READ_RETRIES = 2;
/** How often a rate-limited request is tried again, and the longest wait GitHub may ask for before we give up instead. */
export const RATE_LIMIT_RETRIES = 2;
export const MAX_RATE_LIMIT_WAIT_S = 60;

type OctokitClass = typeof Octokit;
let octokitClass: Promise<OctokitClass> | undefined;

/**
 * Octokit with the retry and throttling plugins, imported on first use: @octokit/rest and
 * Bottleneck take tens of milliseconds to evaluate, which the health check cannot spend before its
 * first request leaves (bench/health). Every other action pays it on its first GitHub call.
 */
function loadOctokit(): Promise<OctokitClass> {
  octokitClass ??= Promise.all([
    import('@octokit/rest'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]).then(
    ([rest, retry, throttling]) => rest.Octokit.plugin(retry.retry, throttling.throttling) as unknown as OctokitClass,
  );
  return octokitClass;
}

/**
 * Octokit's fetch, answered by our HttpClient: the per-request timeout, the streamed body cap and
 * the one undici dispatcher stay as they are for every other provider. The HttpClient does not
 * retry here (retry: false): the retry and throttling plugins own that, so a request is never
 * tried by two loops at once.
 */
function fetchThrough(http: HttpClient, timeoutMs: number | undefined, warn: (message: string) => void): typeof fetch {
  return async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const body = typeof init?.body === 'string' ? init.body : init?.body == null ? undefined : String(init.body);
    const method = init?.method ?? 'GET';
    const url = String(input instanceof Request ? input.url : input);
    // Each attempt that fails the way a retry may cure is logged, so the log says why a call was slow.
    const where = `GitHub ${method} ${new URL(url).pathname}`;
    let response;
    try {
      response = await http.request({ method, url, headers, body, retry: false, timeoutMs });
    } catch (error) {
      warn(`${where}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    if (response.status >= 500 || response.status === 429) warn(`${where}: HTTP ${response.status}`);
    const answer = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) answer.append(name, one);
    }
    const empty = response.status === 204 || response.status === 304 || response.body === '';
    return new Response(empty ? null : response.body, { status: response.status, headers: answer });
  };
}

/** One Octokit per client, built on the first call. */
export class GitHubRest {
  readonly owner: string;
  readonly repo: string;
  private octokit: Promise<Octokit> | undefined;

  constructor(private readonly options: GitHubRestOptions) {
    const [owner = '', repo = ''] = options.repository.split('/');
    this.owner = owner;
    this.repo = repo;
  }

  /**
   * Runs one Octokit call and turns its failure into ours: a ProviderError with the status,
   * GitHub's (redacted) message, the request id and Retry-After, or the NetworkError that stopped
   * the request, so callers (release/mutation.ts) can tell "not sent" from "outcome unknown".
   */
  async call<T>(
    what: string,
    work: (octokit: Octokit, repo: { owner: string; repo: string }) => Promise<T>,
  ): Promise<T> {
    const octokit = await (this.octokit ??= this.build());
    let result: T;
    try {
      result = await work(octokit, { owner: this.owner, repo: this.repo });
    } catch (error) {
      throw toProviderError(what, error);
    }
    notGarbled(what, result);
    return result;
  }

  private async build(): Promise<Octokit> {
    const GitHub = await loadOctokit();
    const warn = this.options.warn ?? (() => undefined);
    const quiet = (): void => undefined;
    return new GitHub({
      auth: this.options.token,
      baseUrl: this.options.apiUrl.replace(/\/+$/, ''),
      userAgent: 'threadr-ops',
      request: { fetch: fetchThrough(this.options.http, this.options.timeoutMs, warn) },
      // Octokit logs every failed request with its URL; our errors say it once, redacted.
      log: { debug: quiet, info: quiet, warn: (message: string) => warn(providerMessage(message)), error: quiet },
      retry: {
        // Not `request.retries` as a default: plugin-retry then repeats every failure, the
        // doNotRetry statuses included. A mutation passes `request: { retries: 0 }` itself.
        retries: READ_RETRIES,
        // 429 and 403 are the throttling plugin's (it honours Retry-After and x-ratelimit-reset);
        // the other 4xx will not change by themselves.
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
      },
      throttle: {
        onRateLimit: this.againAfterLimit('rate limit'),
        onSecondaryRateLimit: this.againAfterLimit('secondary rate limit'),
        // The handlers above wait (on options.sleep), so the plugin adds no wait of its own.
        retryAfterBaseValue: 0,
      },
    }) as Octokit;
  }

  /**
   * A rate-limited request did nothing, so repeating it is safe even for a mutation. It is
   * repeated a bounded number of times, and only when GitHub asks for a wait a workflow step can
   * afford: an exhausted hourly quota fails the call instead of holding the job for up to an hour.
   * One handler per kind of limit, in the throttling plugin's (retryAfter, request, octokit, retryCount) form.
   */
  private againAfterLimit(kind: string) {
    return async (
      retryAfterS: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ): Promise<boolean> => {
      const again = retryCount < RATE_LIMIT_RETRIES && retryAfterS <= MAX_RATE_LIMIT_WAIT_S;
      this.options.warn?.(
        `GitHub ${kind} on ${request.method} ${request.url}: ${again ? `trying again in ${retryAfterS}s` : `giving up (retry after ${retryAfterS}s, ${retryCount} tries so far)`}`,
      );
      if (again) await (this.options.sleep ?? sleep)(retryAfterS * 1000);
      return again;
    };
  }
}

/**
 * Octokit hands back the text of a JSON answer it cannot parse (a body cut short by a proxy) as
 * `data`; the request did reach GitHub, so this is a malformed answer (outcome unknown for a
 * mutation, release/mutation.ts), not a success.
 */
function notGarbled(what: string, result: unknown): void {
  const response = result as { status?: unknown; data?: unknown; headers?: Record<string, unknown> } | null;
  if (
    !response ||
    typeof response !== 'object' ||
    typeof response.status !== 'number' ||
    typeof response.data !== 'string'
  )
    return;
  if (!/json/i.test(String(response.headers?.['content-type'] ?? ''))) return;
  throw new ProviderError(
    `${what}: HTTP ${response.status} with a body that is not JSON: ${providerMessage(response.data, 200) || 'empty body'}`,
    {
      provider: 'github',
      status: response.status,
      code: 'malformed_response',
      requestId:
        response.headers?.['x-github-request-id'] === undefined
          ? undefined
          : String(response.headers['x-github-request-id']),
      retriable: true,
    },
  );
}

interface OctokitRequestError {
  name: string;
  status: number;
  message: string;
  cause?: unknown;
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestError(error: unknown): error is OctokitRequestError {
  return (
    error instanceof Error && error.name === 'HttpError' && typeof (error as { status?: unknown }).status === 'number'
  );
}

export function toProviderError(what: string, error: unknown): unknown {
  if (!isRequestError(error)) return error;
  // Octokit wraps what its fetch threw (our NetworkError, BodyTooLargeError) in a status-500 error: unwrap it.
  if (!error.response && error.cause instanceof Error) return error.cause;
  const headers = error.response?.headers ?? {};
  const data = error.response?.data as { message?: unknown } | string | undefined;
  const message =
    typeof data === 'object' && data && typeof data.message === 'string'
      ? data.message
      : typeof data === 'string'
        ? data
        : error.message;
  const header = (name: string): string | undefined =>
    headers[name] === undefined ? undefined : String(headers[name]);
  const limited =
    error.status === 429 ||
    (error.status === 403 && (header('x-ratelimit-remaining') === '0' || /rate limit/i.test(message)));
  return new ProviderError(`${what} failed: HTTP ${error.status}: ${providerMessage(message, 200) || 'empty body'}`, {
    provider: 'github',
    status: error.status,
    code: limited ? 'rate_limited' : undefined,
    requestId: header('x-github-request-id'),
    retriable: limited || isRetriableStatus(error.status),
    retryAfterMs: parseRetryAfter(header('retry-after')),
  });
}
