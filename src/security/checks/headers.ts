import { decodeEntities, header, hstsMaxAge, parseCsp } from '../http-headers.js';
import type { Check, FetchedResponse } from '../types.js';
import { fail, info, notApplicable, pass, perPage } from './per-page.js';

/** 180 days: the floor below which browsers' HSTS memory lapses between visits of occasional users. */
export const HSTS_MIN_SECONDS = 180 * 24 * 60 * 60;

const hsts: Check = {
  id: 'hsts',
  group: 'headers',
  severity: 'medium',
  title: 'Strict-Transport-Security with max-age of at least 180 days',
  fix: 'Send Strict-Transport-Security: max-age=31536000; includeSubDomains on every HTTPS response.',
  nextjsFix:
    "Vercel sends HSTS itself on its domains; elsewhere add Strict-Transport-Security: max-age=31536000; includeSubDomains in next.config's headers().",
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page', 'api'], (response) => {
      // One cause, one finding: plain HTTP is reported once, by https-redirect.
      if (!response.url.startsWith('https:'))
        return notApplicable('served over plain HTTP (see https-redirect); HSTS only counts over HTTPS');
      const value = header(response.headers, 'strict-transport-security');
      if (value === undefined) return fail('no Strict-Transport-Security header');
      const maxAge = hstsMaxAge(value);
      if (maxAge === undefined) return fail(`Strict-Transport-Security has no valid max-age: '${value}'`);
      if (maxAge < HSTS_MIN_SECONDS) return fail(`max-age=${maxAge} is below ${HSTS_MIN_SECONDS} (180 days)`);
      return pass(`max-age=${maxAge}`);
    }),
};

/** Sources that let any host (or any host of a scheme) serve script. */
const WILDCARD_SOURCES = new Set(['*', 'http:', 'https:', 'data:', 'blob:']);

/**
 * The policy a browser enforces on the page: the header, else a `<meta http-equiv>` tag. A meta
 * policy is enforced too, but only for what follows it in the document, and browsers ignore
 * frame-ancestors, report-uri and sandbox in it.
 */
export interface PagePolicy {
  source: 'header' | 'meta';
  value: string;
}

export const META_IGNORED_DIRECTIVES = ['frame-ancestors', 'report-uri', 'sandbox'] as const;

export function metaCsp(body: string): string | undefined {
  for (const match of body.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = match[0];
    if (!/\bhttp-equiv\s*=\s*["']?content-security-policy["'\s/>]/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    if (content) return decodeEntities(content[1] ?? content[2] ?? '');
  }
  return undefined;
}

/** Script elements that precede the CSP <meta> tag, which the policy does not govern. */
function scriptsBeforeMeta(body: string): number {
  const meta = /<meta\b[^>]*http-equiv\s*=\s*["']?content-security-policy/i.exec(body);
  return meta ? (body.slice(0, meta.index).match(/<script\b/gi) ?? []).length : 0;
}

export function pagePolicy(response: FetchedResponse): PagePolicy | undefined {
  const value = header(response.headers, 'content-security-policy');
  if (value !== undefined) return { source: 'header', value };
  const isHtml = /text\/html/i.test(header(response.headers, 'content-type') ?? '');
  const meta = isHtml ? metaCsp(response.body) : undefined;
  return meta !== undefined ? { source: 'meta', value: meta } : undefined;
}

const csp: Check = {
  id: 'csp',
  group: 'headers',
  severity: 'medium',
  title: "Content-Security-Policy without 'unsafe-inline' scripts or wildcard sources",
  fix: "Send a Content-Security-Policy whose script-src lists your own origins with nonces or hashes, no 'unsafe-inline' and no '*'.",
  nextjsFix:
    "Generate a nonce per request in proxy.ts (middleware.ts before Next 16) and send Content-Security-Policy with script-src 'self' 'nonce-…' 'strict-dynamic' (Next adds the nonce to its scripts; the pages render dynamically); a static policy goes in next.config's headers().",
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page'], (response) => {
      const policy = pagePolicy(response);
      if (policy === undefined) {
        const reportOnly = header(response.headers, 'content-security-policy-report-only');
        return fail(
          reportOnly
            ? 'only Content-Security-Policy-Report-Only is set, which enforces nothing'
            : 'no Content-Security-Policy header or <meta> tag',
        );
      }
      const directives = parseCsp(policy.value);
      const from = policy.source === 'meta' ? ' (in a <meta> tag)' : '';
      const directive = directives.has('script-src')
        ? 'script-src'
        : directives.has('default-src')
          ? 'default-src'
          : undefined;
      if (!directive)
        return fail(`neither script-src nor default-src is set${from}, so scripts may load from anywhere`);
      const sources = directives.get(directive)!;
      const problems: string[] = [];
      // A nonce or hash makes CSP2+ browsers ignore 'unsafe-inline' (kept only for old browsers).
      const hasNonceOrHash = sources.some((s) => /^'(nonce-|sha256-|sha384-|sha512-)/i.test(s));
      if (sources.some((s) => s.toLowerCase() === "'unsafe-inline'") && !hasNonceOrHash)
        problems.push(`${directive} allows 'unsafe-inline'`);
      const wild = sources.filter((s) => WILDCARD_SOURCES.has(s.toLowerCase()));
      if (wild.length) problems.push(`${directive} allows wildcard source ${wild.join(' ')}`);
      if (problems.length) return fail(problems.join('; ') + from);
      if (policy.source === 'header') return pass(`${directive} ${sources.join(' ')}`);
      // Next.js writes its <script src> tags into <head> before a <meta> from the layout.
      const before = scriptsBeforeMeta(response.body);
      return pass(
        `${directive} ${sources.join(' ')} from a <meta> tag: enforced, but only for what follows the tag${before ? ` (${before} script tag(s) come before it)` : ''}, and it cannot set ${META_IGNORED_DIRECTIVES.join(', ')} (send the policy as a header for those)`,
      );
    }),
};

const contentTypeOptions: Check = {
  id: 'x-content-type-options',
  group: 'headers',
  severity: 'low',
  title: 'X-Content-Type-Options: nosniff',
  fix: 'Send X-Content-Type-Options: nosniff on every response.',
  nextjsFix: "Add X-Content-Type-Options: nosniff for source '/:path*' in next.config's headers().",
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page', 'api'], (response) => {
      const value = header(response.headers, 'x-content-type-options');
      if (value === undefined) return fail('no X-Content-Type-Options header');
      return value.trim().toLowerCase() === 'nosniff'
        ? pass('nosniff')
        : fail(`X-Content-Type-Options is '${value}', not 'nosniff'`);
    }),
};

const frameProtection: Check = {
  id: 'frame-protection',
  group: 'headers',
  severity: 'medium',
  title: 'Framing restricted by CSP frame-ancestors or X-Frame-Options',
  fix: "Add frame-ancestors 'self' (or 'none') to the Content-Security-Policy header, or send X-Frame-Options: DENY.",
  nextjsFix:
    "Send Content-Security-Policy: frame-ancestors 'none' (or X-Frame-Options: DENY) from next.config's headers(); a <meta> CSP cannot set frame-ancestors.",
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page'], (response) => {
      const policy = pagePolicy(response);
      const ancestors = policy?.source === 'header' ? parseCsp(policy.value).get('frame-ancestors') : undefined;
      if (ancestors) {
        const wild = ancestors.filter((s) => WILDCARD_SOURCES.has(s.toLowerCase()));
        if (wild.length) return fail(`frame-ancestors allows ${wild.join(' ')}`);
        return pass(`frame-ancestors ${ancestors.join(' ')}`);
      }
      const xfo = header(response.headers, 'x-frame-options');
      if (xfo && /^(deny|sameorigin)$/i.test(xfo.trim())) return pass(`X-Frame-Options: ${xfo}`);
      if (xfo) return fail(`X-Frame-Options is '${xfo}'; only DENY and SAMEORIGIN are understood by browsers`);
      // Browsers ignore frame-ancestors in a meta policy: it must come in the header.
      if (policy?.source === 'meta') {
        const inMeta = parseCsp(policy.value).has('frame-ancestors');
        return fail(
          `the Content-Security-Policy is in a <meta> tag, which cannot set frame-ancestors${inMeta ? ' (browsers ignore the one it has)' : ''}, and X-Frame-Options is not set: any site can frame the page`,
        );
      }
      return fail('neither CSP frame-ancestors nor X-Frame-Options is set: any site can frame the page');
    }),
};

/** Policies that send the full URL to other origins. */
const LEAKY_REFERRER = new Set(['unsafe-url', 'no-referrer-when-downgrade']);

const referrerPolicy: Check = {
  id: 'referrer-policy',
  group: 'headers',
  severity: 'low',
  title: 'Referrer-Policy that does not leak full URLs',
  fix: 'Send Referrer-Policy: strict-origin-when-cross-origin (or no-referrer).',
  nextjsFix: "Add Referrer-Policy: strict-origin-when-cross-origin (or no-referrer) in next.config's headers().",
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page'], (response) => {
      const value = header(response.headers, 'referrer-policy');
      // Browsers default to strict-origin-when-cross-origin, which leaks no path: worth knowing, not a weakness.
      if (value === undefined)
        return info(
          'no Referrer-Policy header; browsers default to strict-origin-when-cross-origin, which sends other sites the origin only',
        );
      // The last recognised token wins in browsers.
      const last =
        value
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean)
          .pop() ?? '';
      if (LEAKY_REFERRER.has(last)) return fail(`Referrer-Policy '${last}' sends full URLs to other origins`);
      return pass(value);
    }),
};

const permissionsPolicy: Check = {
  id: 'permissions-policy',
  group: 'headers',
  severity: 'low',
  title: 'Permissions-Policy set',
  fix: 'Send a Permissions-Policy that turns off what the app does not use, e.g. camera=(), microphone=(), geolocation=().',
  nextjsFix:
    "Add Permissions-Policy: camera=(), microphone=(), geolocation=() (what the app does not use) in next.config's headers().",
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page'], (response) => {
      const value = header(response.headers, 'permissions-policy');
      return value === undefined ? fail('no Permissions-Policy header') : pass(value);
    }),
};

/** A version number: `nginx/1.25.3`, `Express 4.18`, `PHP/8.2.1`. */
const VERSION = /\d+\.\d+/;

/**
 * A version in Server is the disclosure; a product name there is common and harmless (`Vercel`).
 * X-Powered-By exists only to advertise the framework, so any value is a (low) disclosure.
 */
const serverDisclosure: Check = {
  id: 'server-disclosure',
  group: 'headers',
  severity: 'low',
  title: 'No X-Powered-By, and no software version in Server',
  fix: 'Remove X-Powered-By (Express: app.disable("x-powered-by")) and strip the version from Server.',
  nextjsFix:
    'Set poweredByHeader: false in next.config to drop X-Powered-By: Next.js; strip any version from Server at the proxy.',
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page', 'api'], (response) => {
      const leaks: string[] = [];
      for (const name of ['server', 'x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version']) {
        const value = header(response.headers, name);
        if (value !== undefined && (name !== 'server' || VERSION.test(value))) leaks.push(`${name}: ${value}`);
      }
      return leaks.length
        ? fail(`software disclosed in ${leaks.join('; ')}`)
        : pass('no X-Powered-By, no version in Server');
    }),
};

export const headerChecks: readonly Check[] = [
  hsts,
  csp,
  contentTypeOptions,
  frameProtection,
  referrerPolicy,
  permissionsPolicy,
  serverDisclosure,
];
