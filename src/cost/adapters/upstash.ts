import { addDays, dayKey, daysBetween } from '../calendar.js';
import { decimalToMicros, formatMoney } from '../money.js';
import { mapLimit } from '../../core/concurrency.js';
import {
  UpstashClient,
  parseGoTime,
  type UpstashClientOptions,
  type UpstashDatabase,
} from '../../providers/upstash.js';
import { emptySpend } from '../types.js';
import { SpendBuilder, costAdapter, describeFailure, failedSpend } from './spend-builder.js';

export interface UpstashAdapterOptions extends UpstashClientOptions {
  /** Watch only these databases (ids or names); empty = every database the account lists. */
  databases?: string[];
  /**
   * Databases created through a marketplace integration (Vercel, Fly): the Developer API cannot
   * see them, and their cost is billed by the marketplace. Listed so they are reported as such.
   */
  marketplaceDatabases?: string[];
}

export const MARKETPLACE_NOTE =
  'created through a marketplace integration (Vercel, Fly): the Upstash Developer API has no access to it; its cost is billed by that marketplace (see its Vercel charges)';

/**
 * Upstash Redis: `dailybilling` of each database's stats, summed per UTC day. The stats hold the
 * current month only, so the trailing days before the 1st are unknown, not zero.
 */
export const UpstashCostAdapter = costAdapter(
  'upstash',
  UpstashClient,
  async (client, window, options: UpstashAdapterOptions) => {
    const marketplace = options.marketplaceDatabases ?? [];
    const listed = await client.databases();
    const named = (db: UpstashDatabase, name: string): boolean => db.database_id === name || db.database_name === name;
    const wanted = options.databases?.length ? options.databases : undefined;
    const selected = wanted ? listed.filter((db) => wanted.some((name) => named(db, name))) : listed;
    const unread: string[] = [];
    const notes: string[] = [];
    let missing = false;
    for (const name of marketplace) {
      if (!listed.some((db) => named(db, name))) unread.push(`database ${name}: ${MARKETPLACE_NOTE}`);
    }
    for (const name of wanted ?? []) {
      if (listed.some((db) => named(db, name)) || marketplace.includes(name)) continue;
      missing = true;
      unread.push(
        `database ${name}: not visible to this account's Developer API (created through a marketplace integration, or deleted); list it in upstash-marketplace-databases if it is billed by a marketplace`,
      );
    }

    const builder = new SpendBuilder(window.monthStart);
    const monthDays = daysBetween(window.monthStart, window.today);
    let read = 0;
    let failed = 0;
    await mapLimit(selected, 4, async (db) => {
      try {
        const stats = await client.stats(db.database_id);
        let inMonth = 0;
        for (const point of stats.dailybilling) {
          const time = parseGoTime(point.x);
          if (time === undefined) throw new Error(`dailybilling x '${point.x}' is not a timestamp`);
          const day = dayKey(time);
          if (day < window.monthStart || day > window.today) continue;
          const amount = decimalToMicros(point.y);
          inMonth += amount;
          builder.add('usd', day, amount, db.database_name);
        }
        const reported = decimalToMicros(stats.total_monthly_billing);
        if (Math.abs(reported - inMonth) >= 10_000) {
          notes.push(
            `${db.database_name}: total_monthly_billing ${formatMoney(reported)} differs from the sum of dailybilling ${formatMoney(inMonth)}; the daily figures are used`,
          );
        }
        read++;
      } catch (error) {
        failed++;
        unread.push(`database ${db.database_name}: ${describeFailure(error).message}`);
      }
    });
    if (selected.length > 0 && read === 0) {
      return { ...failedSpend('upstash', new Error(unread.join('; '))), unread };
    }
    if (selected.length === 0 && !missing) {
      return {
        ...emptySpend('upstash', marketplace.length ? 'unavailable' : 'no-data'),
        unread,
        notes: [
          marketplace.length
            ? 'every watched database is billed through a marketplace'
            : 'the account lists no Redis databases',
        ],
      };
    }
    if (window.rangeStart < window.monthStart) {
      unread.push(
        `${window.rangeStart} to ${addDays(window.monthStart, -1)}: Upstash stats hold the current month only`,
      );
    }
    notes.push(`${read} database(s) read; billing currency taken as USD (not stated by the API, UNCONFIRMED)`);
    const items = builder.items();
    return {
      provider: 'upstash',
      status: failed > 0 || missing ? 'partial' : 'ok',
      spend: builder.spend().length ? builder.spend() : [{ currency: 'usd', days: {} }],
      covered: monthDays,
      freshness: { latestDataDay: latestDay(builder.spend()[0]?.days) },
      unread,
      notes,
      items,
    };
  },
);

function latestDay(days: Record<string, number> | undefined): string | undefined {
  if (!days) return undefined;
  const withSpend = Object.keys(days).filter((d) => days[d] !== 0);
  return withSpend.length ? withSpend.sort().at(-1) : undefined;
}
