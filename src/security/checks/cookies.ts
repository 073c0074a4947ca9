import { headerList, parseSetCookie, type Cookie } from '../http-headers.js';
import type { Check, Evidence, CheckOutcome } from '../types.js';

/**
 * Names that usually hold a session or credential. CSRF tokens are left out on purpose: the
 * double-submit pattern needs script to read them.
 */
const SESSION_LIKE = /sess|^sid$|[-_.]sid$|token|auth|jwt|login|remember|^__host-|^__secure-/i;
const SCRIPT_READABLE_BY_DESIGN = /csrf|xsrf/i;

export function isSessionLike(name: string): boolean {
  return SESSION_LIKE.test(name) && !SCRIPT_READABLE_BY_DESIGN.test(name);
}

interface SetCookie {
  url: string;
  cookie: Cookie;
}

/** Every cookie set by any response of any scanned URL, redirects included. */
function cookiesSet(evidence: Evidence): SetCookie[] {
  const seen = new Set<string>();
  const all: SetCookie[] = [];
  for (const page of evidence.pages) {
    for (const response of page.responses) {
      for (const line of headerList(response.headers, 'set-cookie')) {
        const cookie = parseSetCookie(line);
        const key = `${response.url}\n${cookie.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        all.push({ url: response.url, cookie });
      }
    }
  }
  return all;
}

function perCookie(
  evidence: Evidence,
  filter: (c: Cookie) => boolean,
  judge: (set: SetCookie) => string | undefined,
  passText: string,
): CheckOutcome[] {
  const relevant = cookiesSet(evidence).filter((s) => filter(s.cookie));
  if (relevant.length === 0) {
    const url = evidence.pages[0]?.requested ?? '';
    return [{ status: 'not-applicable', url, message: 'no such cookie is set by the pages scanned' }];
  }
  return relevant.map((set) => {
    const problem = judge(set);
    return problem
      ? { status: 'fail', url: set.url, message: `cookie '${set.cookie.name}' ${problem}` }
      : { status: 'pass', url: set.url, message: `cookie '${set.cookie.name}' ${passText}` };
  });
}

const cookieSecure: Check = {
  id: 'cookie-secure',
  group: 'cookies',
  severity: 'medium',
  title: 'Cookies carry the Secure attribute',
  fix: 'Set every cookie with Secure (and serve the site over HTTPS only).',
  needs: ['pages'],
  evaluate: (evidence) =>
    perCookie(
      evidence,
      () => true,
      ({ url, cookie }) => {
        if (cookie.attributes.has('secure')) return undefined;
        return url.startsWith('http:') ? 'is set over plain HTTP without Secure' : 'has no Secure attribute';
      },
      'is Secure',
    ),
};

const cookieHttpOnly: Check = {
  id: 'cookie-httponly',
  group: 'cookies',
  severity: 'medium',
  title: 'Session-like cookies carry HttpOnly',
  fix: 'Set session and token cookies with HttpOnly so page scripts (and injected ones) cannot read them.',
  needs: ['pages'],
  evaluate: (evidence) =>
    perCookie(
      evidence,
      (cookie) => isSessionLike(cookie.name),
      ({ cookie }) =>
        cookie.attributes.has('httponly') ? undefined : 'looks like a session cookie but has no HttpOnly attribute',
      'is HttpOnly',
    ),
};

const cookieSameSite: Check = {
  id: 'cookie-samesite',
  group: 'cookies',
  severity: 'low',
  title: 'Cookies declare SameSite',
  fix: 'Set SameSite=Lax (or Strict) on cookies; SameSite=None only together with Secure, for cookies that must cross sites.',
  needs: ['pages'],
  evaluate: (evidence) =>
    perCookie(
      evidence,
      () => true,
      ({ cookie }) => {
        const value = cookie.attributes.get('samesite');
        if (value === undefined) return 'has no SameSite attribute';
        const lower = value.toLowerCase();
        if (!['lax', 'strict', 'none'].includes(lower)) return `has an unknown SameSite value '${value}'`;
        // Browsers reject SameSite=None cookies that are not Secure.
        if (lower === 'none' && !cookie.attributes.has('secure'))
          return 'has SameSite=None without Secure, which browsers reject';
        return undefined;
      },
      'declares SameSite',
    ),
};

export const cookieChecks: readonly Check[] = [cookieSecure, cookieHttpOnly, cookieSameSite];
