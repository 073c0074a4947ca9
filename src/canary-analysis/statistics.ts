import hypergeometricCdf from '@stdlib/stats-base-dists-hypergeometric-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

/** Mann-Whitney U of `x` against `y`, one-sided: is `x` stochastically greater (slower) than `y`? */
export interface MannWhitney {
  /** U of x: the pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** U / (n1·n2): the probability that a random x exceeds a random y (0.5: no difference). A common-language effect size. */
  probabilityGreater: number;
  z: number;
  /** The tie-corrected standard deviation of U under the null hypothesis. */
  sigma: number;
  pValue: number;
}

/**
 * The normal approximation with the tie correction and a continuity correction, as
 * scipy.stats.mannwhitneyu(x, y, alternative='greater', method='asymptotic') computes it. Latency
 * samples of a canary run have hundreds of values per side, where the approximation is close to
 * the exact distribution; ties (equal latencies at a coarse timer) shrink the variance by
 * Σ(t³ − t) / (n(n − 1)) over the tie groups.
 */
export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0)
    return { u: Number.NaN, probabilityGreater: Number.NaN, z: Number.NaN, sigma: Number.NaN, pValue: 1 };
  const all = [...x.map((value) => ({ value, first: true })), ...y.map((value) => ({ value, first: false }))].sort(
    (a, b) => a.value - b.value,
  );
  const n = all.length;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && all[end + 1]!.value === all[start]!.value) end++;
    const ties = end - start + 1;
    // Ranks start at 1: the group start..end shares the mean of ranks start+1..end+1.
    const rank = (start + end + 2) / 2;
    for (let i = start; i <= end; i++) if (all[i]!.first) rankSumX += rank;
    tieTerm += ties ** 3 - ties;
    start = end + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  // Every value tied: U carries no information, so no evidence of a difference.
  if (!(sigma > 0)) return { u, probabilityGreater: u / (n1 * n2), z: 0, sigma: 0, pValue: 1 };
  const z = (u - mean - 0.5) / sigma;
  return { u, probabilityGreater: u / (n1 * n2), z, sigma, pValue: 1 - normalCdf(z, 0, 1) };
}

/**
 * Fisher's exact test, one-sided: does the first group fail more often than the second?
 * Conditioned on the total of failures, the first group's failures are hypergeometric, and the
 * p-value is P(X ≥ observed). Exact at any count, so a handful of errors in a few hundred requests
 * (where a z-test's normal approximation is poor) is judged correctly; at large counts it agrees
 * with the z-test, only more conservatively.
 */
export function fisherExactGreater(failures1: number, total1: number, failures2: number, total2: number): number {
  if (total1 === 0 || total2 === 0) return 1;
  const failures = failures1 + failures2;
  if (failures1 === 0) return 1;
  // stdlib's cdf(x, N, K, n): population N, K successes in it, n drawn.
  return Math.min(1, Math.max(0, 1 - hypergeometricCdf(failures1 - 1, total1 + total2, failures, total1)));
}

/** The median (mean of the middle two for an even count), or undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
