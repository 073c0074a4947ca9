import { githubRun, runUrl } from '../core/github-context.js';
import { HttpClient } from '../core/http.js';
import type { Logger } from '../core/host.js';
import { postToSlack } from '../providers/slack.js';
import type { RunOutcome } from '../core/outcome.js';
import { shouldNotify } from './policy.js';
import type { NotifySettings } from './settings.js';
import { slackMessage, type RunContext } from './slack-message.js';
import { StateStore } from './state-store.js';

export interface NotifyResult {
  sent: boolean;
  reason: string;
  /** Set when Slack could not be told. */
  error?: string;
}

/** Decides, sends, records the state; a Slack failure is returned, never thrown. */
export async function notify(
  outcome: RunOutcome,
  settings: NotifySettings,
  run: RunContext,
  log: Logger,
  options: { http?: HttpClient; now?: Date } = {},
): Promise<NotifyResult> {
  const key = `${run.action}${outcome.key ? `:${outcome.key}` : ''}`;
  const store = settings.stateFile ? new StateStore(settings.stateFile) : undefined;
  const previous = store?.read(key);
  const record = () => store?.write(key, outcome.state, options.now ?? new Date());
  if (!settings.webhookUrl) {
    record();
    return { sent: false, reason: 'no slack-webhook-url' };
  }
  if (!shouldNotify(settings.notifyOn, outcome.state, previous)) {
    record();
    return {
      sent: false,
      reason: `notify-on ${settings.notifyOn}: ${outcome.state}${previous ? ` (last run: ${previous})` : ''} is not sent`,
    };
  }
  const http = options.http ?? new HttpClient({ timeoutMs: 10_000, userAgent: 'threadr-ops-notify' });
  try {
    const result = await postToSlack(http, settings.webhookUrl, slackMessage(outcome, run));
    if (result.ok) {
      // The new state is recorded only once Slack has it: after a failed send the next run, still
      // in this state, sends again instead of treating the change as announced.
      record();
      log.info(`Slack notified (${outcome.state}: ${outcome.title})`);
      return { sent: true, reason: `notify-on ${settings.notifyOn}` };
    }
    return {
      sent: false,
      reason: 'slack refused',
      error: `Slack answered ${result.status ?? 'nothing'}: ${result.error}`,
    };
  } finally {
    if (!options.http) await http.close();
  }
}

export async function runContext(
  action: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RunContext> {
  const run = await githubRun(env);
  return { action, repository: run.repository, runUrl: runUrl(run) ?? undefined };
}
