import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from './undici-lean.js';
import { backoffDelay, parseRetryAfter } from './retry-after.js';
import { sleep } from './clock.js';

/** What went wrong with a request, in the terms a caller decides on. */
export type FailureKind = 'timeout' | 'connection-refused' | 'connection-reset' | 'dns' | 'tls' | 'network' | 'status';

const NETWORK_KINDS: ReadonlySet<FailureKind> = new Set([
  'timeout',
  'connection-refused',
  'connection-reset',
  'dns',
  'tls',
  'network',
]);

export function isNetworkFailure(kind: FailureKind): boolean {
  return NETWORK_KINDS.has(kind);
}

/** A request that produced no HTTP response at all. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly kind: Exclude<FailureKind, 'status'>,
    readonly url: string,
    readonly detail: string,
    readonly attempts: number,
  ) {
    super(`${describeKind(kind)} for ${url}: ${detail}`);
  }
}

/** 1 MiB: what health checks and the scan's page reads keep unless an input raises it. */
export const DEFAULT_CHECK_BODY_BYTES = 1024 * 1024;
/** Provider APIs answer in kilobytes; 16 MiB leaves room for long lists and still bounds memory. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The server did answer, but with a body over the cap. Not a network failure: the host is
 * reachable and said something no check should accept, so callers report it as a failed check.
 * Reading stopped at the cap and the connection was dropped, so memory stays bounded.
 */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly limitBytes: number,
    readonly latencyMs: number,
  ) {
    super(`response body of ${url} is larger than ${formatBytes(limitBytes)} (HTTP ${status}); reading stopped there`);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Time to the response headers, milliseconds, of the last attempt. */
  latencyMs: number;
  /** Attempts made, 1 when the first one was kept. */
  attempts: number;
  json<T = unknown>(): T;
}

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the response is returned as it is. */
  maxRetryAfterMs: number;
  /** Statuses worth another try. */
  retryStatuses: readonly number[];
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  retryStatuses: [429, 500, 502, 503, 504],
};

export interface RequestOptions {
  method?: string;
  url: string | URL;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** false: one attempt only. */
  retry?: Partial<RetryPolicy> | false;
  /** The body is read as a stream and abandoned past this many bytes (BodyTooLargeError). */
  maxBodyBytes?: number;
  /**
   * A request whose repetition could do something twice (a POST creating a deployment). Such a
   * request is retried only where the server cannot have acted on it: the connection was refused,
   * the name did not resolve, or the server said 429. After a timeout or 5xx the outcome is
   * unknown, and the caller must read state back instead of repeating it.
   */
  mutation?: boolean;
}

export interface HttpClientOptions {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  /** Default cap of every body this client reads; DEFAULT_MAX_BODY_BYTES when not set. */
  maxBodyBytes?: number;
  dispatcher?: Dispatcher;
  /** Connections per origin of the owned dispatcher; unlimited by default, since checks run concurrently. */
  connections?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void;
  /** The clock `sleep` runs on (a test's virtual clock); Date.now by default. */
  now?: () => number;
}

/**
 * The suite's one HTTP client: per-request timeout, bounded retries with backoff and jitter,
 * Retry-After honoured on 429/503, failures classified. It owns one undici dispatcher; close() it
 * in `finally`, or keep-alive sockets hold the step open.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly retry: RetryPolicy;
  private readonly userAgent: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onRetry?: HttpClientOptions['onRetry'];
  private readonly now: () => number;
  /**
   * Per origin, no request before this time: a 429's Retry-After holds for every call to the
   * platform (rate limits are per token), not only for the one that was refused.
   */
  private readonly notBefore = new Map<string, number>();

  constructor(options: HttpClientOptions = {}) {
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 4_000, connections: options.connections ?? null });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.userAgent = options.userAgent ?? 'threadr-ops';
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
    this.onRetry = options.onRetry;
    this.now = options.now ?? Date.now;
  }

  async request(options: RequestOptions): Promise<HttpResponse> {
    const policy: RetryPolicy =
      options.retry === false ? { ...this.retry, attempts: 1 } : { ...this.retry, ...options.retry };
    const url = String(options.url);
    const origin = new URL(url).origin;
    for (let attempt = 1; ; attempt++) {
      // Later tries of this request already waited out the Retry-After below.
      const wait = attempt === 1 ? (this.notBefore.get(origin) ?? 0) - this.now() : 0;
      if (wait > 0) await this.sleep(wait);
      let outcome: HttpResponse | NetworkError;
      try {
        outcome = await this.once(options, url, attempt);
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        outcome = error;
      }
      if (!(outcome instanceof NetworkError) && outcome.status === 429) {
        const retryAfter = parseRetryAfter(outcome.headers['retry-after']);
        if (retryAfter !== undefined)
          this.notBefore.set(origin, Math.max(this.notBefore.get(origin) ?? 0, this.now() + retryAfter));
      }
      const delay = this.retryDelay(outcome, attempt, policy, options.mutation === true);
      if (delay === undefined) {
        if (outcome instanceof NetworkError) throw outcome;
        return outcome;
      }
      const reason = outcome instanceof NetworkError ? describeKind(outcome.kind) : `HTTP ${outcome.status}`;
      this.onRetry?.({ url, attempt, delayMs: delay, reason });
      await this.sleep(delay);
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private retryDelay(
    outcome: HttpResponse | NetworkError,
    attempt: number,
    policy: RetryPolicy,
    mutation: boolean,
  ): number | undefined {
    if (attempt >= policy.attempts) return undefined;
    const backoff = backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs, this.random);
    if (outcome instanceof NetworkError) {
      const neverSent = outcome.kind === 'connection-refused' || outcome.kind === 'dns';
      if (mutation && !neverSent) return undefined;
      return outcome.kind === 'tls' ? undefined : backoff;
    }
    if (!policy.retryStatuses.includes(outcome.status)) return undefined;
    if (mutation && outcome.status !== 429) return undefined;
    if (outcome.status === 429 || outcome.status === 503) {
      const retryAfter = parseRetryAfter(outcome.headers['retry-after']);
      if (retryAfter !== undefined) return retryAfter > policy.maxRetryAfterMs ? undefined : retryAfter;
    }
    return backoff;
  }

  private async once(options: RequestOptions, url: string, attempt: number): Promise<HttpResponse> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const started = performance.now();
    let latencyMs: number | undefined;
    try {
      const target = new URL(url);
      const response = await this.dispatcher.request({
        origin: target.origin,
        path: target.pathname + target.search,
        method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: { 'user-agent': this.userAgent, ...options.headers },
        body: options.body,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      latencyMs = performance.now() - started;
      const body = await readCapped(
        response.body,
        options.maxBodyBytes ?? this.maxBodyBytes,
        () => new BodyTooLargeError(url, response.statusCode, options.maxBodyBytes ?? this.maxBodyBytes, latencyMs!),
      );
      return {
        status: response.statusCode,
        headers: response.headers,
        body,
        latencyMs,
        attempts: attempt,
        json<T>(): T {
          return JSON.parse(body) as T;
        },
      };
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw error;
      const kind = controller.signal.aborted ? 'timeout' : classifyNetworkError(error);
      // The timeout covers the whole exchange, so a server trickling its body a byte at a time ends here too.
      const detail = controller.signal.aborted
        ? latencyMs === undefined
          ? `no response within ${timeoutMs}ms`
          : `headers came after ${Math.round(latencyMs)}ms but the body was not complete within ${timeoutMs}ms`
        : errorDetail(error);
      throw new NetworkError(kind, url, detail, attempt);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Reads a body stream up to `limit` bytes. Past it the stream is destroyed, which drops the
 * connection: nothing more is received, so a 2 GB answer costs at most the cap in memory.
 */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  limit: number,
  tooLarge: () => Error,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      const error = tooLarge();
      body.destroy();
      throw error;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

export function classifyNetworkError(error: unknown): Exclude<FailureKind, 'status'> {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    const code = String((current as { code?: unknown }).code ?? '');
    if (code === 'ECONNREFUSED') return 'connection-refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'dns';
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
      return 'connection-reset';
    if (code.includes('TIMEOUT') || code === 'ETIMEDOUT') return 'timeout';
    if (TLS_CODES.test(code)) return 'tls';
    if (current === (current as { cause?: unknown }).cause) break;
  }
  return 'network';
}

function errorDetail(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current && parts.length < 3; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    const message = (current as { message?: unknown }).message;
    parts.push([code, message].filter(Boolean).join(' '));
  }
  return parts.filter(Boolean).join(': ') || 'request failed';
}

export function describeKind(kind: FailureKind): string {
  switch (kind) {
    case 'timeout':
      return 'timed out';
    case 'connection-refused':
      return 'connection refused';
    case 'connection-reset':
      return 'connection reset';
    case 'dns':
      return 'DNS lookup failed';
    case 'tls':
      return 'TLS handshake failed';
    case 'network':
      return 'network error';
    case 'status':
      return 'unexpected HTTP status';
  }
}
