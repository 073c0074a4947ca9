import { header } from '../http-headers.js';
import type { FetchedResponse, Hop, PageEvidence, RedirectProbe, TargetRole } from '../types.js';
import { BodyTooLargeError } from '../../core/http.js';
import { describeFetchFailure, type Fetcher } from './fetcher.js';

/** Enough for http→https→www→locale chains; more is a loop. */
const MAX_HOPS = 6;

/** Fetches a URL and follows its redirects by hand, keeping every hop for the checks. */
export async function fetchPage(fetcher: Fetcher, requested: string, role: TargetRole): Promise<PageEvidence> {
  const chain: Hop[] = [];
  const responses: FetchedResponse[] = [];
  let url = requested;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let response: FetchedResponse;
    try {
      response = await fetcher.get(url);
    } catch (error) {
      const failure = describeFetchFailure(error);
      if (error instanceof BodyTooLargeError) {
        // The host answered, with too much: a failed scan of this URL that says so, not "unreachable".
        chain.push({ url, status: error.status });
        return { requested, role, chain, responses, final: responses.at(-1), error: failure.message, tooLarge: true };
      }
      return {
        requested,
        role,
        chain,
        responses,
        final: responses.at(-1),
        error: failure.message,
        tlsError: failure.tls,
      };
    }
    const location = header(response.headers, 'location');
    chain.push({ url, status: response.status, location });
    responses.push(response);
    if (response.status < 300 || response.status >= 400 || !location)
      return { requested, role, chain, responses, final: response };
    const next = new URL(location, url).toString();
    if (!fetcher.mayFollow(next)) return { requested, role, chain, responses, final: response, notFollowed: next };
    url = next;
  }
  return { requested, role, chain, responses, final: responses.at(-1), error: `more than ${MAX_HOPS} redirects` };
}

/** An https target on port 443 has an http twin on port 80 that should redirect. */
export function httpTwin(target: string): string | undefined {
  const url = new URL(target);
  if (url.protocol !== 'https:' || url.port !== '') return undefined;
  url.protocol = 'http:';
  return url.toString();
}

export async function probeRedirect(fetcher: Fetcher, target: string, httpUrl: string): Promise<RedirectProbe> {
  try {
    const response = await fetcher.get(httpUrl, {}, 'GET', false);
    return {
      target,
      httpUrl,
      first: { url: httpUrl, status: response.status, location: header(response.headers, 'location') },
    };
  } catch (error) {
    return { target, httpUrl, error: describeFetchFailure(error).message };
  }
}
