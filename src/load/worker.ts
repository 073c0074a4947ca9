import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../core/errors.js';
import { Generator, type GeneratorConfig, type GeneratorEnd } from './generator.js';
import { type EncodedTally, encodeTally } from './tally.js';

/** Messages between the engine and a load worker. */
export type ToWorker = { type: 'start'; startAt: number } | { type: 'cancel' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'interval'; atMs: number; warmUp?: EncodedTally; measured?: EncodedTally }
  | { type: 'end'; end: GeneratorEnd }
  | { type: 'error'; message: string };

export interface WorkerData {
  threadrLoadWorker: true;
  config: Omit<GeneratorConfig, 'startAt'>;
}

/**
 * True inside a thread the engine started. Workers run the action's own bundle file (ncc makes
 * one file), so the entry point asks this first and runs the worker instead of the action.
 */
export function isLoadWorker(): boolean {
  return !isMainThread && (workerData as Partial<WorkerData> | undefined)?.threadrLoadWorker === true;
}

let workerStarted = false;

/** Runs this thread as a load worker; once only, whichever module calls it first. */
export function runLoadWorker(): void {
  if (workerStarted) return;
  workerStarted = true;
  const port = parentPort!;
  const { config } = workerData as WorkerData;
  let generator: Generator | undefined;
  let cancelled = false;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'cancel') {
      cancelled = true;
      generator?.cancel();
      return;
    }
    if (cancelled)
      return void port.postMessage({
        type: 'end',
        end: { dropped: 0, interrupted: 0, cancelled: true, firstErrors: {} },
      } satisfies FromWorker);
    generator = new Generator({ ...config, startAt: message.startAt }, (interval) => {
      const out: FromWorker = { type: 'interval', atMs: interval.atMs };
      if (interval.warmUp) out.warmUp = encodeTally(interval.warmUp);
      if (interval.measured) out.measured = encodeTally(interval.measured);
      port.postMessage(out);
    });
    generator.run().then(
      (end) => {
        port.postMessage({ type: 'end', end } satisfies FromWorker);
        port.close();
      },
      (error: unknown) => {
        port.postMessage({ type: 'error', message: errorText(error) } satisfies FromWorker);
        port.close();
      },
    );
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
