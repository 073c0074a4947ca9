/** Latency histogram of both targets over shared buckets, for a side-by-side chart. */
export interface Distribution {
  /** Upper edge of each bucket, ms. */
  edges: number[];
  baseline: number[];
  candidate: number[];
}

/**
 * Buckets from the fastest answer to the 99th percentile of both together (the tail beyond goes
 * into the last bucket, so one outlier does not squash the chart), equal widths, as shares of each
 * target's answers in percent so unequal counts compare.
 */
export function distribution(baseline: readonly number[], candidate: readonly number[], buckets = 12): Distribution {
  const all = [...baseline, ...candidate].sort((a, b) => a - b);
  if (all.length === 0) return { edges: [], baseline: [], candidate: [] };
  const low = all[0]!;
  const high = all[Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)]!;
  const width = (high - low) / buckets || 1;
  const edges = Array.from({ length: buckets }, (_, i) => low + width * (i + 1));
  const count = (values: readonly number[]) => {
    const counts = new Array<number>(buckets).fill(0);
    for (const value of values) counts[Math.min(buckets - 1, Math.max(0, Math.ceil((value - low) / width) - 1))]!++;
    return counts.map((c) => (values.length ? Math.round((c / values.length) * 1000) / 10 : 0));
  };
  return { edges, baseline: count(baseline), candidate: count(candidate) };
}
