import * as core from '@actions/core';
import type { ActionDefinition, ActionHost, Logger } from './host.js';
import { InputReader } from './inputs.js';
import { runAction } from './run-action.js';

const runnerLogger: Logger = {
  info: (message) => core.info(message),
  warn: (message) => core.warning(message),
  error: (message) => core.error(message),
  debug: (message) => core.debug(message),
  group: (title, work) => core.group(title, work),
};

/** The host on a GitHub runner: INPUT_* in, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY out. */
export function runnerHost(action: string): ActionHost {
  const mask = (value: string): void => core.setSecret(value);
  return {
    action,
    inputs: new InputReader((name) => core.getInput(name, { trimWhitespace: false }), mask, process.env.GITHUB_WORKSPACE ?? process.cwd()),
    log: runnerLogger,
    env: process.env,
    setOutput: (name, value) => core.setOutput(name, String(value)),
    setSecret: mask,
    async writeSummary(markdown) {
      if (!process.env.GITHUB_STEP_SUMMARY) {
        core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
        return;
      }
      await core.summary.addRaw(markdown, true).write();
    },
    fail: (message) => core.setFailed(message),
  };
}

/** The whole body of every `src/<action>/index.ts`. */
export async function runOnRunner(definition: ActionDefinition): Promise<void> {
  await runAction(definition, runnerHost(definition.name));
}
