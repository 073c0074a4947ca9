import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export type { Histogram };

/**
 * Every latency histogram of the suite: microseconds, 3 significant digits, growing as needed.
 * One layout everywhere is what makes shard merges lossless: the same value lands in the same
 * bucket whichever process recorded it.
 */
export function createHistogram(): Histogram {
  return hdr.build({
    autoResize: true,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
  });
}

/** HdrHistogram's V2 compressed encoding, base64: the lossless form shards exchange. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(text: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(text, 64, false);
  // Decoding builds a histogram sized for its content; re-adding into ours keeps one layout.
  const histogram = createHistogram();
  histogram.add(decoded);
  return histogram;
}

export function mergeHistograms(histograms: readonly Histogram[]): Histogram {
  const merged = createHistogram();
  for (const h of histograms) merged.add(h);
  return merged;
}

/** A percentile in milliseconds (NaN when empty). 100 gives the max at bucket resolution. */
export function percentileMs(histogram: Histogram, percentile: number): number {
  if (histogram.totalCount === 0) return NaN;
  return histogram.getValueAtPercentile(percentile) / 1000;
}

export function meanMs(histogram: Histogram): number {
  return histogram.totalCount === 0 ? NaN : histogram.mean / 1000;
}

export function minMs(histogram: Histogram): number {
  return histogram.totalCount === 0 ? NaN : histogram.minNonZeroValue / 1000;
}
