import { ConfigurationError } from '../core/errors.js';
import { decimalToMicros, type Micros } from './money.js';
import { PROVIDERS, type ProviderId } from './types.js';

/**
 * The `limits` input: the seed's cost controls as YAML. Amounts are in the budget currency (USD).
 *
 *   openai:  { daily-limit: 50, monthly-limit: 1000, action: rate_limit }
 *   railway: { daily-limit: 10, monthly-limit: 200, action: scale_down }
 *   total:   { alert-threshold: 100, daily-limit: 200, action: rate_limit }
 *   spike-factor: 2
 *
 * The seed's defaults are the input's default in action.yml. A limits value given by the user
 * replaces them whole: a limit that is left out is not set. Only two fields have a default of
 * their own, because leaving them out must still give a working spike test: `spike-factor` (2,
 * the "2×") and `spike-floor` (1.00, so cents moving to dimes is not a critical spike).
 */
export interface Limit {
  dailyLimit?: Micros;
  monthlyLimit?: Micros;
  /** The recommended action when this scope goes critical; a word such as rate_limit. */
  action?: string;
}

export interface TotalLimit extends Limit {
  /** Total spend today above this raises a warning (the seed's `--alert-threshold`). */
  alertThreshold?: Micros;
}

export interface CostLimits {
  currency: 'usd';
  providers: Partial<Record<ProviderId, Limit>>;
  total: TotalLimit;
  /** Today above the trailing median × this is a spike (critical). */
  spikeFactor: number;
  /** …and only when today exceeds the median by at least this much. */
  spikeFloor: Micros;
}

export const DEFAULT_SPIKE_FACTOR = 2;
export const DEFAULT_SPIKE_FLOOR: Micros = 1_000_000;
/** The warning level, as a fraction of any limit. */
export const WARNING_RATIO = 0.8;

const LIMIT_FIELDS = ['daily-limit', 'monthly-limit', 'action'] as const;
const TOTAL_FIELDS = [...LIMIT_FIELDS, 'alert-threshold'] as const;
const TOP_FIELDS = ['total', 'spike-factor', 'spike-floor', 'currency'] as const;
const ACTION_WORD = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

const EXAMPLE = "such as '{openai: {daily-limit: 50, monthly-limit: 1000, action: rate_limit}}'";

export function parseLimits(raw: unknown, input = 'limits'): CostLimits {
  const fail = (field: string, problem: string): never => {
    throw new ConfigurationError(input, `field '${field}' ${problem}`);
  };
  const limits: CostLimits = {
    currency: 'usd',
    providers: {},
    total: {},
    spikeFactor: DEFAULT_SPIKE_FACTOR,
    spikeFloor: DEFAULT_SPIKE_FLOOR,
  };
  if (raw === undefined || raw === null) return limits;
  if (!isRecord(raw)) {
    throw new ConfigurationError(input, `must be a YAML mapping of providers to limits, ${EXAMPLE}`);
  }
  for (const [key, value] of Object.entries(raw)) {
    if ((PROVIDERS as readonly string[]).includes(key)) {
      limits.providers[key as ProviderId] = parseLimit(value, key, LIMIT_FIELDS, fail);
    } else if (key === 'total') {
      const total = parseLimit(value, key, TOTAL_FIELDS, fail) as TotalLimit;
      const threshold = (value as Record<string, unknown>)['alert-threshold'];
      if (threshold !== undefined) total.alertThreshold = amount(threshold, 'total.alert-threshold', fail);
      limits.total = total;
    } else if (key === 'spike-factor') {
      const factor =
        typeof value === 'number' ? value : typeof value === 'string' ? Number(value.replace(/[x×]$/, '')) : NaN;
      if (!Number.isFinite(factor) || factor <= 1)
        fail(
          key,
          `must be a number above 1 such as 2 (today against twice the trailing median), got '${String(value)}'`,
        );
      limits.spikeFactor = factor;
    } else if (key === 'spike-floor') {
      limits.spikeFloor = amount(value, key, fail);
    } else if (key === 'currency') {
      if (String(value).toLowerCase() !== 'usd')
        fail(
          key,
          `must be usd (budgets are in US dollars; other currencies are converted with input 'exchange-rates'), got '${String(value)}'`,
        );
    } else {
      fail(key, `is not a known provider or setting: expected one of ${[...PROVIDERS, ...TOP_FIELDS].join(', ')}`);
    }
  }
  return limits;
}

function parseLimit(
  value: unknown,
  scope: string,
  fields: readonly string[],
  fail: (field: string, problem: string) => never,
): Limit {
  if (!isRecord(value))
    return fail(
      scope,
      `must be a mapping such as {daily-limit: 50, monthly-limit: 1000, action: rate_limit}, got '${String(value)}'`,
    );
  const limit: Limit = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    const name = `${scope}.${field}`;
    if (!fields.includes(field)) fail(name, `is not a known field: expected one of ${fields.join(', ')}`);
    if (field === 'daily-limit') limit.dailyLimit = amount(fieldValue, name, fail);
    if (field === 'monthly-limit') limit.monthlyLimit = amount(fieldValue, name, fail);
    if (field === 'action') {
      const action = typeof fieldValue === 'string' ? fieldValue.trim() : '';
      if (!ACTION_WORD.test(action)) {
        fail(
          name,
          `must be one word naming the action to recommend, such as rate_limit or scale_down, got '${String(fieldValue)}'`,
        );
      }
      limit.action = action;
    }
  }
  return limit;
}

/** A non-negative amount in dollars: 50, 12.5, '50', '$50.00'. */
function amount(value: unknown, field: string, fail: (field: string, problem: string) => never): Micros {
  const text =
    typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().replace(/^\$/, '') : '';
  let micros: Micros | undefined;
  if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(text)) {
    try {
      micros = decimalToMicros(typeof value === 'number' ? value : text);
    } catch {
      micros = undefined;
    }
  }
  if (micros === undefined)
    return fail(field, `must be an amount in US dollars such as 50 or 12.50, got '${String(value)}'`);
  if (micros < 0) return fail(field, `must not be negative, got '${String(value)}'`);
  return micros;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `eur: 1.08` = one euro is 1.08 US dollars. Used to convert, never guessed. */
export function parseExchangeRates(raw: unknown, input = 'exchange-rates'): Record<string, number> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw))
    throw new ConfigurationError(
      input,
      "must be a YAML mapping of currency to its value in USD, such as '{eur: 1.08, gbp: 1.27}'",
    );
  const rates: Record<string, number> = {};
  for (const [currency, value] of Object.entries(raw)) {
    if (!/^[A-Za-z]{3}$/.test(currency))
      throw new ConfigurationError(input, `field '${currency}' must be a three-letter currency code such as eur`);
    const rate = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(rate) || rate <= 0) {
      throw new ConfigurationError(
        input,
        `field '${currency}' must be a positive rate (US dollars per unit) such as 1.08, got '${String(value)}'`,
      );
    }
    rates[currency.toLowerCase()] = rate;
  }
  return rates;
}
