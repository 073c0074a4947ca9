import type { ActionDefinition } from '../core/host.js';
import { runOnRunner } from '../runtime/runner-host.js';
import { getInputs } from './inputs.js';
import { renderNotifySummary } from './summary.js';

/**
 * The notify action: a RunOutcome from inputs. Sending it is the shared notifier's job
 * (runtime/run-action.ts), exactly as for every other action.
 */
export const definition: ActionDefinition = {
  name: 'notify',
  async run(host) {
    const outcome = getInputs(host.inputs);
    host.setOutput('status', outcome.state);
    await host.writeSummary(renderNotifySummary(outcome));
    return outcome;
  },
};

/** The action on the runner (and under `@github/local-action`): the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
