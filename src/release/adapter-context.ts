import { errorText } from '../core/errors.js';
import type { Logger } from '../core/host.js';
import type { Clock } from './clock.js';
import type { ComponentName, Observation, WaitContext, WaitOutcome } from './component.js';
import { agreed, pollUntil, type Patience } from './poll.js';
import type { PollSchedule } from './schedule.js';

/** What every adapter is built with besides its provider client. */
export interface AdapterContext {
  clock: Clock;
  schedule: PollSchedule;
  log: Logger;
  /** Pause before reading back after an unknown mutation outcome; the poll minimum is a fair choice. */
  settleMs: number;
  /** Essential reads ride out transient failures (errors[], a truncated body, a 429) for a while. */
  patience: Patience;
}

/**
 * An essential read, retried while it fails and, when it decides something (skip the work, name a
 * target), asked again until two answers agree: one stale or failed answer decides nothing.
 */
export function decidingRead<T>(
  context: AdapterContext,
  what: string,
  read: () => Promise<T>,
  same: (a: T, b: T) => boolean,
): Promise<T> {
  return agreed(() => context.patience(what, read), same, { clock: context.clock, settleMs: context.settleMs });
}

/** The wait loop both adapters use: adaptive polling of `observe` until the deployment settles. */
export async function waitForSettled(
  component: ComponentName,
  id: string,
  startedAt: number,
  observe: (id: string) => Promise<Observation>,
  context: AdapterContext,
  wait: WaitContext,
): Promise<WaitOutcome> {
  let lastState: string | undefined;
  const result = await pollUntil(
    async () => {
      const observation = await observe(id);
      if (observation.state !== lastState) {
        lastState = observation.state;
        wait.onProgress?.(observation);
      }
      return observation;
    },
    (observation) => observation.phase !== 'pending',
    {
      clock: context.clock,
      schedule: context.schedule,
      deadline: wait.deadline,
      signal: wait.signal,
      startedAt,
      onReadError: (error, consecutive) =>
        context.log.warn(
          `${component}: reading the status of ${id} failed (${errorText(error)}); still waiting${consecutive > 1 ? ` (${consecutive} failed reads in a row)` : ''}`,
        ),
    },
  );
  if (result.done) return { kind: 'settled', observation: result.value, reads: result.reads };
  return result.cancelled
    ? { kind: 'cancelled', last: result.last, reads: result.reads }
    : { kind: 'timed-out', last: result.last, reads: result.reads };
}
