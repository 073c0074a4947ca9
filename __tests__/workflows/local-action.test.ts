import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Fixture, NEW } from '../deploy/fixture.js';
import { runLocalAction } from '../harness/local-action.js';
import { runBundle } from '../harness/runner.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

/**
 * Every action runs under GitHub's `@github/local-action` (its exported run(), @actions/core
 * replaced by local-action's recorder) and sets the same outputs as the bundle run by the runner
 * harness. Figures that are measured (latencies, durations, timestamps) are compared by shape.
 */

// tsx compiles the action's TypeScript sources on every local-action run.
const SLOW = 180_000;

/** Measured figures differ between two runs; everything else must be equal. */
function comparable(value: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  const scrub = (v: unknown, key = ''): unknown => {
    if (/ms$|At$|duration|latenc|elapsed|time|started|finished|date|p\d\d|mean|max|min|rps|rate|observed/i.test(key) && (typeof v === 'number' || typeof v === 'string')) return typeof v;
    if (Array.isArray(v)) return v.map((item) => scrub(item));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, scrub(item, k)]));
    return v;
  };
  return scrub(parsed);
}

function expectSameOutputs(local: Record<string, string>, bundle: Record<string, string>, measured: string[] = []): void {
  expect(Object.keys(local).sort()).toEqual(Object.keys(bundle).sort());
  for (const name of Object.keys(bundle)) {
    if (measured.includes(name)) expect(local[name] === '' ? '' : typeof Number(local[name])).toBe(bundle[name] === '' ? '' : 'number');
    else expect([name, comparable(local[name])]).toEqual([name, comparable(bundle[name])]);
  }
}

let app: TestServer;
let fx: Fixture;
beforeAll(async () => {
  app = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
  fx = await Fixture.start();
});
afterAll(async () => {
  await app?.close();
  await fx?.stop();
});

describe('actions under @github/local-action set the outputs the runner harness reads', () => {
  test(
    'health-check',
    async () => {
      const inputs = { url: `${app.url}/health`, timeout: '3s', interval: '50ms' };
      const bundle = await runBundle('health-check', { inputs });
      const local = await runLocalAction('health-check', { inputs });
      expect(local.errors).toEqual([]);
      expect(local.outputs.healthy).toBe('true');
      expectSameOutputs(local.outputs, bundle.outputs, ['p95-ms', 'error-rate']);
    },
    SLOW,
  );

  test(
    'deploy (dry run against the emulator)',
    async () => {
      const inputs = fx.inputs({ ref: NEW, 'dry-run': 'true' });
      const bundle = await runBundle('deploy', { inputs });
      const local = await runLocalAction('deploy', { inputs });
      expect(local.errors).toEqual([]);
      expect(local.outputs.status).toBe('dry-run');
      expectSameOutputs(local.outputs, bundle.outputs);
    },
    SLOW,
  );

  test(
    'notify (a failure to Slack on the emulator)',
    async () => {
      const inputs = { 'slack-webhook-url': `${fx.emulator.urls.slack}/services/T0TEST/B0TEST/localaction`, title: 'Deploy of abc1234 to production', status: 'failure' };
      const bundle = await runBundle('notify', { inputs });
      const local = await runLocalAction('notify', { inputs });
      expect(local.errors).toEqual([]);
      expectSameOutputs(local.outputs, bundle.outputs);
    },
    SLOW,
  );

  test(
    'security-scan',
    async () => {
      const inputs = { url: `${app.url}/`, checks: 'headers', 'fail-on': 'never' };
      const bundle = await runBundle('security-scan', { inputs });
      const local = await runLocalAction('security-scan', { inputs });
      expect(local.errors).toEqual([]);
      expectSameOutputs(local.outputs, bundle.outputs);
    },
    SLOW,
  );

  test(
    'load-test (one second against a local app)',
    async () => {
      const inputs = { target: `${app.url}/health`, duration: '1s', rate: '20' };
      const bundle = await runBundle('load-test', { inputs });
      const local = await runLocalAction('load-test', { inputs });
      expect(local.errors).toEqual([]);
      expect(Object.keys(local.outputs).sort()).toEqual(Object.keys(bundle.outputs).sort());
      expect(local.outputs.passed).toBe(bundle.outputs.passed);
    },
    SLOW,
  );
});
