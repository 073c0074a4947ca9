import { errorText, ProviderError } from '../../core/errors.js';
import { NetworkError } from '../../core/http.js';
import { RequestCounter, type CostHttp } from '../../providers/cost-http.js';
import type { CostWindow, DayKey } from '../calendar.js';
import type { Micros } from '../money.js';
import {
  emptySpend,
  type CostAdapter,
  type CurrencySpend,
  type ProviderFailure,
  type ProviderId,
  type ProviderSpend,
  type SpendItem,
} from '../types.js';

/** Adds amounts per currency and day, and per named item for the month: integers only. */
export class SpendBuilder {
  private readonly currencies = new Map<string, Record<DayKey, Micros>>();
  private readonly itemTotals = new Map<string, SpendItem>();

  constructor(private readonly monthStart: DayKey) {}

  add(currency: string, day: DayKey, amount: Micros, item?: string): void {
    const code = currency.toLowerCase();
    const days = this.currencies.get(code) ?? {};
    days[day] = (days[day] ?? 0) + amount;
    this.currencies.set(code, days);
    if (item !== undefined && day >= this.monthStart) {
      const key = `${code}\u0000${item}`;
      const entry = this.itemTotals.get(key) ?? { item, currency: code, monthToDate: 0 };
      entry.monthToDate += amount;
      this.itemTotals.set(key, entry);
    }
  }

  spend(): CurrencySpend[] {
    return [...this.currencies]
      .map(([currency, days]) => ({ currency, days }))
      .sort((a, b) => a.currency.localeCompare(b.currency));
  }

  items(): SpendItem[] {
    return [...this.itemTotals.values()].sort((a, b) => b.monthToDate - a.monthToDate || a.item.localeCompare(b.item));
  }
}

/** A provider that could not be read: its figures are unknown, never zero. */
export function failedSpend(provider: ProviderId, error: unknown, requests = 0): ProviderSpend {
  return { ...emptySpend(provider, 'failed'), failure: describeFailure(error), requests };
}

/** What an adapter's read returns; countedRead adds the request count. */
export type SpendAnswer = Omit<ProviderSpend, 'requests'>;

/**
 * The frame of every cost adapter's fetch: the provider's client is built over a RequestCounter, so
 * the report counts every HTTP attempt (retries included) whether the read succeeds or not, and a
 * read that throws becomes a failed provider (unknown, never zero) instead of failing the others.
 */
export async function countedRead<Client>(
  provider: ProviderId,
  http: CostHttp,
  client: (counted: CostHttp) => Client,
  read: (client: Client) => Promise<SpendAnswer>,
): Promise<ProviderSpend> {
  const counter = new RequestCounter(http);
  try {
    return { ...(await read(client(counter))), requests: counter.count };
  } catch (error) {
    return failedSpend(provider, error, counter.count);
  }
}

/**
 * A cost adapter class from what sets one provider apart: its id, its client and how it reads a
 * window with that client. The frame is the same for all: `new XCostAdapter(options)`, and a fetch
 * that is a countedRead with the client built over the counted HTTP.
 */
export function costAdapter<Options extends { http: CostHttp }, Client>(
  provider: ProviderId,
  ProviderClient: new (options: Options) => Client,
  read: (client: Client, window: CostWindow, options: Options) => Promise<SpendAnswer>,
) {
  return class implements CostAdapter {
    readonly provider = provider;
    constructor(private readonly options: Options) {}

    fetch(window: CostWindow): Promise<ProviderSpend> {
      return countedRead(
        provider,
        this.options.http,
        (http) => new ProviderClient({ ...this.options, http }),
        (client) => read(client, window, this.options),
      );
    }
  };
}

export function describeFailure(error: unknown): ProviderFailure {
  if (error instanceof ProviderError) {
    return { message: error.message, status: error.status, code: error.code, requestId: error.requestId };
  }
  if (error instanceof NetworkError) return { message: error.message, code: error.kind };
  return { message: errorText(error) };
}
