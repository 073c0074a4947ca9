import { dayKey, unixSeconds, windowDays } from '../calendar.js';
import { decimalToMicros } from '../money.js';
import { OpenAICostsClient, type OpenAIClientOptions } from '../../providers/openai.js';
import { SpendBuilder, costAdapter } from './spend-builder.js';

export interface OpenAIAdapterOptions extends OpenAIClientOptions {
  projectIds?: string[];
}

export const OPENAI_LAG =
  "OpenAI's cost data lags: the latest buckets (today's above all) fill in over the following hours, so today reads low";

/** OpenAI organization costs: daily buckets grouped by line item. */
export const OpenAICostAdapter = costAdapter(
  'openai',
  OpenAICostsClient,
  async (client, window, options: OpenAIAdapterOptions) => {
    const days = windowDays(window);
    const buckets = await client.costs({
      startTime: unixSeconds(window.rangeStart),
      endTime: unixSeconds(window.rangeEnd),
      groupBy: ['line_item'],
      projectIds: options.projectIds,
      limit: Math.min(180, days.length),
    });
    const builder = new SpendBuilder(window.monthStart);
    const covered = new Set<string>();
    let latest: string | undefined;
    for (const bucket of buckets) {
      const day = dayKey(bucket.start_time * 1000);
      if (day < window.rangeStart || day > window.today) continue;
      covered.add(day);
      for (const result of bucket.results) {
        builder.add(
          result.amount.currency,
          day,
          decimalToMicros(result.amount.value),
          result.line_item ?? 'unattributed',
        );
        if (result.amount.value !== 0 && (!latest || day > latest)) latest = day;
      }
    }
    const missing = days.filter((day) => !covered.has(day));
    const unread: string[] = [];
    const notes: string[] = [];
    const olderMissing = missing.filter((day) => day !== window.today);
    if (missing.includes(window.today))
      notes.push('No bucket for today yet (OpenAI data lag): today is unknown, not zero');
    if (olderMissing.length) unread.push(`no cost bucket for ${olderMissing.join(', ')}`);
    return {
      provider: 'openai',
      status: olderMissing.length ? 'partial' : 'ok',
      spend: builder.spend(),
      covered: days.filter((day) => covered.has(day)),
      freshness: { latestDataDay: latest, lag: OPENAI_LAG },
      unread,
      notes,
      items: builder.items(),
    };
  },
);
