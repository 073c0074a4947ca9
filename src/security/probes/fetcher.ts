import { listedIn } from '../../core/allowed-hosts.js';
import { errorText } from '../../core/errors.js';
import { BodyTooLargeError, HttpClient, NetworkError, type HttpResponse } from '../../core/http.js';
import type { FetchedResponse } from '../types.js';

/**
 * The scan's view of HTTP: one request, no redirect followed (undici's request never follows
 * them), and the user's headers sent only to the origins being scanned, so a protection-bypass
 * secret never travels to a host a redirect points at.
 */
export class Fetcher {
  constructor(
    private readonly http: HttpClient,
    private readonly headers: Record<string, string>,
    private readonly scannedOrigins: ReadonlySet<string>,
    private readonly allowedHosts: readonly string[] = [],
  ) {}

  /**
   * Whether a redirect may be followed: only within the scanned origins and `allowed-hosts`. A
   * scan sends probes a third party never agreed to, and a redirect is the server's choice, not
   * the user's; so elsewhere is recorded (where it points) and not requested.
   */
  mayFollow(url: string): boolean {
    const target = new URL(url);
    return this.scannedOrigins.has(target.origin) || listedIn(target, this.allowedHosts);
  }

  async get(
    url: string,
    extra: Record<string, string> = {},
    method: 'GET' | 'OPTIONS' = 'GET',
    retry = true,
  ): Promise<FetchedResponse> {
    const own = this.scannedOrigins.has(new URL(url).origin) ? this.headers : {};
    const response: HttpResponse = await this.http.request({
      url,
      method,
      headers: { ...own, ...extra },
      // Transient 5xx get one more try; a 429 is an answer worth reporting, not retrying.
      retry: retry ? { attempts: 2, retryStatuses: [502, 503, 504] } : false,
    });
    return { url, status: response.status, headers: response.headers, body: response.body };
  }
}

export function describeFetchFailure(error: unknown): { message: string; tls: boolean } {
  if (error instanceof NetworkError) return { message: error.message, tls: error.kind === 'tls' };
  if (error instanceof BodyTooLargeError)
    return { message: `${error.message} (raise max-body-size if this is expected)`, tls: false };
  return { message: errorText(error), tls: false };
}
