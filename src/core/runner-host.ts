import type { ActionDefinition, ActionHost, Logger } from './host.js';
import { InputReader } from './inputs.js';
import { runAction } from './run-action.js';
import { appendFileCommand, issueCommand, readInput, writeLine } from './runner-commands.js';

const runnerLogger: Logger = {
  info: (message) => writeLine(message),
  warn: (message) => issueCommand('warning', message),
  error: (message) => issueCommand('error', message),
  debug: (message) => issueCommand('debug', message),
  async group(title, work) {
    issueCommand('group', title);
    try {
      return await work();
    } finally {
      issueCommand('endgroup', '');
    }
  },
};

/** The host on a GitHub runner: INPUT_* in, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY out. */
export function runnerHost(action: string): ActionHost {
  const mask = (value: string): void => issueCommand('add-mask', value);
  return {
    action,
    inputs: new InputReader((name) => readInput(name), mask, process.env.GITHUB_WORKSPACE ?? process.cwd()),
    log: runnerLogger,
    env: process.env,
    setOutput: (name, value) => appendFileCommand('OUTPUT', name, String(value)),
    setSecret: mask,
    async writeSummary(markdown) {
      if (!process.env.GITHUB_STEP_SUMMARY) {
        runnerLogger.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
        return;
      }
      // Loaded when the summary is written, after the work: see runner-commands.ts for why.
      const { summary } = await import('@actions/core');
      await summary.addRaw(markdown, true).write();
    },
    fail(message) {
      issueCommand('error', message);
      process.exitCode = 1;
    },
  };
}

/** The whole body of every `src/<action>/index.ts`. */
export async function runOnRunner(definition: ActionDefinition): Promise<void> {
  await runAction(definition, runnerHost(definition.name));
}
