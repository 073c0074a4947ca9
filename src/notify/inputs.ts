import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import type { RunOutcome } from '../core/outcome.js';

/**
 * Every input of the notify action, validated before anything is sent: the whole message is the
 * RunOutcome the shared notifier sends (its own inputs, slack-webhook-url and notify-on, are read
 * by runtime/run-action.ts as for every action). Defaults come from action.yml.
 */
export function getInputs(inputs: InputReader): RunOutcome & { details: string[] } {
  const state = inputs.oneOf('status', ['success', 'warning', 'failure'] as const);
  const title = inputs.required('title', "'Deploy of 3f2a9c1 to production verified'");
  const links = inputs.lines('links').map((line, index) => {
    const [text, url] = line.split('|').map((part) => part.trim());
    if (!url || !/^https?:\/\//.test(url)) {
      throw new ConfigurationError('links', `line ${index + 1} must be 'text | https://…', got '${line}'`);
    }
    return { text, url };
  });
  return { state, title, details: inputs.lines('details'), links, key: inputs.text('key') || undefined };
}
