import { describe, expect, it } from '@jest/globals';
import {
  arrivalTime,
  arrivalsBefore,
  dealOut,
  globalArrival,
  shardUsers,
  userStartTime,
} from '../../src/load/schedule.js';
import { weightWheel } from '../../src/load/request.js';

describe('open-model schedule', () => {
  it('spaces arrivals evenly at the rate once ramped up', () => {
    expect(arrivalTime(0, 100, 0)).toBe(0);
    expect(arrivalTime(1, 100, 0)).toBeCloseTo(10, 9);
    expect(arrivalTime(250, 100, 0)).toBeCloseTo(2500, 9);
  });

  it('ramps the rate linearly: half the steady count during the ramp', () => {
    // 100/s ramped over 2 s: 100 arrivals during the ramp (the triangle), then 100 a second.
    expect(arrivalsBefore(2000, 100, 2000)).toBe(100);
    expect(arrivalsBefore(1000, 100, 2000)).toBe(25);
    expect(arrivalsBefore(3000, 100, 2000)).toBe(200);
    expect(arrivalTime(100, 100, 2000)).toBeCloseTo(2000, 9);
    expect(arrivalTime(25, 100, 2000)).toBeCloseTo(1000, 9);
    for (let g = 0; g < 400; g += 7) {
      const t = arrivalTime(g, 100, 2000);
      expect(arrivalsBefore(t, 100, 2000)).toBe(g);
      expect(arrivalTime(g + 1, 100, 2000)).toBeGreaterThan(t);
    }
  });

  it('deals every global arrival to exactly one (shard, worker) stream', () => {
    const seen = new Map<number, string>();
    const shards = 3;
    const workersPerShard = [2, 1, 4]; // shards on different machines may have different cores
    for (let s = 0; s < shards; s++) {
      for (let w = 0; w < workersPerShard[s]; w++) {
        for (let k = 0; k < 200; k++) {
          const g = globalArrival(k, { index: s, count: shards }, { index: w, count: workersPerShard[s] });
          expect(seen.has(g)).toBe(false);
          seen.set(g, `${s}/${w}`);
        }
      }
    }
    // The union is the schedule itself: every index below the smallest stream end is present.
    for (let g = 0; g < 600; g++) expect(seen.has(g)).toBe(true);
  });
});

describe('closed-model users', () => {
  it('splits users over shards and workers without loss or overlap', () => {
    const users = 10;
    const all = [0, 1, 2].flatMap((s) => shardUsers(users, { index: s, count: 3 }));
    expect(all.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    const shard0 = shardUsers(users, { index: 0, count: 3 });
    expect(shard0).toEqual([0, 3, 6, 9]);
    expect([0, 1].flatMap((w) => dealOut(shard0, { index: w, count: 2 })).sort((a, b) => a - b)).toEqual(shard0);
  });

  it('starts users evenly over the ramp-up', () => {
    expect([0, 1, 2, 3].map((u) => userStartTime(u, 4, 2000))).toEqual([0, 500, 1000, 1500]);
    expect(userStartTime(3, 4, 0)).toBe(0);
  });
});

describe('weightWheel', () => {
  it('serves each template in proportion to its weight, interleaved', () => {
    const wheel = [...weightWheel([3, 1])];
    expect(wheel.filter((i) => i === 0)).toHaveLength(3);
    expect(wheel.filter((i) => i === 1)).toHaveLength(1);
    const decimals = [...weightWheel([0.5, 0.25, 0.25])];
    expect(decimals.filter((i) => i === 0).length / decimals.length).toBeCloseTo(0.5, 2);
    expect([...weightWheel([2, 2])]).toEqual([0, 1]);
  });
});
