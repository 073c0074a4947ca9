import { performance } from 'node:perf_hooks';
import type { CostLimits } from './budgets.js';
import type { CostWindow } from './calendar.js';
import { evaluateCosts, type CostEvaluation } from './evaluate.js';
import { failedSpend } from './adapters/spend-builder.js';
import { PROVIDERS, type CostAdapter, type ProviderId, type ProviderSpend } from './types.js';

export interface MonitorOptions {
  /** One adapter per provider that has credentials. */
  adapters: readonly CostAdapter[];
  /** Answers known without a request: skipped (no credentials), unavailable (marketplace-billed). */
  preset?: readonly ProviderSpend[];
  window: CostWindow;
  limits: CostLimits;
  exchangeRates?: Record<string, number>;
}

export interface MonitorResult {
  spends: ProviderSpend[];
  evaluation: CostEvaluation;
  /** Wall time of the concurrent fetch, milliseconds. */
  fetchMs: number;
}

/**
 * The cost monitor's work, free of the runner: read every provider at once, then judge. An
 * adapter that throws (a bug rather than a provider failure) still yields a failed provider, so
 * one bad provider never hides the others.
 */
export async function monitorCosts(options: MonitorOptions): Promise<MonitorResult> {
  const started = performance.now();
  const fetched = await Promise.all(
    options.adapters.map((adapter) =>
      adapter.fetch(options.window).catch((error: unknown) => failedSpend(adapter.provider, error, 0)),
    ),
  );
  const fetchMs = performance.now() - started;
  const byProvider = new Map<ProviderId, ProviderSpend>();
  for (const spend of [...(options.preset ?? []), ...fetched]) byProvider.set(spend.provider, spend);
  const spends = PROVIDERS.filter((p) => byProvider.has(p)).map((p) => byProvider.get(p) as ProviderSpend);
  const evaluation = evaluateCosts(spends, {
    window: options.window,
    limits: options.limits,
    exchangeRates: options.exchangeRates,
  });
  return { spends, evaluation, fetchMs };
}
