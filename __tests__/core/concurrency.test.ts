import { mapLimit } from '../../src/core/concurrency.js';

/** A promise the test settles by hand: no timers, so the order of events is the test's own. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Lets every pending continuation run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('mapLimit', () => {
  it('keeps the input order whatever order the calls finish in', async () => {
    const gates = [deferred<string>(), deferred<string>(), deferred<string>(), deferred<string>()];
    const mapped = mapLimit(['a', 'b', 'c', 'd'], 4, (_item, index) => gates[index].promise);
    for (const index of [3, 1, 0, 2]) gates[index].resolve(`r${index}`);
    await expect(mapped).resolves.toEqual(['r0', 'r1', 'r2', 'r3']);
  });

  it('never has more than `limit` calls in flight, and starts the next as one ends', async () => {
    const gates = Array.from({ length: 7 }, () => deferred<number>());
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const mapped = mapLimit([0, 1, 2, 3, 4, 5, 6], 3, async (item) => {
      started.push(item);
      most = Math.max(most, ++inFlight);
      try {
        return await gates[item].promise;
      } finally {
        inFlight--;
      }
    });
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[1].resolve(1);
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const gate of gates) gate.resolve(0);
    await mapped;
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const gates = Array.from({ length: 5 }, () => deferred<number>());
    const started: number[] = [];
    const mapped = mapLimit([0, 1, 2, 3, 4], 2, (item) => {
      started.push(item);
      return gates[item].promise;
    });
    const outcome = mapped.catch((error: unknown) => error);
    await settle();
    gates[0].reject(new Error('HTTP 500 on 0'));
    gates[1].resolve(1);
    await expect(outcome).resolves.toEqual(new Error('HTTP 500 on 0'));
    await settle();
    expect(started).toEqual([0, 1]);
  });

  it('returns an empty list for no items, and refuses a limit below 1', async () => {
    await expect(mapLimit([], 4, async () => 1)).resolves.toEqual([]);
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow(/limit must be a whole number of at least 1, got 0/);
  });
});
