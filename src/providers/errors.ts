import { ProviderError } from '../core/errors.js';
import type { HttpResponse } from '../core/http.js';
import { providerMessage } from '../core/redact.js';
import { parseRetryAfter } from '../core/retry-after.js';

/**
 * Shared by every provider client: turns an HTTP answer into a ProviderError carrying the
 * provider's own code and message, the request id when the platform sends one, and whether trying
 * again later could help. Each client passes a small extractor for its error body shape.
 */
export type ErrorBodyReader = (body: unknown) => { code?: string; message?: string } | undefined;

/**
 * The `{"error":{"message","code","type"}}` body OpenAI and Stripe both answer with; `type` stands in
 * for a missing `code` (OpenAI leaves `code` null on many errors, Stripe on some).
 */
export const readErrorObject: ErrorBodyReader = (body) => {
  const error = (body as { error?: { message?: unknown; code?: unknown; type?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return undefined;
  const code = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : undefined;
  return { code, message: typeof error.message === 'string' ? error.message : undefined };
};

const REQUEST_ID_HEADERS = [
  'x-request-id',
  'x-vercel-id',
  'x-github-request-id',
  'x-railway-request-id',
  'request-id',
  'cf-ray',
];

export function requestIdOf(response: Pick<HttpResponse, 'headers'>): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = response.headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text) return text;
  }
  return undefined;
}

/** 429 and 5xx may succeed later; other statuses will not change by themselves. */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function errorFromResponse(
  provider: string,
  what: string,
  response: HttpResponse,
  read: ErrorBodyReader,
): ProviderError {
  let parsed: { code?: string; message?: string } | undefined;
  try {
    parsed = read(JSON.parse(response.body));
  } catch {
    parsed = undefined;
  }
  const detail = parsed?.message ? providerMessage(parsed.message) : summariseBody(response.body);
  const code = parsed?.code ? ` (${parsed.code})` : '';
  return new ProviderError(`${what} failed: HTTP ${response.status}${code}: ${detail}`, {
    provider,
    status: response.status,
    code: parsed?.code,
    requestId: requestIdOf(response),
    retriable: isRetriableStatus(response.status),
    // The HTTP client's own tries honour Retry-After; once they are spent, the caller's loop must too.
    retryAfterMs:
      response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers['retry-after']) : undefined,
  });
}

/**
 * Parses a 2xx body. A body that is not JSON (an HTML error page from a proxy, a truncated
 * answer) is a transient provider failure, not a crash.
 */
export function jsonBody<T>(provider: string, what: string, response: HttpResponse): T {
  try {
    return JSON.parse(response.body) as T;
  } catch {
    throw new ProviderError(
      `${what}: HTTP ${response.status} with a body that is not JSON: ${summariseBody(response.body)}`,
      {
        provider,
        status: response.status,
        code: 'malformed_response',
        requestId: requestIdOf(response),
        retriable: true,
      },
    );
  }
}

/** A field the contract promises is missing or has the wrong type: also transient (stale or partial read). */
export function unexpectedShape(provider: string, what: string, problem: string): ProviderError {
  return new ProviderError(`${what}: unexpected response shape: ${problem}`, {
    provider,
    code: 'unexpected_shape',
    retriable: true,
  });
}

/** A provider may echo the request (headers, tokens) into its error body: redacted and cut. */
function summariseBody(body: string): string {
  const flat = providerMessage(body, 200);
  return flat === '' ? 'empty body' : flat;
}

/** Query string from defined values only. Tokens never go here: they travel in headers. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Joins a base URL (which may carry a path prefix, as proxies and the emulator do) and a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
