import { parseDuration } from '../core/duration.js';
import { ConfigurationError } from '../core/errors.js';
import type { LoadFigures } from './figures.js';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type MetricKind = 'latency' | 'error_rate' | 'rps' | 'requests';

export interface Threshold {
  /** The line as written. */
  source: string;
  /** Canonical metric: p95, p99.9, avg, min, max, med, error_rate, rps, requests. */
  metric: string;
  kind: MetricKind;
  /** For percentiles: 0–100. */
  percentile?: number;
  operator: Operator;
  /** Milliseconds for latency, a fraction (0–1) for error_rate, a count or rate otherwise. */
  value: number;
}

export interface ThresholdResult {
  threshold: Threshold;
  /** NaN when there was nothing to measure (no responses): then the threshold fails. */
  observed: number;
  passed: boolean;
}

export const METRICS_HELP = 'p50, p90, p95, p99, p99.9 (any pNN), avg, min, max, med, error_rate, rps, requests';

// k6 writes `http_req_duration: p(95)<500`, `http_req_failed: rate<0.01`, `http_reqs: rate>50`.
const K6_ALIASES: [RegExp, string][] = [
  [/^http_req_duration\s*:?\s*/, ''],
  [/^http_req_failed\s*:?\s*rate\b/, 'error_rate'],
  [/^http_reqs\s*:?\s*rate\b/, 'rps'],
  [/^http_reqs\s*:?\s*count\b/, 'requests'],
];

const LINE = /^([a-z_]+|p\(?\d+(?:\.\d+)?\)?)\s*(<=|>=|==|!=|<|>)\s*(\S.*?)\s*$/;

/**
 * Parses k6-style thresholds, one per line: `p95<500ms`, `p(99)<1s`, `avg<=200`, `error_rate<1%`,
 * `rps>50`, `requests>=1000`. A bare latency number is milliseconds (as in k6); an error rate is
 * always a percentage with `%` (k6's `rate<0.01` is refused with its `rate<1%` form shown).
 */
export function parseThresholds(lines: readonly string[], input = 'thresholds'): Threshold[] {
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => parseThreshold(line, input));
}

export function parseThreshold(source: string, input = 'thresholds'): Threshold {
  let text = source.toLowerCase().replace(/µs/g, 'us');
  for (const [pattern, replacement] of K6_ALIASES) text = text.replace(pattern, replacement);
  const match = LINE.exec(text);
  const fail = (why: string): never => {
    throw new ConfigurationError(input, `has a threshold that does not parse: '${source}': ${why}`);
  };
  if (!match) return fail(`write one per line as <metric><operator><value>, such as p95<500ms or error_rate<1%`);
  const [, name, operator, rawValue] = match;
  const metric = canonicalMetric(name);
  if (!metric) return fail(`unknown metric '${name}'; known metrics: ${METRICS_HELP}`);
  const base = {
    source,
    metric: metric.name,
    kind: metric.kind,
    operator: operator as Operator,
    percentile: metric.percentile,
  };
  if (metric.kind === 'latency') {
    const ms = parseLatency(rawValue);
    if (ms === undefined) return fail(`'${rawValue}' is not a duration such as 500ms, 1s or 250 (milliseconds)`);
    return { ...base, value: ms };
  }
  if (metric.kind === 'error_rate') {
    if (/^\d+(\.\d+)?$/.test(rawValue)) {
      // One unit across the suite (health-check's max-error-rate too): `0.05` could be read as 5% or 0.05%.
      const asPercent = `${Number((Number(rawValue) * 100).toPrecision(12))}%`;
      const meant = Number(rawValue) <= 1 ? `error_rate${operator}${asPercent} for the fraction ${rawValue}, or ` : '';
      return fail(
        `error rates are percentages written with %; '${rawValue}' is a bare number: write ${meant}error_rate${operator}${rawValue}% for ${rawValue} percent`,
      );
    }
    const rate = parseRate(rawValue);
    if (rate === undefined) return fail(`'${rawValue}' is not a percentage such as 1% or 0.5%`);
    return { ...base, value: rate };
  }
  const number = Number(rawValue.replace(/\/s$/, ''));
  if (rawValue === '' || !Number.isFinite(number) || number < 0)
    return fail(`'${rawValue}' is not a number such as 50`);
  return { ...base, value: number };
}

function canonicalMetric(name: string): { name: string; kind: MetricKind; percentile?: number } | undefined {
  const percentile = /^p\(?(\d+(?:\.\d+)?)\)?$/.exec(name);
  if (percentile) {
    const p = Number(percentile[1]);
    if (!(p > 0 && p <= 100)) return undefined;
    return { name: `p${p}`, kind: 'latency', percentile: p };
  }
  switch (name) {
    case 'avg':
    case 'mean':
      return { name: 'avg', kind: 'latency' };
    case 'min':
    case 'max':
      return { name, kind: 'latency' };
    case 'med':
    case 'median':
      return { name: 'med', kind: 'latency', percentile: 50 };
    case 'error_rate':
    case 'errors':
      return { name: 'error_rate', kind: 'error_rate' };
    case 'rps':
      return { name: 'rps', kind: 'rps' };
    case 'requests':
      return { name: 'requests', kind: 'requests' };
    default:
      return undefined;
  }
}

function parseLatency(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const micros = /^(\d+(?:\.\d+)?)us$/.exec(text);
  if (micros) return Number(micros[1]) / 1000;
  return parseDuration(text);
}

/** `1%` → 0.01 (the fraction the figures use). */
function parseRate(text: string): number | undefined {
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  return percent && Number(percent[1]) <= 100 ? Number(percent[1]) / 100 : undefined;
}

export function observe(threshold: Threshold, figures: LoadFigures): number {
  switch (threshold.kind) {
    case 'error_rate':
      return figures.requests === 0 ? NaN : figures.errorRate;
    case 'rps':
      return figures.rps;
    case 'requests':
      return figures.requests;
    default:
      if (threshold.metric === 'avg') return figures.latency.avg;
      if (threshold.metric === 'min') return figures.latency.min;
      if (threshold.metric === 'max') return figures.latency.max;
      return figures.percentile(threshold.percentile!);
  }
}

export function compare(observed: number, operator: Operator, limit: number): boolean {
  if (Number.isNaN(observed)) return false;
  switch (operator) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '==':
      return observed === limit;
    case '!=':
      return observed !== limit;
  }
}

export function evaluateThresholds(thresholds: readonly Threshold[], figures: LoadFigures): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const observed = observe(threshold, figures);
    return { threshold, observed, passed: compare(observed, threshold.operator, threshold.value) };
  });
}

/** The observed value as people read it: `412.3ms`, `0.52%`, `1,204/s`. */
export function formatObserved(kind: MetricKind, value: number): string {
  if (Number.isNaN(value)) return 'no data';
  if (kind === 'latency') return formatMs(value);
  if (kind === 'error_rate') return `${(value * 100).toFixed(2)}%`;
  if (kind === 'rps') return `${value.toFixed(1)}/s`;
  return String(value);
}

export function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  return `${ms.toFixed(2)}ms`;
}
