import { header } from '../http-headers.js';
import type { RateLimitEvidence } from '../types.js';
import { describeFetchFailure, type Fetcher } from './fetcher.js';

/** Requests in flight at once: a burst, not a load test. */
const CONCURRENCY = 10;

/**
 * Sends at most `requests` GETs, `CONCURRENCY` at a time, and stops scheduling more as soon as
 * one is answered 429: the limiter has been seen, the rest would only add load.
 */
export async function probeRateLimit(fetcher: Fetcher, url: string, requests: number): Promise<RateLimitEvidence> {
  const evidence: RateLimitEvidence = { url, sent: 0, statuses: {}, errors: 0 };
  let next = 0;
  async function worker(): Promise<void> {
    while (next < requests && evidence.first429At === undefined) {
      const index = ++next;
      evidence.sent++;
      try {
        const response = await fetcher.get(url, {}, 'GET', false);
        evidence.statuses[response.status] = (evidence.statuses[response.status] ?? 0) + 1;
        if (response.status === 429 && evidence.first429At === undefined) {
          evidence.first429At = index;
          evidence.retryAfter = header(response.headers, 'retry-after');
        }
      } catch (error) {
        evidence.errors++;
        evidence.error = describeFetchFailure(error).message;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requests) }, worker));
  return evidence;
}
