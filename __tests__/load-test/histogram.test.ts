import { describe, expect, it } from '@jest/globals';
import { createHistogram, decodeHistogram, encodeHistogram, mergeHistograms } from '../../src/load/histogram.js';
import { FastRecorder } from '../../src/load/recorder.js';
import { mergeResults, outcomeOfRun, toResultFile } from '../../src/load/result-file.js';
import { computeLoadFigures } from '../../src/load/figures.js';
import { emptyCounts } from '../../src/load/tally.js';
import type { LoadResult } from '../../src/load/engine.js';

/** Deterministic, heavy-tailed samples in µs (a linear congruential generator, no Math.random). */
function samples(count: number, seed = 7): number[] {
  let state = seed;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const u = state / 2 ** 31;
    out.push(Math.round(200 + 20_000 * u ** 4 + (i % 97 === 0 ? 3_000_000 * u : 0)));
  }
  return out;
}

const PERCENTILES = [1, 10, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

describe('FastRecorder', () => {
  it('fills the same buckets as recording into the HDR histogram directly', () => {
    const values = [
      ...samples(20_000),
      0,
      1,
      2047,
      2048,
      2049,
      4095,
      4096,
      1_000_000,
      2 ** 31 - 1,
      2 ** 31,
      5 * 2 ** 31,
    ];
    const direct = createHistogram();
    const recorder = new FastRecorder();
    for (const v of values) {
      direct.recordValue(v);
      recorder.record(v);
    }
    const viaRecorder = createHistogram();
    recorder.flushInto(viaRecorder);
    expect(viaRecorder.totalCount).toBe(direct.totalCount);
    for (const p of PERCENTILES) expect(viaRecorder.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p));
  });
});

describe('histogram merge', () => {
  it('is lossless: shards merged through their encoding give the percentiles of one histogram of every sample', () => {
    const all = samples(30_000);
    const single = createHistogram();
    all.forEach((v) => single.recordValue(v));
    const shards = [createHistogram(), createHistogram(), createHistogram()];
    all.forEach((v, i) => shards[i % 3].recordValue(v));
    const merged = mergeHistograms(shards.map((h) => decodeHistogram(encodeHistogram(h))));
    expect(merged.totalCount).toBe(single.totalCount);
    for (const p of PERCENTILES) expect(merged.getValueAtPercentile(p)).toBe(single.getValueAtPercentile(p));
    expect(merged.mean).toBeCloseTo(single.mean, 6);
  });

  it('merges result files to the same figures as one unsharded result over the same samples', () => {
    const all = samples(9_000, 11);
    const result = (values: number[], shard: number, count: number): LoadResult => {
      const histogram = createHistogram();
      values.forEach((v) => histogram.recordValue(v));
      const counts = emptyCounts();
      counts.requests = values.length;
      counts.ok = values.length;
      counts.statusClasses[2] = values.length;
      return {
        startedAt: '2026-01-01T00:00:00.000Z',
        model: 'closed',
        plannedMs: 3000,
        measuredMs: 3000,
        measured: { counts, histogram },
        warmUp: { counts: emptyCounts(), histogram: createHistogram() },
        warmUpMs: 0,
        timeline: [{ startMs: 0, endMs: 3000, tally: { counts, histogram } }],
        dropped: 0,
        interrupted: 0,
        cancelled: false,
        firstErrors: {},
        workers: 1,
        shard: { index: shard, count },
      };
    };
    const unsharded = outcomeOfRun(result(all, 0, 1));
    const parts = [0, 1].map((s) =>
      toResultFile(
        outcomeOfRun(
          result(
            all.filter((_, i) => i % 2 === s),
            s,
            2,
          ),
        ),
      ),
    );
    const roundTripped = parts.map((p, i) => ({ path: `shard-${i + 1}.json`, result: JSON.parse(JSON.stringify(p)) }));
    const merged = mergeResults(roundTripped);
    const a = computeLoadFigures(merged.measured, merged.rps);
    const b = computeLoadFigures(unsharded.measured, unsharded.rps);
    expect(a.requests).toBe(b.requests);
    expect(a.latency).toEqual(b.latency);
    expect(a.rps).toBeCloseTo(b.rps, 6);
    expect(merged.timeline[0].tally.counts.requests).toBe(all.length);
  });

  const emptyRun = (index: number, count: number, firstErrors: LoadResult['firstErrors']): LoadResult => ({
    startedAt: 'x',
    model: 'closed',
    plannedMs: 1,
    measuredMs: 1,
    measured: { counts: emptyCounts(), histogram: createHistogram() },
    warmUp: { counts: emptyCounts(), histogram: createHistogram() },
    warmUpMs: 0,
    timeline: [],
    dropped: 0,
    interrupted: 0,
    cancelled: false,
    firstErrors,
    workers: 1,
    shard: { index, count },
  });

  it('refuses two results of the same shard', () => {
    const file = toResultFile(outcomeOfRun(emptyRun(0, 2, {})));
    expect(() =>
      mergeResults([
        { path: 'a.json', result: file },
        { path: 'b.json', result: file },
      ]),
    ).toThrow(/input 'merge' matched two results of shard 1\/2: a.json and b.json/);
  });

  it('keeps the first error message of each kind across shards, and reads files written without them', () => {
    const first = toResultFile(
      outcomeOfRun(emptyRun(0, 3, { 'connection-refused': 'connect ECONNREFUSED 10.0.0.1:443' })),
    );
    const second = toResultFile(
      outcomeOfRun(
        emptyRun(1, 3, {
          'connection-refused': 'connect ECONNREFUSED 10.0.0.2:443',
          timeout: 'no complete response within request-timeout',
        }),
      ),
    );
    const older = toResultFile(outcomeOfRun(emptyRun(2, 3, {})));
    delete older.firstErrors;
    const merged = mergeResults([first, second, older].map((result, i) => ({ path: `${i}.json`, result })));
    expect(merged.firstErrors).toEqual({
      'connection-refused': 'connect ECONNREFUSED 10.0.0.1:443',
      timeout: 'no complete response within request-timeout',
    });
  });
});
