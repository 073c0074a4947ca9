import { formatDuration } from '../core/duration.js';
import type { GitHubIssue, GitHubIssuesClient } from '../providers/github-issues.js';

export const INCIDENT_LABEL = 'threadr-ops-incident';

export interface CheckStatus {
  name: string;
  down: boolean;
  /** Why it is down (for the issue body and comments). */
  reason?: string;
  url?: string;
}

export interface IncidentAction {
  check: string;
  action: 'opened' | 'commented' | 'closed';
  issue: number;
}

/** The issue title names the environment and the check, and is how an open incident is found again. */
export function incidentTitle(environment: string, check: string): string {
  return `[threadr-ops] ${environment}: ${check} is down`;
}

/**
 * One issue per check that is down: opened when it goes down, commented while it stays down,
 * closed with the downtime when it recovers. Callers pass only confirmed states (see confirm.ts),
 * so a single blip never opens an issue.
 */
export async function trackIncidents(
  issues: GitHubIssuesClient,
  environment: string,
  checks: CheckStatus[],
  context: { runUrl?: string; now: Date },
): Promise<IncidentAction[]> {
  const open = await issues.listOpen(INCIDENT_LABEL);
  const byTitle = new Map<string, GitHubIssue>(open.map((issue) => [issue.title, issue]));
  const run = context.runUrl ? ` ([run](${context.runUrl}))` : '';
  const actions: IncidentAction[] = [];
  for (const check of checks) {
    const title = incidentTitle(environment, check.name);
    const existing = byTitle.get(title);
    if (check.down && !existing) {
      const body = [
        `**${check.name}** in **${environment}** is down since ${context.now.toISOString()}${run}.`,
        '',
        check.url ? `URL: ${check.url}` : '',
        `Why: ${check.reason ?? 'unknown'}`,
        '',
        'threadr-ops comments here while it stays down and closes this issue when it recovers.',
      ]
        .filter((line, i, all) => line !== '' || all[i - 1] !== '')
        .join('\n');
      const issue = await issues.create(title, body, [INCIDENT_LABEL]);
      actions.push({ check: check.name, action: 'opened', issue: issue.number });
    } else if (check.down && existing) {
      await issues.comment(
        existing.number,
        `Still down at ${context.now.toISOString()}${run}: ${check.reason ?? 'unknown'}`,
      );
      actions.push({ check: check.name, action: 'commented', issue: existing.number });
    } else if (!check.down && existing) {
      const downtime = context.now.getTime() - Date.parse(existing.created_at);
      await issues.comment(
        existing.number,
        `Recovered at ${context.now.toISOString()}${run} after ${formatDuration(Math.max(0, downtime))} of downtime.`,
      );
      await issues.close(existing.number);
      actions.push({ check: check.name, action: 'closed', issue: existing.number });
    }
  }
  return actions;
}
