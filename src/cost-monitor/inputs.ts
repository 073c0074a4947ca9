import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import { parseExchangeRates, parseLimits, type CostLimits } from '../cost/budgets.js';

export const FAIL_ON = ['critical', 'warning', 'never'] as const;
export type CostFailOn = (typeof FAIL_ON)[number];

export interface CostMonitorInputs {
  openai?: { adminKey: string; baseUrl: string; projectIds: string[] };
  railway?: { token: string; tokenKind: 'project' | 'account'; url: string; projectId?: string; workspaceId?: string };
  vercel?: { token: string; teamId?: string; baseUrl: string };
  upstash?: { email: string; apiKey: string; baseUrl: string; databases: string[]; marketplaceDatabases: string[] };
  /** Upstash databases billed through a marketplace, when no Upstash credentials are given. */
  upstashMarketplaceOnly: string[];
  stripe?: { secretKey: string; baseUrl: string; apiVersion?: string };
  limits: CostLimits;
  exchangeRates: Record<string, number>;
  failOn: CostFailOn;
  /** The evaluation instant, epoch ms. */
  now: number;
  requestTimeoutMs: number;
}

/** The Upstash Developer API authenticates with the account email and the key: both or neither. */
function upstashCredentials(inputs: InputReader, mask: (secret: string) => void): { email: string; apiKey: string } {
  const apiKey = inputs.secret('upstash-api-key');
  const email = inputs.text('upstash-email');
  if (apiKey !== '' && email === '') {
    throw new ConfigurationError(
      'upstash-email',
      'is required with upstash-api-key: the Developer API authenticates with the account email and the key, for example ops@example.com',
    );
  }
  if (email !== '' && apiKey === '') {
    throw new ConfigurationError(
      'upstash-api-key',
      'is required with upstash-email, for example ${{ secrets.UPSTASH_API_KEY }}',
    );
  }
  if (apiKey !== '') mask(Buffer.from(`${email}:${apiKey}`).toString('base64'));
  return { email, apiKey };
}

/**
 * Every input, parsed and checked before any request. Credentials are masked as they are read;
 * a provider whose credentials are empty is skipped, not an error.
 */
export function getInputs(
  inputs: InputReader,
  mask: (secret: string) => void,
  clock: () => number = Date.now,
): CostMonitorInputs {
  const openaiKey = inputs.secret('openai-admin-key');
  const railwayToken = inputs.secret('railway-token');
  const vercelToken = inputs.secret('vercel-token');
  const { email: upstashEmail, apiKey: upstashKey } = upstashCredentials(inputs, mask);
  const stripeKey = inputs.secret('stripe-secret-key');

  const marketplace = inputs.list('upstash-marketplace-databases');
  const result: CostMonitorInputs = {
    upstashMarketplaceOnly: upstashKey === '' ? marketplace : [],
    limits: parseLimits(inputs.structured('limits'), 'limits'),
    exchangeRates: parseExchangeRates(inputs.structured('exchange-rates'), 'exchange-rates'),
    failOn: inputs.oneOf('fail-on', FAIL_ON),
    now: asOf(inputs.text('as-of'), clock),
    requestTimeoutMs: inputs.duration('request-timeout', { min: 1000, max: 600_000 }),
  };
  const tokenKind = inputs.oneOf('railway-token-type', ['account', 'project'] as const);
  if (openaiKey)
    result.openai = {
      adminKey: openaiKey,
      baseUrl: baseUrl(inputs, 'openai-api-url'),
      projectIds: inputs.list('openai-project-ids'),
    };
  if (railwayToken) {
    result.railway = {
      token: railwayToken,
      tokenKind,
      url: baseUrl(inputs, 'railway-api-url'),
      projectId: inputs.text('railway-project-id') || undefined,
      workspaceId: inputs.text('railway-workspace-id') || undefined,
    };
    if (tokenKind === 'project' && !result.railway.projectId) {
      throw new ConfigurationError(
        'railway-project-id',
        'is required with railway-token-type: project (a project token reads one project), for example 3f2c…-project-uuid',
      );
    }
  }
  if (vercelToken)
    result.vercel = {
      token: vercelToken,
      teamId: inputs.text('vercel-team-id') || undefined,
      baseUrl: baseUrl(inputs, 'vercel-api-url'),
    };
  if (upstashKey) {
    result.upstash = {
      email: upstashEmail,
      apiKey: upstashKey,
      baseUrl: baseUrl(inputs, 'upstash-api-url'),
      databases: inputs.list('upstash-databases'),
      marketplaceDatabases: marketplace,
    };
  }
  if (stripeKey) {
    if (!/^(sk|rk)_(live|test)_/.test(stripeKey)) {
      throw new ConfigurationError(
        'stripe-secret-key',
        'must be a Stripe secret or restricted key starting with sk_live_, sk_test_, rk_live_ or rk_test_',
      );
    }
    result.stripe = {
      secretKey: stripeKey,
      baseUrl: baseUrl(inputs, 'stripe-api-url'),
      apiVersion: inputs.text('stripe-api-version') || undefined,
    };
  }
  return result;
}

function baseUrl(inputs: InputReader, name: string): string {
  return inputs.url(name).toString().replace(/\/+$/, '');
}

/** The URL is the credential: a bad one is described, never echoed. */
function asOf(text: string, clock: () => number): number {
  if (text === '') return clock();
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? Date.parse(`${text}T23:59:59Z`)
    : /(Z|[+-]\d{2}:?\d{2})$/.test(text)
      ? Date.parse(text)
      : NaN;
  if (Number.isNaN(value)) {
    throw new ConfigurationError(
      'as-of',
      `must be an ISO-8601 UTC date-time such as 2026-03-15T12:00:00Z (or a date, read as its last second), got '${text}'`,
    );
  }
  return value;
}
