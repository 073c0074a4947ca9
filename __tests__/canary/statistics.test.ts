import { analyseCanary, MIN_SAMPLES, type Sample } from '../../src/canary-analysis/analysis.js';
import { distribution } from '../../src/canary-analysis/distribution.js';
import { fisherExactGreater, mannWhitneyGreater, median } from '../../src/canary-analysis/statistics.js';
import { profileDraw } from '../../src/emulator/apps.js';

/** Every way to pick k of the n positions, for exact permutation distributions of small samples. */
function* choose(n: number, k: number, start = 0, picked: number[] = []): Generator<number[]> {
  if (picked.length === k) return yield [...picked];
  for (let i = start; i < n; i++) yield* choose(n, k, i + 1, [...picked, i]);
}

describe('Mann-Whitney U, one-sided, tie-corrected', () => {
  it("matches scipy's documented example: males vs females, U = 17, two-sided asymptotic p = 0.11134688653314041", () => {
    // scipy.stats.mannwhitneyu docs: mannwhitneyu(males, females, method="asymptotic") → statistic 17.0, pvalue 0.11134688653314041.
    // The one-sided 'greater' p-value is half of it (the statistic lies above its mean).
    const result = mannWhitneyGreater([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(result.u).toBe(17);
    expect(result.pValue).toBeCloseTo(0.11134688653314041 / 2, 12);
    expect(result.probabilityGreater).toBeCloseTo(17 / 20, 12);
  });

  it('the tie-corrected variance equals the exact permutation variance of U with ties', () => {
    // With ties the null distribution of U (mid-ranks) has a smaller variance than n1·n2·(n+1)/12;
    // the correction must give exactly the variance over all relabellings.
    const x = [1, 2, 2, 3, 3, 3];
    const y = [2, 3, 4, 4, 5];
    const pooled = [...x, ...y];
    const us: number[] = [];
    for (const picked of choose(pooled.length, x.length)) {
      const set = new Set(picked);
      us.push(
        mannWhitneyGreater(
          picked.map((i) => pooled[i]!),
          pooled.filter((_, i) => !set.has(i)),
        ).u,
      );
    }
    const mean = us.reduce((a, b) => a + b, 0) / us.length;
    const variance = us.reduce((a, b) => a + (b - mean) ** 2, 0) / us.length;
    expect(mean).toBeCloseTo((x.length * y.length) / 2, 10);
    expect(mannWhitneyGreater(x, y).sigma ** 2).toBeCloseTo(variance, 10);
    // Without the correction it would be 6·5·12/12 = 30, larger.
    expect(variance).toBeLessThan(30);
  });

  it('is one-sided: a faster candidate is no evidence of a regression', () => {
    const slow = Array.from({ length: 50 }, (_, i) => 100 + i);
    const fast = Array.from({ length: 50 }, (_, i) => 50 + i);
    expect(mannWhitneyGreater(slow, fast).pValue).toBeLessThan(1e-6);
    expect(mannWhitneyGreater(fast, slow).pValue).toBeGreaterThan(0.999);
    expect(mannWhitneyGreater([5, 5, 5], [5, 5, 5]).pValue).toBe(1);
  });
});

describe("Fisher's exact test, one-sided", () => {
  it('matches the lady tasting tea: 3 of 4 right against 1 of 4, p = 17/70', () => {
    // P(X ≥ 3) for X hypergeometric (8 cups, 4 milk-first, 4 chosen) = (C(4,3)·C(4,1) + C(4,4)) / C(8,4) = 17/70.
    expect(fisherExactGreater(3, 4, 1, 4)).toBeCloseTo(17 / 70, 12);
  });

  it('6 errors in 300 against none in 300: p = C(300,6)/C(600,6), below 5%', () => {
    // With every one of the 6 errors on the candidate side, P(X ≥ 6) = P(X = 6) = C(300,6)/C(600,6).
    let expected = 1;
    for (let i = 0; i < 6; i++) expected *= (300 - i) / (600 - i);
    expect(fisherExactGreater(6, 300, 0, 300)).toBeCloseTo(expected, 12);
    expect(expected).toBeLessThan(0.05);
    expect(fisherExactGreater(0, 300, 6, 300)).toBe(1);
  });
});

const samples = (target: 'baseline' | 'candidate', latencies: number[], errors = 0): Sample[] => [
  ...latencies.map((latencyMs) => ({ target, path: '/', latencyMs, status: 200 })),
  ...Array.from({ length: errors }, () => ({ target, path: '/', status: 500, latencyMs: 1, error: 'HTTP 500' })),
];
const profile = (stream: string, medianMs: number, count: number, seed = 1, errorRate = 0) =>
  Array.from({ length: count }, (_, i) => profileDraw({ kind: 'profile', medianMs, errorRate, seed }, stream, i + 1));
const asSamples = (target: 'baseline' | 'candidate', draws: { delayMs: number; fails: boolean }[]): Sample[] =>
  draws.map((d) =>
    d.fails
      ? { target, path: '/', status: 500, latencyMs: d.delayMs, error: 'HTTP 500' }
      : { target, path: '/', status: 200, latencyMs: d.delayMs },
  );
const tolerances = { maxLatencyRegression: 0.1, maxErrorRateIncrease: 1, confidence: 0.95 };

describe('the canary verdict', () => {
  it('fails a candidate 30 % slower at the median, with the figures in the reason', () => {
    const analysis = analyseCanary(
      [...asSamples('baseline', profile('b', 40, 300)), ...asSamples('candidate', profile('c', 52, 300))],
      tolerances,
    );
    expect(analysis.verdict).toBe('fail');
    expect(analysis.latency.regressed).toBe(true);
    expect(analysis.errors.regressed).toBe(false);
    expect(analysis.latency.medianRegression).toBeGreaterThan(20);
    expect(analysis.reason).toMatch(/median .*ms vs .*ms/);
  });

  it('fails 2 % errors against none; passes 5 % slower (significant, but within the 10 % tolerance)', () => {
    const erring = analyseCanary(
      [...asSamples('baseline', profile('b', 40, 300)), ...asSamples('candidate', profile('c', 40, 300, 1, 0.02))],
      tolerances,
    );
    expect(erring.candidate.errors).toBeGreaterThanOrEqual(4);
    expect(erring).toMatchObject({ verdict: 'fail', errors: { regressed: true }, latency: { regressed: false } });
    const slightly = analyseCanary(
      [...asSamples('baseline', profile('b', 40, 2000)), ...asSamples('candidate', profile('c', 42, 2000))],
      tolerances,
    );
    expect(slightly.latency.pValue!).toBeLessThan(0.05);
    expect(slightly.verdict).toBe('pass');
  });

  it('is inconclusive with too few answers, unless errors alone already fail the candidate', () => {
    expect(
      analyseCanary([...samples('baseline', [10, 11]), ...samples('candidate', [10, 12])], tolerances),
    ).toMatchObject({ verdict: 'inconclusive', minSamples: MIN_SAMPLES });
    expect(
      analyseCanary([...samples('baseline', Array(30).fill(10)), ...samples('candidate', [], 30)], tolerances).verdict,
    ).toBe('fail');
  });

  it('false positives: 200 seeded runs of identical baseline and candidate fail at most 5 % of the time (20 runs: at most 1)', () => {
    let failures = 0;
    let firstTwenty = 0;
    for (let run = 0; run < 200; run++) {
      const analysis = analyseCanary(
        [
          ...asSamples('baseline', profile(`b${run}`, 40, 300, run + 1, 0.005)),
          ...asSamples('candidate', profile(`c${run}`, 40, 300, run + 1, 0.005)),
        ],
        tolerances,
      );
      if (analysis.verdict === 'fail') {
        failures++;
        if (run < 20) firstTwenty++;
      }
    }
    expect(firstTwenty).toBeLessThanOrEqual(1);
    expect(failures).toBeLessThanOrEqual(10);
  });
});

describe('helpers', () => {
  it('median and distribution shares', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
    const chart = distribution([1, 2, 3, 4], [3, 4, 5, 6], 4);
    expect(chart.baseline.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 5);
    expect(chart.candidate.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 5);
    expect(chart.edges).toHaveLength(4);
  });
});
