/**
 * When to read a deployment's status again. A state change must be noticed within
 * max(2 s, 10 % of the time since the deploy started), and a long build must not burn the API
 * quota: the pause grows with elapsed time, so a 10-minute build costs about 50 reads (counted by
 * `pollsWithin` and printed by bench/deploy).
 */
export interface PollSchedule {
  /** Shortest pause; 2 s on real platforms, milliseconds against the emulator. */
  minMs: number;
  /** Share of the elapsed time the pause may grow to. */
  fraction: number;
  /** Longest pause, so even a very long build is seen finishing within half a minute. */
  maxMs: number;
}

export const DEFAULT_SCHEDULE: PollSchedule = { minMs: 2_000, fraction: 0.1, maxMs: 30_000 };

export function scheduleWithMin(minMs: number): PollSchedule {
  return { ...DEFAULT_SCHEDULE, minMs, maxMs: Math.max(minMs, DEFAULT_SCHEDULE.maxMs) };
}

/** Pause before the next read, given the time elapsed since the deploy started. */
export function nextPollDelay(elapsedMs: number, schedule: PollSchedule = DEFAULT_SCHEDULE): number {
  const grown = Math.floor(Math.max(0, elapsedMs) * schedule.fraction);
  return Math.min(schedule.maxMs, Math.max(schedule.minMs, grown));
}

/**
 * The elapsed times (ms) at which reads happen during `durationMs`, the first one at 0. Ignores the
 * reads' own latency, which only spaces them further apart.
 */
export function pollTimes(durationMs: number, schedule: PollSchedule = DEFAULT_SCHEDULE): number[] {
  const times: number[] = [];
  for (let t = 0; t <= durationMs; t += nextPollDelay(t, schedule)) times.push(t);
  return times;
}

/** Reads needed to see a state change that happens at `durationMs`: those before it, plus the one that sees it. */
export function pollsWithin(durationMs: number, schedule: PollSchedule = DEFAULT_SCHEDULE): number {
  return pollTimes(durationMs, schedule).length + 1;
}

/**
 * Longest wait between a change at time c and the read that sees it, as a share of the allowed
 * max(floorMs, share × c), over changes at every millisecond step of `durationMs` (sampled).
 * A value ≤ 1 means the promise holds.
 */
export function worstNoticeRatio(
  durationMs: number,
  schedule: PollSchedule = DEFAULT_SCHEDULE,
  floorMs = 2_000,
  share = 0.1,
  stepMs = 100,
): number {
  const times = pollTimes(durationMs + schedule.maxMs, schedule);
  let worst = 0;
  let next = 0;
  for (let change = 1; change <= durationMs; change += stepMs) {
    while (times[next] < change) next++;
    const lag = times[next] - change;
    worst = Math.max(worst, lag / Math.max(floorMs, share * change));
  }
  return worst;
}
