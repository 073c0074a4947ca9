import {
  BodyTooLargeError,
  formatBytes,
  isNetworkFailure,
  NetworkError,
  type FailureKind,
  type HttpClient,
} from '../core/http.js';
import type { CheckSpec } from './checks.js';
import { jsonValueMatches, readJsonPath } from './json-path.js';
import { checkVersion, type VersionSource } from './version.js';

export type AttemptFailureKind = FailureKind | 'expectation' | 'version' | 'latency' | 'body-too-large';

/** One request of one check, judged. */
export interface Attempt {
  /** Milliseconds since the run started. */
  at: number;
  status?: number;
  latencyMs?: number;
  ok: boolean;
  failure?: { kind: AttemptFailureKind; reason: string; transient: boolean };
}

export interface ProbeContext {
  http: HttpClient;
  headers: Record<string, string>;
  /** Origins `headers` may go to; unset: any. */
  headerOrigins?: readonly string[];
  requestTimeoutMs: number;
  /** Cap of each response body. */
  maxBodyBytes?: number;
  expectVersion?: string;
  versionSource?: VersionSource;
  /**
   * Set while a new deployment may still be coming up (expect-version given): a 404, a wrong
   * version or an unexpected body are then worth another try, not a verdict.
   */
  waitingForDeploy: boolean;
  elapsed: () => number;
}

export async function probe(check: CheckSpec, context: ProbeContext): Promise<Attempt> {
  const at = context.elapsed();
  let response;
  try {
    response = await context.http.request({
      method: check.method,
      url: check.url,
      headers: { ...headersFor(check.url, context), ...check.headers },
      body: check.body,
      timeoutMs: context.requestTimeoutMs,
      maxBodyBytes: context.maxBodyBytes,
      retry: false,
    });
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      // The host answered: an endless or huge body is the app's fault, never "unreachable".
      const reason = `body larger than ${formatBytes(error.limitBytes)} (HTTP ${error.status}); reading stopped there (raise max-body-size if this is expected)`;
      return {
        at,
        status: error.status,
        latencyMs: round(error.latencyMs),
        ok: false,
        failure: { kind: 'body-too-large', reason, transient: false },
      };
    }
    if (!(error instanceof NetworkError)) throw error;
    return { at, ok: false, failure: { kind: error.kind, reason: error.message, transient: true } };
  }
  const status = response.status;
  const latencyMs = round(response.latencyMs);
  const fail = (kind: AttemptFailureKind, reason: string, transient: boolean): Attempt => ({
    at,
    status,
    latencyMs,
    ok: false,
    failure: { kind, reason, transient },
  });
  const waiting = context.waitingForDeploy;

  if (!check.expectStatus.matches(status)) {
    const reason = `HTTP ${status}, expected ${check.expectStatus.text}`;
    if (status >= 500 || status === 429 || status === 408) return fail('status', reason, true);
    if (status === 404 && waiting) return fail('status', `${reason} (retried while the new deployment comes up)`, true);
    return fail('status', reason, false);
  }
  if (check.expectBody) {
    const found = check.expectBody.regex
      ? check.expectBody.regex.test(response.body)
      : response.body.includes(check.expectBody.pattern);
    if (!found) return fail('expectation', `body does not contain ${check.expectBody.pattern}`, waiting);
  }
  if (check.expectJson) {
    let document: unknown;
    try {
      document = JSON.parse(response.body);
    } catch {
      return fail('expectation', 'body is not JSON, expected JSON for expect-json', waiting);
    }
    for (const [path, expected] of Object.entries(check.expectJson)) {
      const actual = readJsonPath(document, path);
      if (!jsonValueMatches(actual, expected)) {
        return fail(
          'expectation',
          `${path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
          waiting,
        );
      }
    }
  }
  if (context.expectVersion && check.checkVersion) {
    const verdict = checkVersion(response, context.expectVersion, context.versionSource ?? {});
    if (!verdict.ok) return fail('version', verdict.reason, true);
  }
  if (check.maxLatencyMs !== undefined && response.latencyMs > check.maxLatencyMs) {
    return fail('latency', `answered in ${latencyMs}ms, over max-latency ${check.maxLatencyMs}ms`, true);
  }
  return { at, status, latencyMs, ok: true };
}

function headersFor(url: URL, context: ProbeContext): Record<string, string> {
  return !context.headerOrigins || context.headerOrigins.includes(url.origin) ? context.headers : {};
}

export function isUnreachable(attempt: Attempt): boolean {
  const kind = attempt.failure?.kind;
  // A response timeout means the host answered the connection but not the request: that is the
  // host's fault, so only failures before any exchange count as "cannot reach".
  return kind !== undefined && kind !== 'timeout' && isNetworkKind(kind);
}

function isNetworkKind(kind: AttemptFailureKind): kind is FailureKind {
  return (
    kind !== 'expectation' &&
    kind !== 'version' &&
    kind !== 'latency' &&
    kind !== 'body-too-large' &&
    isNetworkFailure(kind as FailureKind)
  );
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
