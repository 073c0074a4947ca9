import { formatDuration } from '../core/duration.js';
import { DEFAULT_CHECK_BODY_BYTES, type HttpClient } from '../core/http.js';
import type { Logger } from '../core/host.js';
import { percentile } from '../core/percentile.js';
import type { CheckSpec } from './checks.js';
import { isUnreachable, probe, type Attempt, type ProbeContext } from './probe.js';
import type { VersionSource } from './version.js';

/** What every verification needs: the checks and how to probe them. */
export interface CheckSettings {
  checks: CheckSpec[];
  headers: Record<string, string>;
  /** Origins that get `headers`; unset: every check's (callers that build checks themselves). */
  headerOrigins?: readonly string[];
  expectVersion?: string;
  /** Where the version is read; default: the first of $.version, $.commit, $.sha. */
  versionSource?: VersionSource;
  /** Cap of each response body; DEFAULT_CHECK_BODY_BYTES when unset. */
  maxBodyBytes?: number;
  timeoutMs: number;
  intervalMs: number;
  requestTimeoutMs: number;
}

/**
 * Readiness: healthy once every check has passed (and answered the expected version). No SLO is
 * judged: a deployment that just came up is asked whether it is ready, not held to error-rate and
 * latency limits measured over a handful of first requests.
 */
export interface ReadinessSettings extends CheckSettings {
  mode: 'readiness';
}

/**
 * Window: every check passes, then all are probed for `verifyDurationMs` and the window's error
 * rate and p95 must hold. With `verifyDurationMs: 0` the window is the last attempt of each check.
 */
export interface WindowSettings extends CheckSettings {
  mode: 'window';
  verifyDurationMs: number;
  /** Percent, 0–100. */
  maxErrorRate: number;
  maxP95Ms: number;
}

export type HealthSettings = ReadinessSettings | WindowSettings;

export interface HealthCheckResult {
  name: string;
  url: string;
  passed: boolean;
  reason?: string;
  attempts: Attempt[];
}

export interface SloResult {
  observed: number | null;
  limit: number;
  ok: boolean;
}

export interface HealthReport {
  mode: HealthSettings['mode'];
  healthy: boolean;
  failed: string[];
  unreachable: boolean;
  durationMs: number;
  checks: HealthCheckResult[];
  window: {
    durationMs: number;
    samples: number;
    errors: number;
    errorRate: number;
    p50Ms: number | null;
    p95Ms: number | null;
  };
  /** The objectives judged; null in readiness mode, which judges none. */
  slo: { errorRate: SloResult; p95: SloResult } | null;
}

export interface VerifyDependencies {
  http: HttpClient;
  log: Logger;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** Attempts kept per check in the report: the first few and the latest, so a long wait stays readable. */
const KEPT_ATTEMPTS = 50;

/**
 * Waits until every check passes (each retried on transient failures until `timeoutMs`). In window
 * mode it then probes all of them every `intervalMs` for `verifyDurationMs` and judges that window.
 */
export async function verifyHealth(settings: HealthSettings, deps: VerifyDependencies): Promise<HealthReport> {
  const started = deps.now();
  const elapsed = () => deps.now() - started;
  const context: ProbeContext = {
    http: deps.http,
    headers: settings.headers,
    headerOrigins: settings.headerOrigins,
    requestTimeoutMs: settings.requestTimeoutMs,
    maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_CHECK_BODY_BYTES,
    expectVersion: settings.expectVersion,
    versionSource: settings.versionSource ?? {},
    waitingForDeploy: Boolean(settings.expectVersion),
    elapsed,
  };

  const progress = new Progress(deps, elapsed);
  const results = await deps.log.group(`Waiting for ${settings.checks.length} check(s) to pass`, () =>
    Promise.all(settings.checks.map((check) => waitForCheck(check, settings, context, deps, progress))),
  );
  for (const result of results) {
    deps.log.info(
      `${result.passed ? 'passed' : 'FAILED'}: ${result.name} after ${result.attempts.length} attempt(s)${result.reason ? ` — ${result.reason}` : ''}`,
    );
  }

  let windowSamples: Attempt[] = results.map((result) => result.attempts[result.attempts.length - 1]);
  let windowDuration = 0;
  if (settings.mode === 'window' && settings.verifyDurationMs > 0 && results.every((result) => result.passed)) {
    const windowStart = deps.now();
    windowSamples = await deps.log.group(`Probing for ${settings.verifyDurationMs}ms`, () =>
      probeWindow(settings, { ...context, waitingForDeploy: false }, deps, results),
    );
    windowDuration = deps.now() - windowStart;
  }

  const latencies = windowSamples.filter((a) => a.latencyMs !== undefined).map((a) => a.latencyMs!);
  const errors = windowSamples.filter((a) => !a.ok).length;
  const errorRate = windowSamples.length ? (errors / windowSamples.length) * 100 : 0;
  const p95 = percentile(latencies, 95) ?? null;
  const slo =
    settings.mode === 'window'
      ? {
          errorRate: {
            observed: round(errorRate),
            limit: settings.maxErrorRate,
            ok: errorRate <= settings.maxErrorRate,
          },
          p95: { observed: p95, limit: settings.maxP95Ms, ok: p95 === null || p95 <= settings.maxP95Ms },
        }
      : null;
  const failed = results.filter((result) => !result.passed).map((result) => result.name);
  const lastFailures = results
    .filter((result) => !result.passed)
    .map((result) => result.attempts[result.attempts.length - 1]);
  return {
    mode: settings.mode,
    healthy: failed.length === 0 && (slo === null || (slo.errorRate.ok && slo.p95.ok)),
    failed,
    unreachable: lastFailures.length > 0 && lastFailures.every(isUnreachable),
    durationMs: elapsed(),
    checks: results.map((result) => ({ ...result, attempts: keep(result.attempts) })),
    window: {
      durationMs: windowDuration,
      samples: windowSamples.length,
      errors,
      errorRate: round(errorRate),
      p50Ms: percentile(latencies, 50) ?? null,
      p95Ms: p95,
    },
    slo,
  };
}

/** How often a long wait says what is still failing: often enough that it is not silent, rarely enough to read. */
export const PROGRESS_EVERY_MS = 10_000;

/**
 * Says, at most every PROGRESS_EVERY_MS, which checks are still failing and why, so a two-minute
 * wait for a deployment is not two silent minutes in the log.
 */
class Progress {
  private readonly failing = new Map<string, string>();
  private lastPrinted: number | undefined;

  constructor(
    private readonly deps: VerifyDependencies,
    private readonly elapsed: () => number,
  ) {}

  update(check: string, failure: string | undefined): void {
    if (failure === undefined) this.failing.delete(check);
    else this.failing.set(check, failure);
    if (this.failing.size === 0) return;
    const now = this.elapsed();
    if (this.lastPrinted !== undefined && now - this.lastPrinted < PROGRESS_EVERY_MS) return;
    this.lastPrinted = now;
    const what = [...this.failing].map(([name, why]) => `${name} (${why})`).join('; ');
    this.deps.log.info(`still waiting after ${formatDuration(now)}: ${this.failing.size} check(s) failing: ${what}`);
  }
}

async function waitForCheck(
  check: CheckSpec,
  settings: HealthSettings,
  context: ProbeContext,
  deps: VerifyDependencies,
  progress: Progress,
): Promise<HealthCheckResult> {
  const attempts: Attempt[] = [];
  const deadline = settings.timeoutMs;
  for (;;) {
    const attempt = await probe(check, context);
    attempts.push(attempt);
    const base = { name: check.name, url: check.url.toString(), attempts };
    // Only a failure worth another try keeps the check "still failing" in the progress line.
    progress.update(check.name, attempt.failure?.transient ? attempt.failure.reason : undefined);
    if (attempt.ok) return { ...base, passed: true };
    const failure = attempt.failure!;
    if (!failure.transient) return { ...base, passed: false, reason: failure.reason };
    const remaining = deadline - context.elapsed();
    if (remaining <= 0) {
      return {
        ...base,
        passed: false,
        reason: `${failure.reason} (still failing after ${formatDuration(context.elapsed())}, timeout reached)`,
      };
    }
    deps.log.debug(`${check.name}: ${failure.reason}; retrying in ${Math.min(settings.intervalMs, remaining)}ms`);
    await deps.sleep(Math.min(settings.intervalMs, remaining));
  }
}

async function probeWindow(
  settings: WindowSettings,
  context: ProbeContext,
  deps: VerifyDependencies,
  results: HealthCheckResult[],
): Promise<Attempt[]> {
  const samples: Attempt[] = [];
  const end = deps.now() + settings.verifyDurationMs;
  while (deps.now() < end) {
    const round = await Promise.all(settings.checks.map((check) => probe(check, context)));
    round.forEach((attempt, index) => results[index].attempts.push(attempt));
    samples.push(...round);
    const failures = round.filter((attempt) => !attempt.ok).length;
    deps.log.info(`window: ${samples.length} samples, ${failures} failed in this round`);
    const remaining = end - deps.now();
    if (remaining > 0) await deps.sleep(Math.min(settings.intervalMs, remaining));
  }
  return samples;
}

function keep(attempts: Attempt[]): Attempt[] {
  if (attempts.length <= KEPT_ATTEMPTS) return attempts;
  return [...attempts.slice(0, 10), ...attempts.slice(-(KEPT_ATTEMPTS - 10))];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
