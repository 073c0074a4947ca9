import { ConfigurationError } from '../core/errors.js';
import type { ActionDefinition } from '../core/host.js';
import type { RunOutcome } from '../core/outcome.js';
import { runOnRunner } from '../runtime/runner-host.js';

/**
 * The notify action: an RunOutcome from inputs. Sending it is the shared notifier's job (run-action.ts),
 * exactly as for every other action.
 */
export const definition: ActionDefinition = {
  name: 'notify',
  async run(host) {
    const state = host.inputs.oneOf('status', ['success', 'warning', 'failure'] as const);
    const title = host.inputs.required('title', "'Deploy of 3f2a9c1 to production verified'");
    const links = host.inputs.lines('links').map((line, index) => {
      const [text, url] = line.split('|').map((part) => part.trim());
      if (!url || !/^https?:\/\//.test(url)) {
        throw new ConfigurationError('links', `line ${index + 1} must be 'text | https://…', got '${line}'`);
      }
      return { text, url };
    });
    host.setOutput('status', state);
    const outcome: RunOutcome = { state, title, details: host.inputs.lines('details'), links, key: host.inputs.text('key') || undefined };
    await host.writeSummary(`## ${state === 'success' ? '✅' : state === 'warning' ? '⚠️' : '❌'} ${title}\n\n${outcome.details!.join('\n\n')}\n`);
    return outcome;
  },
};

/** The action on the runner (and under `@github/local-action`): the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
