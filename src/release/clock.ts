import { sleep } from '../core/clock.js';

/** Time as the release logic sees it: real on a runner, virtual in tests and the benchmark. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep };
