import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';

export type NotifyOn = 'failure' | 'always' | 'change' | 'never';

export interface NotifySettings {
  webhookUrl?: string;
  notifyOn: NotifyOn;
  stateFile?: string;
  /** Fail the step when Slack cannot be told (default: a warning only). */
  required: boolean;
}

/**
 * Reads the notifier's inputs, which every action.yml declares (scripts/actionlint.mjs checks it)
 * with their defaults. Validated with the action's other inputs, before any request.
 */
export function readNotifySettings(inputs: InputReader): NotifySettings {
  const webhook = inputs.secret('slack-webhook-url');
  if (webhook) checkWebhook(webhook);
  return {
    webhookUrl: webhook || undefined,
    notifyOn: inputs.oneOf('notify-on', ['failure', 'always', 'change', 'never'] as const),
    stateFile: inputs.outputPath('notify-state-file') || undefined,
    required: inputs.boolean('notify-required'),
  };
}

/** The URL is the credential: the message never repeats it. */
function checkWebhook(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new ConfigurationError(
      'slack-webhook-url',
      'must be a Slack incoming-webhook URL such as https://hooks.slack.com/services/T…/B…/… (value not shown: it is a secret)',
    );
  }
}
