import { createHistogram, decodeHistogram, encodeHistogram, type Histogram } from './histogram.js';
import { FastRecorder } from './recorder.js';

/** Why a request failed when it did not get an acceptable response. */
export const ERROR_CLASSES = [
  'status',
  'timeout',
  'connection-refused',
  'connection-reset',
  'connection-other',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Plain counters, summed across intervals, threads and shards. */
export interface Counts {
  /** Requests that ended: a response, a timeout or a connection error. */
  requests: number;
  /** Responses with a status the request expects. */
  ok: number;
  /** Final responses by status class: index 1 = 1xx … 5 = 5xx (0 unused). */
  statusClasses: number[];
  errors: Record<ErrorClass, number>;
}

export function emptyCounts(): Counts {
  return {
    requests: 0,
    ok: 0,
    statusClasses: [0, 0, 0, 0, 0, 0],
    errors: { status: 0, timeout: 0, 'connection-refused': 0, 'connection-reset': 0, 'connection-other': 0 },
  };
}

export function addCounts(into: Counts, from: Counts): void {
  into.requests += from.requests;
  into.ok += from.ok;
  for (let i = 0; i < into.statusClasses.length; i++) into.statusClasses[i] += from.statusClasses[i] ?? 0;
  for (const name of ERROR_CLASSES) into.errors[name] += from.errors[name] ?? 0;
}

export function errorCount(counts: Counts): number {
  return ERROR_CLASSES.reduce((sum, name) => sum + counts.errors[name], 0);
}

/** A slice of results: counters plus the latency histogram of every response. */
export interface Tally {
  counts: Counts;
  histogram: Histogram;
}

export function emptyTally(): Tally {
  return { counts: emptyCounts(), histogram: createHistogram() };
}

export function addTally(into: Tally, from: Tally): void {
  addCounts(into.counts, from.counts);
  into.histogram.add(from.histogram);
}

/** A Tally as it crosses a thread or a file: the histogram in its compressed encoding. */
export interface EncodedTally {
  counts: Counts;
  histogram: string;
}

export function encodeTally(tally: Tally): EncodedTally {
  return { counts: tally.counts, histogram: encodeHistogram(tally.histogram) };
}

export function decodeTally(encoded: EncodedTally): Tally {
  const counts = emptyCounts();
  addCounts(counts, encoded.counts);
  return { counts, histogram: decodeHistogram(encoded.histogram) };
}

/**
 * What the hot path writes into: a fast recorder and counters, drained into a Tally at every
 * progress tick. Latency is recorded for every response, whatever its status (a fast 500 is still
 * a response time); timeouts and connection errors have no response and no latency.
 */
export class LiveTally {
  private readonly recorder = new FastRecorder();
  private counts = emptyCounts();
  private dirty = false;

  response(micros: number, status: number, ok: boolean): void {
    this.recorder.record(micros);
    const counts = this.counts;
    counts.requests++;
    counts.statusClasses[status >= 100 && status < 600 ? (status / 100) | 0 : 0]++;
    if (ok) counts.ok++;
    else counts.errors.status++;
    this.dirty = true;
  }

  failure(kind: Exclude<ErrorClass, 'status'>): void {
    this.counts.requests++;
    this.counts.errors[kind]++;
    this.dirty = true;
  }

  get hasData(): boolean {
    return this.dirty;
  }

  drain(): Tally {
    const histogram = createHistogram();
    this.recorder.flushInto(histogram);
    const tally = { counts: this.counts, histogram };
    this.counts = emptyCounts();
    this.dirty = false;
    return tally;
  }
}
