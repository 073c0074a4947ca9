import { formatDuration } from '../core/duration.js';
import { FAIL, heading, PASS, table } from '../core/markdown.js';
import { percentile } from '../core/percentile.js';
import type { HealthReport } from '../health/verify.js';

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${Math.round(value * 10) / 10}ms`;
}

/** Verdict first, then a table per check, then the SLO window (none in readiness mode). */
export function renderHealthSummary(report: HealthReport): string {
  const total = report.checks.length;
  const verdict = report.healthy
    ? `${PASS} Healthy: ${total} check(s) passed`
    : report.failed.length
      ? `${FAIL} Unhealthy: ${report.failed.length} of ${total} check(s) failed (${report.failed.join(', ')})`
      : `${FAIL} Unhealthy: every check passed but the SLO window did not hold`;
  const lines = [heading(2, `Health check — ${verdict}`)];
  if (report.unreachable) {
    lines.push(
      '',
      `> ${'⚠️'} Every failure happened before any HTTP exchange (connection refused, DNS or TLS): the runner could not reach the host. That is not evidence that the deployment is broken.`,
    );
  }
  const rows = report.checks.map((check) => {
    const latencies = check.attempts.filter((a) => a.latencyMs !== undefined).map((a) => a.latencyMs!);
    const last = check.attempts[check.attempts.length - 1];
    return [
      check.name,
      check.passed ? `${PASS} pass` : `${FAIL} fail`,
      last?.status ?? last?.failure?.kind ?? '–',
      ms(percentile(latencies, 50)),
      ms(percentile(latencies, 95)),
      check.attempts.length,
      check.reason ?? '',
    ];
  });
  lines.push('', table(['Check', 'Result', 'Last status', 'p50', 'p95', 'Attempts', 'Why it failed'], rows));
  if (report.slo) {
    const w = report.window;
    const windowLabel =
      w.durationMs > 0
        ? `${formatDuration(w.durationMs)} window, ${w.samples} samples`
        : `last attempt of each check, ${w.samples} samples`;
    lines.push(
      '',
      heading(3, `SLO (${windowLabel})`),
      '',
      table(
        ['Objective', 'Observed', 'Limit', ''],
        [
          [
            'Error rate',
            `${report.slo.errorRate.observed}%`,
            `≤ ${report.slo.errorRate.limit}%`,
            report.slo.errorRate.ok ? PASS : FAIL,
          ],
          ['p95 latency', ms(report.slo.p95.observed), `≤ ${report.slo.p95.limit}ms`, report.slo.p95.ok ? PASS : FAIL],
        ],
      ),
    );
  }
  lines.push('');
  return lines.join('\n');
}
