/**
 * A cancelled job as an AbortSignal. On cancel the runner sends SIGINT to the step's process, then
 * SIGTERM 7.5 s later, and kills the process tree 2.5 s after that: about ten seconds to leave
 * things tidy. `onSignal` hears the first signal only; the handlers go when `work` ends.
 */
export async function cancellable<T>(
  onSignal: (signal: NodeJS.Signals) => void,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    onSignal(signal);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

/** Resolves when `signal` aborts (never without one); for racing a sleep against a cancel. */
export function whenAborted(signal: AbortSignal | undefined): { promise: Promise<void>; dispose(): void } {
  if (!signal) return { promise: new Promise(() => {}), dispose: () => {} };
  let listener: (() => void) | undefined;
  const promise = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    listener = () => resolve();
    signal.addEventListener('abort', listener, { once: true });
  });
  return { promise, dispose: () => listener && signal.removeEventListener('abort', listener) };
}
