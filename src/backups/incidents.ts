import { errorText, ConfigurationError } from '../core/errors.js';
import type { ActionHost } from '../core/host.js';
import type { HttpClient } from '../core/http.js';
import type { InputReader } from '../core/inputs.js';
import { fileIncidentIssues, type IncidentSettings } from '../incidents/issues.js';
import type { CheckStatus } from '../incidents/tracker.js';

/**
 * Incident issues for backups and drills, filed as the health check files them (incidents/issues.ts):
 * one issue per failing target, opened when it fails, commented while it keeps failing, closed when it
 * passes again.
 */

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
    await fileIncidentIssues(host, http, settings, environment, statuses);
  } catch (error) {
    host.log.warn(`${host.action}: could not file the incident issue: ${errorText(error)}`);
  }
}
