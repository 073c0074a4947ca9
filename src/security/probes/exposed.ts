import { randomBytes } from 'node:crypto';
import { decodeEntities, header } from '../http-headers.js';
import type { ExposedEvidence, ExposedProbe, FetchedResponse } from '../types.js';
import { describeFetchFailure, type Fetcher } from './fetcher.js';
import { mapLimit } from '../../core/concurrency.js';

/**
 * A path is exposed only when its body looks like the real file: many hosts answer 200 with the
 * app's HTML for every path, and status alone would report each of them.
 */
type Signature = (body: string, response: FetchedResponse) => string | undefined;

const looksLikeHtml = (body: string, response: FetchedResponse): boolean =>
  /text\/html/i.test(header(response.headers, 'content-type') ?? '') || /^\s*</.test(body);

const envFile: Signature = (body, response) =>
  !looksLikeHtml(body, response) && /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/m.test(body)
    ? 'looks like an environment file (KEY=value lines)'
    : undefined;

export const BUILTIN_PATHS: readonly { path: string; signature: Signature }[] = [
  { path: '/.env', signature: envFile },
  { path: '/.env.local', signature: envFile },
  { path: '/.env.production', signature: envFile },
  {
    path: '/.git/config',
    signature: (body) => (/^\s*\[core\]/m.test(body) ? 'a Git repository config ([core] section)' : undefined),
  },
  {
    path: '/.git/HEAD',
    signature: (body) => (/^ref: refs\//.test(body) ? 'the Git HEAD of the repository' : undefined),
  },
  {
    path: '/.DS_Store',
    signature: (body) => (body.includes('Bud1') ? 'macOS folder metadata listing file names' : undefined),
  },
  {
    path: '/.npmrc',
    signature: (body, r) =>
      !looksLikeHtml(body, r) && /_authToken|registry\s*=/.test(body)
        ? 'an npm config, possibly with a registry token'
        : undefined,
  },
  { path: '/.aws/credentials', signature: (body) => (/aws_access_key_id/i.test(body) ? 'AWS credentials' : undefined) },
  {
    path: '/.htpasswd',
    signature: (body, r) => (!looksLikeHtml(body, r) && /^[^:\s]+:\S{8,}$/m.test(body) ? 'password hashes' : undefined),
  },
  {
    path: '/server-status',
    signature: (body) => (/Apache Server Status/i.test(body) ? 'the Apache status page' : undefined),
  },
];

/**
 * Source maps are read in part (a Range request): the start says what the file is, and a map of
 * a big bundle (Turbopack's run past 1 MB) must not trip the scan's body cap. Servers that ignore
 * Range send the whole map, which is parsed in full.
 */
export const SOURCE_MAP_RANGE = 'bytes=0-65535';

export const sourceMap: Signature = (body, response) => {
  const total = /\/(\d+)\s*$/.exec(header(response.headers, 'content-range') ?? '')?.[1];
  const size = Number(total ?? Buffer.byteLength(body));
  const sizeText =
    size >= 1024 * 1024 ? `${(size / (1024 * 1024)).toFixed(1)} MiB` : `${Math.max(1, Math.round(size / 1024))} KiB`;
  // An XSSI guard `)]}'` may precede the JSON.
  const json = body.replace(/^\)\]\}'[^\n]*\n/, '');
  let map: { version?: unknown; mappings?: unknown; sources?: unknown[]; sourcesContent?: unknown[] } | undefined;
  try {
    map = JSON.parse(json) as typeof map;
  } catch {
    // Partial (206) or not JSON: judged by its start below.
  }
  if (map) {
    if (typeof map.mappings !== 'string' || !Array.isArray(map.sources)) return undefined;
    const withSource = Array.isArray(map.sourcesContent)
      ? map.sourcesContent.filter((c) => typeof c === 'string').length
      : 0;
    return `a JavaScript source map (${sizeText}, ${map.sources.length} sources${withSource ? `, ${withSource} with their full source text` : ''})`;
  }
  if (!/^\s*\{\s*"version"\s*:\s*3\s*,/.test(json) || !/"(sources|sections)"\s*:\s*\[/.test(json)) return undefined;
  const list = jsonArrayAfter(json, /"sources"\s*:\s*\[/);
  const count = list ? `, ${list.length} sources` : '';
  const content = /"sourcesContent"\s*:\s*\[\s*"/.test(json) ? ', with their full source text' : '';
  return `a JavaScript source map (${sizeText}${count}${content})`;
};

/** The JSON array that starts where `key` ends (`"sources": [`), or undefined when the text ends inside it. */
function jsonArrayAfter(text: string, key: RegExp): unknown[] | undefined {
  const match = key.exec(text);
  if (!match) return undefined;
  const start = match.index + match[0].length - 1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) {
      try {
        return JSON.parse(text.slice(start, i + 1)) as unknown[];
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Same-origin scripts of the scanned pages; each is read for the source map it references. A
 * Next.js page loads 6-10 chunks, and the app's own code may be in any of them.
 */
const MAX_SCRIPTS_PER_ORIGIN = 20;

export function scriptSources(pages: readonly FetchedResponse[], origin: string): string[] {
  const found = new Set<string>();
  for (const page of pages) {
    for (const match of page.body.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)) {
      let src: URL;
      try {
        src = new URL(decodeEntities(match[1]), page.url);
      } catch {
        continue;
      }
      if (src.origin === origin && /\.m?js$/i.test(src.pathname)) found.add(src.pathname + src.search);
    }
  }
  return [...found].slice(0, MAX_SCRIPTS_PER_ORIGIN);
}

/**
 * Where a script says its source map is: the SourceMap header (X-SourceMap, its older name), else
 * the last `//# sourceMappingURL=` comment (`//@` in old tools). Bundlers name maps as they like
 * (Turbopack's have their own hashes), so the reference is followed rather than guessed.
 */
export function sourceMapReference(script: FetchedResponse): string | undefined {
  const fromHeader = header(script.headers, 'sourcemap') ?? header(script.headers, 'x-sourcemap');
  if (fromHeader?.trim()) return fromHeader.trim();
  const matches = [...script.body.slice(-4096).matchAll(/\/\/[#@]\s*sourceMappingURL\s*=\s*(\S+)/g)];
  return matches.at(-1)?.[1];
}

interface MapTarget {
  path: string;
  url: string;
  referencedBy?: string;
  inline?: boolean;
}

/** The map of each script: the one it references, or `<script>.map` when it references none (hidden maps). */
async function sourceMapTargets(fetcher: Fetcher, origin: string, scripts: readonly string[]): Promise<MapTarget[]> {
  const targets = await mapLimit(scripts, 4, async (script): Promise<MapTarget> => {
    const scriptUrl = `${origin}${script}`;
    const guess = { path: `${script.replace(/\?.*$/, '')}.map`, url: `${origin}${script.replace(/\?.*$/, '')}.map` };
    let response: FetchedResponse;
    try {
      response = await fetcher.get(scriptUrl, {}, 'GET', false);
    } catch {
      return guess;
    }
    const reference = response.status >= 200 && response.status < 300 ? sourceMapReference(response) : undefined;
    if (!reference) return guess;
    if (/^data:/i.test(reference)) return { path: script, url: scriptUrl, referencedBy: scriptUrl, inline: true };
    let mapUrl: URL;
    try {
      mapUrl = new URL(reference, scriptUrl);
    } catch {
      return guess;
    }
    return { path: mapUrl.pathname, url: mapUrl.toString(), referencedBy: scriptUrl };
  });
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.url) && seen.add(t.url));
}

/** The app's answer for a path that cannot exist: a 200 here means "soft 404" pages. */
async function notFoundBaseline(fetcher: Fetcher, origin: string): Promise<string | undefined> {
  try {
    const response = await fetcher.get(
      `${origin}/threadr-ops-${randomBytes(6).toString('hex')}-not-found`,
      {},
      'GET',
      false,
    );
    return response.status >= 200 && response.status < 300 ? response.body : undefined;
  } catch {
    return undefined;
  }
}

export async function probeExposed(
  fetcher: Fetcher,
  origin: string,
  pages: readonly FetchedResponse[],
  extraPaths: readonly string[],
): Promise<ExposedEvidence> {
  const baseline = extraPaths.length ? await notFoundBaseline(fetcher, origin) : undefined;
  const differsFromNotFound: Signature = (body) =>
    body === baseline ? undefined : 'content that differs from the site’s not-found answer';
  const files = [
    ...BUILTIN_PATHS,
    ...extraPaths
      .filter((p) => !BUILTIN_PATHS.some((b) => b.path === p))
      .map((path) => ({ path, signature: differsFromNotFound })),
  ].map(({ path, signature }) => ({ path, url: `${origin}${path}`, signature, kind: 'file' as const }));
  const maps = (await sourceMapTargets(fetcher, origin, scriptSources(pages, origin))).map((t) => ({
    ...t,
    signature: sourceMap,
    kind: 'source-map' as const,
  }));
  const probes = await mapLimit([...files, ...maps], 4, async (target): Promise<ExposedProbe> => {
    const { path, url, kind } = target;
    const referencedBy = 'referencedBy' in target ? target.referencedBy : undefined;
    if ('inline' in target && target.inline) {
      return {
        path,
        url,
        kind,
        referencedBy,
        status: 200,
        exposedBecause: 'the script embeds its source map inline (a data: URL)',
      };
    }
    try {
      const response = await fetcher.get(url, kind === 'source-map' ? { range: SOURCE_MAP_RANGE } : {}, 'GET', false);
      const ok = response.status >= 200 && response.status < 300;
      return {
        path,
        url,
        kind,
        referencedBy,
        status: response.status,
        exposedBecause: ok ? target.signature(response.body, response) : undefined,
      };
    } catch (error) {
      return { path, url, kind, referencedBy, error: describeFetchFailure(error).message };
    }
  });
  return { origin, probes };
}
