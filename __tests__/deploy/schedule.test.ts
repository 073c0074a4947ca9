import {
  DEFAULT_SCHEDULE,
  nextPollDelay,
  pollsWithin,
  pollTimes,
  scheduleWithMin,
  worstNoticeRatio,
} from '../../src/release/schedule.js';

describe('adaptive poll schedule', () => {
  it('waits the minimum early on and 10% of the elapsed time later, capped', () => {
    expect(nextPollDelay(0)).toBe(2_000);
    expect(nextPollDelay(15_000)).toBe(2_000);
    expect(nextPollDelay(100_000)).toBe(10_000);
    expect(nextPollDelay(3_600_000)).toBe(DEFAULT_SCHEDULE.maxMs);
  });

  it('never waits longer than max(2 s, 10% of the elapsed time)', () => {
    for (let t = 0; t <= 900_000; t += 1_234) {
      expect(nextPollDelay(t)).toBeLessThanOrEqual(Math.max(2_000, 0.1 * t));
    }
  });

  it('notices a change within max(2 s, 10% of elapsed) over a 15-minute build', () => {
    expect(worstNoticeRatio(900_000)).toBeLessThanOrEqual(1);
  });

  it('spends at most 60 status reads on a 10-minute build', () => {
    const reads = pollsWithin(600_000);
    expect(reads).toBeLessThanOrEqual(60);
    // and is not trivially small: it does poll adaptively, not once a minute
    expect(reads).toBeGreaterThan(30);
  });

  it('scales down for the emulator without breaking the cap', () => {
    const fast = scheduleWithMin(5);
    expect(nextPollDelay(0, fast)).toBe(5);
    expect(nextPollDelay(1_000, fast)).toBe(100);
    expect(pollTimes(100, fast)[0]).toBe(0);
  });
});
