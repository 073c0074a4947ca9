import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { runBundle, type RunResult } from '../harness/runner.js';
import { makeCertificate } from '../harness/certificate.js';
import { badHandler, goodHandler, httpApp, httpsApp, redirectHandler, type App } from './apps.js';

/**
 * Acceptance of the security-scan action: the committed bundle (`node scripts/build.mjs
 * security-scan`) runs as the runner starts it, against apps on 127.0.0.1 that get every check
 * right or wrong. Certificates are generated here: the good one is trusted via
 * NODE_EXTRA_CA_CERTS, the bad one is self-signed and expires in 5 days.
 */

interface Finding {
  check: string;
  severity: string;
  url: string;
  message: string;
  fix: string;
}

const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ??
  formatsPlugin) as unknown as (a: Ajv) => Ajv;
addFormats(ajv);
const validateSarif = ajv.compile(schema);

let dir: string;
let goodCertPath: string;
let good: App;
let goodHttp: App;
let bad: App;
let badHttp: App;
let quiet: App;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'threadr-security-scan-'));
  const goodCert = makeCertificate(dir, 'good', 365);
  const badCert = makeCertificate(dir, 'bad', 5);
  goodCertPath = goodCert.certPath;
  good = await httpsApp(goodCert, goodHandler());
  goodHttp = await httpApp(redirectHandler(good.port));
  bad = await httpsApp({ ...badCert, legacy: true }, badHandler());
  badHttp = await httpApp(badHandler());
  quiet = await httpApp((_req, res) => res.end('ok'));
});

afterAll(async () => {
  await Promise.all([good, goodHttp, bad, badHttp, quiet].filter(Boolean).map((app) => app.close()));
  rmSync(dir, { recursive: true, force: true });
});

const findingsOf = (result: RunResult): Finding[] => JSON.parse(result.outputs.findings) as Finding[];
const idsOf = (findings: Finding[]): string[] => [...new Set(findings.map((f) => f.check))].sort();

interface SarifLog {
  runs: {
    results: {
      ruleId: string;
      level: string;
      suppressions?: unknown[];
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
    }[];
    tool: { driver: { rules: { id: string }[] } };
  }[];
}

function readSarif(path: string): SarifLog {
  const sarif: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!validateSarif(sarif))
    throw new Error(`SARIF does not validate: ${JSON.stringify(validateSarif.errors, null, 2)}`);
  return sarif as SarifLog;
}

describe('security-scan against a well-configured app', () => {
  let result: RunResult;
  const sarifPath = () => join(dir, 'good.sarif');

  beforeAll(async () => {
    result = await runBundle('security-scan', {
      inputs: {
        url: `https://127.0.0.1:${good.port}/\nhttp://127.0.0.1:${goodHttp.port}/`,
        'api-url': `https://127.0.0.1:${good.port}/api`,
        'probe-rate-limit': '/api/limited',
        'probe-requests': '20',
        'allowed-hosts': '127.0.0.1',
        'sarif-out': sarifPath(),
      },
      // The SARIF file goes to the workspace: files outside it and RUNNER_TEMP are refused.
      cwd: dir,
      env: { NODE_EXTRA_CA_CERTS: goodCertPath },
    });
  });

  it('passes with no findings and exit code 0', () => {
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(findingsOf(result)).toEqual([]);
    expect(result.outputs).toMatchObject({ high: '0', medium: '0', low: '0', passed: 'true' });
  });

  it('records a pass for every check it ran, the rate-limit probe included', () => {
    const report = JSON.parse(result.outputs.report) as {
      results: { check: string; status: string; message: string }[];
    };
    const passed = new Set(report.results.filter((r) => r.status === 'pass').map((r) => r.check));
    for (const id of [
      'hsts',
      'csp',
      'x-content-type-options',
      'frame-protection',
      'referrer-policy',
      'permissions-policy',
      'server-disclosure',
      'cookie-secure',
      'cookie-httponly',
      'cookie-samesite',
      'https-redirect',
      'tls-cert',
      'tls-expiry',
      'tls-legacy',
      'cors-wildcard-credentials',
      'cors-reflect-origin',
      'exposed-files',
      'rate-limit',
    ]) {
      expect([id, passed.has(id)]).toEqual([id, true]);
    }
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(report.results.find((r) => r.check === 'rate-limit')?.message).toMatch(
      /^429 at request \d+ of \d+ \(Retry-After: 60\)/,
    );
  });

  it('writes a summary with the verdict first, then what passed', () => {
    const lines = result.summary.split('\n');
    expect(lines[0]).toMatch(/^## ✅ Security scan passed: 0 high, 0 medium, 0 low \(fail-on high\)/);
    expect(result.summary).toContain('No findings.');
    expect(result.summary).toMatch(/### Passed \(\d+\)/);
    expect(result.summary).toMatch(/✅ tls-expiry \| https:\/\/127\.0\.0\.1:\d+ \| 36\d\.\d days left/);
  });

  it('writes a SARIF file that validates against the SARIF 2.1.0 schema, with no results', () => {
    const sarif = readSarif(sarifPath());
    expect(sarif.runs[0].results).toEqual([]);
    expect(sarif.runs[0].tool.driver.rules.map((r) => r.id)).toContain('rate-limit');
    // The schema has teeth: a result without a message, or an unknown level, is rejected.
    expect(
      validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'hsts' }] }] }),
    ).toBe(false);
    expect(
      validateSarif({
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'high' }] }],
      }),
    ).toBe(false);
  });
});

describe('security-scan against a badly configured app', () => {
  let result: RunResult;
  let findings: Finding[];
  const sarifPath = () => join(dir, 'bad', 'scan.sarif');

  beforeAll(async () => {
    result = await runBundle('security-scan', {
      inputs: {
        url: `https://127.0.0.1:${bad.port}/\nhttp://127.0.0.1:${badHttp.port}/`,
        'api-url': `https://127.0.0.1:${bad.port}/api`,
        'probe-rate-limit': '/api/unlimited',
        'probe-requests': '15',
        'allowed-hosts': '127.0.0.1',
        'exposed-paths': '/backup.zip',
        'insecure-skip-verify': 'true',
        ignore: 'permissions-policy: accepted for this test app',
        headers: 'x-vercel-protection-bypass: s3cret-bypass-value',
        'sarif-out': sarifPath(),
      },
      // The SARIF file goes to the workspace: files outside it and RUNNER_TEMP are refused.
      cwd: dir,
    });
    findings = findingsOf(result);
  });

  it('fails the step with exit code 1 and a one-line reason', () => {
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(/^security-scan: failed: \d+ high, \d+ medium, \d+ low \(fail-on high\)$/);
    expect(result.outputs.passed).toBe('false');
  });

  it('annotates high findings as errors, the rest as warnings, ten of each at most, and says how many more', () => {
    const high = findings.filter((f) => f.severity === 'high').length;
    const other = findings.length - high;
    expect(high).toBeGreaterThanOrEqual(10);
    // At most ten high findings, then the failure line, which is always shown.
    expect(result.errors).toHaveLength(Math.min(high, 10) + 1);
    expect(result.errors.slice(0, -1).every((e) => e.startsWith('[high]'))).toBe(true);
    expect(result.warnings).toHaveLength(Math.min(other, 10));
    expect(result.warnings.every((w) => !w.startsWith('[high]'))).toBe(true);
    const hidden = Math.max(0, high - 10) + Math.max(0, other - 10);
    if (hidden > 0) expect(result.log).toContain('not shown as annotations');
  });

  it('finds every misconfiguration, each with its severity', () => {
    const severity = Object.fromEntries(findings.map((f) => [f.check, f.severity]));
    expect(severity).toEqual({
      hsts: 'medium',
      csp: 'medium',
      'x-content-type-options': 'low',
      'frame-protection': 'medium',
      'referrer-policy': 'low',
      'server-disclosure': 'low',
      'cookie-secure': 'medium',
      'cookie-httponly': 'medium',
      'cookie-samesite': 'low',
      'https-redirect': 'high',
      'tls-cert': 'high',
      'tls-expiry': 'high',
      'tls-legacy': 'medium',
      // Browsers refuse * with credentials: low, as the HTTP Observatory rates it.
      'cors-wildcard-credentials': 'low',
      'cors-reflect-origin': 'high',
      'exposed-files': 'high',
      'rate-limit': 'medium',
    });
    const counts = { high: 0, medium: 0, low: 0 } as Record<string, number>;
    for (const f of findings) counts[f.severity]++;
    expect(result.outputs).toMatchObject({
      high: String(counts.high),
      medium: String(counts.medium),
      low: String(counts.low),
    });
  });

  it('says what is wrong where', () => {
    const about = (check: string) =>
      findings
        .filter((f) => f.check === check)
        .map((f) => f.message)
        .join(' | ');
    expect(about('csp')).toContain("script-src allows 'unsafe-inline'; script-src allows wildcard source *");
    expect(about('server-disclosure')).toContain('server: nginx/1.18.0; x-powered-by: Express 4.17.1');
    expect(about('cookie-httponly')).toContain(
      "cookie 'sessionid' looks like a session cookie but has no HttpOnly attribute",
    );
    expect(about('tls-cert')).toMatch(/certificate not trusted: DEPTH_ZERO_SELF_SIGNED_CERT/);
    // -days 5 from a few seconds ago: 4.9x days, shown with one decimal.
    expect(about('tls-expiry')).toMatch(/^(4\.\d|5\.0) days left \(expires .*\); cert-min-days is 14$/);
    expect(about('tls-legacy')).toMatch(/completed a TLSv1(\.1)? handshake/);
    expect(about('https-redirect')).toBe(
      'serves content over plain HTTP (status 200) instead of redirecting to HTTPS; the scan ran over plain HTTP, so HSTS is not judged',
    );
    expect(about('cors-reflect-origin')).toContain(
      'https://threadr-ops-cors-probe.invalid is allowed (GET → Access-Control-Allow-Origin: https://threadr-ops-cors-probe.invalid), with credentials',
    );
    expect(about('cors-wildcard-credentials')).toContain('OPTIONS answered Access-Control-Allow-Origin: *');
    expect(about('rate-limit')).toBe('no 429 after 15 requests (15× 200)');
  });

  it('reports exposed files by their content, not by a 200 alone', () => {
    const exposed = findings
      .filter((f) => f.check === 'exposed-files')
      .map((f) => new URL(f.url).pathname)
      .sort();
    // Both origins (https and plain http) serve the same files.
    expect([...new Set(exposed)]).toEqual(['/.env', '/.git/config', '/static/app.js.map']);
    // The soft-404 HTML served for /.npmrc, /.DS_Store and the extra /backup.zip is not a finding.
    expect(findings.some((f) => /\.npmrc|DS_Store|backup\.zip/.test(f.url))).toBe(false);
    expect(result.summary).toMatch(
      /✅ exposed-files \| https:\/\/127\.0\.0\.1:\d+ \| none of 9 probed paths served \(9× 200 without the file's content\)/,
    );
  });

  it('keeps ignored findings out of the counts, with the reason in the summary', () => {
    expect(findings.some((f) => f.check === 'permissions-policy')).toBe(false);
    expect(result.summary).toContain('Ignored findings (');
    expect(result.summary).toContain('accepted for this test app');
  });

  it('writes a summary: verdict, findings table with severity and fix, then what passed', () => {
    expect(result.summary.split('\n')[0]).toMatch(/^## ❌ Security scan failed: [1-9]\d* high/);
    expect(result.summary).toContain('| Severity | Check | URL | Finding | Fix |');
    expect(result.summary).toMatch(
      /\| 🔴 high \| tls-expiry \| https:\/\/127\.0\.0\.1:\d+ \| .* \| Renew the certificate/,
    );
    expect(result.summary.indexOf('### Findings')).toBeLessThan(result.summary.indexOf('### Passed'));
  });

  it('masks the header value and never prints it', () => {
    expect(result.masks).toContain('s3cret-bypass-value');
    expect(result.log).not.toContain('s3cret-bypass-value');
    expect(result.summary).not.toContain('s3cret-bypass-value');
  });

  it('writes valid SARIF: findings as results, the ignored one suppressed, locations without a scheme', () => {
    const sarif = readSarif(sarifPath());
    const results = sarif.runs[0].results;
    expect(results.filter((r) => !r.suppressions)).toHaveLength(findings.length);
    // One per page scanned (the https page and the plain-http one).
    expect(results.filter((r) => r.suppressions).map((r) => r.ruleId)).toEqual([
      'permissions-policy',
      'permissions-policy',
    ]);
    expect(results.find((r) => r.ruleId === 'tls-expiry')?.level).toBe('error');
    expect(results.find((r) => r.ruleId === 'hsts')?.level).toBe('warning');
    expect(results.find((r) => r.ruleId === 'referrer-policy')?.level).toBe('note');
    for (const r of results) expect(r.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^127\.0\.0\.1_\d+/);
  });
});

describe('security-scan of an untrusted certificate without insecure-skip-verify', () => {
  it('reports the certificate and marks the HTTP checks as not tested rather than passed', async () => {
    const result = await runBundle('security-scan', {
      inputs: { url: `https://127.0.0.1:${bad.port}/`, checks: 'headers, transport' },
    });
    expect(result.exitCode).toBe(1);
    const findings = findingsOf(result);
    expect(idsOf(findings)).toEqual(['tls-cert', 'tls-expiry', 'tls-legacy']);
    const report = JSON.parse(result.outputs.report) as {
      results: { check: string; status: string; message: string }[];
    };
    const hsts = report.results.find((r) => r.check === 'hsts');
    expect(hsts).toMatchObject({
      status: 'untested',
      message: 'could not fetch: TLS verification failed (see tls-cert)',
    });
    expect(result.summary).toContain('### Could not test (');
  });
});

describe('security-scan with fail-on never', () => {
  it('reports findings but does not fail the step', async () => {
    const result = await runBundle('security-scan', {
      inputs: { url: `http://127.0.0.1:${badHttp.port}/`, checks: 'headers', 'fail-on': 'never' },
    });
    expect(result.exitCode).toBe(0);
    expect(Number(result.outputs.low)).toBeGreaterThan(0);
    expect(result.outputs.passed).toBe('true');
    expect(result.summary.split('\n')[0]).toContain('(fail-on never)');
  });
});

describe('security-scan rejects bad input before any request', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'an unknown check id',
      { checks: 'hsts, x-frame' },
      /^security-scan: input 'checks' names an unknown check 'x-frame'; known: all, headers/,
    ],
    [
      'a URL that is not http(s)',
      { url: 'ftp://127.0.0.1/' },
      /^security-scan: input 'url' must be an http\(s\) URL .* got scheme 'ftp'/,
    ],
    [
      'a malformed header line',
      { headers: 'x-vercel-protection-bypass s3cret' },
      /^security-scan: input 'headers' must hold one 'Name: value' header per line.*line 1 is not$/,
    ],
    [
      'an ignore line without a reason',
      { ignore: 'hsts' },
      /^security-scan: input 'ignore' must hold one 'check-id: reason' per line/,
    ],
    [
      'a rate-limit probe to a host not allowed',
      { 'probe-rate-limit': '/api/limited', 'allowed-hosts': 'api.threadr.app' },
      /^security-scan: input 'probe-rate-limit' targets host '127\.0\.0\.1', which is not in allowed-hosts/,
    ],
    [
      'an unknown fail-on',
      { 'fail-on': 'critical' },
      /^security-scan: input 'fail-on' must be one of high, medium, low, never, got 'critical'$/,
    ],
  ];
  it.each(cases)('%s', async (_name, inputs, message) => {
    const before = quiet.requests.length;
    const result = await runBundle('security-scan', { inputs: { url: `http://127.0.0.1:${quiet.port}/`, ...inputs } });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(message);
    expect(result.errors[0]).not.toContain('s3cret');
    expect(quiet.requests.length).toBe(before);
  });
});
