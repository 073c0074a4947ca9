import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorText, ConfigurationError } from '../core/errors.js';
import type { LoadResult, TimelineBucket } from './engine.js';
import { addErrorSamples, type ErrorSamples } from './error-samples.js';
import { runRps } from './figures.js';
import { addTally, decodeTally, type EncodedTally, emptyTally, encodeTally } from './tally.js';

export const RESULT_FORMAT = 'threadr-load-result';

/**
 * What `histogram-out` writes: a run's raw, mergeable result. Histograms are HdrHistogram's
 * compressed encoding, so merging files is exact: the merged percentiles are those of one
 * histogram holding every sample.
 */
export interface ResultFile {
  format: typeof RESULT_FORMAT;
  version: 1;
  startedAt: string;
  model: 'closed' | 'open';
  /** 1-based, as written in the `shard` input. */
  shard: { index: number; count: number };
  plannedMs: number;
  measuredMs: number;
  warmUpMs: number;
  workers: number;
  cancelled: boolean;
  dropped: number;
  interrupted: number;
  rps: number;
  /** Absent in files written before it existed. */
  firstErrors?: ErrorSamples;
  measured: EncodedTally;
  warmUp: EncodedTally;
  timeline: { startMs: number; endMs: number; tally: EncodedTally }[];
}

/** A run or a merge of runs, as the report renders it. */
export interface LoadOutcome extends Omit<LoadResult, 'shard'> {
  kind: 'run' | 'merge';
  rps: number;
  /** The parts this outcome is made of (one for a run). */
  shards: { index: number; count: number; startedAt: string; requests: number; rps: number; file?: string }[];
}

export function outcomeOfRun(result: LoadResult): LoadOutcome {
  const rps = runRps(result.measured.counts.requests, result.measuredMs);
  // A run's figures as they are; only its shard becomes the one-element list a merge has many of.
  const { shard, ...figures } = result;
  return {
    kind: 'run',
    ...figures,
    rps,
    shards: [
      {
        index: shard.index + 1,
        count: shard.count,
        startedAt: result.startedAt,
        requests: result.measured.counts.requests,
        rps,
      },
    ],
  };
}

export function toResultFile(outcome: LoadOutcome): ResultFile {
  const shard = outcome.shards[0];
  return {
    format: RESULT_FORMAT,
    version: 1,
    startedAt: outcome.startedAt,
    model: outcome.model,
    shard: { index: shard.index, count: shard.count },
    plannedMs: outcome.plannedMs,
    measuredMs: outcome.measuredMs,
    warmUpMs: outcome.warmUpMs,
    workers: outcome.workers,
    cancelled: outcome.cancelled,
    dropped: outcome.dropped,
    interrupted: outcome.interrupted,
    rps: outcome.rps,
    firstErrors: outcome.firstErrors,
    measured: encodeTally(outcome.measured),
    warmUp: encodeTally(outcome.warmUp),
    timeline: outcome.timeline.map((b) => ({ startMs: b.startMs, endMs: b.endMs, tally: encodeTally(b.tally) })),
  };
}

export function writeResultFile(path: string, outcome: LoadOutcome): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(toResultFile(outcome))}\n`);
}

export function readResultFile(path: string, input = 'merge'): ResultFile {
  let parsed: Partial<ResultFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ResultFile>;
  } catch (error) {
    throw new ConfigurationError(input, `matched ${path}, which is not a load-test result (${errorText(error)})`);
  }
  if (parsed.format !== RESULT_FORMAT || parsed.version !== 1 || !parsed.measured || !parsed.shard) {
    throw new ConfigurationError(input, `matched ${path}, which is not a load-test result written by histogram-out`);
  }
  return parsed as ResultFile;
}

/**
 * Merges shard results. Shards run side by side (a matrix), so throughput adds up and the
 * window is the longest shard's; timelines are aligned on each shard's own start.
 */
export function mergeResults(files: readonly { path: string; result: ResultFile }[], input = 'merge'): LoadOutcome {
  if (files.length === 0) throw new ConfigurationError(input, 'matched no files');
  const seen = new Map<string, string>();
  for (const { path, result } of files) {
    const key = `${result.shard.index}/${result.shard.count}`;
    const other = seen.get(key);
    if (other) throw new ConfigurationError(input, `matched two results of shard ${key}: ${other} and ${path}`);
    seen.set(key, path);
  }
  const measured = emptyTally();
  const warmUp = emptyTally();
  const buckets = new Map<number, TimelineBucket>();
  for (const { result } of files) {
    addTally(measured, decodeTally(result.measured));
    addTally(warmUp, decodeTally(result.warmUp));
    for (const b of result.timeline) {
      let bucket = buckets.get(b.startMs);
      if (!bucket) buckets.set(b.startMs, (bucket = { startMs: b.startMs, endMs: b.endMs, tally: emptyTally() }));
      bucket.endMs = Math.max(bucket.endMs, b.endMs);
      addTally(bucket.tally, decodeTally(b.tally));
    }
  }
  const results = files.map((f) => f.result);
  return {
    kind: 'merge',
    startedAt: results.map((r) => r.startedAt).sort()[0],
    model: results[0].model,
    plannedMs: Math.max(...results.map((r) => r.plannedMs)),
    measuredMs: Math.max(...results.map((r) => r.measuredMs)),
    warmUpMs: Math.max(...results.map((r) => r.warmUpMs)),
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    measured,
    warmUp,
    timeline: [...buckets.values()].sort((a, b) => a.startMs - b.startMs),
    dropped: results.reduce((sum, r) => sum + r.dropped, 0),
    interrupted: results.reduce((sum, r) => sum + r.interrupted, 0),
    cancelled: results.some((r) => r.cancelled),
    firstErrors: results.reduce<ErrorSamples>((all, r) => (addErrorSamples(all, r.firstErrors), all), {}),
    workers: results.reduce((sum, r) => sum + r.workers, 0),
    shards: files.map(({ path, result }) => ({
      index: result.shard.index,
      count: result.shard.count,
      startedAt: result.startedAt,
      requests: result.measured.counts.requests,
      rps: result.rps,
      file: path,
    })),
  };
}
