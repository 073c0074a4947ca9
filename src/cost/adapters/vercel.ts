import { dayKey, isoTime, windowDays } from '../calendar.js';
import { decimalToMicros } from '../money.js';
import { VercelBillingClient, type VercelBillingClientOptions } from '../../providers/vercel-billing.js';
import { emptySpend } from '../types.js';
import { SpendBuilder, costAdapter } from './spend-builder.js';

export type VercelAdapterOptions = VercelBillingClientOptions;

/** Vercel billing charges: Σ BilledCost per UTC day of ChargePeriodStart. */
export const VercelCostAdapter = costAdapter('vercel', VercelBillingClient, async (client, window) => {
  const charges = await client.charges(isoTime(window.rangeStart), isoTime(window.rangeEnd));
  if (charges.length === 0) {
    // An empty answer is not a zero bill we can vouch for: plans without usage billing (Hobby)
    // expose no charges at all.
    return {
      ...emptySpend('vercel', 'no-data'),
      notes: [
        'Vercel returned no billing charges for this scope and period: the plan exposes none (Hobby), or the token sees another team (set vercel-team-id)',
      ],
      unread: ['daily charges: none exposed for this plan or scope'],
    };
  }
  const builder = new SpendBuilder(window.monthStart);
  let latest: string | undefined;
  for (const charge of charges) {
    const day = dayKey(Date.parse(charge.ChargePeriodStart));
    if (day < window.rangeStart || day > window.today) continue;
    builder.add(
      charge.BillingCurrency,
      day,
      decimalToMicros(charge.BilledCost),
      charge.ServiceName ?? charge.ChargeCategory ?? 'other',
    );
    if (!latest || day > latest) latest = day;
  }
  return {
    provider: 'vercel',
    status: 'ok',
    spend: builder.spend(),
    covered: windowDays(window),
    freshness: { latestDataDay: latest },
    unread: [],
    notes: [`${charges.length} FOCUS charge line(s) read`],
    items: builder.items(),
  };
});
