import type { Limit } from './budgets.js';
import type { Breach, CostEvaluation, SpendFigures, ProviderEvaluation } from './evaluate.js';
import { formatAmount, type Micros } from './money.js';

/** Amounts in outputs and the JSON report: decimal strings to the cent, in `currency`. */
const amount = (micros: Micros | undefined, currency = 'usd'): string | null =>
  micros === undefined ? null : formatAmount(micros, currency);

export function breachJson(breach: Breach): Record<string, unknown> {
  return {
    scope: breach.scope,
    kind: breach.kind,
    severity: breach.severity,
    observed: amount(breach.observed),
    limit: amount(breach.limit),
    currency: 'usd',
    action: breach.action ?? null,
    message: breach.message,
  };
}

function figuresJson(figures: SpendFigures): Record<string, unknown> {
  return {
    today: amount(figures.today),
    yesterday: amount(figures.yesterday),
    monthToDate: amount(figures.monthToDate),
    monthComplete: figures.monthComplete,
    projectedMonth: amount(figures.projectedMonth),
    burnRate: amount(figures.burnRate),
    projectionBasis: figures.projectionBasis,
    trailingMedian: amount(figures.trailingMedian),
    dayOverDay: figures.dayOverDay
      ? { change: amount(figures.dayOverDay.change), percent: roundPercent(figures.dayOverDay.percent) }
      : null,
    spike: figures.spike,
    spikeRatio: figures.spikeRatio === undefined ? null : Math.round(figures.spikeRatio * 100) / 100,
    daily: figures.daily.map((d) => ({ day: d.day, amount: amount(d.amount) })),
  };
}

function limitJson(limit: Limit & { alertThreshold?: Micros }): Record<string, unknown> {
  return {
    dailyLimit: amount(limit.dailyLimit),
    monthlyLimit: amount(limit.monthlyLimit),
    ...(limit.alertThreshold !== undefined ? { alertThreshold: amount(limit.alertThreshold) } : {}),
    action: limit.action ?? null,
  };
}

function providerJson(p: ProviderEvaluation): Record<string, unknown> {
  const s = p.spend;
  const usable = p.status === 'ok' || p.status === 'partial';
  return {
    provider: p.provider,
    status: p.status,
    severity: p.severity,
    currency: 'usd',
    ...figuresJson(usable ? p : { ...p, daily: [] }),
    limit: limitJson(p.limit),
    breaches: p.breaches.map(breachJson),
    freshness: s.freshness,
    unread: s.unread,
    notes: s.notes,
    failure: s.failure ?? null,
    estimate: s.estimate
      ? { amount: amount(s.estimate.amount, s.estimate.currency), currency: s.estimate.currency, note: s.estimate.note }
      : null,
    unconverted: p.unconverted.map((u) => ({
      currency: u.currency,
      today: amount(u.today, u.currency),
      monthToDate: amount(u.monthToDate, u.currency),
    })),
    converted: p.converted,
    items: s.items.map((i) => ({ item: i.item, currency: i.currency, monthToDate: amount(i.monthToDate, i.currency) })),
    requests: s.requests,
  };
}

/** The `report` output: everything the summary shows, as data. */
export function costReport(evaluation: CostEvaluation): Record<string, unknown> {
  return {
    severity: evaluation.severity,
    partial: evaluation.partial,
    asOf: evaluation.asOf,
    currency: evaluation.currency,
    spikeFactor: evaluation.spikeFactor,
    total: {
      severity: evaluation.total.severity,
      included: evaluation.total.included,
      ...figuresJson(evaluation.total),
      limit: limitJson(evaluation.total.limit),
    },
    providers: evaluation.providers.map(providerJson),
    breaches: evaluation.breaches.map(breachJson),
    actions: evaluation.actions,
    skipped: evaluation.skipped,
    failed: evaluation.failed,
  };
}

function roundPercent(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 10) / 10;
}
