import { formatDuration } from '../core/duration.js';
import { computeLoadFigures, type LoadFigures } from './figures.js';
import { percentileMs } from './histogram.js';
import type { LoadOutcome } from './result-file.js';
import { errorCount } from './tally.js';
import { evaluateThresholds, formatMs, formatObserved, type Threshold, type ThresholdResult } from './thresholds.js';

/** What the run was, for the reader: never holds header values or other secrets. */
export interface RunDescription {
  /** `GET https://api.example.com/health`, or `scenario: 3 requests to https://…`. */
  target: string;
  users?: number;
  rate?: number;
}

export interface LoadVerdict {
  passed: boolean;
  figures: LoadFigures;
  thresholds: ThresholdResult[];
  /** Why it failed, one line each (empty when passed). */
  reasons: string[];
}

/**
 * Judges an outcome: every threshold must hold, the run must not have been cancelled, and at
 * least one request must have succeeded (a run where everything failed never passes, thresholds
 * or not).
 */
export function judgeLoad(outcome: LoadOutcome, thresholds: readonly Threshold[]): LoadVerdict {
  const figures = computeLoadFigures(outcome.measured, outcome.rps);
  const results = evaluateThresholds(thresholds, figures);
  const reasons: string[] = [];
  const missed = results.filter((r) => !r.passed);
  if (missed.length > 0) {
    reasons.push(
      `${missed.length} of ${results.length} thresholds missed: ${missed.map((r) => `${r.threshold.source} (observed ${formatObserved(r.threshold.kind, r.observed)})`).join(', ')}`,
    );
  }
  if (outcome.cancelled)
    reasons.push(`cancelled after ${formatDuration(outcome.measuredMs)} of ${formatDuration(outcome.plannedMs)}`);
  if (figures.requests === 0) reasons.push('no request completed');
  else if (figures.ok === 0) {
    const why = Object.entries(outcome.firstErrors).map(([kind, message]) => `${kind}: ${message}`);
    reasons.push(`none of ${figures.requests} requests succeeded${why.length ? ` (${why.join('; ')})` : ''}`);
  }
  return { passed: reasons.length === 0, figures, thresholds: results, reasons };
}

/** Outputs as action.yml declares them; latencies in ms with µs precision, error rate in %. */
export function outputs(verdict: LoadVerdict, report: unknown): Record<string, string> {
  const { figures } = verdict;
  const ms = (value: number): string => (Number.isNaN(value) ? '' : value.toFixed(3));
  return {
    requests: String(figures.requests),
    rps: figures.rps.toFixed(1),
    'p50-ms': ms(figures.latency.p50),
    'p90-ms': ms(figures.latency.p90),
    'p95-ms': ms(figures.latency.p95),
    'p99-ms': ms(figures.latency.p99),
    'max-ms': ms(figures.latency.max),
    'error-rate': (figures.errorRate * 100).toFixed(2),
    passed: String(verdict.passed),
    report: JSON.stringify(report),
  };
}

export function jsonReport(
  outcome: LoadOutcome,
  verdict: LoadVerdict,
  description: RunDescription,
): Record<string, unknown> {
  const { figures } = verdict;
  const finite = (v: number): number | null => (Number.isFinite(v) ? round3(v) : null);
  return {
    passed: verdict.passed,
    reasons: verdict.reasons,
    kind: outcome.kind,
    target: description.target,
    model: outcome.model,
    users: description.users,
    rate: description.rate,
    startedAt: outcome.startedAt,
    plannedMs: outcome.plannedMs,
    measuredMs: round3(outcome.measuredMs),
    cancelled: outcome.cancelled,
    requests: figures.requests,
    ok: figures.ok,
    errors: figures.errors,
    errorRate: round3(figures.errorRate * 100) / 100,
    rps: round3(figures.rps),
    latencyMs: Object.fromEntries(Object.entries(figures.latency).map(([k, v]) => [k, finite(v)])),
    statusClasses: figures.statusClasses,
    errorClasses: figures.errorClasses,
    firstErrors: outcome.firstErrors,
    thresholds: verdict.thresholds.map((r) => ({
      threshold: r.threshold.source,
      metric: r.threshold.metric,
      observed: finite(r.observed),
      passed: r.passed,
    })),
    warmUp: {
      ms: outcome.warmUpMs,
      requests: outcome.warmUp.counts.requests,
      errors: errorCount(outcome.warmUp.counts),
      p50Ms: finite(percentileMs(outcome.warmUp.histogram, 50)),
      p99Ms: finite(percentileMs(outcome.warmUp.histogram, 99)),
    },
    dropped: outcome.dropped,
    interrupted: outcome.interrupted,
    workers: outcome.workers,
    shards: outcome.shards,
    timeline: outcome.timeline.map((b) => ({
      startMs: b.startMs,
      requests: b.tally.counts.requests,
      errors: errorCount(b.tally.counts),
      rps: round3(bucketRps(b.tally.counts.requests, b.startMs, b.endMs)),
      p95Ms: finite(percentileMs(b.tally.histogram, 95)),
    })),
  };
}

export function bucketRps(requests: number, startMs: number, endMs: number): number {
  return endMs > startMs ? requests / ((endMs - startMs) / 1000) : 0;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** One progress line: `12.0s  3,456 requests  288.0/s  p95 12.3ms  errors 0 (0.00%)`. */
export function progressLine(p: {
  phase: string;
  elapsedMs: number;
  requests: number;
  errors: number;
  rps: number;
  p95Ms: number;
}): string {
  const rate = p.requests === 0 ? '0.00' : ((p.errors / p.requests) * 100).toFixed(2);
  const phase = p.phase === 'measuring' ? '' : ` (${p.phase})`;
  return `${(p.elapsedMs / 1000).toFixed(1)}s${phase}: ${p.requests} requests, ${p.rps.toFixed(1)}/s, p95 ${formatMs(p.p95Ms)}, errors ${p.errors} (${rate}%)`;
}
