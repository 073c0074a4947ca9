import { percentile } from '../core/percentile.js';
import { fisherExactGreater, mannWhitneyGreater, median } from './statistics.js';

export type Target = 'baseline' | 'candidate';

/** One request of the probe: a latency (time to the response headers) or a failure. */
export interface Sample {
  target: Target;
  path: string;
  /** Milliseconds to the response headers; undefined when no answer came (timeout, reset). */
  latencyMs?: number;
  status?: number;
  /** Set when the request counts as an error: 5xx/4xx status, timeout, connection failure. */
  error?: string;
}

export interface Tolerances {
  /** Fraction: 0.1 lets the candidate's median be 10 % above the baseline's. */
  maxLatencyRegression: number;
  /** Percentage points: 1 lets the candidate's error rate be 1 point above the baseline's. */
  maxErrorRateIncrease: number;
  /** Fraction: 0.95 judges at a significance level of 5 %. */
  confidence: number;
}

export interface TargetFigures {
  count: number;
  errors: number;
  /** Percent. */
  errorRate: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
}

export type CanaryVerdict = 'pass' | 'fail' | 'inconclusive';

export interface CanaryAnalysis {
  verdict: CanaryVerdict;
  /** Why, in one line. */
  reason: string;
  baseline: TargetFigures;
  candidate: TargetFigures;
  latency: {
    test: 'mann-whitney-u';
    /** Percent: candidate median / baseline median − 1; null without latencies. */
    medianRegression: number | null;
    maxRegression: number;
    u: number | null;
    z: number | null;
    pValue: number | null;
    /** P(a candidate request is slower than a baseline one); 0.5 is no difference. */
    probabilityCandidateSlower: number | null;
    regressed: boolean;
  };
  errors: {
    test: 'fisher-exact';
    /** Percentage points: candidate error rate − baseline error rate. */
    increase: number;
    maxIncrease: number;
    pValue: number;
    regressed: boolean;
  };
  /** Percent, e.g. 95. */
  confidence: number;
  minSamples: number;
}

/**
 * Fewer answered requests than this per target and the latency comparison says nothing worth
 * acting on: the verdict is inconclusive (unless errors alone already fail the candidate).
 */
export const MIN_SAMPLES = 20;

/**
 * Judges a candidate against its baseline. A regression must be both significant (p below
 * 1 − confidence, so noise alone fails a good build at most that often) and larger than the
 * tolerance (so a real but harmless difference, which many samples make significant, passes):
 * the rule Kayenta's Mann-Whitney judge applies with its effect-size tolerance.
 */
export function analyseCanary(samples: readonly Sample[], tolerances: Tolerances): CanaryAnalysis {
  const alpha = 1 - tolerances.confidence;
  const of = (target: Target) => samples.filter((sample) => sample.target === target);
  const baselineSamples = of('baseline');
  const candidateSamples = of('candidate');
  const latencies = (list: Sample[]) =>
    list.filter((s) => !s.error && s.latencyMs !== undefined).map((s) => s.latencyMs!);
  const baselineLatency = latencies(baselineSamples);
  const candidateLatency = latencies(candidateSamples);
  const baseline = figures(baselineSamples, baselineLatency);
  const candidate = figures(candidateSamples, candidateLatency);

  const mw = mannWhitneyGreater(candidateLatency, baselineLatency);
  const baselineMedian = median(baselineLatency);
  const candidateMedian = median(candidateLatency);
  const medianRegression =
    baselineMedian && candidateMedian !== undefined ? (candidateMedian / baselineMedian - 1) * 100 : null;
  const enoughLatency = baselineLatency.length >= MIN_SAMPLES && candidateLatency.length >= MIN_SAMPLES;
  const latencyRegressed =
    enoughLatency &&
    mw.pValue < alpha &&
    medianRegression !== null &&
    medianRegression > tolerances.maxLatencyRegression * 100;

  const errorPValue = fisherExactGreater(candidate.errors, candidate.count, baseline.errors, baseline.count);
  const increase = candidate.errorRate - baseline.errorRate;
  const errorsRegressed = errorPValue < alpha && increase > tolerances.maxErrorRateIncrease;

  const limitLatency = `${fmt(tolerances.maxLatencyRegression * 100)}%`;
  let verdict: CanaryVerdict;
  let reason: string;
  if (errorsRegressed || latencyRegressed) {
    verdict = 'fail';
    const why: string[] = [];
    if (errorsRegressed)
      why.push(
        `error rate ${fmt(candidate.errorRate)}% vs ${fmt(baseline.errorRate)}% (+${fmt(increase)} points > ${fmt(tolerances.maxErrorRateIncrease)}, p=${pfmt(errorPValue)})`,
      );
    if (latencyRegressed)
      why.push(
        `median ${fmt(candidateMedian!)}ms vs ${fmt(baselineMedian!)}ms (+${fmt(medianRegression!)}% > ${limitLatency}, p=${pfmt(mw.pValue)})`,
      );
    reason = `the candidate is worse: ${why.join('; ')}`;
  } else if (!enoughLatency) {
    verdict = 'inconclusive';
    reason = `too few answered requests to compare latency: ${candidateLatency.length} candidate and ${baselineLatency.length} baseline, at least ${MIN_SAMPLES} each are needed`;
  } else {
    verdict = 'pass';
    reason = `no regression beyond the tolerances: median ${medianRegression! >= 0 ? '+' : ''}${fmt(medianRegression!)}% (limit ${limitLatency}, p=${pfmt(mw.pValue)}), error rate ${increase >= 0 ? '+' : ''}${fmt(increase)} points (limit ${fmt(tolerances.maxErrorRateIncrease)}, p=${pfmt(errorPValue)})`;
  }
  return {
    verdict,
    reason,
    baseline,
    candidate,
    latency: {
      test: 'mann-whitney-u',
      medianRegression: medianRegression === null ? null : round(medianRegression),
      maxRegression: round(tolerances.maxLatencyRegression * 100),
      u: Number.isFinite(mw.u) ? mw.u : null,
      z: Number.isFinite(mw.z) ? round(mw.z) : null,
      pValue: Number.isFinite(mw.u) ? mw.pValue : null,
      probabilityCandidateSlower: Number.isFinite(mw.probabilityGreater) ? round(mw.probabilityGreater) : null,
      regressed: latencyRegressed,
    },
    errors: {
      test: 'fisher-exact',
      increase: round(increase),
      maxIncrease: tolerances.maxErrorRateIncrease,
      pValue: errorPValue,
      regressed: errorsRegressed,
    },
    confidence: round(tolerances.confidence * 100),
    minSamples: MIN_SAMPLES,
  };
}

function figures(samples: readonly Sample[], latencies: readonly number[]): TargetFigures {
  const errors = samples.filter((s) => s.error).length;
  const ms = (p: number) => {
    const value = percentile(latencies, p);
    return value === undefined ? null : round(value);
  };
  return {
    count: samples.length,
    errors,
    errorRate: samples.length ? round((errors / samples.length) * 100) : 0,
    p50Ms: ms(50),
    p90Ms: ms(90),
    p99Ms: ms(99),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function fmt(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function pfmt(value: number): string {
  return value < 0.0001 ? '<0.0001' : String(Math.round(value * 10000) / 10000);
}
