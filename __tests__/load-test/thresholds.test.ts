import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '../../src/core/errors.js';
import { computeLoadFigures } from '../../src/load/figures.js';
import { createHistogram } from '../../src/load/histogram.js';
import { emptyCounts } from '../../src/load/tally.js';
import { evaluateThresholds, parseThreshold, parseThresholds } from '../../src/load/thresholds.js';

describe('parseThresholds', () => {
  it('reads k6-style lines with their units', () => {
    const parsed = parseThresholds([
      'p95<500ms',
      'p(99) < 1s',
      'avg<=200',
      'max<2.5s',
      'p99.9<750us',
      'error_rate<1%',
      'error_rate<=5%',
      'rps>50',
      'requests>=1000',
      '',
      '# comment',
    ]);
    expect(parsed.map((t) => [t.metric, t.operator, t.value])).toEqual([
      ['p95', '<', 500],
      ['p99', '<', 1000],
      ['avg', '<=', 200],
      ['max', '<', 2500],
      ['p99.9', '<', 0.75],
      ['error_rate', '<', 0.01],
      ['error_rate', '<=', 0.05],
      ['rps', '>', 50],
      ['requests', '>=', 1000],
    ]);
  });

  it('accepts the names k6 users copy', () => {
    expect(parseThreshold('http_req_duration: p(95)<500').metric).toBe('p95');
    expect(parseThreshold('http_req_failed: rate<1%')).toMatchObject({ metric: 'error_rate', value: 0.01 });
    expect(parseThreshold('http_reqs: rate>20')).toMatchObject({ metric: 'rps', value: 20 });
  });

  it.each([
    ['p95<fast', /'fast' is not a duration/],
    ['latency<5ms', /unknown metric 'latency'/],
    ['p0<5ms', /unknown metric/],
    ['p101<5ms', /unknown metric/],
    ['error_rate<5', /percentages written with %; '5' is a bare number: write error_rate<5% for 5 percent/],
    ['error_rate<1', /write error_rate<100% for the fraction 1, or error_rate<1% for 1 percent/],
    ['error_rate<0.01', /write error_rate<1% for the fraction 0.01, or error_rate<0.01% for 0.01 percent/],
    ['http_req_failed: rate<0.01', /write error_rate<1% for the fraction 0.01/],
    ['error_rate<150%', /not a percentage/],
    ['rps>many', /not a number/],
    ['p95 500ms', /<metric><operator><value>/],
  ])('refuses %s, naming the input', (line, why) => {
    let error: unknown;
    try {
      parseThresholds([line]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).input).toBe('thresholds');
    expect((error as Error).message).toMatch(/^input 'thresholds' has a threshold that does not parse/);
    expect((error as Error).message).toMatch(why);
  });
});

describe('evaluateThresholds', () => {
  const histogram = createHistogram();
  for (let v = 1; v <= 1000; v++) histogram.recordValue(v * 1000); // 1 ms … 1000 ms, uniform
  const counts = emptyCounts();
  counts.requests = 1000;
  counts.ok = 990;
  counts.errors.status = 10;
  const figures = computeLoadFigures({ counts, histogram }, 100);

  it('compares observed values with the limits', () => {
    const results = evaluateThresholds(
      parseThresholds([
        'p95<960ms',
        'p95<940ms',
        'error_rate<2%',
        'error_rate<1%',
        'rps>=100',
        'max<=1.01s',
        'min<1ms',
      ]),
      figures,
    );
    expect(results.map((r) => r.passed)).toEqual([true, false, true, false, true, true, false]);
    expect(results[0].observed).toBeCloseTo(950, -1);
    expect(results[2].observed).toBeCloseTo(0.01, 5);
  });

  it('fails latency thresholds when nothing was measured', () => {
    const empty = computeLoadFigures({ counts: emptyCounts(), histogram: createHistogram() }, 0);
    const [result] = evaluateThresholds(parseThresholds(['p95<10s']), empty);
    expect(result.passed).toBe(false);
    expect(result.observed).toBeNaN();
  });
});
