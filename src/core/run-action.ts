import { ConfigurationError, failureMessage } from './errors.js';
import type { ActionDefinition, ActionHost } from './host.js';

/**
 * Runs an action and turns what escapes it into one failure line. A ConfigurationError is the
 * user's mistake: one line naming the input, no stack. Anything else keeps its stack in the debug
 * log, which never holds secrets because every token was masked when its input was read.
 */
export async function runAction(definition: ActionDefinition, host: ActionHost): Promise<void> {
  try {
    await definition.run(host);
  } catch (error) {
    host.fail(failureMessage(definition.name, error));
    if (!(error instanceof ConfigurationError) && error instanceof Error && error.stack) {
      host.log.debug(error.stack);
    }
  }
}
