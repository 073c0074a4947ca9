import { RequestCounter, type CostHttp } from '../providers/cost-http.js';
import { StripeClient } from '../providers/stripe.js';
import { currencyExponent } from '../cost/money.js';

/** Balance-transaction types that move revenue: payments in, refunds out (negative amounts). */
const REVENUE_TYPES = new Set(['charge', 'payment', 'refund', 'payment_refund', 'payment_failure_refund']);

/**
 * Revenue per UTC day from Stripe balance transactions (the same list cost-monitor reads for
 * fees; docs/dashboard.md): the gross `amount` of charges and payments less refunds, in major
 * units of the account's main currency (the one most transactions use). Other currencies are
 * counted and reported, never added.
 */
export async function stripeRevenue(options: {
  http: CostHttp;
  baseUrl: string;
  secretKey: string;
  apiVersion?: string;
  timeoutMs?: number;
  from: number;
  to: number;
}): Promise<{
  currency: string;
  byDay: Record<string, number>;
  transactions: number;
  otherCurrencies: string[];
  requests: number;
}> {
  const counter = new RequestCounter(options.http);
  const client = new StripeClient({ ...options, http: counter });
  const result = await client.balanceTransactions({
    createdGte: Math.floor(options.from / 1000),
    createdLt: Math.ceil(options.to / 1000),
    limit: 100,
  });
  const moving = result.transactions.filter((t) => REVENUE_TYPES.has(t.type));
  const counts = new Map<string, number>();
  for (const t of moving) counts.set(t.currency, (counts.get(t.currency) ?? 0) + 1);
  const currency = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'usd';
  // Stripe's amounts are in the currency's smallest unit: whole yen (zero-decimal), cents, or
  // thousandths of a dinar (three-decimal). The exponent is cost's (cost/money.ts), so revenue and
  // spend read a currency alike.
  const minor = 10 ** currencyExponent(currency);
  const byDay: Record<string, number> = {};
  for (const t of moving) {
    if (t.currency !== currency) continue;
    const day = new Date(t.created * 1000).toISOString().slice(0, 10);
    byDay[day] = Math.round(((byDay[day] ?? 0) + t.amount / minor) * minor) / minor;
  }
  return {
    currency,
    byDay,
    transactions: moving.length,
    otherCurrencies: [...counts.keys()].filter((c) => c !== currency),
    requests: counter.count,
  };
}
