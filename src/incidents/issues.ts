import type { ActionHost } from '../core/host.js';
import type { HttpClient } from '../core/http.js';
import { runContext } from '../notifications/notifier.js';
import { GitHubIssuesClient } from '../providers/github-issues.js';
import { trackIncidents, type CheckStatus, type IncidentAction } from './tracker.js';

/** Where incident issues go: the repository (owner/name), its REST API and a token with issues: write. */
export interface IncidentSettings {
  token: string;
  apiUrl: string;
  repository: string;
}

/**
 * Files the incident issues for `statuses` (already confirmed: see tracker.ts) in the repository the
 * settings name, each linking this run, and logs every issue opened, commented or closed. health-check,
 * backup and restore all call it, so an incident reads the same whichever action found it; each caller
 * decides what a failure to file means for its own verdict.
 */
export async function fileIncidentIssues(
  host: Pick<ActionHost, 'action' | 'env' | 'log'>,
  http: HttpClient,
  settings: IncidentSettings,
  environment: string,
  statuses: CheckStatus[],
): Promise<IncidentAction[]> {
  const issues = new GitHubIssuesClient({
    http,
    apiUrl: settings.apiUrl,
    token: settings.token,
    repository: settings.repository,
    warn: (message) => host.log.warn(message),
  });
  const done = await trackIncidents(issues, environment, statuses, {
    runUrl: (await runContext(host.action, host.env)).runUrl,
    now: new Date(),
  });
  for (const action of done) host.log.info(`issue #${action.issue} ${action.action} for ${action.check}`);
  return done;
}
