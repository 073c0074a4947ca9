/**
 * Schedule maths, all in milliseconds from the start of the load (warm-up included).
 *
 * Closed model: `users` connections each send a request, wait for the answer, send the next.
 * During ramp-up user u (0-based, counted over every shard) starts at rampUp · u / users.
 *
 * Open model: requests arrive on a fixed schedule whatever the server does. The total rate
 * grows linearly from 0 to `rate` over ramp-up, then holds, so arrival g (0-based, counted over
 * every shard and worker) is due when the cumulative count N(t) = g:
 *   N(t) = rate·t²/(2·rampUp) for t < rampUp, rate·rampUp/2 + rate·(t − rampUp) after.
 * Latency is measured from that due time, not from when a connection was free to send it.
 */

export interface Share {
  /** 0-based position of this part, and how many parts split the work. */
  index: number;
  count: number;
}

/** Due time of arrival g at `ratePerSecond` in total, with a linear ramp over rampUpMs. */
export function arrivalTime(g: number, ratePerSecond: number, rampUpMs: number): number {
  const perMs = ratePerSecond / 1000;
  const rampArrivals = (perMs * rampUpMs) / 2;
  if (rampUpMs > 0 && g < rampArrivals) return Math.sqrt((2 * rampUpMs * g) / perMs);
  return g / perMs + rampUpMs / 2;
}

/** How many arrivals are due before `timeMs` in total (the inverse of arrivalTime). */
export function arrivalsBefore(timeMs: number, ratePerSecond: number, rampUpMs: number): number {
  if (timeMs <= 0) return 0;
  const perMs = ratePerSecond / 1000;
  const exact =
    rampUpMs > 0 && timeMs < rampUpMs ? (perMs * timeMs * timeMs) / (2 * rampUpMs) : perMs * (timeMs - rampUpMs / 2);
  return Math.ceil(exact - 1e-9);
}

/**
 * Global arrival index of this thread's k-th arrival. Arrivals are dealt round-robin to shards,
 * then each shard's to its workers, so every thread's stream is evenly spaced and the union of
 * all streams is exactly the global schedule.
 */
export function globalArrival(k: number, shard: Share, worker: Share): number {
  return shard.index + shard.count * (worker.index + worker.count * k);
}

/** The global user indices (0-based) one shard runs: every n-th, offset by the shard index. */
export function shardUsers(users: number, shard: Share): number[] {
  const mine: number[] = [];
  for (let u = shard.index; u < users; u += shard.count) mine.push(u);
  return mine;
}

/** Splits a list over workers round-robin (users of a shard, or connections of the open model). */
export function dealOut<T>(items: readonly T[], worker: Share): T[] {
  return items.filter((_, i) => i % worker.count === worker.index);
}

export function userStartTime(user: number, users: number, rampUpMs: number): number {
  return rampUpMs > 0 ? (rampUpMs * user) / users : 0;
}

/** Connections of one shard in the open model: its share of `users`, at least one. */
export function shardConnections(users: number, shard: Share): number {
  return Math.max(1, shardUsers(users, shard).length);
}
