import { errorText, ConfigurationError } from '../core/errors.js';
import type { ActionHost } from '../core/host.js';
import type { HttpClient } from '../core/http.js';
import type { InputReader } from '../core/inputs.js';
import { trackIncidents, type CheckStatus } from '../incidents/tracker.js';
import { runContext } from '../notifications/notifier.js';
import { GitHubIssuesClient } from '../providers/github-issues.js';

/**
 * Incident issues for backups and drills, with the health check's tracker: one issue per failing
 * target, opened when it fails, commented while it keeps failing, closed when it passes again.
 */
export interface IncidentSettings {
  token: string;
  apiUrl: string;
  repository: string;
}

export function readIncidentSettings(inputs: InputReader): IncidentSettings | undefined {
  if (!inputs.boolean('incidents')) return undefined;
  const repository = inputs.required('repository', 'threadr/threadr');
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new ConfigurationError('repository', `must be owner/name such as threadr/threadr, got '${repository}'`);
  const token = inputs.secret('github-token');
  if (!token)
    throw new ConfigurationError(
      'github-token',
      'is required when incidents is true (the workflow token with issues: write)',
    );
  return { token, apiUrl: inputs.url('github-api-url').toString().replace(/\/+$/, ''), repository };
}

/** Never fails the action: an incident that cannot be filed is a warning next to the real verdict. */
export async function fileIncidents(
  host: ActionHost,
  http: HttpClient,
  settings: IncidentSettings | undefined,
  environment: string,
  statuses: CheckStatus[],
): Promise<void> {
  if (!settings) return;
  try {
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
  } catch (error) {
    host.log.warn(`${host.action}: could not file the incident issue: ${errorText(error)}`);
  }
}
