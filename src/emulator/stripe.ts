/**
 * Fake Stripe balance transactions (docs/platform-behaviour.md §5): newest first, `created[…]` filters,
 * `limit`/`starting_after`/`has_more`, multi-currency, Stripe's error shape.
 */
import {
  basicAuth,
  bearerToken,
  json,
  type EmuRequest,
  type EmuResponse,
  type EmulatorExtension,
} from './extension-api.js';
import { demoCostStates } from './fixtures/cost/months.js';

export interface StripeEmuTransaction {
  id: string;
  object: 'balance_transaction';
  amount: number;
  fee: number;
  net: number;
  currency: string;
  created: number;
  available_on: number;
  status: 'available' | 'pending';
  type: string;
  reporting_category: string;
  description: string | null;
  exchange_rate: number | null;
  fee_details: {
    amount: number;
    application: string | null;
    currency: string;
    description: string | null;
    type: string;
  }[];
  source: string | null;
  balance_type: string;
}

export interface StripeEmuState extends Record<string, unknown> {
  keys: string[];
  transactions: StripeEmuTransaction[];
}

function stripeError(
  status: number,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): EmuResponse {
  return json(status, { error: { type, message, ...extra } }, headers);
}

const CREATED = /^created\[(gte|gt|lte|lt)\]$/;

function list(req: EmuRequest, state: StripeEmuState): EmuResponse {
  const key = bearerToken(req) ?? basicAuth(req)?.user;
  if (!key) return stripeError(401, 'invalid_request_error', 'You did not provide an API key.');
  // Real Stripe echoes a redacted key; the emulator leaves it out so no part of a key reaches a log.
  if (!state.keys.includes(key)) return stripeError(401, 'invalid_request_error', 'Invalid API Key provided.');
  const q = req.query;
  const limit = q.has('limit') ? Number(q.get('limit')) : 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return stripeError(400, 'invalid_request_error', 'Invalid integer: limit must be between 1 and 100', {
      code: 'parameter_invalid_integer',
      param: 'limit',
    });
  }
  const bounds: [string, number][] = [];
  for (const [name, value] of q) {
    const match = CREATED.exec(name);
    if (!match) continue;
    if (!/^\d+$/.test(value))
      return stripeError(400, 'invalid_request_error', `Invalid integer: ${value}`, {
        code: 'parameter_invalid_integer',
        param: name,
      });
    bounds.push([match[1], Number(value)]);
  }
  const inRange = (created: number): boolean =>
    bounds.every(([op, v]) =>
      op === 'gte' ? created >= v : op === 'gt' ? created > v : op === 'lte' ? created <= v : created < v,
    );
  const currency = q.get('currency');
  const type = q.get('type');
  const all = state.transactions
    .filter((t) => inRange(t.created) && (!currency || t.currency === currency) && (!type || t.type === type))
    .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  let from = 0;
  const after = q.get('starting_after');
  if (after) {
    const index = all.findIndex((t) => t.id === after);
    if (index < 0)
      return stripeError(400, 'invalid_request_error', `No such balance transaction: '${after}'`, {
        code: 'resource_missing',
        param: 'starting_after',
      });
    from = index + 1;
  }
  const data = all.slice(from, from + limit);
  return json(
    200,
    { object: 'list', data, has_more: from + limit < all.length, url: '/v1/balance_transactions' },
    { 'request-id': `req_emu${req.seq}` },
  );
}

export const stripeExtension: EmulatorExtension<StripeEmuState> = {
  name: 'stripe',
  prefix: '/stripe',
  // stripe-node reaches a server by host/port/protocol only, at /v1/... (docs/platform-behaviour.md "Stripe").
  rootPaths: ['/v1/balance_transactions'],
  initialState: () => ({ keys: [], transactions: [] }),
  handle(req, ctx) {
    if (req.path === '/v1/balance_transactions' && req.method === 'GET') return list(req, ctx.state);
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}).`);
  },
  errorResponse(status, _code, message, headers) {
    if (status === 429)
      return stripeError(
        429,
        'rate_limit_error',
        message,
        { code: 'rate_limit' },
        { 'stripe-should-retry': 'true', ...headers },
      );
    return stripeError(status, 'api_error', message, {}, headers);
  },
  seedDemo(ctx) {
    Object.assign(ctx.state, demoCostStates(ctx.clock.now()).stripe);
  },
};
