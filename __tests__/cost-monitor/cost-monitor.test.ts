/**
 * Acceptance: the committed bundle (dist/cost-monitor, `node scripts/build.mjs cost-monitor`)
 * run as the runner runs it, against the platform emulator serving each provider's documented
 * shapes with fixture months (src/emulator/fixtures/cost). Every expected figure is worked out
 * by hand from the fixture's daily amounts, as of 2026-03-15 12:00 UTC: 15 days of the month so
 * far, 16.5 days left, the 30 trailing days from 2026-02-13.
 */
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import {
  BASE_AS_OF,
  COST_CREDENTIALS as C,
  baseMonth,
  buildCostMonth,
  type CostMonthPlan,
} from '../../src/emulator/fixtures/cost/months.js';
import { runBundle, type RunResult } from '../harness/runner.js';

const SLACK_PATH = '/services/T0COST/B0COST/costwebhooksecret0008';

let emulator: Emulator;

async function emulatorWith(plan: CostMonthPlan): Promise<Emulator> {
  const emu = await startEmulator({ port: 0, slack: { rateLimit: false } });
  emu.control.addVercelTeam(C.vercelTeamId);
  emu.control.addVercelToken(C.vercelToken, { teams: [C.vercelTeamId] });
  emu.control.addRailwayAccountToken(C.railwayToken);
  for (const [name, state] of Object.entries(buildCostMonth(plan)))
    Object.assign(emu.control.extensionState(name), state);
  return emu;
}

function inputs(emu: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  const base = emu.urls.base;
  return {
    'as-of': BASE_AS_OF,
    'openai-admin-key': C.openaiAdminKey,
    'openai-api-url': `${base}/openai`,
    'railway-token': C.railwayToken,
    'railway-project-id': C.railwayProjectId,
    'railway-api-url': emu.urls.railwayGraphql,
    'vercel-token': C.vercelToken,
    'vercel-team-id': C.vercelTeamId,
    'vercel-api-url': emu.urls.vercel,
    'upstash-email': C.upstashEmail,
    'upstash-api-key': C.upstashKey,
    'upstash-api-url': `${base}/upstash`,
    'upstash-marketplace-databases': 'threadr-kv',
    'stripe-secret-key': C.stripeKey,
    'stripe-api-url': `${base}/stripe`,
    'slack-webhook-url': `${emu.urls.slack}${SLACK_PATH}`,
    ...extra,
  };
}

interface Report {
  severity: string;
  partial: boolean;
  total: { today: string | null; monthToDate: string | null; projectedMonth: string | null; included: string[] };
  providers: {
    provider: string;
    status: string;
    today: string | null;
    monthToDate: string | null;
    projectedMonth: string | null;
    requests: number;
    unread: string[];
    unconverted: { currency: string; today: string; monthToDate: string }[];
  }[];
  failed: string[];
}

const report = (result: RunResult): Report => JSON.parse(result.outputs.report) as Report;
const provider = (result: RunResult, name: string) => report(result).providers.find((p) => p.provider === name)!;
const breaches = (result: RunResult) =>
  (
    JSON.parse(result.outputs.breaches) as {
      scope: string;
      kind: string;
      severity: string;
      observed: string;
      limit: string;
      action: string | null;
    }[]
  ).map((b) => [b.scope, b.kind, b.severity, b.observed, b.limit, b.action]);
const slackMessages = (emu: Emulator) => emu.control.slackMessages().filter((m) => m.webhook === SLACK_PATH);

afterEach(async () => {
  await emulator?.stop();
});

describe('cost-monitor against the emulator', () => {
  it('under budget: every provider read, figures to the cent, severity ok, no alert', async () => {
    emulator = await emulatorWith(baseMonth());
    const result = await runBundle('cost-monitor', { inputs: inputs(emulator) });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.severity).toBe('ok');
    // $20 + $4 + $3.25 + $0.40 + $2.65 a day
    expect(result.outputs['total-today']).toBe('30.30');
    expect(result.outputs['total-month-to-date']).toBe('454.50');
    // Σ (MTD + daily × 16.5): 630 + 126 + 102.375 + 12.60 + 83.475
    expect(result.outputs['projected-month']).toBe('954.45');
    expect(breaches(result)).toEqual([]);
    expect(result.outputs.actions).toBe('');
    expect(result.outputs.partial).toBe('false');
    expect(result.outputs.skipped).toBe('');
    expect(
      report(result).providers.map((p) => [p.provider, p.status, p.today, p.monthToDate, p.projectedMonth]),
    ).toEqual([
      ['openai', 'ok', '20.00', '300.00', '630.00'],
      ['railway', 'ok', '4.00', '60.00', '126.00'],
      ['vercel', 'ok', '3.25', '48.75', '102.38'],
      ['upstash', 'ok', '0.40', '6.00', '12.60'],
      ['stripe', 'ok', '2.65', '39.75', '83.48'],
    ]);
    expect(result.summary).toMatch(/^## ✅ Cost monitor: OK/);
    expect(result.summary).toContain(
      '| OpenAI | $20.00 | $300.00 | $630.00 | $50.00 | $1,000.00 | +$0.00 (+0%) | ✅ ok |',
    );
    expect(result.summary).toContain('| Railway | $4.00 | $60.00 | $126.00 | $10.00 | $200.00 |');
    expect(result.summary).toContain('| **Total** | **$30.30** | **$454.50** | **$954.45** |');
    expect(result.summary).toContain('```mermaid\nxychart-beta');
    expect(result.summary).toContain(
      'x-axis ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15"]',
    );
    expect(result.summary).toContain('bar [30.3, 30.3,');
    // The marketplace database is reported as such, and the month-only Upstash history is named.
    expect(provider(result, 'upstash').unread).toEqual([
      expect.stringContaining('database threadr-kv: created through a marketplace integration'),
      '2026-02-13 to 2026-02-28: Upstash stats hold the current month only',
    ]);
    expect(result.summary).toContain('UNCONFIRMED');
    expect(slackMessages(emulator)).toEqual([]);
  });

  it('keys are masked and each is sent only to its own provider', async () => {
    emulator = await emulatorWith(baseMonth());
    const result = await runBundle('cost-monitor', { inputs: inputs(emulator, { 'as-of': '2026-03-15T23:00:00Z' }) });
    expect(result.exitCode).toBe(0);
    const basic = `Basic ${Buffer.from(`${C.upstashEmail}:${C.upstashKey}`).toString('base64')}`;
    const own: Record<string, { header: string; value: string; secret: string }> = {
      openai: { header: 'authorization', value: `Bearer ${C.openaiAdminKey}`, secret: C.openaiAdminKey },
      stripe: { header: 'authorization', value: `Bearer ${C.stripeKey}`, secret: C.stripeKey },
      upstash: { header: 'authorization', value: basic, secret: C.upstashKey },
      vercel: { header: 'authorization', value: `Bearer ${C.vercelToken}`, secret: C.vercelToken },
      railway: { header: 'authorization', value: `Bearer ${C.railwayToken}`, secret: C.railwayToken },
    };
    const recorded = emulator.control.requests();
    for (const [name, expected] of Object.entries(own)) {
      const mine = recorded.filter((r) => r.provider === name);
      expect(mine.length).toBeGreaterThan(0);
      for (const r of mine) expect(r.headers[expected.header]).toBe(expected.value);
      for (const r of recorded.filter((other) => other.provider !== name)) {
        const seen = JSON.stringify([r.headers, r.query, r.body, r.fullPath]);
        expect(seen).not.toContain(expected.secret);
      }
      expect(result.masks).toContain(expected.secret);
      expect(result.log).not.toContain(expected.secret);
    }
    expect(result.masks).toContain(basic.slice('Basic '.length));
    expect(result.masks).toContain(`${emulator.urls.slack}${SLACK_PATH}`);
    expect(result.outputs.report).not.toContain(C.openaiAdminKey);
  });

  it('at 85 % of a daily limit: warning, no action, a warning-coloured Slack alert', async () => {
    emulator = await emulatorWith(baseMonth({ openai: (day) => (day === '2026-03-15' ? 42.5 : 30) }));
    const result = await runBundle('cost-monitor', { inputs: inputs(emulator) });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.severity).toBe('warning');
    expect(breaches(result)).toEqual([['openai', 'daily-limit', 'warning', '42.50', '50.00', null]]);
    expect(result.outputs.actions).toBe('');
    expect(result.outputs['total-today']).toBe('52.80');
    expect(result.outputs['total-month-to-date']).toBe('617.00'); // 14 × 40.30 + 52.80
    // OpenAI 462.50 + 30 × 16.5 = 957.50; the others as under budget
    expect(result.outputs['projected-month']).toBe('1281.95');
    expect(result.summary).toMatch(/^## ⚠️ Cost monitor: WARNING/);
    expect(result.summary).toContain('OpenAI spend today $42.50 is 85% of the limit of $50.00');
    expect(result.summary).toContain(
      '| OpenAI | $42.50 | $462.50 | $957.50 | $50.00 | $1,000.00 | +$12.50 (+42%) | ⚠️ warning |',
    );
    const [alert] = slackMessages(emulator);
    expect(alert.payload).toMatchObject({ attachments: [expect.objectContaining({ color: 'warning' })] });
    expect(JSON.stringify(alert.payload)).toContain('85% of the limit');
  });

  it('a Slack webhook that refuses is a warning in the log, not a change of verdict', async () => {
    emulator = await emulatorWith(baseMonth({ openai: (day) => (day === '2026-03-15' ? 42.5 : 30) }));
    emulator.control.slackDisable(SLACK_PATH, 'no_service', 404);
    const result = await runBundle('cost-monitor', { inputs: inputs(emulator) });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.severity).toBe('warning');
    expect(result.warnings).toContain('cost-monitor: could not notify Slack: Slack answered 404: no_service');
    expect(emulator.control.requests({ provider: 'slack' })).toHaveLength(1); // a 404 is not retried
  });

  it('over a daily limit: critical, the action recommended, the step fails, a danger alert', async () => {
    emulator = await emulatorWith(
      baseMonth({
        railway: (day) =>
          day === '2026-03-15'
            ? { CPU_USAGE: 10_800, MEMORY_USAGE_GB: 21_600, NETWORK_TX_GB: 20 }
            : { CPU_USAGE: 8_640, MEMORY_USAGE_GB: 17_280, NETWORK_TX_GB: 20 },
      }),
    );
    const result = await runBundle('cost-monitor', { inputs: inputs(emulator) });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.severity).toBe('critical');
    expect(breaches(result)).toEqual([
      ['railway', 'daily-limit', 'critical', '11.00', '10.00', 'scale_down'],
      // 14 × $9 + $11 = $137, + $9 × 16.5 = $285.50
      ['railway', 'projected-month', 'warning', '285.50', '200.00', null],
    ]);
    expect(result.outputs.actions).toBe('scale_down');
    expect(result.outputs['total-today']).toBe('37.30');
    expect(result.outputs['total-month-to-date']).toBe('531.50');
    expect(result.outputs['projected-month']).toBe('1113.95');
    expect(result.errors).toContain(
      'cost-monitor: spend is critical: Railway spend today $11.00 is over the limit of $10.00',
    );
    expect(result.summary).toContain(
      '| Railway | $11.00 | $137.00 | $285.50 | $10.00 | $200.00 | +$2.00 (+22%) | ❌ critical |',
    );
    expect(result.summary).toContain('→ **scale_down**');
    const [alert] = slackMessages(emulator);
    expect(alert.payload).toMatchObject({ attachments: [expect.objectContaining({ color: 'danger' })] });
  });

  it('spiking: today over twice the trailing median is critical for the provider and the total', async () => {
    emulator = await emulatorWith(baseMonth({ openai: (day) => (day === '2026-03-15' ? 35 : 8) }));
    const result = await runBundle('cost-monitor', { inputs: inputs(emulator, { 'fail-on': 'never' }) });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.severity).toBe('critical');
    expect(breaches(result)).toEqual([
      ['openai', 'spike', 'critical', '35.00', '16.00', 'rate_limit'],
      // the total's median over the days every provider covers (March): $18.30 × 2
      ['total', 'spike', 'critical', '45.30', '36.60', 'rate_limit'],
    ]);
    expect(result.outputs.actions).toBe('rate_limit');
    expect(result.outputs['total-today']).toBe('45.30');
    expect(result.outputs['total-month-to-date']).toBe('301.50');
    expect(result.outputs['projected-month']).toBe('603.45');
    expect(result.summary).toContain('| OpenAI | $35.00 | $8.00 | 4.38× | ❌ spike (over 2×) |');
    expect(result.summary).toContain('| Total | $45.30 | $18.30 | 2.48× | ❌ spike (over 2×) |');
  });

  it('partially failing: 401, 5xx after retries and a malformed answer read as "not read", never $0', async () => {
    emulator = await emulatorWith(baseMonth());
    emulator.control.fault({
      provider: 'stripe',
      fault: { kind: 'server-error', status: 503, retryAfterSeconds: 0 },
      times: -1,
    });
    emulator.control.fault({ provider: 'vercel', path: '/v1/billing/charges', fault: { kind: 'malformed-json' } });
    emulator.control.script({ provider: 'openai' }, [
      { kind: 'rate-limit', retryAfterSeconds: 0 },
      { kind: 'rate-limit', retryAfterSeconds: 0 },
    ]);
    const result = await runBundle('cost-monitor', {
      inputs: inputs(emulator, { 'upstash-api-key': 'upstash-wrong-key' }),
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.severity).toBe('warning');
    expect(result.outputs.partial).toBe('true');
    expect(report(result).failed).toEqual(['vercel', 'upstash', 'stripe']);
    expect(report(result).total.included).toEqual(['openai', 'railway']);
    expect(result.outputs['total-today']).toBe('24.00');
    expect(result.outputs['total-month-to-date']).toBe('360.00');
    expect(result.outputs['projected-month']).toBe('756.00');
    expect(breaches(result)).toEqual([]);
    for (const name of ['vercel', 'upstash', 'stripe']) {
      expect(provider(result, name)).toMatchObject({ status: 'failed', today: null, monthToDate: null });
    }
    expect(provider(result, 'openai').requests).toBe(3); // two 429s, then the answer
    expect(provider(result, 'stripe').requests).toBe(4); // every attempt a 503
    expect(emulator.control.requests({ provider: 'stripe' })).toHaveLength(4);
    expect(result.summary).toContain('**Partial report**: Vercel, Upstash, Stripe could not be read in full');
    expect(result.summary).toMatch(
      /\| Stripe \| — \| — \| — \| — \| — \| — \| ⚠️ not read: stripe: GET \/v1\/balance_transactions failed: HTTP 503/,
    );
    expect(result.summary).toMatch(
      /\| Upstash \| — \| — \| — \| — \| — \| — \| ⚠️ not read: upstash: GET \/v2\/redis\/databases failed: HTTP 401 \(unauthorized\)/,
    );
    expect(result.summary).toMatch(
      /\| Vercel \| — \| — \|.*not read: vercel: GET \/v1\/billing\/charges: line \d+ is not JSON/,
    );
    expect(result.summary).not.toMatch(/\| Stripe \| \$0\.00/);

    const strict = await runBundle('cost-monitor', {
      inputs: inputs(emulator, {
        'upstash-api-key': 'upstash-wrong-key',
        'fail-on': 'warning',
        'slack-webhook-url': '',
      }),
    });
    expect(strict.exitCode).toBe(1);
    // The first run used up the Vercel and OpenAI faults; Upstash and Stripe still fail.
    expect(strict.errors[0]).toBe('cost-monitor: spend is warning: Upstash, Stripe could not be read in full');
  });

  it('multi-currency Stripe: euros kept apart without a rate, converted with one', async () => {
    emulator = await emulatorWith(baseMonth({ stripe: () => ({ usd: [100, 90, 75], eur: [150] }) }));
    const apart = await runBundle('cost-monitor', { inputs: inputs(emulator) });
    expect(apart.exitCode).toBe(0);
    expect(provider(apart, 'stripe')).toMatchObject({
      today: '2.65',
      monthToDate: '39.75',
      unconverted: [{ currency: 'eur', today: '1.50', monthToDate: '22.50' }],
    });
    expect(apart.outputs['total-today']).toBe('30.30');
    expect(apart.summary).toContain('| Stripe | $2.65 + €1.50 (not converted) | $39.75 + €22.50 (not converted) |');
    expect(apart.summary).toContain('EUR spend is shown apart and not in the totals');

    const converted = await runBundle('cost-monitor', {
      inputs: inputs(emulator, { 'exchange-rates': '{eur: 1.08}' }),
    });
    expect(provider(converted, 'stripe')).toMatchObject({ today: '4.27', monthToDate: '64.05', unconverted: [] });
    expect(converted.outputs['total-today']).toBe('31.92');
    expect(converted.outputs['total-month-to-date']).toBe('478.80');
    // Stripe 64.05 + 4.27 × 16.5 = 134.505 replaces 83.475
    expect(converted.outputs['projected-month']).toBe('1005.48');
    expect(converted.summary).toContain('EUR converted at 1.08 USD per unit');
  });

  it('paginated: OpenAI over 5 pages of 7 buckets, Stripe over 4 pages of 100, summed to the cent', async () => {
    const fees = Array.from({ length: 12 }, (_, i) => 20 + i); // 20…31 cents: $3.06 a day
    emulator = await emulatorWith(baseMonth({ stripe: () => ({ usd: fees }), openaiBucketsPerPage: 7 }));
    const result = await runBundle('cost-monitor', { inputs: inputs(emulator) });
    expect(result.exitCode).toBe(0);
    const openaiPages = emulator.control.requests({ provider: 'openai' });
    expect(openaiPages).toHaveLength(5); // 31 daily buckets, 7 a page
    expect(openaiPages.slice(1).every((r) => r.query.page)).toBe(true);
    const stripePages = emulator.control.requests({ provider: 'stripe' });
    expect(stripePages).toHaveLength(4); // 31 days × 12 = 372 transactions
    expect(stripePages.map((r) => r.query.limit)).toEqual(['100', '100', '100', '100']);
    expect(stripePages[0].query.starting_after).toBeUndefined();
    expect(stripePages.slice(1).every((r) => r.query.starting_after?.startsWith('txn_'))).toBe(true);
    expect(provider(result, 'openai')).toMatchObject({ today: '20.00', monthToDate: '300.00', requests: 5 });
    expect(provider(result, 'stripe')).toMatchObject({ today: '3.06', monthToDate: '45.90', requests: 4 });
    expect(result.outputs['total-today']).toBe('30.71');
    expect(result.outputs['total-month-to-date']).toBe('460.65');
    expect(result.outputs['projected-month']).toBe('967.37'); // 954.45 − 83.475 + 96.39
    expect(result.summary).toContain('372 balance transactions read in 4 page(s)');
  });

  it('providers without credentials are skipped and listed', async () => {
    emulator = await emulatorWith(baseMonth());
    const result = await runBundle('cost-monitor', {
      inputs: inputs(emulator, {
        'vercel-token': '',
        'upstash-email': '',
        'upstash-api-key': '',
        'upstash-marketplace-databases': '',
        'stripe-secret-key': '',
      }),
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.skipped).toBe('vercel,upstash,stripe');
    expect(result.outputs['total-today']).toBe('24.00');
    expect(result.summary).toContain('Skipped (no credentials): Vercel, Upstash, Stripe');
    expect(emulator.control.requests({ provider: 'stripe' })).toEqual([]);
  });

  const malformed: [string, string, string][] = [
    [
      'a negative amount',
      '{openai: {daily-limit: -5}}',
      "cost-monitor: input 'limits' field 'openai.daily-limit' must not be negative, got '-5'",
    ],
    [
      'an unknown provider',
      '{aws: {daily-limit: 5}}',
      "cost-monitor: input 'limits' field 'aws' is not a known provider or setting",
    ],
    [
      'an action that is not a word',
      '{railway: {action: "scale down"}}',
      "cost-monitor: input 'limits' field 'railway.action' must be one word",
    ],
  ];
  it.each(malformed)(
    'malformed limits (%s) stop before any request, naming the field',
    async (_what, limits, message) => {
      emulator = await emulatorWith(baseMonth());
      const result = await runBundle('cost-monitor', { inputs: inputs(emulator, { limits }) });
      expect(result.exitCode).toBe(1);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0].startsWith(message)).toBe(true);
      // No provider was called; only the suite's failure notice went to Slack.
      expect(emulator.control.requests().filter((r) => r.provider !== 'slack')).toEqual([]);
      expect(slackMessages(emulator)).toHaveLength(1);
    },
  );
});
