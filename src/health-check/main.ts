import type { ActionDefinition, ActionHost } from '../core/host.js';
import { HttpClient, sleep } from '../core/http.js';
import { trackIncidents, type IncidentAction } from '../incidents/tracker.js';
import { runContext } from '../notify/notify.js';
import type { Outcome } from '../notify/outcome.js';
import { GitHubIssuesClient } from '../providers/github-issues.js';
import { confirmedStatuses } from './incidents.js';
import { getInputs, type HealthInputs } from './inputs.js';
import { renderHealthSummary } from './summary.js';
import { verifyHealth, type HealthReport } from './verify.js';

export function healthOutputs(report: HealthReport): Record<string, string | number | boolean> {
  return {
    healthy: report.healthy,
    failed: report.failed.join(','),
    'p95-ms': report.window.p95Ms ?? '',
    'error-rate': report.window.errorRate,
    unreachable: report.unreachable,
    report: JSON.stringify(report),
  };
}

export const definition: ActionDefinition = {
  name: 'health-check',
  async run(host) {
    const settings = getInputs(host.inputs);
    for (const note of settings.notes) host.log[note.level](note.text);
    const http = new HttpClient({ timeoutMs: settings.requestTimeoutMs, userAgent: 'threadr-ops-health-check' });
    try {
      const report = await verifyHealth(settings, { http, log: host.log, sleep, now: Date.now });
      for (const [name, value] of Object.entries(healthOutputs(report))) host.setOutput(name, value);
      await host.writeSummary(renderHealthSummary(report));
      if (settings.incidents) await updateIncidents(host, settings, report, http);
      if (!report.healthy) {
        const why = report.failed.length ? `failed: ${report.failed.join(', ')}` : 'the SLO window did not hold';
        const message = `health-check: unhealthy (${why})${report.unreachable ? '; the host was unreachable from the runner' : ''}`;
        if (settings.failOnUnhealthy) host.fail(message);
        else host.log.warn(message);
      }
      return outcome(settings, report);
    } finally {
      await http.close();
    }
  },
};

async function updateIncidents(host: ActionHost, settings: HealthInputs, report: HealthReport, http: HttpClient): Promise<void> {
  const incidents = settings.incidents!;
  const actions: IncidentAction[] = await host.log.group('Incident issues', async () => {
    const context = { http, headers: settings.headers, requestTimeoutMs: settings.requestTimeoutMs, waitingForDeploy: false, elapsed: () => 0 };
    const statuses = await confirmedStatuses(report, settings.checks, context, settings.intervalMs, sleep);
    const issues = new GitHubIssuesClient({ http, apiUrl: incidents.apiUrl, token: incidents.token, repository: incidents.repository });
    const done = await trackIncidents(issues, settings.environment, statuses, { runUrl: runContext('health-check', host.env).runUrl, now: new Date() });
    for (const action of done) host.log.info(`issue #${action.issue} ${action.action} for ${action.check}`);
    return done;
  });
  host.setOutput('incidents', JSON.stringify(actions));
}

function outcome(settings: HealthInputs, report: HealthReport): Outcome {
  const total = report.checks.length;
  const title = report.healthy
    ? `${settings.environment} is healthy: ${total} check(s) passed`
    : `${settings.environment} is unhealthy: ${report.failed.length ? `${report.failed.length} of ${total} check(s) failed` : 'SLO window missed'}`;
  return {
    state: report.healthy ? 'success' : 'failure',
    title,
    details: report.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.reason ?? 'failed'}`),
    fields: [
      { title: 'Error rate', value: `${report.window.errorRate}%` },
      { title: 'p95', value: report.window.p95Ms === null ? '–' : `${Math.round(report.window.p95Ms)}ms` },
      ...(report.unreachable ? [{ title: 'Note', value: 'unreachable from the runner' }] : []),
    ],
    key: settings.environment,
  };
}
