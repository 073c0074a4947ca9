import { header } from '../http-headers.js';
import type { CorsEvidence, CorsResponse } from '../types.js';
import { describeFetchFailure, type Fetcher } from './fetcher.js';

/** An origin nobody owns (.invalid is reserved), so a reflection cannot be a real allow-list entry. */
export const FOREIGN_ORIGIN = 'https://threadr-ops-cors-probe.invalid';

/** A simple GET and a preflight, both from the foreign origin. */
export async function probeCors(fetcher: Fetcher, url: string): Promise<CorsEvidence> {
  const responses: CorsResponse[] = [];
  const errors: string[] = [];
  const attempts: [CorsResponse['method'], Record<string, string>][] = [
    ['GET', { origin: FOREIGN_ORIGIN }],
    [
      'OPTIONS',
      {
        origin: FOREIGN_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    ],
  ];
  for (const [method, headers] of attempts) {
    try {
      const response = await fetcher.get(url, headers, method);
      responses.push({
        method,
        status: response.status,
        allowOrigin: header(response.headers, 'access-control-allow-origin'),
        allowCredentials: header(response.headers, 'access-control-allow-credentials'),
      });
    } catch (error) {
      errors.push(`${method}: ${describeFetchFailure(error).message}`);
    }
  }
  return { url, foreignOrigin: FOREIGN_ORIGIN, responses, error: errors.length ? errors.join('; ') : undefined };
}
