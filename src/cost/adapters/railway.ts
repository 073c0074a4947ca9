import { addDays, isoTime, windowDays, type DayKey } from '../calendar.js';
import { priceQuantity, sumMicros, type Micros } from '../money.js';
import { mapLimit } from '../../core/concurrency.js';
import {
  RailwayUsageClient,
  type MetricMeasurement,
  type RailwayUsageOptions,
  type UsageValues,
} from '../../providers/railway-usage.js';
import type { ProviderSpend } from '../types.js';
import { SpendBuilder, costAdapter, describeFailure, failedSpend } from './spend-builder.js';

export type RailwayAdapterOptions = RailwayUsageOptions;

/**
 * Railway's prices as the official `railway usage` computes them (docs/platform-behaviour.md
 * "Railway usage"): a monthly price spread over a 30-day month of 43 200 minutes, kept as that
 * fraction so no rounded per-minute price enters (0.000463 instead of 20/43 200 is 0.008% off).
 * Units as the CLI reads them: CPU_USAGE in vCPU-minutes, MEMORY_USAGE_GB, DISK_USAGE_GB and
 * BACKUP_USAGE_GB in GB-minutes, NETWORK_TX_GB in GB.
 */
const MINUTES_IN_MONTH = 43_200;
export const RAILWAY_PRICES: Record<MetricMeasurement, { micros: number; per: number; unit: string }> = {
  CPU_USAGE: { micros: 20_000_000, per: MINUTES_IN_MONTH, unit: 'vCPU-minute ($20 / vCPU / month)' },
  MEMORY_USAGE_GB: { micros: 10_000_000, per: MINUTES_IN_MONTH, unit: 'GB-minute ($10 / GB / month)' },
  NETWORK_TX_GB: { micros: 50_000, per: 1, unit: 'GB of egress ($0.05 / GB)' },
  DISK_USAGE_GB: { micros: 150_000, per: MINUTES_IN_MONTH, unit: 'GB-minute of volume ($0.15 / GB / month)' },
  BACKUP_USAGE_GB: { micros: 150_000, per: MINUTES_IN_MONTH, unit: 'GB-minute of volume backup ($0.15 / GB / month)' },
};

export const RAILWAY_MEASUREMENTS = Object.keys(RAILWAY_PRICES) as MetricMeasurement[];

export const RAILWAY_UNITS_NOTE =
  "Railway cost is computed from usage × Railway's prices as the official CLI computes them (vCPU-minutes, GB-minutes, GB egress, volume backups included); the plan's included usage ($5 Hobby, $20 Pro) is not deducted";

/** Days per GraphQL request (one aliased `usage` field each). */
const DAYS_PER_REQUEST = 8;

export function railwayCost(values: UsageValues): { total: Micros; parts: [MetricMeasurement, Micros][] } {
  // One rounding per measurement, of quantity × monthly price / minutes.
  const parts = RAILWAY_MEASUREMENTS.map(
    (m) =>
      [m, priceQuantity((values[m] ?? 0) / RAILWAY_PRICES[m].per, RAILWAY_PRICES[m].micros)] as [
        MetricMeasurement,
        Micros,
      ],
  );
  return { total: sumMicros(parts.map(([, cost]) => cost)), parts };
}

/** Railway: usage per UTC day priced into dollars, plus Railway's own estimate for the cycle. */
export const RailwayCostAdapter = costAdapter('railway', RailwayUsageClient, async (client, window) => {
  const days = windowDays(window);
  const chunks: DayKey[][] = [];
  for (let i = 0; i < days.length; i += DAYS_PER_REQUEST) chunks.push(days.slice(i, i + DAYS_PER_REQUEST));
  const builder = new SpendBuilder(window.monthStart);
  const covered = new Set<DayKey>();
  const unread: string[] = [];
  let firstError: unknown;
  const [, estimate] = await Promise.all([
    mapLimit(chunks, 2, async (chunk) => {
      try {
        const periods = chunk.map((day) => ({ startDate: isoTime(day), endDate: isoTime(addDays(day, 1)) }));
        const values = await client.usage(periods, RAILWAY_MEASUREMENTS);
        chunk.forEach((day, index) => {
          for (const [measurement, cost] of railwayCost(values[index]).parts)
            builder.add('usd', day, cost, measurement);
          covered.add(day);
        });
      } catch (error) {
        firstError ??= error;
        unread.push(`usage for ${chunk[0]} to ${chunk.at(-1)}: ${describeFailure(error).message}`);
      }
    }),
    client.estimatedUsage(RAILWAY_MEASUREMENTS).then(
      (values) => ({ values }),
      (error: unknown) => ({ error }),
    ),
  ]);
  if (covered.size === 0) return { ...failedSpend('railway', firstError), unread };
  const notes = [RAILWAY_UNITS_NOTE];
  let estimateField: ProviderSpend['estimate'];
  if ('values' in estimate) {
    estimateField = {
      amount: railwayCost(estimate.values).total,
      currency: 'usd',
      note: "Railway's estimatedUsage for the end of its billing cycle (which need not match the calendar month), priced the same way",
    };
  } else {
    unread.push(`estimatedUsage: ${describeFailure(estimate.error).message}`);
  }
  const spend = builder.spend();
  return {
    provider: 'railway',
    status: covered.size === days.length ? 'ok' : 'partial',
    spend: spend.length ? spend : [{ currency: 'usd', days: {} }],
    covered: days.filter((day) => covered.has(day)),
    freshness: {},
    unread,
    notes,
    items: builder.items(),
    estimate: estimateField,
  };
});
