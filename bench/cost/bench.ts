import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { HttpClient } from '../../src/core/http.js';
import { table } from '../../src/core/markdown.js';
import { parseLimits } from '../../src/cost/budgets.js';
import { costWindow } from '../../src/cost/calendar.js';
import { formatAmount } from '../../src/cost/money.js';
import { monitorCosts } from '../../src/cost/monitor.js';
import { OpenAICostAdapter } from '../../src/cost/adapters/openai.js';
import { RailwayCostAdapter } from '../../src/cost/adapters/railway.js';
import { StripeCostAdapter } from '../../src/cost/adapters/stripe.js';
import { UpstashCostAdapter } from '../../src/cost/adapters/upstash.js';
import { VercelCostAdapter } from '../../src/cost/adapters/vercel.js';
import type { CostAdapter } from '../../src/cost/types.js';
import { startEmulator } from '../../src/emulator/index.js';
import {
  BASE_AS_OF,
  COST_CREDENTIALS as C,
  baseMonth,
  buildCostMonth,
} from '../../src/emulator/fixtures/cost/months.js';

export interface CostBenchOptions {
  /** Added to every answer, standing for the network round trip. */
  latencyMs: number;
  /** Stripe charges a day (each one balance transaction); 40 a day = 1 240 in the window, 13 pages. */
  stripePerDay: number;
}

/** Emulator recorder name → adapter provider. */
const RECORDED_AS: Record<string, string> = {
  openai: 'openai',
  railway: 'railway',
  vercel: 'vercel',
  upstash: 'upstash',
  stripe: 'stripe',
};

export async function runCostBenchmark(options: CostBenchOptions, print: (line: string) => void): Promise<boolean> {
  const fees = Array.from({ length: options.stripePerDay }, (_, i) => 30 + (i % 10));
  const feesPerDay = fees.reduce((a, b) => a + b, 0);
  const emulator = await startEmulator({ port: 0 });
  const http = new HttpClient({ timeoutMs: 30_000 });
  try {
    emulator.control.addVercelTeam(C.vercelTeamId);
    emulator.control.addVercelToken(C.vercelToken, { teams: [C.vercelTeamId] });
    emulator.control.addRailwayAccountToken(C.railwayToken);
    for (const [name, state] of Object.entries(buildCostMonth(baseMonth({ stripe: () => ({ usd: fees }) })))) {
      Object.assign(emulator.control.extensionState(name), state);
    }
    if (options.latencyMs > 0) {
      for (const provider of Object.keys(RECORDED_AS))
        emulator.control.fault({ provider, fault: { kind: 'delay', ms: options.latencyMs }, times: -1 });
    }
    const base = emulator.urls.base;
    const adapters = (): CostAdapter[] => [
      new OpenAICostAdapter({ http, baseUrl: `${base}/openai`, adminKey: C.openaiAdminKey }),
      new RailwayCostAdapter({
        http,
        url: emulator.urls.railwayGraphql,
        token: C.railwayToken,
        tokenKind: 'account',
        projectId: C.railwayProjectId,
      }),
      new VercelCostAdapter({ http, baseUrl: emulator.urls.vercel, token: C.vercelToken, teamId: C.vercelTeamId }),
      new UpstashCostAdapter({ http, baseUrl: `${base}/upstash`, email: C.upstashEmail, apiKey: C.upstashKey }),
      new StripeCostAdapter({ http, baseUrl: `${base}/stripe`, secretKey: C.stripeKey }),
    ];
    const window = costWindow(Date.parse(BASE_AS_OF));
    const limits = parseLimits(
      parse(
        '{openai: {daily-limit: 50, monthly-limit: 1000, action: rate_limit}, railway: {daily-limit: 10, monthly-limit: 200, action: scale_down}}',
      ),
    );

    // Warm-up: the first request on a fresh emulator pays for connection setup and JIT.
    await monitorCosts({ adapters: adapters(), window, limits });
    emulator.control.clearRequests();

    const { spends, evaluation, fetchMs } = await monitorCosts({ adapters: adapters(), window, limits });
    const recorded = emulator.control.requests();

    const sequential: Record<string, number> = {};
    for (const adapter of adapters()) {
      const started = performance.now();
      await adapter.fetch(window);
      sequential[adapter.provider] = performance.now() - started;
    }
    const sequentialMs = Object.values(sequential).reduce((a, b) => a + b, 0);

    print(
      `cost-monitor read benchmark: one month (${window.rangeStart} to ${window.today}) for five providers, ${options.latencyMs} ms latency per request`,
    );
    print('');
    print(
      table(
        ['Provider', 'Status', 'Requests (client)', 'Requests (emulator)', 'Alone (ms)', 'Month to date'],
        spends.map((s) => [
          s.provider,
          s.status,
          s.requests,
          recorded.filter((r) => RECORDED_AS[r.provider] === s.provider).length,
          Math.round(sequential[s.provider] ?? 0),
          formatAmount(evaluation.providers.find((p) => p.provider === s.provider)?.monthToDate ?? 0),
        ]),
      ),
    );
    print('');
    print(`wall time, all five concurrently: ${Math.round(fetchMs)} ms`);
    print(`one after another:                ${Math.round(sequentialMs)} ms`);
    print(`requests in all:                  ${recorded.length}`);

    // The figures must be right, not only fast: 15 days of $20 + $4 + $3.25 + $0.40, plus the Stripe fees.
    const expected = 15 * (20_000_000 + 4_000_000 + 3_250_000 + 400_000) + 15 * feesPerDay * 10_000;
    const ok = evaluation.total.monthToDate === expected && spends.every((s) => s.status === 'ok');
    print(
      ok
        ? `check: month to date ${formatAmount(expected)} as expected`
        : `check FAILED: month to date ${formatAmount(evaluation.total.monthToDate ?? 0)}, expected ${formatAmount(expected)}`,
    );
    return ok;
  } finally {
    await http.close();
    await emulator.stop();
  }
}
