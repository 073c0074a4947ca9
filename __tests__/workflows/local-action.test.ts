import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import { BASE_AS_OF, COST_CREDENTIALS as C, baseMonth, buildCostMonth } from '../../src/emulator/fixtures/cost/months.js';
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

  test(
    'rollback (to the plan of a deploy, on a fresh emulator each time)',
    async () => {
      const rollBack = async (runner: 'bundle' | 'local') => {
        const own = await Fixture.start();
        try {
          const deployed = await runBundle('deploy', { inputs: own.inputs({ ref: NEW, strategy: 'direct' }) });
          expect(deployed.outputs.status).toBe('deployed');
          const inputs = own.inputs({ 'rollback-plan': deployed.outputs['rollback-plan'], reason: 'local-action test' });
          return runner === 'bundle' ? (await runBundle('rollback', { inputs })).outputs : (await runLocalAction('rollback', { inputs })).outputs;
        } finally {
          await own.stop();
        }
      };
      const bundle = await rollBack('bundle');
      const local = await rollBack('local');
      expect(local.status).toBe('rolled-back');
      expect(Object.keys(local).sort()).toEqual(Object.keys(bundle).sort());
      for (const name of ['status', 'frontend-deployment-id', 'backend-deployment-id']) expect([name, local[name]]).toEqual([name, bundle[name]]);
    },
    SLOW,
  );

  test(
    'cost-monitor (a fixture month on the emulator)',
    async () => {
      const emu = await startEmulator({ port: 0 });
      try {
        emu.control.addVercelTeam(C.vercelTeamId);
        emu.control.addVercelToken(C.vercelToken, { teams: [C.vercelTeamId] });
        emu.control.addRailwayAccountToken(C.railwayToken);
        for (const [name, state] of Object.entries(buildCostMonth(baseMonth()))) Object.assign(emu.control.extensionState(name), state);
        const base = emu.urls.base;
        const inputs = {
          'as-of': BASE_AS_OF,
          'openai-admin-key': C.openaiAdminKey,
          'openai-api-url': `${base}/openai`,
          'railway-token': C.railwayToken,
          'railway-project-id': C.railwayProjectId,
          'railway-api-url': emu.urls.railwayGraphql,
          'vercel-token': C.vercelToken,
          'vercel-team-id': C.vercelTeamId,
          'vercel-api-url': emu.urls.vercel,
          'upstash-email': C.upstashEmail,
          'upstash-api-key': C.upstashKey,
          'upstash-api-url': `${base}/upstash`,
          'upstash-marketplace-databases': 'threadr-kv',
          'stripe-secret-key': C.stripeKey,
          'stripe-api-url': `${base}/stripe`,
        };
        const bundle = await runBundle('cost-monitor', { inputs });
        const local = await runLocalAction('cost-monitor', { inputs });
        expect(local.errors).toEqual([]);
        expect(local.outputs.severity).toBe('ok');
        expectSameOutputs(local.outputs, bundle.outputs);
      } finally {
        await emu.stop();
      }
    },
    SLOW,
  );
});
