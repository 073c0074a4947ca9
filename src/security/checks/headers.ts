import { header, hstsMaxAge, parseCsp } from '../http-headers.js';
import type { Check } from '../types.js';
import { fail, pass, perPage } from './per-page.js';

/** 180 days: the floor below which browsers' HSTS memory lapses between visits of occasional users. */
export const HSTS_MIN_SECONDS = 180 * 24 * 60 * 60;

const hsts: Check = {
  id: 'hsts',
  group: 'headers',
  severity: 'medium',
  title: 'Strict-Transport-Security with max-age of at least 180 days',
  fix: 'Send Strict-Transport-Security: max-age=31536000; includeSubDomains on every HTTPS response.',
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page', 'api'], (response) => {
      if (!response.url.startsWith('https:')) return fail('served over plain HTTP, where HSTS cannot be set');
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

const csp: Check = {
  id: 'csp',
  group: 'headers',
  severity: 'medium',
  title: "Content-Security-Policy without 'unsafe-inline' scripts or wildcard sources",
  fix: "Send a Content-Security-Policy whose script-src lists your own origins with nonces or hashes, no 'unsafe-inline' and no '*'.",
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page'], (response) => {
      const value = header(response.headers, 'content-security-policy');
      if (value === undefined) {
        const reportOnly = header(response.headers, 'content-security-policy-report-only');
        return fail(reportOnly ? 'only Content-Security-Policy-Report-Only is set, which enforces nothing' : 'no Content-Security-Policy header');
      }
      const directives = parseCsp(value);
      const directive = directives.has('script-src') ? 'script-src' : directives.has('default-src') ? 'default-src' : undefined;
      if (!directive) return fail('neither script-src nor default-src is set, so scripts may load from anywhere');
      const sources = directives.get(directive)!;
      const problems: string[] = [];
      // A nonce or hash makes CSP2+ browsers ignore 'unsafe-inline' (kept only for old browsers).
      const hasNonceOrHash = sources.some((s) => /^'(nonce-|sha256-|sha384-|sha512-)/i.test(s));
      if (sources.some((s) => s.toLowerCase() === "'unsafe-inline'") && !hasNonceOrHash) problems.push(`${directive} allows 'unsafe-inline'`);
      const wild = sources.filter((s) => WILDCARD_SOURCES.has(s.toLowerCase()));
      if (wild.length) problems.push(`${directive} allows wildcard source ${wild.join(' ')}`);
      return problems.length ? fail(problems.join('; ')) : pass(`${directive} ${sources.join(' ')}`);
    }),
};

const contentTypeOptions: Check = {
  id: 'x-content-type-options',
  group: 'headers',
  severity: 'low',
  title: 'X-Content-Type-Options: nosniff',
  fix: 'Send X-Content-Type-Options: nosniff on every response.',
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page', 'api'], (response) => {
      const value = header(response.headers, 'x-content-type-options');
      if (value === undefined) return fail('no X-Content-Type-Options header');
      return value.trim().toLowerCase() === 'nosniff' ? pass('nosniff') : fail(`X-Content-Type-Options is '${value}', not 'nosniff'`);
    }),
};

const frameProtection: Check = {
  id: 'frame-protection',
  group: 'headers',
  severity: 'medium',
  title: "Framing restricted by CSP frame-ancestors or X-Frame-Options",
  fix: "Add frame-ancestors 'self' (or 'none') to the Content-Security-Policy, or send X-Frame-Options: DENY.",
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page'], (response) => {
      const policy = header(response.headers, 'content-security-policy');
      const ancestors = policy ? parseCsp(policy).get('frame-ancestors') : undefined;
      if (ancestors) {
        const wild = ancestors.filter((s) => WILDCARD_SOURCES.has(s.toLowerCase()));
        if (wild.length) return fail(`frame-ancestors allows ${wild.join(' ')}`);
        return pass(`frame-ancestors ${ancestors.join(' ')}`);
      }
      const xfo = header(response.headers, 'x-frame-options');
      if (xfo && /^(deny|sameorigin)$/i.test(xfo.trim())) return pass(`X-Frame-Options: ${xfo}`);
      if (xfo) return fail(`X-Frame-Options is '${xfo}'; only DENY and SAMEORIGIN are understood by browsers`);
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
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page'], (response) => {
      const value = header(response.headers, 'referrer-policy');
      if (value === undefined) return fail('no Referrer-Policy header');
      // The last recognised token wins in browsers.
      const last = value.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean).pop() ?? '';
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
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page'], (response) => {
      const value = header(response.headers, 'permissions-policy');
      return value === undefined ? fail('no Permissions-Policy header') : pass(value);
    }),
};

/** A version number: `nginx/1.25.3`, `Express 4.18`, `PHP/8.2.1`. */
const VERSION = /\d+\.\d+/;

const serverDisclosure: Check = {
  id: 'server-disclosure',
  group: 'headers',
  severity: 'low',
  title: 'No software version in Server or X-Powered-By',
  fix: 'Remove X-Powered-By (Express: app.disable("x-powered-by")) and strip the version from Server.',
  needs: ['pages'],
  evaluate: (evidence) =>
    perPage(evidence, ['page', 'api'], (response) => {
      const leaks: string[] = [];
      for (const name of ['server', 'x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version']) {
        const value = header(response.headers, name);
        if (value !== undefined && VERSION.test(value)) leaks.push(`${name}: ${value}`);
      }
      return leaks.length ? fail(`version disclosed in ${leaks.join('; ')}`) : pass('no version in Server / X-Powered-By');
    }),
};

export const headerChecks: readonly Check[] = [hsts, csp, contentTypeOptions, frameProtection, referrerPolicy, permissionsPolicy, serverDisclosure];
