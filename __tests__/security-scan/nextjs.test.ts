import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runBundle, type RunResult } from '../harness/runner.js';
import { startNextApp, type NextApp } from '../harness/nextjs.js';

/**
 * security-scan against a real Next.js production build (`next build` + `next start`, see
 * __tests__/harness/nextjs.ts): one build with productionBrowserSourceMaps and a <meta> CSP, one
 * without maps and with the CSP in a header from next.config. Builds are cached under .tmp.
 */

interface Finding {
  check: string;
  severity: string;
  url: string;
  message: string;
  fix: string;
}
interface Result {
  check: string;
  status: string;
  severity: string;
  message: string;
}

const findingsOf = (result: RunResult): Finding[] => JSON.parse(result.outputs.findings) as Finding[];
const resultsOf = (result: RunResult): Result[] => (JSON.parse(result.outputs.report) as { results: Result[] }).results;

let withMaps: NextApp;
let withoutMaps: NextApp;

beforeAll(async () => {
  // Sequential: two builds at once would only fight over the two cores.
  withMaps = await startNextApp({ sourceMaps: true, csp: 'meta' });
  withoutMaps = await startNextApp({ sourceMaps: false, csp: 'header' });
}, 240_000);

afterAll(async () => {
  await Promise.all([withMaps, withoutMaps].filter(Boolean).map((app) => app.close()));
});

describe('security-scan of a Next.js build with productionBrowserSourceMaps and a <meta> CSP', () => {
  let result: RunResult;
  let findings: Finding[];

  beforeAll(async () => {
    result = await runBundle('security-scan', {
      inputs: { url: `${withMaps.url}/\n${withMaps.url}/about`, 'fail-on': 'never' },
    });
    findings = findingsOf(result);
  }, 60_000);

  it('follows sourceMappingURL from the scripts the page loads and reports the served maps (high) with their URLs', async () => {
    const exposed = findings.filter((f) => f.check === 'exposed-files');
    expect(exposed).toHaveLength(1);
    expect(exposed[0].severity).toBe('high');
    const urls = exposed[0].message.match(/http:\/\/127\.0\.0\.1:\d+\/_next\/static\/chunks\/[^\s,]+\.js\.map/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    // Each listed URL really serves a source map whose sources carry the app's own code.
    const bodies = await Promise.all(
      urls.map(async (url) => (await fetch(url)).json() as Promise<{ sources: string[]; sourcesContent?: string[] }>),
    );
    expect(bodies.every((map) => Array.isArray(map.sources))).toBe(true);
    expect(bodies.some((map) => map.sourcesContent?.some((text) => text.includes('threads: {count}')))).toBe(true);
    expect(exposed[0].message).toMatch(/with their full source text/);
    // Turbopack names maps by their own hash, not `<chunk>.js.map`: the guesses would have missed them.
    const scripts = (await (await fetch(`${withMaps.url}/`)).text()).match(/\/_next\/static\/chunks\/[^"]+\.js/g) ?? [];
    expect(urls.some((url) => !scripts.some((script) => url.endsWith(`${script}.map`)))).toBe(true);
    expect(exposed[0].fix).toMatch(/productionBrowserSourceMaps/);
    // Every map a loaded script names is listed, the two over 1 MiB (read by a Range request) too.
    const expected = new Set<string>();
    for (const script of new Set(scripts)) {
      const body = readFileSync(join(withMaps.dir, '.next', script.replace(/^\/_next\//, '')), 'utf8');
      const reference = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(body)?.[1];
      if (reference) expected.add(new URL(reference, `${withMaps.url}${script}`).toString());
    }
    expect(new Set(urls)).toEqual(expected);
    const sizes = [...expected].map(
      (url) => statSync(join(withMaps.dir, '.next', new URL(url).pathname.replace(/^\/_next\//, ''))).size,
    );
    expect(sizes.some((size) => size > 1024 * 1024)).toBe(true);
  });

  it('judges the <meta> CSP: no unsafe-inline passes, with what a meta tag cannot do', () => {
    const csp = resultsOf(result).filter((r) => r.check === 'csp');
    expect(csp.map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(csp[0].message).toMatch(/from a <meta> tag: enforced, .*cannot set frame-ancestors/);
    // Next writes its <script src> tags into <head> ahead of the layout's <meta>: the policy does not govern them.
    expect(csp[0].message).toMatch(/\(\d+ script tag\(s\) come before it\)/);
    const framing = findings.filter((f) => f.check === 'frame-protection');
    expect(framing).toHaveLength(2);
    expect(framing[0].message).toMatch(/in a <meta> tag, which cannot set frame-ancestors/);
    expect(framing[0].fix).toMatch(/next\.config's headers\(\)/);
  });

  it('says once that the scan ran over plain HTTP: one transport finding, no HSTS finding per URL', () => {
    const transport = findings.filter((f) =>
      ['https-redirect', 'hsts', 'tls-cert', 'tls-expiry', 'tls-legacy'].includes(f.check),
    );
    expect(transport).toHaveLength(1);
    expect(transport[0]).toMatchObject({ check: 'https-redirect', severity: 'high' });
    expect(transport[0].message).toMatch(/^2 URLs serve content over plain HTTP .*the scan ran over plain HTTP/);
    expect(result.summary.match(/Scanned over plain HTTP/g)).toHaveLength(1);
  });

  it('is calibrated like the HTTP Observatory: X-Powered-By low, no Referrer-Policy informational', () => {
    const disclosure = findings.filter((f) => f.check === 'server-disclosure');
    expect(disclosure.map((f) => [f.severity, f.message])).toEqual([
      ['low', 'software disclosed in x-powered-by: Next.js'],
      ['low', 'software disclosed in x-powered-by: Next.js'],
    ]);
    expect(disclosure[0].fix).toMatch(/poweredByHeader: false/);
    expect(findings.some((f) => f.check === 'referrer-policy')).toBe(false);
    expect(
      resultsOf(result)
        .filter((r) => r.check === 'referrer-policy')
        .map((r) => r.status),
    ).toEqual(['info', 'info']);
    expect(result.summary).toMatch(/### Notes \(2\)/);
  });
});

describe('security-scan of a Next.js build without source maps, CSP from next.config headers()', () => {
  let result: RunResult;
  let findings: Finding[];

  beforeAll(async () => {
    result = await runBundle('security-scan', { inputs: { url: `${withoutMaps.url}/`, 'fail-on': 'never' } });
    findings = findingsOf(result);
  }, 60_000);

  it('finds no exposed files, having read every script the page loads', () => {
    expect(findings.filter((f) => f.check === 'exposed-files')).toEqual([]);
    expect(resultsOf(result).find((r) => r.check === 'exposed-files')).toMatchObject({ status: 'pass' });
  });

  it("judges the header CSP: 'unsafe-inline' without a nonce fails, frame-ancestors from the header passes, with Next.js fix texts", () => {
    const csp = findings.find((f) => f.check === 'csp');
    expect(csp?.message).toBe("script-src allows 'unsafe-inline'");
    expect(csp?.fix).toMatch(/nonce.*proxy\.ts/);
    expect(resultsOf(result).find((r) => r.check === 'frame-protection')).toMatchObject({
      status: 'pass',
      message: "frame-ancestors 'none'",
    });
  });
});

describe('load-test against the Next.js build', () => {
  it('drives next start with real requests and reports them', async () => {
    const result = await runBundle('load-test', {
      inputs: {
        'deployment-url': withoutMaps.url,
        target: '/api/health',
        users: '2',
        duration: '2s',
        thresholds: 'error_rate<1%',
      },
    });
    expect(result.exitCode).toBe(0);
    const requests = Number(result.outputs.requests);
    expect(requests).toBeGreaterThan(0);
    expect(result.summary).toMatch(/error_rate/);
  }, 60_000);
});
