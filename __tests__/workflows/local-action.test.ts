import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startEmulator } from '../../src/emulator/index.js';
import {
  BASE_AS_OF,
  COST_CREDENTIALS as C,
  baseMonth,
  buildCostMonth,
} from '../../src/emulator/fixtures/cost/months.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fixture, NEW } from '../deploy/fixture.js';
import { postgresBinDir, startCluster } from '../backup/pg-cluster.js';
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
    if (
      /ms$|At$|duration|latenc|elapsed|time|started|finished|date|p\d\d|mean|max|min|rps|rate|observed/i.test(key) &&
      (typeof v === 'number' || typeof v === 'string')
    )
      return typeof v;
    if (Array.isArray(v)) return v.map((item) => scrub(item));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, scrub(item, k)]));
    return v;
  };
  return scrub(parsed);
}

function expectSameOutputs(
  local: Record<string, string>,
  bundle: Record<string, string>,
  measured: string[] = [],
): void {
  expect(Object.keys(local).sort()).toEqual(Object.keys(bundle).sort());
  for (const name of Object.keys(bundle)) {
    if (measured.includes(name))
      expect(local[name] === '' ? '' : typeof Number(local[name])).toBe(bundle[name] === '' ? '' : 'number');
    else expect([name, comparable(local[name])]).toEqual([name, comparable(bundle[name])]);
  }
}

/** The same keys, and these outputs equal (the others hold file names, checksums or figures of the run). */
function expectSameKeys(local: Record<string, string>, bundle: Record<string, string>, equal: string[]): void {
  expect(Object.keys(local).sort()).toEqual(Object.keys(bundle).sort());
  for (const name of equal) expect([name, local[name]]).toEqual([name, bundle[name]]);
}

let app: TestServer;
let other: TestServer;
let fx: Fixture;
let work: string;
beforeAll(async () => {
  app = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
  other = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
  fx = await Fixture.start();
  work = mkdtempSync(join(tmpdir(), 'local-action-'));
});
afterAll(async () => {
  await app?.close();
  await other?.close();
  await fx?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
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
      const inputs = {
        'slack-webhook-url': `${fx.emulator.urls.slack}/services/T0TEST/B0TEST/localaction`,
        title: 'Deploy of abc1234 to production',
        status: 'failure',
      };
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
          const inputs = own.inputs({
            'rollback-plan': deployed.outputs['rollback-plan'],
            reason: 'local-action test',
          });
          return runner === 'bundle'
            ? (await runBundle('rollback', { inputs })).outputs
            : (await runLocalAction('rollback', { inputs })).outputs;
        } finally {
          await own.stop();
        }
      };
      const bundle = await rollBack('bundle');
      const local = await rollBack('local');
      expect(local.status).toBe('rolled-back');
      expect(Object.keys(local).sort()).toEqual(Object.keys(bundle).sort());
      for (const name of ['status', 'frontend-deployment-id', 'backend-deployment-id'])
        expect([name, local[name]]).toEqual([name, bundle[name]]);
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
        for (const [name, state] of Object.entries(buildCostMonth(baseMonth())))
          Object.assign(emu.control.extensionState(name), state);
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

  test(
    'canary (two local apps)',
    async () => {
      const inputs = {
        'baseline-url': `${app.url}/`,
        'candidate-url': `${other.url}/`,
        duration: '1s',
        rate: '40',
        'request-timeout': '2s',
        paths: '/health',
      };
      const bundle = await runBundle('canary', { inputs });
      const local = await runLocalAction('canary', { inputs });
      // The verdict rests on measured latencies: two identical apps on a busy machine can still
      // differ by chance (a false positive, bench/canary). A `fail` comes with its one error
      // annotation and nothing else; which outputs are set is compared, not their values.
      expect(local.errors).toEqual(local.outputs.verdict === 'fail' ? [expect.stringMatching(/^canary: fail: /)] : []);
      expectSameKeys(local.outputs, bundle.outputs, []);
      expect(JSON.parse(local.outputs.report!)).toMatchObject({
        baselineUrl: `${app.url}/`,
        candidateUrl: `${other.url}/`,
      });
    },
    SLOW,
  );

  test(
    'promote (a staged deploy, on a fresh emulator each time)',
    async () => {
      const promoteOn = async (runner: 'bundle' | 'local') => {
        const own = await Fixture.start();
        try {
          const staged = await runBundle('deploy', {
            inputs: own.inputs({ ref: NEW, components: 'frontend', strategy: 'staged' }),
          });
          expect(staged.outputs.status).toBe('deployed');
          const inputs = {
            'promote-plan': staged.outputs['promote-plan']!,
            'vercel-token': own.tokens.vercel,
            'vercel-project-id': own.vercel.projectId,
            'vercel-api-url': own.inputs()['vercel-api-url']!,
            'poll-interval': '5ms',
            'request-timeout': '2s',
            'verify-timeout': '2s',
            'frontend-health-url': `${own.vercel.productionUrl}/api/health`,
            'health-expect-version': 'true',
          };
          return runner === 'bundle'
            ? (await runBundle('promote', { inputs })).outputs
            : (await runLocalAction('promote', { inputs })).outputs;
        } finally {
          await own.stop();
        }
      };
      const bundle = await promoteOn('bundle');
      const local = await promoteOn('local');
      expect(local.status).toBe('promoted');
      expectSameKeys(local, bundle, ['status']);
    },
    SLOW,
  );

  test(
    'dashboard (no history yet)',
    async () => {
      const inputs = (out: string) => ({ history: join(work, 'no-history/'), 'out-dir': join(work, out) });
      const bundle = await runBundle('dashboard', { cwd: work, inputs: inputs('site-bundle') });
      const local = await runLocalAction('dashboard', {
        inputs: inputs('site-local'),
        env: { GITHUB_WORKSPACE: work },
      });
      expect(local.errors).toEqual([]);
      expect(local.outputs['site-dir']).toBe(join(work, 'site-local'));
      expectSameKeys(local.outputs, bundle.outputs, ['indicator', 'components-down', 'open-incidents', 'records']);
    },
    SLOW,
  );

  test(
    'remediate (scale the backend, recorded in a GitHub issue through Octokit; a fresh emulator each time)',
    async () => {
      const GITHUB_TOKEN = 'ghp_local_action_token_0001';
      const RAILWAY_TOKEN = 'railway-local-action-token-0001';
      const remediateOn = async (runner: 'bundle' | 'local') => {
        const emu = await startEmulator({ port: 0 });
        try {
          emu.control.addGithubToken(GITHUB_TOKEN);
          emu.control.addRailwayAccountToken(RAILWAY_TOKEN);
          const svc = await emu.control.seedRailwayService();
          const inputs = {
            actions: 'scale_backend',
            reason: 'local-action test',
            confirm: 'true',
            'github-token': GITHUB_TOKEN,
            'github-api-url': emu.urls.github,
            repository: 'threadr/threadr',
            'railway-token': RAILWAY_TOKEN,
            'railway-api-url': emu.urls.railwayGraphql,
            'railway-project-id': svc.projectId,
            'railway-environment-id': svc.environmentId,
            'railway-service-id': svc.serviceId,
            'request-timeout': '5s',
          };
          const run =
            runner === 'bundle'
              ? await runBundle('remediate', { inputs })
              : await runLocalAction('remediate', { inputs });
          const issue = emu.control.githubRepo('threadr/threadr').issues[0];
          return { outputs: run.outputs, comments: issue?.comments.length ?? 0 };
        } finally {
          await emu.stop();
        }
      };
      const bundle = await remediateOn('bundle');
      const local = await remediateOn('local');
      expect(local.outputs.applied).toBe('scale_backend');
      expect(local.comments).toBe(bundle.comments);
      expect(local.comments).toBeGreaterThan(0);
      expectSameOutputs(local.outputs, bundle.outputs);
    },
    SLOW,
  );

  describe('backup and restore (a throwaway PostgreSQL cluster)', () => {
    const binDir = postgresBinDir();
    let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
    beforeAll(async () => {
      if (!binDir)
        throw new Error(
          'PostgreSQL is not installed (apt-get install postgresql): /usr/lib/postgresql/<version>/bin is missing',
        );
      cluster = await startCluster(binDir);
      cluster.psql('postgres', 'create database threadr');
      cluster.psql('postgres', 'create database scratch_bundle');
      cluster.psql('postgres', 'create database scratch_local');
      cluster.psql(
        'threadr',
        `create table threads (id bigint primary key, title text not null); insert into threads select g, 'thread ' || g from generate_series(1, 100) g;`,
      );
    }, SLOW);
    afterAll(() => cluster?.stop());

    test(
      'backup, then restore of that dump',
      async () => {
        const backupInputs = (dir: string) => ({
          targets: 'postgres',
          'postgres-url': cluster!.url('threadr'),
          'pg-bin-dir': binDir!,
          'output-dir': join(work, dir),
        });
        const bundle = await runBundle('backup', {
          cwd: work,
          inputs: backupInputs('backups-bundle'),
          timeoutMs: 170_000,
        });
        const local = await runLocalAction('backup', {
          inputs: backupInputs('backups-local'),
          env: { GITHUB_WORKSPACE: work },
        });
        expect(local.errors).toEqual([]);
        expect(local.outputs.status).toBe('ok');
        // The archive's name carries the second it was taken, and pg_dump writes that time into it.
        expectSameKeys(local.outputs, bundle.outputs, ['status']);
        expect(local.outputs.archive).toContain(join(work, 'backups-local'));

        const restoreInputs = (dir: string, database: string) => ({
          target: 'postgres',
          'backup-path': join(work, dir),
          destination: cluster!.url(database),
          'dry-run': 'false',
          'pg-bin-dir': binDir!,
          verify: 'select count(*) = 100 from threads',
        });
        const restoredBundle = await runBundle('restore', {
          cwd: work,
          inputs: restoreInputs('backups-bundle', 'scratch_bundle'),
          timeoutMs: 170_000,
        });
        const restoredLocal = await runLocalAction('restore', {
          inputs: restoreInputs('backups-local', 'scratch_local'),
          env: { GITHUB_WORKSPACE: work },
        });
        expect(restoredLocal.errors).toEqual([]);
        expectSameKeys(restoredLocal.outputs, restoredBundle.outputs, ['status']);
        expect(restoredLocal.outputs.status).toBe(restoredBundle.outputs.status);
        expect(cluster!.psql('scratch_local', 'select count(*) from threads')).toBe('100');
      },
      SLOW * 2,
    );
  });
});
