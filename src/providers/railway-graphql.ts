import { ProviderError } from '../core/errors.js';
import type { HttpClient } from '../core/http.js';
import { errorFromResponse, jsonBody, requestIdOf, unexpectedShape, type ErrorBodyReader } from './errors.js';
import { providerMessage } from '../core/redact.js';

/** How a Railway token is sent (docs/platform-behaviour.md §2.0): a project token in its own header, others as Bearer. */
export type RailwayTokenKind = 'project' | 'account';

export interface RailwayGraphqlOptions {
  http: Pick<HttpClient, 'request'>;
  /** The GraphQL endpoint: https://backboard.railway.com/graphql/v2, the emulator's, or a proxy. */
  url: string;
  token: string;
  tokenKind: RailwayTokenKind;
  timeoutMs?: number;
}

const readRailwayHttpError: ErrorBodyReader = (body) => {
  const first = (body as { errors?: { message?: unknown }[] } | null)?.errors?.[0];
  return first && typeof first.message === 'string' ? { message: first.message } : undefined;
};

/**
 * One GraphQL call to Railway's public API, shared by the deploy and the usage clients. GraphQL
 * errors arrive with HTTP 200 (docs/platform-behaviour.md §2.0) and become ProviderErrors; `transient` marks them retriable
 * (reads that may succeed later), except authorization failures, which never fix themselves.
 */
export async function railwayGraphql<T>(
  options: RailwayGraphqlOptions,
  call: {
    operationName: string;
    query: string;
    variables: Record<string, unknown>;
    mutation?: boolean;
    transient?: boolean;
  },
): Promise<T> {
  const { operationName } = call;
  const auth: Record<string, string> =
    options.tokenKind === 'project'
      ? { 'project-access-token': options.token }
      : { authorization: `Bearer ${options.token}` };
  const response = await options.http.request({
    method: 'POST',
    url: options.url,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...auth },
    body: JSON.stringify({ query: call.query, variables: call.variables, operationName }),
    mutation: call.mutation ?? false,
    timeoutMs: options.timeoutMs,
  });
  if (response.status < 200 || response.status >= 300)
    throw errorFromResponse('railway', operationName, response, readRailwayHttpError);
  const body = jsonBody<{ data?: T | null; errors?: { message?: string }[] }>('railway', operationName, response);
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    const message = providerMessage(body.errors.map((e) => e?.message ?? 'unknown error').join('; '));
    const lower = message.toLowerCase();
    const unauthorized = lower.includes('not authorized') || lower.includes('project token not found');
    throw new ProviderError(`${operationName} failed: ${message}${unauthorized ? tokenHint(options.tokenKind) : ''}`, {
      provider: 'railway',
      status: response.status,
      code: unauthorized ? 'not_authorized' : lower.includes('rate limit') ? 'rate_limited' : 'graphql_error',
      requestId: requestIdOf(response),
      retriable: !unauthorized && (call.transient ?? false),
    });
  }
  if (!body.data || typeof body.data !== 'object') throw unexpectedShape('railway', operationName, 'no data');
  return body.data;
}

function tokenHint(kind: RailwayTokenKind): string {
  return kind === 'project'
    ? ' (the token was sent as a project token: check that it belongs to this project and environment, or set railway-token-type: account for an account token)'
    : ' (the token was sent as an account token: set railway-token-type: project for a project token)';
}
