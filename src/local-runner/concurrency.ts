import { interpolate, type ExpressionContext } from './expressions.js';

/**
 * GitHub's concurrency groups, as a small model: per group at most one run in progress and one
 * pending. A run queued while another of its group is in progress becomes the pending one, and a
 * run that was already pending is cancelled (docs/workflows.md, "Concurrency"). With `cancel-in-progress: true` the run in progress is cancelled instead and the new
 * one starts. The local runner runs one workflow at a time, so this model is what tests use to
 * check how our workflows' groups interact: a queued emergency rollback must survive the next push.
 */
export interface Concurrency {
  group: string;
  cancelInProgress: boolean;
}

export type RunState = 'in-progress' | 'pending' | 'cancelled' | 'completed';

export class ConcurrencyGroups {
  private readonly groups = new Map<string, { running?: string; pending?: string }>();
  private readonly states = new Map<string, RunState>();
  /** Every transition, in order: `rollback-1 cancelled (replaced by deploy-3 in threadr-deploy-production)`. */
  readonly events: string[] = [];

  /** A run is triggered: it starts, waits, or replaces the pending one. Without a group it just starts. */
  queue(id: string, concurrency: Concurrency | undefined): RunState {
    if (this.states.has(id)) throw new Error(`run ${id} was queued twice`);
    if (!concurrency) return this.set(id, 'in-progress', 'no concurrency group');
    const group = this.group(concurrency.group);
    if (group.running && concurrency.cancelInProgress) {
      this.set(group.running, 'cancelled', `cancel-in-progress, by ${id} in ${concurrency.group}`);
      group.running = undefined;
    }
    if (group.pending) {
      this.set(group.pending, 'cancelled', `replaced by ${id} in ${concurrency.group}`);
      group.pending = undefined;
    }
    if (!group.running) {
      group.running = id;
      return this.set(id, 'in-progress', concurrency.group);
    }
    group.pending = id;
    return this.set(id, 'pending', `behind ${group.running} in ${concurrency.group}`);
  }

  /** A run in progress finishes: the pending run of its group, if any, starts. */
  complete(id: string): void {
    if (this.states.get(id) !== 'in-progress')
      throw new Error(`run ${id} is not in progress (${this.states.get(id) ?? 'unknown'})`);
    this.set(id, 'completed', 'finished');
    for (const [name, group] of this.groups) {
      if (group.running !== id) continue;
      group.running = group.pending;
      group.pending = undefined;
      if (group.running) this.set(group.running, 'in-progress', `${name} is free`);
    }
  }

  state(id: string): RunState | undefined {
    return this.states.get(id);
  }

  private group(name: string) {
    let group = this.groups.get(name);
    if (!group) this.groups.set(name, (group = {}));
    return group;
  }

  private set(id: string, state: RunState, why: string): RunState {
    this.states.set(id, state);
    this.events.push(`${id} ${state} (${why})`);
    return state;
  }
}

/** A workflow's or job's `concurrency:` (a group name, or {group, cancel-in-progress}), evaluated. */
export function concurrencyOf(value: unknown, context: ExpressionContext): Concurrency | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { group: interpolate(value, context), cancelInProgress: false };
  const spec = value as { group?: unknown; 'cancel-in-progress'?: unknown };
  if (typeof spec.group !== 'string') throw new Error('concurrency: needs a group');
  const cancel = spec['cancel-in-progress'];
  return {
    group: interpolate(spec.group, context),
    cancelInProgress: cancel === true || (typeof cancel === 'string' && interpolate(cancel, context) === 'true'),
  };
}
