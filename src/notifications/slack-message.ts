import type { RunOutcome, RunOutcomeState } from '../core/outcome.js';

const STYLE: Record<RunOutcomeState, { color: string; emoji: string; word: string }> = {
  success: { color: 'good', emoji: ':white_check_mark:', word: 'OK' },
  warning: { color: 'warning', emoji: ':warning:', word: 'Warning' },
  failure: { color: 'danger', emoji: ':rotating_light:', word: 'Failure' },
};

export interface RunContext {
  action: string;
  repository?: string;
  runUrl?: string;
}

/** Slack incoming-webhook payload: a fallback `text` and one coloured attachment. */
export function slackMessage(outcome: RunOutcome, run: RunContext): Record<string, unknown> {
  const style = STYLE[outcome.state];
  const links = [...(run.runUrl ? [{ text: 'Workflow run', url: run.runUrl }] : []), ...(outcome.links ?? [])];
  const linkLine = links.map((link) => `<${link.url}|${escape(link.text)}>`).join(' · ');
  return {
    text: `${style.emoji} ${escape(outcome.title)}`,
    attachments: [
      {
        color: style.color,
        fallback: `${style.word}: ${outcome.title}`,
        title: outcome.title,
        ...(run.runUrl ? { title_link: run.runUrl } : {}),
        text: [...(outcome.details ?? []).map(escape), linkLine].filter(Boolean).join('\n'),
        fields: (outcome.fields ?? []).map((field) => ({
          title: field.title,
          value: escape(field.value),
          short: field.value.length <= 30,
        })),
        footer: `threadr-ops ${run.action}${run.repository ? ` · ${run.repository}` : ''}`,
        mrkdwn_in: ['text'],
      },
    ],
  };
}

/** Slack's mrkdwn reserves &, < and >. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
