import { worstLevel, type AlertLevel } from '../core/alert-level.js';
import { WARNING_RATIO, type CostLimits, type Limit, type TotalLimit } from './budgets.js';
import { DAY_MS, addDays, dayStart, daysBetween, type CostWindow, type DayKey } from './calendar.js';
import { formatMoney, multiplyMicros, type Micros } from './money.js';
import { PROVIDER_NAMES, type ProviderId, type ProviderSpend } from './types.js';

export type CostSeverity = AlertLevel;
export type BreachKind = 'daily-limit' | 'monthly-limit' | 'projected-month' | 'alert-threshold' | 'spike';
export type Scope = ProviderId | 'total';

export interface Breach {
  scope: Scope;
  kind: BreachKind;
  severity: Exclude<CostSeverity, 'ok'>;
  observed: Micros;
  limit: Micros;
  /** Recommended for a critical breach, from the scope's `action`. */
  action?: string;
  message: string;
}

export interface DayFigure {
  day: DayKey;
  /** undefined: the provider could not tell (not zero). */
  amount?: Micros;
}

/** The figures of one scope (a provider, or the total), all in the budget currency. */
export interface SpendFigures {
  today?: Micros;
  yesterday?: Micros;
  monthToDate?: Micros;
  /** false when some day of the month so far is unknown: the month-to-date is a lower bound. */
  monthComplete: boolean;
  projectedMonth?: Micros;
  /** Mean spend of the recent complete days: what the projection extrapolates. */
  burnRate?: Micros;
  /** What the projection rests on, in words for the report ("3 complete days", or why there is none). */
  projectionBasis: string;
  trailingMedian?: Micros;
  dayOverDay?: { change: Micros; percent?: number };
  spike: boolean;
  /** today ÷ trailing median. */
  spikeRatio?: number;
  /** The month's days, the first to today. */
  daily: DayFigure[];
}

export interface UnconvertedSpend {
  currency: string;
  today?: Micros;
  monthToDate: Micros;
}

export interface ProviderEvaluation extends SpendFigures {
  provider: ProviderId;
  name: string;
  status: ProviderSpend['status'];
  severity: CostSeverity;
  breaches: Breach[];
  limit: Limit;
  /** Spend in currencies with no exchange rate: shown, never added to the USD figures. */
  unconverted: UnconvertedSpend[];
  /** Currencies converted into USD, and the rate used. */
  converted: { currency: string; rate: number }[];
  /** Every known day of the window in USD (converted), for the total. */
  usdDays: Record<DayKey, Micros>;
  spend: ProviderSpend;
}

export interface TotalEvaluation extends SpendFigures {
  severity: CostSeverity;
  breaches: Breach[];
  limit: TotalLimit;
  /** The providers whose figures make up the total. */
  included: ProviderId[];
}

export interface CostEvaluation {
  asOf: string;
  currency: 'usd';
  severity: CostSeverity;
  /** Some provider could not be read (fully or in part): the total is a lower bound. */
  partial: boolean;
  providers: ProviderEvaluation[];
  total: TotalEvaluation;
  breaches: Breach[];
  actions: string[];
  skipped: ProviderId[];
  failed: ProviderId[];
  spikeFactor: number;
}

/** Days of recent spend the projection averages. */
export const BURN_DAYS = 7;
/** Fewer covered trailing days than this and there is no median to judge a spike against. */
export const MIN_TRAILING_DAYS = 3;

const worstSeverity = (...severities: CostSeverity[]): CostSeverity => worstLevel(severities);

export interface EvaluateOptions {
  window: CostWindow;
  limits: CostLimits;
  exchangeRates?: Record<string, number>;
}

export function evaluateCosts(spends: readonly ProviderSpend[], options: EvaluateOptions): CostEvaluation {
  const { window, limits } = options;
  const providers = spends.map((spend) => evaluateProvider(spend, options));
  const total = evaluateTotal(providers, window, limits);
  const breaches = [...providers.flatMap((p) => p.breaches), ...total.breaches];
  const failed = providers.filter((p) => p.status === 'failed').map((p) => p.provider);
  const partial = providers.some((p) => p.status === 'failed' || p.status === 'partial');
  const severity = worstSeverity(...providers.map((p) => p.severity), total.severity, partial ? 'warning' : 'ok');
  const actions = [
    ...new Set(breaches.filter((b) => b.severity === 'critical' && b.action).map((b) => b.action as string)),
  ];
  return {
    asOf: new Date(window.now).toISOString(),
    currency: 'usd',
    severity,
    partial,
    providers,
    total,
    breaches,
    actions,
    skipped: providers.filter((p) => p.status === 'skipped').map((p) => p.provider),
    failed,
    spikeFactor: limits.spikeFactor,
  };
}

function evaluateProvider(spend: ProviderSpend, options: EvaluateOptions): ProviderEvaluation {
  const { window, limits } = options;
  const limit = limits.providers[spend.provider] ?? {};
  const rates = options.exchangeRates ?? {};
  const days = new Map<DayKey, Micros>();
  const unconverted: UnconvertedSpend[] = [];
  const converted: { currency: string; rate: number }[] = [];
  const covered = new Set(spend.covered);
  const usable = spend.status === 'ok' || spend.status === 'partial';
  for (const line of usable ? spend.spend : []) {
    const currency = line.currency.toLowerCase();
    const rate = currency === 'usd' ? 1 : rates[currency];
    if (rate === undefined) {
      const monthDays = daysBetween(window.monthStart, window.today).filter((d) => covered.has(d));
      unconverted.push({
        currency,
        today: covered.has(window.today) ? (line.days[window.today] ?? 0) : undefined,
        monthToDate: monthDays.reduce((sum, d) => sum + (line.days[d] ?? 0), 0),
      });
      continue;
    }
    if (currency !== 'usd') converted.push({ currency, rate });
    for (const [day, amount] of Object.entries(line.days)) {
      days.set(day, (days.get(day) ?? 0) + (currency === 'usd' ? amount : multiplyMicros(amount, rate)));
    }
  }
  const figures = usable ? computeSpendFigures(days, covered, window, limits) : emptyFigures(window);
  const breaches = usable ? judgeSpend(spend.provider, figures, limit, limits) : [];
  const degraded = spend.status === 'failed' || spend.status === 'partial' ? 'warning' : 'ok';
  return {
    ...figures,
    provider: spend.provider,
    name: PROVIDER_NAMES[spend.provider],
    status: spend.status,
    severity: worstSeverity(degraded, ...breaches.map((b) => b.severity)),
    breaches,
    limit,
    unconverted,
    converted,
    usdDays: Object.fromEntries([...days].filter(([day]) => covered.has(day))),
    spend,
  };
}

function evaluateTotal(
  providers: readonly ProviderEvaluation[],
  window: CostWindow,
  limits: CostLimits,
): TotalEvaluation {
  const included = providers.filter((p) => p.status === 'ok' || p.status === 'partial');
  // The total's own history is judged only on days every included provider can speak for, so a
  // provider that keeps one month of history (Upstash) does not make last month look cheap.
  const days = new Map<DayKey, Micros>();
  const allDays = daysBetween(window.rangeStart, window.today);
  const coveredByAll = new Set(
    allDays.filter((d) => included.length > 0 && included.every((p) => p.spend.covered.includes(d))),
  );
  for (const day of allDays) {
    let sum = 0;
    for (const p of included) sum += dayAmount(p, day) ?? 0;
    days.set(day, sum);
  }
  const history = computeSpendFigures(days, coveredByAll, window, limits);
  const sumOf = (pick: (p: ProviderEvaluation) => Micros | undefined): Micros | undefined => {
    const known = included.map(pick).filter((v): v is Micros => v !== undefined);
    return known.length ? known.reduce((a, b) => a + b, 0) : undefined;
  };
  const figures: SpendFigures = {
    ...history,
    today: sumOf((p) => p.today),
    monthToDate: sumOf((p) => p.monthToDate),
    monthComplete: included.every((p) => p.monthComplete),
    projectedMonth: sumOf((p) => p.projectedMonth),
    burnRate: sumOf((p) => p.burnRate),
    projectionBasis: totalBasis(included),
    daily: daysBetween(window.monthStart, window.today).map((day) => {
      const known = included.map((p) => dayAmount(p, day)).filter((v): v is Micros => v !== undefined);
      return { day, amount: known.length ? known.reduce((a, b) => a + b, 0) : undefined };
    }),
  };
  const breaches = judgeSpend('total', figures, limits.total, limits);
  if (
    limits.total.alertThreshold !== undefined &&
    figures.today !== undefined &&
    figures.today > limits.total.alertThreshold
  ) {
    breaches.unshift({
      scope: 'total',
      kind: 'alert-threshold',
      severity: 'warning',
      observed: figures.today,
      limit: limits.total.alertThreshold,
      message: `Total spend today ${formatMoney(figures.today)} is over the alert threshold of ${formatMoney(limits.total.alertThreshold)}`,
    });
  }
  return {
    ...figures,
    severity: worstSeverity(...breaches.map((b) => b.severity)),
    breaches,
    limit: limits.total,
    included: included.map((p) => p.provider),
  };
}

/** The total projects what its providers project; one without a complete day is named, not hidden. */
function totalBasis(included: readonly ProviderEvaluation[]): string {
  const without = included.filter((p) => p.projectedMonth === undefined).map((p) => p.name);
  if (!included.length) return 'no spend read';
  if (without.length === included.length)
    return 'no complete UTC day read yet, so no projection (a partial day is not extrapolated)';
  const base = 'each provider’s month to date plus the mean of its recent complete days';
  return without.length ? `${base}; without ${without.join(', ')} (no complete day yet)` : base;
}

function dayAmount(p: ProviderEvaluation, day: DayKey): Micros | undefined {
  return p.spend.covered.includes(day) ? (p.usdDays[day] ?? 0) : undefined;
}

function emptyFigures(window: CostWindow): SpendFigures {
  return {
    monthComplete: false,
    spike: false,
    projectionBasis: 'no spend read',
    daily: daysBetween(window.monthStart, window.today).map((day) => ({ day })),
  };
}

/**
 * The figures from a day series. `covered` holds the days known; a day outside it is unknown and
 * is left out of every sum and average rather than read as zero.
 */
export function computeSpendFigures(
  days: ReadonlyMap<DayKey, Micros>,
  covered: ReadonlySet<DayKey>,
  window: CostWindow,
  limits: Pick<CostLimits, 'spikeFactor' | 'spikeFloor'>,
): SpendFigures {
  const known = (day: DayKey): Micros | undefined => (covered.has(day) ? (days.get(day) ?? 0) : undefined);
  const today = known(window.today);
  const yesterday = known(addDays(window.today, -1));
  const monthDays = daysBetween(window.monthStart, window.today);
  const monthKnown = monthDays.filter((d) => covered.has(d));
  const monthToDate = monthKnown.length ? monthKnown.reduce((sum, d) => sum + (known(d) ?? 0), 0) : undefined;

  // The rate comes from complete UTC days only. A partial day is never extrapolated: $0.40 by
  // 02:26 is not $3.95 a day (issue 19). Today counts with what it has spent so far, and the rest
  // of it at the rate of the complete days.
  const recent = daysBetween(addDays(window.today, -BURN_DAYS), addDays(window.today, -1)).filter((d) =>
    covered.has(d),
  );
  const burnRate = recent.length
    ? Math.round(recent.reduce((sum, d) => sum + (known(d) ?? 0), 0) / recent.length)
    : undefined;
  const remainingMs = dayStart(window.nextMonthStart) - window.now;
  const projectedMonth =
    monthToDate !== undefined && burnRate !== undefined
      ? monthToDate + Math.round((burnRate * remainingMs) / DAY_MS)
      : undefined;
  const projectionBasis = recent.length
    ? `month to date plus the mean of the last ${recent.length} complete day(s) for the rest of the month`
    : 'no complete UTC day read yet, so no projection (a partial day is not extrapolated)';

  const trailingDays = daysBetween(window.trailingStart, addDays(window.today, -1)).filter((d) => covered.has(d));
  const trailingMedian =
    trailingDays.length >= MIN_TRAILING_DAYS ? medianMicros(trailingDays.map((d) => known(d) ?? 0)) : undefined;
  const spike =
    today !== undefined &&
    trailingMedian !== undefined &&
    today > trailingMedian * limits.spikeFactor &&
    today - trailingMedian >= limits.spikeFloor;

  return {
    today,
    yesterday,
    monthToDate,
    monthComplete: monthKnown.length === monthDays.length,
    projectedMonth,
    burnRate,
    projectionBasis,
    trailingMedian,
    dayOverDay:
      today !== undefined && yesterday !== undefined
        ? { change: today - yesterday, percent: yesterday > 0 ? ((today - yesterday) / yesterday) * 100 : undefined }
        : undefined,
    spike,
    spikeRatio: today !== undefined && trailingMedian ? today / trailingMedian : undefined,
    daily: monthDays.map((day) => ({ day, amount: known(day) })),
  };
}

export function medianMicros(values: readonly Micros[]): Micros | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}

/** Limits and spikes of one scope, worst first within each kind. */
function judgeSpend(
  scope: Scope,
  figures: SpendFigures,
  limit: Limit,
  limits: Pick<CostLimits, 'spikeFactor'>,
): Breach[] {
  const name = scope === 'total' ? 'Total' : PROVIDER_NAMES[scope];
  const breaches: Breach[] = [];
  const against = (
    kind: BreachKind,
    observed: Micros | undefined,
    bound: Micros | undefined,
    what: string,
  ): boolean => {
    if (observed === undefined || bound === undefined) return false;
    if (observed > bound) {
      breaches.push({
        scope,
        kind,
        severity: 'critical',
        observed,
        limit: bound,
        action: limit.action,
        message: `${name} ${what} ${formatMoney(observed)} is over the limit of ${formatMoney(bound)}`,
      });
      return true;
    }
    if (observed >= bound * WARNING_RATIO) {
      const percent = bound > 0 ? Math.floor((observed / bound) * 100) : 100;
      breaches.push({
        scope,
        kind,
        severity: 'warning',
        observed,
        limit: bound,
        message: `${name} ${what} ${formatMoney(observed)} is ${percent}% of the limit of ${formatMoney(bound)}`,
      });
      return true;
    }
    return false;
  };
  against('daily-limit', figures.today, limit.dailyLimit, 'spend today');
  const monthly = against('monthly-limit', figures.monthToDate, limit.monthlyLimit, 'spend this month');
  if (
    !monthly &&
    figures.projectedMonth !== undefined &&
    limit.monthlyLimit !== undefined &&
    figures.projectedMonth > limit.monthlyLimit
  ) {
    breaches.push({
      scope,
      kind: 'projected-month',
      severity: 'warning',
      observed: figures.projectedMonth,
      limit: limit.monthlyLimit,
      message: `${name} is on course for ${formatMoney(figures.projectedMonth)} this month, over the limit of ${formatMoney(limit.monthlyLimit)}`,
    });
  }
  if (figures.spike && figures.today !== undefined && figures.trailingMedian !== undefined) {
    breaches.push({
      scope,
      kind: 'spike',
      severity: 'critical',
      observed: figures.today,
      limit: Math.round(figures.trailingMedian * limits.spikeFactor),
      action: limit.action,
      message: `${name} spend today ${formatMoney(figures.today)} is a spike: over ${limits.spikeFactor}× the trailing median of ${formatMoney(figures.trailingMedian)}`,
    });
  }
  return breaches;
}
