import { BodyTooLargeError, NetworkError, type HttpClient } from '../core/http.js';
import type { Sample, Target } from './analysis.js';

export interface ProbeSettings {
  baseline: URL;
  candidate: URL;
  /** Paths requested on both, in turn; empty: each URL as given. */
  paths: readonly string[];
  /** Sent to both targets (the user named both origins), e.g. a Vercel protection bypass. */
  headers: Record<string, string>;
  durationMs: number;
  /** Requests per second to each target. */
  rate: number;
  requestTimeoutMs: number;
  maxBodyBytes: number;
}

export interface ProbeDeps {
  http: HttpClient;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Called as each request ends, for progress logs. */
  onSample?: (sample: Sample) => void;
}

/**
 * Sends the same requests to baseline and candidate, interleaved: every 1/rate seconds a pair,
 * the second half an interval after the first, and the pair's order alternating, so that drift in
 * the network, the runner or the platform hits both alike and neither always goes first. An open
 * schedule (requests do not wait for earlier answers), so a slow target cannot lower its own load.
 * Every request ends by the last send plus the request timeout.
 */
export async function probeCanary(settings: ProbeSettings, deps: ProbeDeps): Promise<Sample[]> {
  const pairs = Math.max(1, Math.floor((settings.durationMs / 1000) * settings.rate));
  const interval = 1000 / settings.rate;
  const start = deps.now();
  const pending: Promise<Sample>[] = [];
  for (let i = 0; i < pairs; i++) {
    const path = settings.paths.length ? settings.paths[i % settings.paths.length] : undefined;
    const order: Target[] = i % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    for (const [half, target] of order.entries()) {
      const due = start + i * interval + half * (interval / 2);
      const wait = due - deps.now();
      if (wait > 0) await deps.sleep(wait);
      pending.push(
        one(settings, deps, target, path).then((sample) => {
          deps.onSample?.(sample);
          return sample;
        }),
      );
    }
  }
  return Promise.all(pending);
}

async function one(
  settings: ProbeSettings,
  deps: ProbeDeps,
  target: Target,
  path: string | undefined,
): Promise<Sample> {
  const base = target === 'baseline' ? settings.baseline : settings.candidate;
  const url = path === undefined ? base : new URL(path, base);
  const shown = path ?? base.pathname;
  try {
    const response = await deps.http.request({
      url,
      headers: settings.headers,
      timeoutMs: settings.requestTimeoutMs,
      retry: false,
      maxBodyBytes: settings.maxBodyBytes,
    });
    const ok = response.status >= 200 && response.status < 400;
    return {
      target,
      path: shown,
      latencyMs: response.latencyMs,
      status: response.status,
      ...(ok ? {} : { error: `HTTP ${response.status}` }),
    };
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { target, path: shown, latencyMs: error.latencyMs, error: 'body too large' };
    if (error instanceof NetworkError) return { target, path: shown, error: error.kind };
    throw error;
  }
}
