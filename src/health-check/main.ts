import type { ActionDefinition } from '../core/host.js';
import { HttpClient, sleep } from '../core/http.js';
import { getInputs } from './inputs.js';
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
    const http = new HttpClient({ timeoutMs: settings.requestTimeoutMs, userAgent: 'threadr-ops-health-check' });
    try {
      const report = await verifyHealth(settings, { http, log: host.log, sleep, now: Date.now });
      for (const [name, value] of Object.entries(healthOutputs(report))) host.setOutput(name, value);
      await host.writeSummary(renderHealthSummary(report));
      if (!report.healthy) {
        const why = report.failed.length ? `failed: ${report.failed.join(', ')}` : 'the SLO window did not hold';
        const message = `health-check: unhealthy (${why})${report.unreachable ? '; the host was unreachable from the runner' : ''}`;
        if (settings.failOnUnhealthy) host.fail(message);
        else host.log.warn(message);
      }
    } finally {
      await http.close();
    }
  },
};
