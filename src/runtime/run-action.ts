import { notify, runContext } from '../notifications/notifier.js';
import type { RunOutcome } from '../core/outcome.js';
import { readNotifySettings, type NotifySettings } from '../notifications/settings.js';
import { recordRun, withOutputLog } from '../ops-history/hook.js';
import { ConfigurationError, errorText, failureMessage } from '../core/errors.js';
import type { ActionDefinition, ActionHost } from '../core/host.js';
import { redactDeep } from '../core/redact.js';
import { redactingHost } from './redacting-host.js';

/**
 * Runs an action, turns what escapes it into one failure line, then lets the shared notifier tell
 * Slack. A ConfigurationError is the user's mistake: one line naming the input, no stack. Anything
 * else keeps its stack in the debug log, which holds no secrets because every token was masked
 * when its input was read.
 */
export async function runAction(definition: ActionDefinition, runnerHost: ActionHost): Promise<void> {
  // Everything the action writes passes the redactor, whichever host runs it.
  const redacting = redactingHost(runnerHost);
  try {
    // Outputs are remembered on the way out (already redacted) so the run's record (history-file)
    // can be built from them.
    const { host, outputs } = withOutputLog(redacting);
    await runAndNotify(definition, host, outputs);
  } finally {
    redacting.reportHiddenAnnotations();
  }
}

async function runAndNotify(
  definition: ActionDefinition,
  host: ActionHost,
  outputs: Parameters<typeof recordRun>[1],
): Promise<void> {
  let settings: NotifySettings | undefined;
  let outcome: RunOutcome | undefined;
  let recordable = false;
  try {
    // A history-file outside the workspace and RUNNER_TEMP is a mistake in the inputs: refused
    // with them, before any request, rather than found as a warning after the work is done.
    // Problems met while writing it (a full disk) stay warnings (ops-history/hook.ts).
    host.inputs.outputPath('history-file');
    recordable = true;
    settings = readNotifySettings(host.inputs);
    outcome = (await definition.run(host)) ?? undefined;
  } catch (error) {
    const message = failureMessage(definition.name, error);
    host.fail(message);
    if (!(error instanceof ConfigurationError) && error instanceof Error && error.stack) host.log.debug(error.stack);
    // A mistake in the notifier's own inputs cannot be notified; any other failure can.
    if (settings) outcome = { state: 'failure', title: message };
  }
  if (recordable) await recordRun(host, outputs, outcome?.state ?? 'failure');
  if (!settings || !outcome) return;
  try {
    // Slack is outside the process too: the outcome is redacted before the notifier sees it.
    const result = await notify(redactDeep(outcome), settings, await runContext(definition.name, host.env), host.log);
    if (result.error) {
      const message = `${definition.name}: could not notify Slack: ${result.error}`;
      if (settings.required) host.fail(message);
      else host.log.warn(message);
    } else if (!result.sent) host.log.debug(`Slack not notified: ${result.reason}`);
  } catch (error) {
    host.log.warn(`${definition.name}: could not notify Slack: ${errorText(error)}`);
  }
}
