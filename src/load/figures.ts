import { meanMs, minMs, percentileMs } from './histogram.js';
import { ERROR_CLASSES, type ErrorClass, errorCount, type Tally } from './tally.js';

/** The figures a run (or a merge of shards) is judged on. Latencies in milliseconds. */
export interface LoadFigures {
  requests: number;
  ok: number;
  errors: number;
  /** Fraction 0–1 of requests that failed (status not expected, timeout, connection error). */
  errorRate: number;
  rps: number;
  latency: { p50: number; p90: number; p95: number; p99: number; max: number; min: number; avg: number };
  statusClasses: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;
  errorClasses: Record<ErrorClass, number>;
  percentile(p: number): number;
}

/** `rps` is given: for one run it is requests over the measured window, for shards their sum. */
export function computeLoadFigures(tally: Tally, rps: number): LoadFigures {
  const { counts, histogram } = tally;
  const errors = errorCount(counts);
  const errorClasses = Object.fromEntries(ERROR_CLASSES.map((name) => [name, counts.errors[name]])) as Record<
    ErrorClass,
    number
  >;
  const s = counts.statusClasses;
  return {
    requests: counts.requests,
    ok: counts.ok,
    errors,
    errorRate: counts.requests === 0 ? 0 : errors / counts.requests,
    rps,
    latency: {
      p50: percentileMs(histogram, 50),
      p90: percentileMs(histogram, 90),
      p95: percentileMs(histogram, 95),
      p99: percentileMs(histogram, 99),
      max: percentileMs(histogram, 100),
      min: minMs(histogram),
      avg: meanMs(histogram),
    },
    statusClasses: { '1xx': s[1], '2xx': s[2], '3xx': s[3], '4xx': s[4], '5xx': s[5] },
    errorClasses,
    percentile: (p) => percentileMs(histogram, p),
  };
}

export function runRps(requests: number, measuredMs: number): number {
  return measuredMs > 0 ? requests / (measuredMs / 1000) : 0;
}
