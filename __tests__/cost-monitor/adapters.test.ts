/**
 * The adapters in-process against the emulator: the cases the fixture months do not reach.
 */
import { HttpClient } from '../../src/core/http.js';
import { OpenAICostAdapter } from '../../src/cost/adapters/openai.js';
import { RailwayCostAdapter, railwayCost } from '../../src/cost/adapters/railway.js';
import { StripeCostAdapter } from '../../src/cost/adapters/stripe.js';
import { UpstashCostAdapter } from '../../src/cost/adapters/upstash.js';
import { VercelCostAdapter } from '../../src/cost/adapters/vercel.js';
import { costWindow } from '../../src/cost/calendar.js';
import { evaluateCosts } from '../../src/cost/evaluate.js';
import { parseLimits } from '../../src/cost/budgets.js';
import { formatAmount } from '../../src/cost/money.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import {
  BASE_AS_OF,
  COST_CREDENTIALS as C,
  baseMonth,
  buildCostMonth,
} from '../../src/emulator/fixtures/cost/months.js';
import type { StripeEmuState } from '../../src/emulator/stripe.js';
import type { UpstashEmuState } from '../../src/emulator/upstash.js';
import type { VercelBillingEmuState } from '../../src/emulator/vercel-billing.js';

const window = costWindow(Date.parse(BASE_AS_OF));
let emulator: Emulator;
let http: HttpClient;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  emulator.control.addVercelTeam(C.vercelTeamId);
  emulator.control.addVercelToken(C.vercelToken, { teams: [C.vercelTeamId] });
  emulator.control.addRailwayAccountToken(C.railwayToken);
  for (const [name, state] of Object.entries(buildCostMonth(baseMonth())))
    Object.assign(emulator.control.extensionState(name), state);
  http = new HttpClient({ timeoutMs: 5_000, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
});

afterEach(async () => {
  await http.close();
  await emulator.stop();
});

const base = (): string => emulator.urls.base;

describe('OpenAI', () => {
  it('a project key is refused (403 here; the real status is UNCONFIRMED) and reads as failed', async () => {
    const spend = await new OpenAICostAdapter({
      http,
      baseUrl: `${base()}/openai`,
      adminKey: C.openaiProjectKey,
    }).fetch(window);
    expect(spend.status).toBe('failed');
    expect(spend.failure).toMatchObject({ status: 403, code: 'insufficient_permissions' });
    expect(emulator.control.requests({ provider: 'openai' })[0].query).toMatchObject({
      bucket_width: '1d',
      group_by: 'line_item',
      start_time: '1770940800',
      end_time: '1773619200',
    });
  });

  it('a missing bucket makes the day unknown and the read partial', async () => {
    emulator.control.fault({ provider: 'openai', fault: { kind: 'reshape', omit: ['data.3'] } });
    const spend = await new OpenAICostAdapter({ http, baseUrl: `${base()}/openai`, adminKey: C.openaiAdminKey }).fetch(
      window,
    );
    expect(spend.status).toBe('partial');
    expect(spend.covered).toHaveLength(30);
    expect(spend.unread).toEqual(['no cost bucket for 2026-02-16']);
    expect(spend.items.map((i) => [i.item, formatAmount(i.monthToDate)])).toEqual([
      ['gpt-4o-mini, input', '180.00'],
      ['gpt-4o-mini, output', '120.00'],
    ]);
  });

  it('an unexpected shape is a failure, not a zero', async () => {
    emulator.control.fault({
      provider: 'openai',
      fault: { kind: 'reshape', set: { 'data.0.results.0.amount': null } },
    });
    const spend = await new OpenAICostAdapter({ http, baseUrl: `${base()}/openai`, adminKey: C.openaiAdminKey }).fetch(
      window,
    );
    expect(spend).toMatchObject({ status: 'failed', failure: { code: 'unexpected_shape' } });
  });
});

describe('Stripe', () => {
  it('counts stripe_fee rows by their negative amount when their fee is 0 (UNCONFIRMED which one Stripe uses)', async () => {
    const state = emulator.control.extensionState<StripeEmuState>('stripe');
    const template = state.transactions[0];
    state.transactions.push({
      ...template,
      id: 'txn_billing_fee',
      type: 'stripe_fee',
      amount: -1234,
      fee: 0,
      net: -1234,
      created: Date.parse('2026-03-15T01:00:00Z') / 1000,
    });
    const spend = await new StripeCostAdapter({ http, baseUrl: `${base()}/stripe`, secretKey: C.stripeKey }).fetch(
      window,
    );
    expect(formatAmount(spend.spend[0].days['2026-03-15'])).toBe('14.99'); // 2.65 + 12.34
    expect(spend.items.map((i) => i.item)).toEqual(['processing fees', 'billed stripe_fee']);
    expect(spend.notes.join(' ')).toContain('UNCONFIRMED');
    const query = emulator.control.requests({ provider: 'stripe' })[0].query;
    expect(query).toMatchObject({ 'created[gte]': '1770940800', 'created[lt]': '1773619200', limit: '100' });
  });

  it('a bad key is a 401 failure; a rate limit is retried', async () => {
    const bad = await new StripeCostAdapter({ http, baseUrl: `${base()}/stripe`, secretKey: 'sk_test_wrong' }).fetch(
      window,
    );
    expect(bad).toMatchObject({
      status: 'failed',
      failure: { status: 401, code: 'invalid_request_error' },
      requests: 1,
    });
    emulator.control.fault({ provider: 'stripe', fault: { kind: 'rate-limit', retryAfterSeconds: 0 } });
    const retried = await new StripeCostAdapter({ http, baseUrl: `${base()}/stripe`, secretKey: C.stripeKey }).fetch(
      window,
    );
    expect(retried).toMatchObject({ status: 'ok', requests: 2 });
  });
});

describe('Upstash', () => {
  const adapter = (extra: Partial<ConstructorParameters<typeof UpstashCostAdapter>[0]> = {}) =>
    new UpstashCostAdapter({
      http,
      baseUrl: `${base()}/upstash`,
      email: C.upstashEmail,
      apiKey: C.upstashKey,
      ...extra,
    });

  it('a watched database the API does not list makes the read partial, never zero', async () => {
    const spend = await adapter({ databases: ['threadr-cache', 'threadr-kv'] }).fetch(window);
    expect(spend.status).toBe('partial');
    expect(spend.unread[0]).toMatch(/^database threadr-kv: not visible to this account's Developer API/);
  });

  it('a database declared as marketplace-billed is reported as such, the read stays ok', async () => {
    const spend = await adapter({
      databases: ['threadr-cache', 'threadr-kv'],
      marketplaceDatabases: ['threadr-kv'],
    }).fetch(window);
    expect(spend.status).toBe('ok');
    expect(spend.unread[0]).toMatch(/^database threadr-kv: created through a marketplace integration/);
    expect(formatAmount(spend.spend[0].days['2026-03-15'])).toBe('0.40');
  });

  it('reads plain-text error bodies (the real ones are UNCONFIRMED)', async () => {
    emulator.control.extensionState<UpstashEmuState>('upstash').plainTextErrors = true;
    const spend = await adapter({ apiKey: 'wrong' }).fetch(window);
    expect(spend.failure?.message).toBe(
      'upstash: GET /v2/redis/databases failed: HTTP 401: Unauthorized: wrong email or API key',
    );
  });

  it('notes a total_monthly_billing that disagrees with the daily figures', async () => {
    emulator.control.extensionState<UpstashEmuState>('upstash').stats['db-cache-0001'].total_monthly_billing = 7.5;
    const spend = await adapter().fetch(window);
    expect(spend.notes[0]).toBe(
      'threadr-cache: total_monthly_billing $7.50 differs from the sum of dailybilling $6.00; the daily figures are used',
    );
  });
});

describe('Vercel', () => {
  it('a plan that exposes no charges is "no data", left out of the total rather than $0', async () => {
    emulator.control.extensionState<VercelBillingEmuState>('cost-vercel').charges = {};
    const spend = await new VercelCostAdapter({
      http,
      baseUrl: emulator.urls.vercel,
      token: C.vercelToken,
      teamId: C.vercelTeamId,
    }).fetch(window);
    expect(spend.status).toBe('no-data');
    const evaluation = evaluateCosts([spend], { window, limits: parseLimits(undefined) });
    expect(evaluation.total.today).toBeUndefined();
    expect(evaluation.total.included).toEqual([]);
    const request = emulator.control.requests({ provider: 'vercel' })[0];
    expect(request.query).toMatchObject({
      from: '2026-02-13T00:00:00.000Z',
      to: '2026-03-16T00:00:00.000Z',
      teamId: C.vercelTeamId,
    });
  });
});

describe('Railway', () => {
  const adapter = () =>
    new RailwayCostAdapter({
      http,
      url: emulator.urls.railwayGraphql,
      token: C.railwayToken,
      tokenKind: 'account',
      projectId: C.railwayProjectId,
    });

  it('prices usage as the official CLI does: monthly prices over 43 200 minutes, backups counted', () => {
    // Before: per-minute prices rounded to 0.000463 / 0.000231 and no BACKUP_USAGE_GB, so this was $3.50.
    // 4320 vCPU-min = $2, 2160 GB-min of memory = $0.50, 20 GB egress = $1, 144 000 GB-min of backups = $0.50
    expect(
      formatAmount(
        railwayCost({ CPU_USAGE: 4_320, MEMORY_USAGE_GB: 2_160, NETWORK_TX_GB: 20, BACKUP_USAGE_GB: 144_000 }).total,
      ),
    ).toBe('4.00');
    // A month of one vCPU is exactly $20 (the rounded price made it $20.0016).
    expect(railwayCost({ CPU_USAGE: 43_200 }).total).toBe(20_000_000);
    expect(railwayCost({ CPU_USAGE: 1_000_000 }).total).toBe(462_962_963);
  });

  it('asks for deleted services too, as `railway usage` does', async () => {
    // Before: neither usage nor estimatedUsage sent includeDeleted, so a service deleted this month vanished from spend.
    await adapter().fetch(window);
    const bodies = emulator.control
      .requests({ provider: 'railway' })
      .map((r) => JSON.parse(r.body) as { query: string; variables: { measurements: string[] } });
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      const fields = body.query.match(/(usage|estimatedUsage)\(/g) ?? [];
      expect((body.query.match(/includeDeleted: true/g) ?? []).length).toBe(fields.length);
      expect(body.variables.measurements).toContain('BACKUP_USAGE_GB');
    }
  });

  it('reads the window in aliased batches, with the estimate', async () => {
    const spend = await adapter().fetch(window);
    expect(spend).toMatchObject({ status: 'ok', requests: 5 });
    expect(spend.covered).toHaveLength(31);
    expect(formatAmount(spend.estimate!.amount)).toBe('124.00');
  });

  it('a batch that fails leaves its days unknown and the read partial', async () => {
    // One attempt per request, and the second batch to arrive fails (either of the first two: 8 days each).
    const once = new HttpClient({ timeoutMs: 5_000, retry: { attempts: 1 } });
    emulator.control.fault({
      provider: 'railway',
      operation: 'CostUsage',
      skip: 1,
      fault: { kind: 'server-error', status: 502 },
    });
    const spend = await new RailwayCostAdapter({
      http: once,
      url: emulator.urls.railwayGraphql,
      token: C.railwayToken,
      tokenKind: 'account',
      projectId: C.railwayProjectId,
    }).fetch(window);
    await once.close();
    expect(spend.status).toBe('partial');
    expect(spend.covered).toHaveLength(23);
    expect(spend.unread).toEqual([
      expect.stringMatching(/^usage for 2026-0[23]-\d\d to 2026-0[23]-\d\d: railway: CostUsage failed: HTTP 502/),
    ]);
    const evaluation = evaluateCosts([spend], { window, limits: parseLimits(undefined) });
    expect(evaluation.partial).toBe(true);
    expect(evaluation.severity).toBe('warning');
  });

  it('a token without access is a failure', async () => {
    const spend = await new RailwayCostAdapter({
      http,
      url: emulator.urls.railwayGraphql,
      token: 'not-a-token',
      tokenKind: 'account',
    }).fetch(window);
    expect(spend.status).toBe('failed');
    expect(spend.failure?.message).toMatch(/Not Authorized/i);
  });
});

describe('demo seed', () => {
  it('control.seedDemo() gives every cost provider an under-budget month ending now, readable with the demo credentials', async () => {
    const { DEMO_COST_CREDENTIALS: D } = await import('../../src/emulator/fixtures/cost/months.js');
    const { monitorCosts } = await import('../../src/cost/monitor.js');
    const demo = await startEmulator({
      port: 0,
      seedDemo: true,
      clock: { start: Date.parse('2026-06-20T10:00:00Z'), speed: 0 },
    });
    try {
      const b = demo.urls.base;
      const result = await monitorCosts({
        adapters: [
          new OpenAICostAdapter({ http, baseUrl: `${b}/openai`, adminKey: D.openaiAdminKey }),
          new RailwayCostAdapter({
            http,
            url: demo.urls.railwayGraphql,
            token: D.railwayToken,
            tokenKind: 'account',
            projectId: D.railwayProjectId,
          }),
          new VercelCostAdapter({ http, baseUrl: demo.urls.vercel, token: D.vercelToken }),
          new UpstashCostAdapter({ http, baseUrl: `${b}/upstash`, email: D.upstashEmail, apiKey: D.upstashKey }),
          new StripeCostAdapter({ http, baseUrl: `${b}/stripe`, secretKey: D.stripeKey }),
        ],
        window: costWindow(demo.clock.now()),
        limits: parseLimits(undefined),
      });
      expect(result.spends.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(formatAmount(result.evaluation.total.today!)).toBe('30.30');
      expect(formatAmount(result.evaluation.total.monthToDate!)).toBe('606.00'); // 20 days × $30.30
    } finally {
      await demo.stop();
    }
  });
});
