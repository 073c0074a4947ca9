import type { CostWindow, DayKey } from './calendar.js';
import type { Micros } from './money.js';

export const PROVIDERS = ['openai', 'railway', 'vercel', 'upstash', 'stripe'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export const PROVIDER_NAMES: Record<ProviderId, string> = {
  openai: 'OpenAI',
  railway: 'Railway',
  vercel: 'Vercel',
  upstash: 'Upstash',
  stripe: 'Stripe',
};

/**
 * - `ok`: every day of the window it could read was read.
 * - `partial`: some of it was read; `unread` says what was not.
 * - `failed`: nothing usable (401, 429 after retries, 5xx, malformed answer); never a zero.
 * - `skipped`: no credentials given.
 * - `unavailable`: the provider cannot expose this spend (a marketplace-created Upstash database).
 * - `no-data`: the provider answered but has nothing to report (a Vercel plan without billing charges).
 */
export type SpendStatus = 'ok' | 'partial' | 'failed' | 'skipped' | 'unavailable' | 'no-data';

/** Spend of one currency: micros per UTC day. A covered day missing from `days` spent nothing. */
export interface CurrencySpend {
  currency: string;
  days: Record<DayKey, Micros>;
}

/** A named part of the month's spend (an OpenAI line item, a Railway measurement, a Stripe fee kind). */
export interface SpendItem {
  item: string;
  currency: string;
  monthToDate: Micros;
}

export interface Freshness {
  /** The latest day with any spend in the answer. */
  latestDataDay?: DayKey;
  /** How late this provider's figures arrive, in words (OpenAI's costs lag). */
  lag?: string;
}

export interface ProviderFailure {
  message: string;
  status?: number;
  code?: string;
  requestId?: string;
}

/** What every adapter returns, whatever the provider: the one shape the evaluation reads. */
export interface ProviderSpend {
  provider: ProviderId;
  status: SpendStatus;
  spend: CurrencySpend[];
  /** The days whose figures are known (missing ones are unknown, never zero). */
  covered: DayKey[];
  freshness: Freshness;
  /** What it could not read, in words. */
  unread: string[];
  notes: string[];
  items: SpendItem[];
  /** The provider's own forecast for its billing period, when it offers one (Railway). */
  estimate?: { amount: Micros; currency: string; note: string };
  failure?: ProviderFailure;
  /** HTTP requests made, retries included. */
  requests: number;
}

export interface CostAdapter {
  readonly provider: ProviderId;
  fetch(window: CostWindow): Promise<ProviderSpend>;
}

export function emptySpend(provider: ProviderId, status: SpendStatus): ProviderSpend {
  return { provider, status, spend: [], covered: [], freshness: {}, unread: [], notes: [], items: [], requests: 0 };
}
