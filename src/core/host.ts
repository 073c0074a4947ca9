import type { RunOutcome } from './outcome.js';
import { InputReader } from './inputs.js';

/** One log, one group per phase. Implementations: the runner's (workflow commands) and the terminal's. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Everything an action needs from where it runs. The GitHub runner and the CLI each provide one,
 * so the work itself is the same code in both places and in tests.
 */
export interface ActionHost {
  readonly action: string;
  readonly inputs: InputReader;
  readonly log: Logger;
  /** The runner's environment (GITHUB_SHA, GITHUB_REPOSITORY, …), read-only. */
  readonly env: Readonly<Record<string, string | undefined>>;
  setOutput(name: string, value: string | number | boolean): void;
  setSecret(value: string): void;
  /** Appends Markdown to the job summary (the terminal prints it). */
  writeSummary(markdown: string): Promise<void>;
  /** Marks the step failed with one line; the process exits non-zero when the action returns. */
  fail(message: string): void;
}

export interface ActionDefinition {
  readonly name: string;
  /** Does the work; the RunOutcome it returns is what the shared notifier sends to Slack. */
  run(host: ActionHost): Promise<RunOutcome | void>;
}
