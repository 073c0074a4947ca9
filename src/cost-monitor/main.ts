import { HttpClient } from '../core/http.js';
import type { ActionDefinition, ActionHost } from '../core/host.js';
import { OpenAICostAdapter } from '../cost/adapters/openai.js';
import { RailwayCostAdapter } from '../cost/adapters/railway.js';
import { StripeCostAdapter } from '../cost/adapters/stripe.js';
import { MARKETPLACE_NOTE, UpstashCostAdapter } from '../cost/adapters/upstash.js';
import { VercelCostAdapter } from '../cost/adapters/vercel.js';
import { costWindow } from '../cost/calendar.js';
import type { CostEvaluation, CostSeverity } from '../cost/evaluate.js';
import { formatAmount, formatMoney } from '../cost/money.js';
import { monitorCosts } from '../cost/monitor.js';
import { breachJson, costReport } from '../cost/report.js';
import { renderCostSummary } from './summary.js';
import { costOutcome } from '../cost/outcome.js';
import { PROVIDERS, PROVIDER_NAMES, emptySpend, type CostAdapter, type ProviderSpend } from '../cost/types.js';
import { getInputs, type CostMonitorInputs, type CostFailOn } from './inputs.js';
import { runOnRunner } from '../runtime/runner-host.js';

export function buildAdapters(
  settings: CostMonitorInputs,
  http: HttpClient,
): { adapters: CostAdapter[]; preset: ProviderSpend[] } {
  const timeoutMs = settings.requestTimeoutMs;
  const adapters: CostAdapter[] = [];
  if (settings.openai) adapters.push(new OpenAICostAdapter({ http, timeoutMs, ...settings.openai }));
  if (settings.railway) adapters.push(new RailwayCostAdapter({ http, timeoutMs, ...settings.railway }));
  if (settings.vercel) adapters.push(new VercelCostAdapter({ http, timeoutMs, ...settings.vercel }));
  if (settings.upstash) adapters.push(new UpstashCostAdapter({ http, timeoutMs, ...settings.upstash }));
  if (settings.stripe) adapters.push(new StripeCostAdapter({ http, timeoutMs, ...settings.stripe }));
  const preset: ProviderSpend[] = [];
  for (const provider of PROVIDERS) {
    if (adapters.some((a) => a.provider === provider)) continue;
    if (provider === 'upstash' && settings.upstashMarketplaceOnly.length) {
      preset.push({
        ...emptySpend('upstash', 'unavailable'),
        unread: settings.upstashMarketplaceOnly.map((name) => `database ${name}: ${MARKETPLACE_NOTE}`),
      });
    } else {
      preset.push(emptySpend(provider, 'skipped'));
    }
  }
  return { adapters, preset };
}

function shouldFail(failOn: CostFailOn, severity: CostSeverity): boolean {
  if (failOn === 'never') return false;
  if (failOn === 'warning') return severity !== 'ok';
  return severity === 'critical';
}

function setOutputs(host: ActionHost, evaluation: CostEvaluation): void {
  const total = evaluation.total;
  host.setOutput('severity', evaluation.severity);
  host.setOutput('total-today', total.today === undefined ? '' : formatAmount(total.today));
  host.setOutput('total-month-to-date', total.monthToDate === undefined ? '' : formatAmount(total.monthToDate));
  host.setOutput('projected-month', total.projectedMonth === undefined ? '' : formatAmount(total.projectedMonth));
  host.setOutput('breaches', JSON.stringify(evaluation.breaches.map(breachJson)));
  host.setOutput('actions', evaluation.actions.join(','));
  host.setOutput('partial', evaluation.partial);
  host.setOutput('skipped', evaluation.skipped.join(','));
  host.setOutput('report', JSON.stringify(costReport(evaluation)));
}

export const definition: ActionDefinition = {
  name: 'cost-monitor',
  async run(host) {
    const settings = getInputs(host.inputs, (secret) => host.setSecret(secret));
    const window = costWindow(settings.now);
    const http = new HttpClient({
      timeoutMs: settings.requestTimeoutMs,
      userAgent: 'threadr-ops cost-monitor',
      onRetry: ({ attempt, delayMs, reason }) =>
        host.log.debug(`retrying after ${reason} (attempt ${attempt}, waiting ${delayMs}ms)`),
    });
    try {
      const { adapters, preset } = buildAdapters(settings, http);
      if (adapters.length === 0)
        host.log.warn(
          'No provider has credentials: nothing to monitor (set openai-admin-key, railway-token, vercel-token, upstash-api-key or stripe-secret-key)',
        );
      const { evaluation } = await host.log.group(
        `Reading spend for ${window.monthStart.slice(0, 7)} (as of ${window.today})`,
        async () => {
          const result = await monitorCosts({
            adapters,
            preset,
            window,
            limits: settings.limits,
            exchangeRates: settings.exchangeRates,
          });
          for (const spend of result.spends) logSpend(host, spend);
          return result;
        },
      );
      setOutputs(host, evaluation);
      await host.writeSummary(renderCostSummary(evaluation));
      for (const breach of evaluation.breaches) {
        if (breach.severity === 'critical') host.log.error(breach.message);
        else host.log.warn(breach.message);
      }

      const total = evaluation.total;
      host.log.info(
        `Severity ${evaluation.severity}${evaluation.partial ? ' (partial)' : ''}: today ${formatMoney(total.today)}, month to date ${formatMoney(total.monthToDate)}, projected ${formatMoney(total.projectedMonth)}`,
      );
      if (shouldFail(settings.failOn, evaluation.severity)) {
        const first =
          evaluation.breaches.find((b) => b.severity === evaluation.severity)?.message ??
          (evaluation.partial
            ? `${evaluation.failed.map((p) => PROVIDER_NAMES[p]).join(', ') || 'some providers'} could not be read in full`
            : '');
        host.fail(`cost-monitor: spend is ${evaluation.severity}${first ? `: ${first}` : ''}`);
      }
      // Slack hears about any severity but ok through the shared notifier (notify-on: failure).
      return costOutcome(evaluation);
    } finally {
      await http.close();
    }
  },
};

function logSpend(host: ActionHost, spend: ProviderSpend): void {
  const name = PROVIDER_NAMES[spend.provider];
  if (spend.status === 'skipped') return host.log.info(`${name}: skipped (no credentials)`);
  if (spend.status === 'failed')
    return host.log.warn(`${name}: not read (${spend.requests} requests): ${spend.failure?.message ?? 'failed'}`);
  host.log.info(`${name}: ${spend.status}, ${spend.covered.length} day(s) known, ${spend.requests} request(s)`);
  for (const unread of spend.unread) host.log.info(`${name}: not read: ${unread}`);
}

/** The action on the runner (and under `@github/local-action`): the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
