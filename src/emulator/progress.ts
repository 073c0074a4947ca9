/**
 * A deployment's walk through its states. A step is left after `readsPerStep` status reads of that
 * deployment, or after `stepMs` of virtual time, whichever comes first. Read-driven steps make tests
 * deterministic ("READY on the third poll"); time-driven steps let a benchmark emulate a ten-minute
 * build on a sped-up or auto-advancing clock.
 */
export interface StepTiming {
  /** Status reads needed to leave each non-final step; 0 = reads never advance it. Default 1. */
  readsPerStep?: number;
  /** Per-step override of `readsPerStep` (`{ BUILDING: 5 }`). */
  reads?: Record<string, number>;
  /** Virtual ms spent in each non-final step: one number for all, or per step (`{ BUILDING: 600000 }`). Omitted = time never advances. */
  stepMs?: number | Record<string, number>;
}

export interface Progress {
  steps: string[];
  index: number;
  reads: number;
  /** Virtual time the current step was entered. */
  enteredAt: number;
  timing: StepTiming;
}

export function startProgress(steps: string[], timing: StepTiming, now: number): Progress {
  return { steps, index: 0, reads: 0, enteredAt: now, timing };
}

export function currentStep(progress: Progress): string {
  return progress.steps[progress.index] as string;
}

export function isFinished(progress: Progress): boolean {
  return progress.index >= progress.steps.length - 1;
}

/**
 * Moves a progress along. `read` counts one status read. `onEnter` is called for each step entered
 * with the virtual time it was entered (time-driven steps report when they would have happened).
 * A read advances at most one step; elapsed time may advance several.
 */
export function advanceProgress(
  progress: Progress,
  now: number,
  read: boolean,
  onEnter: (step: string, at: number) => void,
): boolean {
  if (read) progress.reads++;
  let changed = false;
  while (!isFinished(progress)) {
    const step = currentStep(progress);
    const readsNeeded = progress.timing.reads?.[step] ?? progress.timing.readsPerStep ?? 1;
    const stepMs = progress.timing.stepMs;
    const msNeeded = typeof stepMs === 'number' ? stepMs : stepMs?.[step];
    const byTime = msNeeded !== undefined && now - progress.enteredAt >= msNeeded;
    const byReads = readsNeeded > 0 && progress.reads >= readsNeeded;
    if (!byTime && !byReads) break;
    const at = byTime ? progress.enteredAt + (msNeeded as number) : now;
    progress.index++;
    progress.reads = 0;
    progress.enteredAt = at;
    changed = true;
    onEnter(currentStep(progress), at);
    if (!byTime) break;
  }
  return changed;
}
