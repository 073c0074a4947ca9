import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startNextApp, type NextApp } from '../harness/nextjs.js';
import { runBundle } from '../harness/runner.js';

/** health-check against a real Next.js production build (cached; see __tests__/harness/nextjs.ts). */

const SHA = '9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a393f2a';
let app: NextApp;

beforeAll(async () => {
  app = await startNextApp({ sourceMaps: false, csp: 'header' }, { FIXTURE_VERSION: SHA });
}, 240_000);

afterAll(async () => {
  await app?.close();
});

describe('health-check against next start', () => {
  test('checks relative to the base url, the version proven by the route handler, names from the checks', async () => {
    const checks = JSON.stringify([
      { name: 'api', url: '/api/health', 'expect-json': { status: 'ok' }, tags: ['critical'] },
      { url: '/about', 'expect-body': 'About Threadr', 'check-version': false, tags: ['critical'] },
      { name: 'not-found', url: '/no-such-page', 'expect-status': 404, tags: ['smoke'] },
    ]);
    const result = await runBundle('health-check', {
      inputs: {
        url: app.url,
        checks,
        suite: 'critical',
        'expect-version': SHA,
        timeout: '20s',
        interval: '100ms',
        'verify-duration': '1s',
      },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.healthy).toBe('true');
    const report = JSON.parse(result.outputs.report) as { checks: { name: string; passed: boolean }[] };
    expect(report.checks.map((c) => [c.name, c.passed])).toEqual([
      ['api', true],
      ['/about', true],
    ]);
  }, 60_000);

  test('a version the build does not serve is unhealthy, named by the path', async () => {
    const result = await runBundle('health-check', {
      inputs: {
        url: `${app.url}/api/health`,
        'expect-version': 'f'.repeat(40),
        timeout: '1s',
        interval: '200ms',
        'fail-on-unhealthy': 'false',
      },
    });
    expect(result.outputs.healthy).toBe('false');
    expect(result.outputs.failed).toBe('/api/health');
  }, 60_000);
});
