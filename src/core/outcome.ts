/**
 * What an action tells the notifier about its run. Every action's run() returns one, so one
 * notifier serves them all (see runtime/run-action.ts).
 */
export type RunOutcomeState = 'success' | 'warning' | 'failure';

export interface RunOutcome {
  state: RunOutcomeState;
  /** One line: "Deploy of 3f2a9c1 to production rolled back". */
  title: string;
  /** A few lines of what happened. */
  details?: string[];
  fields?: { title: string; value: string }[];
  links?: { text: string; url: string }[];
  /** Distinguishes runs whose states are compared for `notify-on: change` (environment, target). */
  key?: string;
}
