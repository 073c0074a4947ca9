import type { ActionDefinition, ActionHost } from '../core/host.js';
import { sleep } from '../core/clock.js';
import { HttpClient } from '../core/http.js';
import { fileIncidentIssues } from '../incidents/issues.js';
import type { IncidentAction } from '../incidents/tracker.js';
import type { RunOutcome } from '../core/outcome.js';
import { confirmedStatuses } from '../health/incidents.js';
import { getInputs, type HealthInputs } from './inputs.js';
import { renderHealthSummary } from './summary.js';
import { verifyHealth, type HealthReport } from '../health/verify.js';
import { MIN_SAFE_VERSION_LENGTH } from '../health/version.js';
import { runOnRunner } from '../runtime/runner-host.js';

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
    if (settings.expectVersion && settings.expectVersion.length < MIN_SAFE_VERSION_LENGTH) {
      host.log.warn(
        `expect-version '${settings.expectVersion}' is shorter than ${MIN_SAFE_VERSION_LENGTH} characters and may match by chance; prefer the full commit SHA`,
      );
    }
    const http = new HttpClient({
      timeoutMs: settings.requestTimeoutMs,
      userAgent: 'threadr-ops-health-check',
      maxBodyBytes: settings.maxBodyBytes,
    });
    try {
      const report = await verifyHealth(settings, { http, log: host.log, sleep, now: Date.now });
      // Summary first: on the runner it waits for @actions/core (loaded after the first request,
      // runner-host.ts), so the outputs and verdict below go through the toolkit.
      await host.writeSummary(renderHealthSummary(report));
      for (const [name, value] of Object.entries(healthOutputs(report))) host.setOutput(name, value);
      if (settings.incidents) await updateIncidents(host, settings, report, http);
      if (!report.healthy) {
        const why = report.failed.length ? `failed: ${report.failed.join(', ')}` : 'the SLO window did not hold';
        const message = `health-check: unhealthy (${why})${report.unreachable ? '; the host was unreachable from the runner' : ''}`;
        if (settings.failOnUnhealthy) host.fail(message);
        else host.log.warn(message);
        // Then each failed check as an error annotation of its own (the redacting host caps them at ten).
        for (const check of report.checks.filter((c) => !c.passed))
          host.log.error(`health-check: ${check.name} failed: ${check.reason ?? 'failed'}`);
      }
      return outcome(settings, report);
    } finally {
      await http.close();
    }
  },
};

async function updateIncidents(
  host: ActionHost,
  settings: HealthInputs,
  report: HealthReport,
  http: HttpClient,
): Promise<void> {
  const incidents = settings.incidents!;
  const actions: IncidentAction[] = await host.log.group('Incident issues', async () => {
    const context = {
      http,
      headers: settings.headers,
      headerOrigins: settings.headerOrigins,
      requestTimeoutMs: settings.requestTimeoutMs,
      maxBodyBytes: settings.maxBodyBytes,
      waitingForDeploy: false,
      elapsed: () => 0,
    };
    const statuses = await confirmedStatuses(report, settings.checks, context, settings.intervalMs, sleep);
    return fileIncidentIssues(host, http, incidents, settings.environment, statuses);
  });
  host.setOutput('incidents', JSON.stringify(actions));
}

function outcome(settings: HealthInputs, report: HealthReport): RunOutcome {
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

/**
 * The action on the runner (and under `@github/local-action`): the bundle's entry calls this.
 * @actions/core is loaded once the first request has left, for the 150 ms start-up budget.
 */
export async function run(): Promise<void> {
  await runOnRunner(definition, 'after-first-request');
}
