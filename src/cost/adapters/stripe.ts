import { dayKey, unixSeconds, windowDays } from '../calendar.js';
import { minorToMicros } from '../money.js';
import { StripeClient, type StripeClientOptions } from '../../providers/stripe.js';
import { SpendBuilder, costAdapter } from './spend-builder.js';

export type StripeAdapterOptions = StripeClientOptions;

/** Rows that are Stripe billing the account for something, rather than fees on a payment. */
const BILLED_FEE_TYPES = new Set(['stripe_fee', 'tax_fee', 'stripe_fx_fee']);

/**
 * Stripe processing fees: Σ `fee` of every balance transaction, per currency and UTC day. Each
 * currency stays its own series: the evaluation converts with the `exchange-rates` input or shows
 * it apart, never adding euros to dollars.
 */
export const StripeCostAdapter = costAdapter('stripe', StripeClient, async (client, window) => {
  const result = await client.balanceTransactions({
    createdGte: unixSeconds(window.rangeStart),
    createdLt: unixSeconds(window.rangeEnd),
    limit: 100,
  });
  const builder = new SpendBuilder(window.monthStart);
  let billedRows = 0;
  for (const txn of result.transactions) {
    const day = dayKey(txn.created * 1000);
    if (day < window.rangeStart || day > window.today) continue;
    if (txn.fee !== 0) builder.add(txn.currency, day, minorToMicros(txn.fee, txn.currency), 'processing fees');
    // Whether stripe_fee / tax_fee rows carry their cost in `fee` or as a negative `amount` is
    // UNCONFIRMED (§5). Both are recorded: `fee` above, and a negative amount here when the fee is 0.
    if (BILLED_FEE_TYPES.has(txn.type) && txn.fee === 0 && txn.amount < 0) {
      builder.add(txn.currency, day, minorToMicros(-txn.amount, txn.currency), `billed ${txn.type}`);
      billedRows++;
    }
  }
  const notes = [`${result.transactions.length} balance transactions read in ${result.pages} page(s)`];
  if (billedRows)
    notes.push(
      `${billedRows} ${[...BILLED_FEE_TYPES].join('/')} row(s) counted by their negative amount (how Stripe carries these is UNCONFIRMED)`,
    );
  if (result.duplicates) notes.push(`${result.duplicates} transaction(s) appeared on two pages and were counted once`);
  const spend = builder.spend();
  if (spend.length > 1)
    notes.push(
      `fees in ${spend.length} currencies: ${spend.map((s) => s.currency.toUpperCase()).join(', ')}, kept apart unless exchange-rates converts them`,
    );
  return {
    provider: 'stripe',
    status: 'ok',
    spend,
    covered: windowDays(window),
    freshness: {},
    unread: [],
    notes,
    items: builder.items(),
  };
});
