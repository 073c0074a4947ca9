import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type * as Toolkit from '@actions/core';
import type { ActionDefinition, ActionHost, Logger } from '../core/host.js';
import { errorText } from '../core/errors.js';
import { InputReader } from '../core/inputs.js';
import { runAction } from './run-action.js';
import { appendFileCommand, issueCommand, readInput, writeLine } from './runner-commands.js';

/** When @actions/core is loaded: before the action starts, or once its first request has left. */
export type ToolkitLoading = 'at-start' | 'after-first-request';

/**
 * undici (ours and Node's fetch) publishes here when the headers of a response arrive: the first
 * request has left and been answered, so the import cannot compete with it for the CPU.
 */
const FIRST_ANSWER = 'undici:request:headers';

/**
 * The host on a GitHub runner: a thin adapter over @actions/core (inputs, masks, log, groups,
 * outputs, annotations, the job summary, the failed state), so GitHub's own tools, such as
 * `@github/local-action`, see what the action does.
 *
 * @actions/core is imported dynamically: evaluating it (and the @actions/http-client and second
 * undici it loads for OIDC) takes ~80 ms, more than half of the health check's 150 ms budget to
 * its first request. The health check therefore starts with the runner contract written directly
 * (runner-commands.ts, the same wire format) and switches to @actions/core once its first request
 * has left; every other action loads it before it starts.
 */
export class RunnerHost implements ActionHost {
  readonly inputs: InputReader;
  readonly log: Logger;
  readonly env = process.env;
  private core: typeof Toolkit | undefined;
  private loading: Promise<typeof Toolkit> | undefined;

  constructor(readonly action: string) {
    this.inputs = new InputReader(
      (name) => (this.core ? this.core.getInput(name, { trimWhitespace: false }) : readInput(name)),
      (secret) => this.setSecret(secret),
      process.env.GITHUB_WORKSPACE ?? process.cwd(),
    );
    this.log = {
      info: (message) => (this.core ? this.core.info(message) : writeLine(message)),
      warn: (message) => (this.core ? this.core.warning(message) : issueCommand('warning', message)),
      error: (message) => (this.core ? this.core.error(message) : issueCommand('error', message)),
      debug: (message) => (this.core ? this.core.debug(message) : issueCommand('debug', message)),
      group: async (title, work) => {
        if (this.core) return this.core.group(title, work);
        issueCommand('group', title);
        try {
          return await work();
        } finally {
          issueCommand('endgroup', '');
        }
      },
    };
  }

  /** Imports @actions/core once; every call after it resolves goes through it. */
  loadToolkit(): Promise<typeof Toolkit> {
    this.loading ??= import('@actions/core').then((core) => (this.core = core));
    return this.loading;
  }

  setOutput(name: string, value: string | number | boolean): void {
    if (this.core) this.core.setOutput(name, String(value));
    else appendFileCommand('OUTPUT', name, String(value));
  }

  setSecret(value: string): void {
    if (this.core) this.core.setSecret(value);
    else issueCommand('add-mask', value);
  }

  /**
   * Appends to the job summary. Waits for @actions/core, so whatever an action sets after its
   * summary goes through the toolkit too. A summary that cannot be written (no
   * GITHUB_STEP_SUMMARY, or a file that is missing or read-only) is a warning: the step's
   * verdict and outputs do not depend on it.
   */
  async writeSummary(markdown: string): Promise<void> {
    const core = await this.loadToolkit();
    try {
      await core.summary.addRaw(markdown, true).write();
    } catch (error) {
      core.summary.emptyBuffer();
      core.warning(`${this.action}: job summary not written: ${errorText(error)}`);
    }
  }

  fail(message: string): void {
    if (this.core) this.core.setFailed(message);
    else {
      issueCommand('error', message);
      process.exitCode = 1;
    }
  }
}

/**
 * Runs an action on the runner: the whole body of every action's exported `run()`. With
 * 'after-first-request', @actions/core is imported once the first response's headers have arrived
 * (on the next turn of the event loop), or when the summary is written, whichever comes first.
 */
export async function runOnRunner(definition: ActionDefinition, loading: ToolkitLoading = 'at-start'): Promise<void> {
  const host = new RunnerHost(definition.name);
  if (loading === 'at-start') {
    await host.loadToolkit();
    return runAction(definition, host);
  }
  const onAnswer = (): void => {
    unsubscribe(FIRST_ANSWER, onAnswer);
    setImmediate(() => void host.loadToolkit());
  };
  subscribe(FIRST_ANSWER, onAnswer);
  try {
    await runAction(definition, host);
  } finally {
    unsubscribe(FIRST_ANSWER, onAnswer);
  }
}
