import { randomBytes } from 'node:crypto';
import { header } from '../http-headers.js';
import type { ExposedEvidence, ExposedProbe, FetchedResponse } from '../types.js';
import { describeFailure, type Fetcher } from './fetcher.js';
import { mapLimit } from './pool.js';

/**
 * A path is exposed only when its body looks like the real file: many hosts answer 200 with the
 * app's HTML for every path, and status alone would report each of them.
 */
type Signature = (body: string, response: FetchedResponse) => string | undefined;

const looksLikeHtml = (body: string, response: FetchedResponse): boolean =>
  /text\/html/i.test(header(response.headers, 'content-type') ?? '') || /^\s*</.test(body);

const envFile: Signature = (body, response) =>
  !looksLikeHtml(body, response) && /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/m.test(body) ? 'looks like an environment file (KEY=value lines)' : undefined;

export const BUILTIN_PATHS: readonly { path: string; signature: Signature }[] = [
  { path: '/.env', signature: envFile },
  { path: '/.env.local', signature: envFile },
  { path: '/.env.production', signature: envFile },
  { path: '/.git/config', signature: (body) => (/^\s*\[core\]/m.test(body) ? 'a Git repository config ([core] section)' : undefined) },
  { path: '/.git/HEAD', signature: (body) => (/^ref: refs\//.test(body) ? 'the Git HEAD of the repository' : undefined) },
  { path: '/.DS_Store', signature: (body) => (body.includes('Bud1') ? 'macOS folder metadata listing file names' : undefined) },
  { path: '/.npmrc', signature: (body, r) => (!looksLikeHtml(body, r) && /_authToken|registry\s*=/.test(body) ? 'an npm config, possibly with a registry token' : undefined) },
  { path: '/.aws/credentials', signature: (body) => (/aws_access_key_id/i.test(body) ? 'AWS credentials' : undefined) },
  { path: '/.htpasswd', signature: (body, r) => (!looksLikeHtml(body, r) && /^[^:\s]+:\S{8,}$/m.test(body) ? 'password hashes' : undefined) },
  { path: '/server-status', signature: (body) => (/Apache Server Status/i.test(body) ? 'the Apache status page' : undefined) },
];

const sourceMap: Signature = (body) => {
  try {
    const map = JSON.parse(body) as { mappings?: unknown; sources?: unknown[] };
    if (typeof map.mappings === 'string' && Array.isArray(map.sources)) return `a JavaScript source map (${map.sources.length} sources)`;
  } catch {
    // Not JSON: not a source map.
  }
  return undefined;
};

/** Same-origin scripts of the scanned pages; their `.map` twins are probed. */
const MAX_SCRIPTS_PER_ORIGIN = 5;

export function scriptSources(pages: readonly FetchedResponse[], origin: string): string[] {
  const found = new Set<string>();
  for (const page of pages) {
    for (const match of page.body.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)) {
      let src: URL;
      try {
        src = new URL(match[1], page.url);
      } catch {
        continue;
      }
      if (src.origin === origin && /\.m?js$/i.test(src.pathname)) found.add(src.pathname);
    }
  }
  return [...found].slice(0, MAX_SCRIPTS_PER_ORIGIN);
}

/** The app's answer for a path that cannot exist: a 200 here means "soft 404" pages. */
async function notFoundBaseline(fetcher: Fetcher, origin: string): Promise<string | undefined> {
  try {
    const response = await fetcher.get(`${origin}/threadr-ops-${randomBytes(6).toString('hex')}-not-found`, {}, 'GET', false);
    return response.status >= 200 && response.status < 300 ? response.body : undefined;
  } catch {
    return undefined;
  }
}

export async function probeExposed(fetcher: Fetcher, origin: string, pages: readonly FetchedResponse[], extraPaths: readonly string[]): Promise<ExposedEvidence> {
  const baseline = extraPaths.length ? await notFoundBaseline(fetcher, origin) : undefined;
  const differsFromNotFound: Signature = (body) =>
    body === baseline ? undefined : 'content that differs from the site’s not-found answer';
  const targets = [
    ...BUILTIN_PATHS,
    ...scriptSources(pages, origin).map((path) => ({ path: `${path}.map`, signature: sourceMap })),
    ...extraPaths.filter((p) => !BUILTIN_PATHS.some((b) => b.path === p)).map((path) => ({ path, signature: differsFromNotFound })),
  ];
  const probes = await mapLimit(targets, 4, async ({ path, signature }): Promise<ExposedProbe> => {
    const url = `${origin}${path}`;
    try {
      const response = await fetcher.get(url, {}, 'GET', false);
      const ok = response.status >= 200 && response.status < 300;
      return { path, url, status: response.status, exposedBecause: ok ? signature(response.body, response) : undefined };
    } catch (error) {
      return { path, url, error: describeFailure(error).message };
    }
  });
  return { origin, probes };
}
