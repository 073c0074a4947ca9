import { parseLimits } from '../../src/cost/budgets.js';
import { costWindow, daysBetween } from '../../src/cost/calendar.js';
import { evaluateCosts, medianMicros } from '../../src/cost/evaluate.js';
import { formatAmount } from '../../src/cost/money.js';
import { emptySpend, type ProviderId, type ProviderSpend } from '../../src/cost/types.js';
import { costReport } from '../../src/cost/report.js';
import { renderCostSummary } from '../../src/cost-monitor/summary.js';
import { costOutcome } from '../../src/cost/outcome.js';

const window = costWindow(Date.parse('2026-03-15T12:00:00Z'));
const ALL_DAYS = daysBetween(window.rangeStart, window.today);
const SEED = parseLimits({
  openai: { 'daily-limit': 50, 'monthly-limit': 1000, action: 'rate_limit' },
  railway: { 'daily-limit': 10, 'monthly-limit': 200, action: 'scale_down' },
  total: { 'alert-threshold': 100, 'daily-limit': 200, action: 'rate_limit' },
  'spike-factor': 2,
});

function spend(
  provider: ProviderId,
  dollars: (day: string) => number,
  options: { currency?: string; days?: string[]; extra?: Partial<ProviderSpend> } = {},
): ProviderSpend {
  const days = options.days ?? ALL_DAYS;
  return {
    ...emptySpend(provider, 'ok'),
    spend: [
      {
        currency: options.currency ?? 'usd',
        days: Object.fromEntries(days.map((d) => [d, Math.round(dollars(d) * 1e6)])),
      },
    ],
    covered: days,
    ...options.extra,
  };
}

const money = (micros: number | undefined): string | undefined =>
  micros === undefined ? undefined : formatAmount(micros);

describe('evaluateCosts', () => {
  it('under budget: today, month to date, projection from the burn rate', () => {
    const result = evaluateCosts([spend('openai', () => 20), spend('railway', () => 4)], { window, limits: SEED });
    const openai = result.providers[0];
    expect(money(openai.today)).toBe('20.00');
    expect(money(openai.monthToDate)).toBe('300.00'); // 15 days × $20
    expect(money(openai.burnRate)).toBe('20.00');
    // 16.5 days remain after 2026-03-15 12:00 UTC: 300 + 20 × 16.5
    expect(money(openai.projectedMonth)).toBe('630.00');
    expect(money(result.total.today)).toBe('24.00');
    expect(money(result.total.projectedMonth)).toBe('756.00');
    expect(result.severity).toBe('ok');
    expect(result.breaches).toEqual([]);
    expect(result.actions).toEqual([]);
  });

  it('warns at 80 % of a limit and goes critical over it, with the action', () => {
    const result = evaluateCosts(
      [
        spend('openai', (d) => (d === window.today ? 42.5 : 30)),
        spend('railway', (d) => (d === window.today ? 11 : 6)),
      ],
      { window, limits: SEED },
    );
    expect(
      result.breaches.map((b) => [b.scope, b.kind, b.severity, money(b.observed), money(b.limit), b.action ?? null]),
    ).toEqual([
      ['openai', 'daily-limit', 'warning', '42.50', '50.00', null],
      ['railway', 'daily-limit', 'critical', '11.00', '10.00', 'scale_down'],
    ]);
    expect(result.breaches[0].message).toContain('85%');
    expect(result.severity).toBe('critical');
    expect(result.actions).toEqual(['scale_down']);
  });

  it('a spike against the trailing median is critical, and needs the floor', () => {
    const spiking = evaluateCosts([spend('vercel', (d) => (d === window.today ? 7 : 3))], { window, limits: SEED });
    expect(spiking.providers[0].spike).toBe(true);
    expect(spiking.breaches.map((b) => [b.scope, b.kind, b.severity, money(b.limit)])).toEqual([
      ['vercel', 'spike', 'critical', '6.00'],
      ['total', 'spike', 'critical', '6.00'],
    ]);
    const tiny = evaluateCosts([spend('vercel', (d) => (d === window.today ? 0.5 : 0.1))], { window, limits: SEED });
    expect(tiny.providers[0].spike).toBe(false); // 5× but only $0.40 above the median
  });

  it('a failed provider is unknown, never $0, and makes the report partial', () => {
    const failed: ProviderSpend = { ...emptySpend('stripe', 'failed'), failure: { message: 'stripe: HTTP 503' } };
    const result = evaluateCosts([spend('openai', () => 20), failed], { window, limits: SEED });
    expect(result.partial).toBe(true);
    expect(result.severity).toBe('warning');
    expect(result.failed).toEqual(['stripe']);
    expect(result.providers[1].today).toBeUndefined();
    expect(result.total.included).toEqual(['openai']);
    expect(money(result.total.today)).toBe('20.00');
    const summary = renderCostSummary(result);
    expect(summary).toContain('Partial report');
    expect(summary).toMatch(/\| Stripe \| — \| — \| — \|/);
    expect(costReport(result).providers).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'stripe', today: null, monthToDate: null })]),
    );
    expect(costOutcome(result).state).toBe('warning');
  });

  it('keeps currencies apart without a rate, converts with one', () => {
    const eur = spend('stripe', () => 1.5, { currency: 'eur' });
    const usd = spend('stripe', () => 2.65);
    const both: ProviderSpend = { ...usd, spend: [...usd.spend, ...eur.spend] };
    const apart = evaluateCosts([both], { window, limits: SEED });
    expect(money(apart.providers[0].today)).toBe('2.65');
    expect(apart.providers[0].unconverted).toEqual([{ currency: 'eur', today: 1_500_000, monthToDate: 22_500_000 }]);
    const converted = evaluateCosts([both], { window, limits: SEED, exchangeRates: { eur: 1.08 } });
    expect(money(converted.providers[0].today)).toBe('4.27'); // 2.65 + 1.50 × 1.08
    expect(money(converted.providers[0].monthToDate)).toBe('64.05'); // 15 × 4.27
    expect(converted.providers[0].unconverted).toEqual([]);
  });

  it('days a provider cannot speak for are left out, not read as zero', () => {
    const monthOnly = daysBetween(window.monthStart, window.today);
    const upstash = spend('upstash', () => 0.4, { days: monthOnly });
    const result = evaluateCosts([upstash, spend('openai', () => 20)], { window, limits: SEED });
    expect(money(result.providers[0].trailingMedian)).toBe('0.40');
    // The total's median is taken over the days both cover, so February does not look cheap.
    expect(money(result.total.trailingMedian)).toBe('20.40');
    expect(result.total.spike).toBe(false);
  });

  it('the total alert threshold warns', () => {
    const result = evaluateCosts([spend('openai', () => 40), spend('vercel', () => 70)], { window, limits: SEED });
    expect(result.total.breaches.map((b) => [b.kind, b.severity, money(b.observed)])).toEqual([
      ['alert-threshold', 'warning', '110.00'],
    ]);
    expect(result.severity).toBe('warning');
  });

  it('no complete day yet: a partial day is not extrapolated, and the report says so', () => {
    // The case: $0.40 by 02:26 UTC on the 1st was "on course for $122.19".
    const firstDay = costWindow(Date.parse('2026-03-01T02:26:00Z'));
    const s = spend('openai', () => 0.4, { days: ['2026-03-01'] });
    const result = evaluateCosts([s], { window: firstDay, limits: SEED });
    expect(result.providers[0].projectedMonth).toBeUndefined();
    expect(result.total.projectedMonth).toBeUndefined();
    expect(result.providers[0].projectionBasis).toBe(
      'no complete UTC day read yet, so no projection (a partial day is not extrapolated)',
    );
    expect(renderCostSummary(result)).toContain('Projection: no complete UTC day read yet');
  });

  it('at 02:00 UTC with one complete day of $30: about $30 × the days of the month', () => {
    const early = costWindow(Date.parse('2026-03-02T02:00:00Z'));
    const s = spend('openai', (d) => (d === '2026-03-01' ? 30 : 0.4), { days: ['2026-03-01', '2026-03-02'] });
    const result = evaluateCosts([s], { window: early, limits: SEED });
    const projected = result.providers[0].projectedMonth! / 1e6;
    // 30 + 0.40 today + 30 × (29 days and 22 hours left) = 927.90; 31 × 30 = 930.
    expect(projected).toBeCloseTo(927.9, 2);
    expect(Math.abs(projected - 30 * 31) / (30 * 31)).toBeLessThan(0.01);
    expect(result.providers[0].projectionBasis).toBe(
      'month to date plus the mean of the last 1 complete day(s) for the rest of the month',
    );
  });

  it('the total names a provider it cannot project yet', () => {
    const early = costWindow(Date.parse('2026-03-02T02:00:00Z'));
    const result = evaluateCosts(
      [
        spend('openai', () => 30, { days: ['2026-03-01', '2026-03-02'] }),
        spend('stripe', () => 1, { days: ['2026-03-02'] }),
      ],
      { window: early, limits: SEED },
    );
    expect(result.total.projectionBasis).toMatch(/without Stripe \(no complete day yet\)$/);
  });

  it('median', () => {
    expect(medianMicros([3, 1, 2])).toBe(2);
    expect(medianMicros([4, 1, 3, 2])).toBe(3);
    expect(medianMicros([])).toBeUndefined();
  });
});
