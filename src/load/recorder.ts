import type { Histogram } from './histogram.js';

// The bucket layout of createHistogram() (lowest discernible value 1, 3 significant digits):
// 2048 sub-buckets, the upper half of each reused by the next power of two.
const SUB_BUCKET_HALF_MAGNITUDE = 10;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const FAST_LIMIT = 0x80000000; // values from 2^31 µs (36 min) take the slow path
const SLOTS = (31 - SUB_BUCKET_HALF_MAGNITUDE + 2) * SUB_BUCKET_HALF_COUNT;

/**
 * Records microsecond values into the same buckets an HDR histogram would use, with integer
 * maths only (hdr-histogram-js spends ~240 ns a value on log2/pow; this spends a few). flushInto()
 * moves the counts into a real histogram: each bucket's lowest value lands back in that bucket,
 * so nothing is lost.
 */
export class FastRecorder {
  private readonly counts = new Float64Array(SLOTS);
  private readonly overflow: number[] = [];
  private used = false;

  record(micros: number): void {
    const value = micros < 0 ? 0 : Math.round(micros);
    if (value >= FAST_LIMIT) {
      this.overflow.push(value);
      return;
    }
    const bucket = value < 2048 ? 0 : 31 - Math.clz32(value) - SUB_BUCKET_HALF_MAGNITUDE;
    this.counts[bucket * SUB_BUCKET_HALF_COUNT + (value >>> bucket)]++;
    this.used = true;
  }

  /** Adds everything recorded since the last flush to the histogram and starts afresh. */
  flushInto(histogram: Histogram): void {
    if (this.used) {
      const counts = this.counts;
      for (let index = 0; index < SLOTS; index++) {
        const count = counts[index];
        if (count === 0) continue;
        const bucket = index < 2 * SUB_BUCKET_HALF_COUNT ? 0 : (index >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
        const sub = index - bucket * SUB_BUCKET_HALF_COUNT;
        histogram.recordValueWithCount(sub * 2 ** bucket, count);
        counts[index] = 0;
      }
      this.used = false;
    }
    for (const value of this.overflow) histogram.recordValue(value);
    this.overflow.length = 0;
  }
}
