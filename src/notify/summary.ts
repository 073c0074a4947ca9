import { FAIL, heading, PASS, WARN } from '../core/markdown.js';
import type { RunOutcome } from '../core/outcome.js';

const ICON = { success: PASS, warning: WARN, failure: FAIL } as const;

/** The notify action's job summary: the status and title, then the details, as Slack gets them. */
export function renderNotifySummary(outcome: RunOutcome): string {
  return `${[heading(2, `${ICON[outcome.state]} ${outcome.title}`), ...(outcome.details ?? [])].join('\n\n')}\n`;
}
