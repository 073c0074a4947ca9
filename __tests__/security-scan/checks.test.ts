import { InputReader } from '../../src/core/inputs.js';
import { CHECKS } from '../../src/security/checks/index.js';
import { isSessionLike } from '../../src/security/checks/cookies.js';
import { HSTS_MIN_SECONDS } from '../../src/security/checks/headers.js';
import { sourceMap, sourceMapReference } from '../../src/security/probes/exposed.js';
import { locationFor } from '../../src/security/sarif.js';
import { evaluateChecks } from '../../src/security/scan.js';
import type { Evidence, FetchedResponse, TlsEvidence } from '../../src/security/types.js';
import { getInputs } from '../../src/security-scan/inputs.js';

/** Pure checks over hand-made evidence: the edge cases the harness apps do not reach. */

function page(headers: Record<string, string | string[]>, url = 'https://threadr.app/'): Evidence {
  const response: FetchedResponse = { url, status: 200, headers, body: '' };
  return {
    pages: [{ requested: url, role: 'page', chain: [{ url, status: 200 }], responses: [response], final: response }],
    redirects: [],
    tls: [],
    exposed: [],
    certMinDays: 14,
    hasApi: false,
  };
}

function run(id: string, evidence: Evidence) {
  const check = CHECKS.find((c) => c.id === id)!;
  return evaluateChecks([check], evidence, { ignore: new Map(), failOn: 'high' }).results.map(
    (r) => `${r.status}: ${r.message}`,
  );
}

describe('header checks', () => {
  it('accepts HSTS at exactly 180 days and rejects one second less', () => {
    expect(run('hsts', page({ 'strict-transport-security': `max-age=${HSTS_MIN_SECONDS}` }))).toEqual([
      `pass: max-age=${HSTS_MIN_SECONDS}`,
    ]);
    expect(run('hsts', page({ 'strict-transport-security': `max-age=${HSTS_MIN_SECONDS - 1}` }))[0]).toMatch(
      /^fail: max-age=15551999 is below/,
    );
  });

  it("ignores 'unsafe-inline' next to a nonce (CSP2 browsers drop it) but not on its own", () => {
    expect(run('csp', page({ 'content-security-policy': "script-src 'self' 'nonce-abc' 'unsafe-inline'" }))[0]).toMatch(
      /^pass/,
    );
    expect(run('csp', page({ 'content-security-policy': "default-src 'self' 'unsafe-inline'" }))).toEqual([
      "fail: default-src allows 'unsafe-inline'",
    ]);
    expect(run('csp', page({ 'content-security-policy-report-only': "script-src 'self'" }))[0]).toMatch(
      /Report-Only is set, which enforces nothing/,
    );
  });

  it('takes frame-ancestors over X-Frame-Options and rejects ALLOW-FROM', () => {
    expect(
      run(
        'frame-protection',
        page({ 'content-security-policy': "frame-ancestors 'self'", 'x-frame-options': 'ALLOW-FROM https://x' }),
      )[0],
    ).toMatch(/^pass/);
    expect(run('frame-protection', page({ 'x-frame-options': 'ALLOW-FROM https://x' }))[0]).toMatch(
      /^fail: X-Frame-Options is 'ALLOW-FROM/,
    );
  });

  it('flags versions, not product names, in Server, and any X-Powered-By', () => {
    expect(run('server-disclosure', page({ server: 'Vercel' }))[0]).toMatch(/^pass/);
    expect(run('server-disclosure', page({ 'x-powered-by': 'Next.js 14.2.3' }))[0]).toMatch(/^fail/);
    expect(run('server-disclosure', page({ 'x-powered-by': 'Next.js' }))).toEqual([
      'fail: software disclosed in x-powered-by: Next.js',
    ]);
  });

  it('reads a CSP from a <meta> tag (entities decoded) when no header sets one, the header winning', () => {
    const meta = (policy: string, headers: Record<string, string> = {}) => {
      const evidence = page({ 'content-type': 'text/html; charset=utf-8', ...headers });
      evidence.pages[0].final!.body = `<html><head><meta http-equiv="Content-Security-Policy" content="${policy}"/></head></html>`;
      return evidence;
    };
    expect(run('csp', meta('script-src &#x27;self&#x27;'))[0]).toMatch(/^pass: script-src 'self' from a <meta> tag/);
    expect(run('csp', meta("script-src 'self' 'unsafe-inline'"))).toEqual([
      "fail: script-src allows 'unsafe-inline' (in a <meta> tag)",
    ]);
    expect(
      run('csp', meta("script-src 'self' 'unsafe-inline'", { 'content-security-policy': "script-src 'self'" })),
    ).toEqual(["pass: script-src 'self'"]);
    // frame-ancestors in a meta policy is ignored by browsers.
    expect(run('frame-protection', meta("frame-ancestors 'none'"))[0]).toMatch(
      /^fail: .*<meta> tag, which cannot set frame-ancestors \(browsers ignore the one it has\)/,
    );
  });

  it('treats a missing Referrer-Policy as informational: browsers default to strict-origin-when-cross-origin', () => {
    expect(run('referrer-policy', page({}))[0]).toMatch(
      /^info: no Referrer-Policy header; browsers default to strict-origin-when-cross-origin/,
    );
    expect(
      evaluateChecks(
        CHECKS.filter((c) => c.id === 'referrer-policy'),
        page({}),
        { ignore: new Map(), failOn: 'low' },
      ).findings,
    ).toEqual([]);
  });

  it('gives Next.js fix texts when the page is served by Next.js', () => {
    const fixes = (headers: Record<string, string>) =>
      evaluateChecks(
        CHECKS.filter((c) => c.id === 'server-disclosure'),
        page(headers),
        { ignore: new Map(), failOn: 'low' },
      ).findings.map((f) => f.fix);
    const nextjs = page({ 'x-powered-by': 'Next.js' });
    nextjs.framework = 'nextjs';
    expect(
      evaluateChecks(
        CHECKS.filter((c) => c.id === 'server-disclosure'),
        nextjs,
        { ignore: new Map(), failOn: 'low' },
      ).findings[0].fix,
    ).toMatch(/poweredByHeader: false/);
    expect(fixes({ 'x-powered-by': 'Express' })[0]).toMatch(/app\.disable/);
  });
});

describe('cookie checks', () => {
  it('treats session and token names as session-like, CSRF tokens not', () => {
    expect(['session', 'connect.sid', 'auth_token', '__Host-id', 'jwt'].map(isSessionLike)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['theme', 'csrftoken', 'XSRF-TOKEN', 'consent'].map(isSessionLike)).toEqual([false, false, false, false]);
  });

  it('rejects SameSite=None without Secure', () => {
    expect(run('cookie-samesite', page({ 'set-cookie': ['a=1; SameSite=None'] }))).toEqual([
      "fail: cookie 'a' has SameSite=None without Secure, which browsers reject",
    ]);
  });

  it('is not applicable when no cookie is set', () => {
    expect(run('cookie-secure', page({}))[0]).toMatch(/^not-applicable/);
  });
});

describe('transport checks', () => {
  const tls = (over: Partial<TlsEvidence>): Evidence => ({
    ...page({}),
    tls: [
      {
        origin: 'https://threadr.app',
        host: 'threadr.app',
        port: 443,
        cert: { subject: 'threadr.app', issuer: 'R3', validFrom: '', validTo: 'Jan 1 2030', msLeft: 30 * 86_400_000 },
        ...over,
      },
    ],
  });

  it('marks the legacy probe untested when the runner cannot offer old TLS, never passed', () => {
    expect(
      run(
        'tls-legacy',
        tls({
          legacy: {
            result: 'untested',
            detail: "this runner's OpenSSL will not offer TLS 1.0/1.1 (ERR_SSL_NO_PROTOCOLS_AVAILABLE)",
          },
        }),
      )[0],
    ).toMatch(/^untested: could not test/);
  });

  it('fails expiry at cert-min-days and passes just above it', () => {
    const at = (days: number) =>
      run(
        'tls-expiry',
        tls({ cert: { subject: 'a', issuer: 'b', validFrom: '', validTo: 'x', msLeft: days * 86_400_000 } }),
      )[0];
    expect(at(14)).toMatch(/^fail/);
    expect(at(14.1)).toMatch(/^pass/);
  });
});

describe('CORS calibration', () => {
  const cors = (allowOrigin: string, allowCredentials?: string): Evidence => ({
    ...page({}),
    hasApi: true,
    cors: {
      url: 'https://api.threadr.app/',
      foreignOrigin: 'https://evil.example',
      responses: [{ method: 'GET', status: 200, allowOrigin, allowCredentials }],
    },
  });
  const findings = (evidence: Evidence) =>
    evaluateChecks(
      CHECKS.filter((c) => c.group === 'cors'),
      evidence,
      { ignore: new Map(), failOn: 'low' },
    ).findings.map((f) => `${f.check} ${f.severity}`);

  it('rates * with credentials low (browsers refuse it), a reflected origin high with credentials and low without', () => {
    expect(findings(cors('*', 'true'))).toEqual(['cors-wildcard-credentials low']);
    expect(findings(cors('https://evil.example', 'true'))).toEqual(['cors-reflect-origin high']);
    expect(findings(cors('https://evil.example'))).toEqual(['cors-reflect-origin low']);
  });
});

describe('source map references', () => {
  const script = (body: string, headers: Record<string, string> = {}) => ({
    url: 'https://threadr.app/_next/static/chunks/a.js',
    status: 200,
    headers,
    body,
  });

  it('takes the SourceMap header first, else the last sourceMappingURL comment', () => {
    expect(sourceMapReference(script('x()\n//# sourceMappingURL=43oj37wmxtpy1.js.map'))).toBe('43oj37wmxtpy1.js.map');
    expect(sourceMapReference(script('//# sourceMappingURL=old.map\nx()\n//# sourceMappingURL=new.map'))).toBe(
      'new.map',
    );
    expect(sourceMapReference(script('x()\n//# sourceMappingURL=a.map', { sourcemap: '/maps/a.js.map' }))).toBe(
      '/maps/a.js.map',
    );
    expect(sourceMapReference(script('x()', { 'x-sourcemap': 'b.map' }))).toBe('b.map');
    expect(sourceMapReference(script('x()'))).toBeUndefined();
  });
});

describe('source maps read in part', () => {
  const partial = (body: string, headers: Record<string, string>) =>
    sourceMap(body, { url: 'https://threadr.app/a.js.map', status: 206, headers, body });

  it('recognises a map from its first bytes and takes the size from Content-Range', () => {
    const start =
      '{"version":3,"sources":["turbopack:///[project]/app/counter.jsx","x.ts"],"sourcesContent":["\'use client\';\nimport';
    expect(partial(start, { 'content-range': 'bytes 0-65535/1234375' })).toBe(
      'a JavaScript source map (1.2 MiB, 2 sources, with their full source text)',
    );
    expect(partial('{"version":3,"sources":["a.ts", "b.t', { 'content-range': 'bytes 0-65535/90000' })).toBe(
      'a JavaScript source map (88 KiB)',
    );
    expect(partial('<!doctype html><html>', {})).toBeUndefined();
    expect(partial('{"version":2,"sources":[]}', {})).toBeUndefined();
  });
});

describe('SARIF locations', () => {
  it('are scheme-less relative paths with the port after an underscore', () => {
    expect(locationFor('https://threadr.app/pricing?x=1')).toBe('threadr.app/pricing');
    expect(locationFor('http://127.0.0.1:3000/')).toBe('127.0.0.1_3000');
  });
});

describe('getInputs', () => {
  const defaults: Record<string, string> = {
    url: 'https://threadr.app',
    'api-url': '',
    headers: '',
    checks: 'all',
    ignore: '',
    'fail-on': 'high',
    'sarif-out': '',
    'allowed-hosts': '',
    'cert-min-days': '14',
    'probe-rate-limit': '',
    'probe-requests': '60',
    'exposed-paths': '',
    'request-timeout': '10s',
    'insecure-skip-verify': 'false',
    'max-body-size': '1MiB',
  };
  const read = (inputs: Record<string, string>) =>
    getInputs(new InputReader((name) => ({ ...defaults, ...inputs })[name] ?? ''));

  it('expands all and group names, leaving the rate-limit probe out until probe-rate-limit asks for it', () => {
    expect(read({}).checks).not.toContain('rate-limit');
    expect(read({ checks: 'cors, tls-cert' }).checks).toEqual([
      'tls-cert',
      'cors-wildcard-credentials',
      'cors-reflect-origin',
    ]);
    const probing = read({
      checks: 'hsts',
      'api-url': 'https://api.threadr.app',
      'probe-rate-limit': '/v1/generate',
      'allowed-hosts': '*.threadr.app',
    });
    expect(probing.checks).toEqual(['hsts', 'rate-limit']);
    expect(probing.rateLimit).toEqual({ url: 'https://api.threadr.app/v1/generate', requests: 60 });
  });

  it('parses ignore lines into check → reason', () => {
    expect([...read({ ignore: 'hsts: handled by CDN\ncsp:  legacy widget' }).ignore]).toEqual([
      ['hsts', 'handled by CDN'],
      ['csp', 'legacy widget'],
    ]);
    expect(() => read({ ignore: 'hstss: typo' })).toThrow("input 'ignore' names an unknown check 'hstss' on line 1");
  });

  it('rejects exposed paths without a leading slash', () => {
    expect(() => read({ 'exposed-paths': 'backup.zip' })).toThrow(
      "input 'exposed-paths' must list paths starting with /",
    );
  });
});
