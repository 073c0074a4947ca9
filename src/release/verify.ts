import type { Logger } from '../core/host.js';
import type { HttpClient } from '../core/http.js';
import { checksFromUrls } from '../health/checks.js';
import { verifyHealth } from '../health/verify.js';
import type { Clock } from './clock.js';
import type { ComponentName } from './component.js';

/** healthy; unhealthy = it answered badly; unreachable = the runner could not reach it (not the app's fault). */
export type Verdict = 'healthy' | 'unhealthy' | 'unreachable' | 'skipped';

export interface VerifyResult {
  verdict: Verdict;
  url?: string;
  detail: string;
}

export interface VerifySettings {
  /** Per component: an absolute URL, or a path (`/health`) appended to the deployment's URL. */
  healthUrls: Partial<Record<ComponentName, string>>;
  headers: Record<string, string>;
  timeoutMs: number;
  intervalMs: number;
  requestTimeoutMs: number;
  /** Require the deployed commit SHA in each health response's JSON $.version, $.commit or $.sha. */
  expectVersion: boolean;
}

/** Readiness of one component, through the health domain's probe logic (src/health). */
export class Verifier {
  constructor(
    private readonly settings: VerifySettings,
    private readonly deps: { http: HttpClient; log: Logger; clock: Clock },
  ) {}

  configured(component: ComponentName): boolean {
    return Boolean(this.settings.healthUrls[component]);
  }

  resolve(component: ComponentName, deploymentUrl: string | null): string | null {
    const configured = this.settings.healthUrls[component];
    if (!configured) return null;
    if (!configured.startsWith('/')) return configured;
    return deploymentUrl ? new URL(configured, deploymentUrl).toString() : null;
  }

  async verify(component: ComponentName, deploymentUrl: string | null, sha: string | null): Promise<VerifyResult> {
    const url = this.resolve(component, deploymentUrl);
    if (!this.configured(component)) return { verdict: 'skipped', detail: `no ${component}-health-url given` };
    if (!url)
      return {
        verdict: 'skipped',
        detail: `the deployment has no URL to resolve ${this.settings.healthUrls[component]} against`,
      };
    const { log, clock, http } = this.deps;
    // verifyHealth opens its own log group; groups do not nest in the Actions log, so fold it into ours.
    const flatLog: Logger = { ...log, group: (title, work) => (log.info(title), work()) };
    const report = await verifyHealth(
      {
        checks: checksFromUrls([new URL(url)], [component]),
        headers: this.settings.headers,
        expectVersion: this.settings.expectVersion && sha ? sha : undefined,
        timeoutMs: this.settings.timeoutMs,
        intervalMs: this.settings.intervalMs,
        requestTimeoutMs: this.settings.requestTimeoutMs,
        // A deployment that just came up is asked whether it is ready, not held to an SLO.
        mode: 'readiness',
      },
      { http, log: flatLog, sleep: (ms) => clock.sleep(ms), now: () => clock.now() },
    );
    const reason = report.checks.find((check) => !check.passed)?.reason;
    if (report.healthy) return { verdict: 'healthy', url, detail: `${url} answered healthy` };
    if (report.unreachable)
      return { verdict: 'unreachable', url, detail: `the runner could not reach ${url}: ${reason ?? 'network error'}` };
    return { verdict: 'unhealthy', url, detail: `${url}: ${reason ?? 'unhealthy'}` };
  }
}
