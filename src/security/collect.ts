import { header } from './http-headers.js';
import type { EvidenceKind, Evidence, FetchedResponse, TlsEvidence } from './types.js';
import { probeCors } from './probes/cors.js';
import { probeExposed } from './probes/exposed.js';
import type { Fetcher } from './probes/fetcher.js';
import { fetchPage, httpTwin, probeRedirect } from './probes/pages.js';
import { mapLimit } from '../core/concurrency.js';
import { probeRateLimit } from './probes/rate-limit.js';
import { probeTls } from './probes/tls.js';

export interface Targets {
  urls: readonly string[];
  apiUrl?: string;
  exposedPaths: readonly string[];
  rateLimit?: { url: string; requests: number };
  certMinDays: number;
}

export interface CollectDeps {
  fetcher: Fetcher;
  timeoutMs: number;
  log: { info(message: string): void };
  tlsProbe?: typeof probeTls;
}

/** Next.js says so in X-Powered-By (unless poweredByHeader is off), its x-nextjs-* headers, or its /_next/ asset paths. */
export function servedByNextjs(response: FetchedResponse): boolean {
  if (/next\.js/i.test(header(response.headers, 'x-powered-by') ?? '')) return true;
  if (Object.keys(response.headers).some((name) => name.toLowerCase().startsWith('x-nextjs-'))) return true;
  return /<script\b[^>]*\bsrc\s*=\s*["'][^"']*\/_next\/static\//i.test(response.body);
}

/** Fetches what the selected checks need, and nothing else. */
export async function collectEvidence(
  targets: Targets,
  needs: ReadonlySet<EvidenceKind>,
  deps: CollectDeps,
): Promise<Evidence> {
  const { fetcher, log } = deps;
  const evidence: Evidence = {
    pages: [],
    redirects: [],
    tls: [],
    exposed: [],
    certMinDays: targets.certMinDays,
    hasApi: targets.apiUrl !== undefined,
  };
  const scanned = [
    ...targets.urls.map((url) => ({ url, role: 'page' as const })),
    ...(targets.apiUrl ? [{ url: targets.apiUrl, role: 'api' as const }] : []),
  ];

  // Exposed-file probes read script tags from the pages, so they need the pages too.
  if (needs.has('pages') || needs.has('redirects') || needs.has('exposed')) {
    log.info(`Fetching ${scanned.length} URL(s)`);
    evidence.pages = await mapLimit(scanned, 4, ({ url, role }) => fetchPage(fetcher, url, role));
    if (evidence.pages.some((p) => p.final && servedByNextjs(p.final))) evidence.framework = 'nextjs';
  }

  if (needs.has('redirects')) {
    const twins = scanned
      .map(({ url }) => ({ target: url, httpUrl: httpTwin(url) }))
      .filter((t): t is { target: string; httpUrl: string } => t.httpUrl !== undefined);
    evidence.redirects = await mapLimit(twins, 4, ({ target, httpUrl }) => probeRedirect(fetcher, target, httpUrl));
  }

  if (needs.has('tls')) {
    const origins = new Map<string, { host: string; port: number }>();
    const candidates = [...scanned.map((s) => s.url), ...evidence.pages.flatMap((p) => p.chain.map((h) => h.url))];
    for (const candidate of candidates) {
      const url = new URL(candidate);
      if (url.protocol !== 'https:') continue;
      origins.set(url.origin, { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 443 });
    }
    log.info(`Reading TLS certificates of ${origins.size} origin(s)`);
    const probe = deps.tlsProbe ?? probeTls;
    evidence.tls = await mapLimit([...origins.values()], 2, ({ host, port }): Promise<TlsEvidence> =>
      probe(host, port, deps.timeoutMs),
    );
  }

  if (needs.has('cors') && targets.apiUrl) {
    log.info(`Probing CORS of ${targets.apiUrl}`);
    evidence.cors = await probeCors(fetcher, targets.apiUrl);
  }

  if (needs.has('exposed')) {
    const byOrigin = new Map<string, FetchedResponse[]>();
    for (const { url } of scanned) byOrigin.set(new URL(url).origin, []);
    for (const page of evidence.pages) {
      if (page.final) byOrigin.get(new URL(page.final.url).origin)?.push(page.final);
    }
    log.info(`Probing exposed files on ${byOrigin.size} origin(s)`);
    for (const [origin, pages] of byOrigin)
      evidence.exposed.push(await probeExposed(fetcher, origin, pages, targets.exposedPaths));
  }

  if (needs.has('rate-limit') && targets.rateLimit) {
    log.info(`Rate-limit probe: up to ${targets.rateLimit.requests} requests to ${targets.rateLimit.url}`);
    evidence.rateLimit = await probeRateLimit(fetcher, targets.rateLimit.url, targets.rateLimit.requests);
  }
  return evidence;
}
