import type { CheckStatus } from '../incidents/tracker.js';
import type { CheckSpec } from './checks.js';
import { probe, type ProbeContext } from './probe.js';
import type { HealthReport } from './verify.js';

/**
 * The state of each check as incident tracking should see it. A check that failed on its only
 * attempt (a verdict such as a 404) is probed once more after `intervalMs`: one blip pages no one.
 */
export async function confirmedStatuses(
  report: HealthReport,
  checks: CheckSpec[],
  context: ProbeContext,
  intervalMs: number,
  sleep: (ms: number) => Promise<void>,
): Promise<CheckStatus[]> {
  const unconfirmed = report.checks.filter((result) => !result.passed && result.attempts.length < 2);
  if (unconfirmed.length > 0) await sleep(intervalMs);
  return Promise.all(
    report.checks.map(async (result, index): Promise<CheckStatus> => {
      const base = { name: result.name, url: result.url };
      if (result.passed) return { ...base, down: false };
      if (result.attempts.length >= 2) return { ...base, down: true, reason: result.reason };
      const second = await probe(checks[index], context);
      return second.ok
        ? { ...base, down: false }
        : { ...base, down: true, reason: second.failure?.reason ?? result.reason };
    }),
  );
}
