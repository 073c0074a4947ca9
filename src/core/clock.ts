import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms` of real time. The one real sleep of the suite: code that must run on a test's
 * virtual clock takes a `sleep` or a Clock as a collaborator and defaults to this.
 */
export function sleep(ms: number): Promise<void> {
  return delay(ms);
}
