/**
 * Acceptance, issue 16's rollback_deploy: the bundle dist/remediate against the emulator. The last
 * verified deployment is made the way production makes it (the deploy action, recorded on GitHub
 * Deployments); what serves after it is deployed without a GitHub record (by hand, outside our
 * pipeline), twice, so "the previous deployment" and "the last verified one" differ.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { parseEntry } from '../../src/remediation/record.js';
import { Fixture, NEW } from '../deploy/fixture.js';
import { runBundle, type RunResult } from '../harness/runner.js';

const BROKEN_1 = 'bad0000000000000000000000000000000000003';
const BROKEN_2 = 'bad0000000000000000000000000000000000004';
const T0 = Date.parse('2026-12-01T03:00:00Z');
const MIN = 60_000;

let fx: Fixture;
afterEach(async () => fx?.stop());

async function deploy(sha: string, recorded: boolean): Promise<void> {
  const result = await runBundle('deploy', {
    inputs: fx.inputs({ ref: sha, strategy: 'direct', ...(recorded ? {} : { 'github-token': '' }) }),
  });
  expect(result.outputs['status']).toBe('deployed');
}

function remediate(at: number, inputs: Record<string, string> = {}): Promise<RunResult> {
  const { 'verify-timeout': _verify, ...platform } = fx.inputs();
  void _verify;
  return runBundle('remediate', {
    env: { THREADR_OPS_NOW: new Date(at).toISOString() },
    inputs: {
      ...platform,
      'railway-token-type': 'project',
      actions: 'rollback_deploy',
      reason: 'error rate 12%',
      confirm: 'true',
      repository: 'threadr/threadr',
      'rollback-timeout': '20s',
      ...inputs,
    },
  });
}

type Result = {
  kind: string;
  status: string;
  why?: string;
  from?: Record<string, { sha: string; deploymentId: string }>;
  to?: Record<string, { sha: string }>;
  readBack?: Record<string, { sha: string }>;
  undo?: string;
};
const result = (run: RunResult) => (JSON.parse(run.outputs['report']!) as { results: Result[] }).results[0]!;
const recordComments = () =>
  (
    fx.control
      .githubRepo('threadr/threadr')
      .issues.find((issue) => issue.title === 'threadr-ops remediation log: production')?.comments ?? []
  ).map((comment) => comment.body);
const serving = () => ({ frontend: fx.vercelProduction()?.sha, backend: fx.railwayProduction()?.sha });

/** NEW deployed and verified by our deploy action; then two deploys that no run of ours verified. */
async function brokenAfterVerified(): Promise<void> {
  fx = await Fixture.start();
  fx.control.setCommit(BROKEN_1, { app: { kind: 'broken' } });
  fx.control.setCommit(BROKEN_2, { app: { kind: 'broken' } });
  await deploy(NEW, true);
  await deploy(BROKEN_1, false);
  await deploy(BROKEN_2, false);
  expect(serving()).toEqual({ frontend: BROKEN_2, backend: BROKEN_2 });
}

describe('remediate rollback_deploy (bundle) against the emulator', () => {
  test('a broken commit serving after a verified one: both platforms go back to the verified deployment, recorded with its undo; revert rolls forward', async () => {
    await brokenAfterVerified();
    const run = await remediate(T0);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['applied']).toBe('rollback_deploy');
    // The last verified commit, not the previous deployment (BROKEN_1).
    expect(serving()).toEqual({ frontend: NEW, backend: NEW });
    expect(result(run)).toMatchObject({
      status: 'applied',
      from: { frontend: { sha: BROKEN_2 }, backend: { sha: BROKEN_2 } },
      to: { frontend: { sha: NEW }, backend: { sha: NEW } },
      readBack: { frontend: { sha: NEW }, backend: { sha: NEW } },
    });
    expect(run.summary).toContain('rollback_deploy');
    // The rollback action's code did it: Vercel's instant rollback (pinned), the rollback recorded on GitHub.
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/rollback/' })).toHaveLength(1);
    const deployments = fx.githubDeployments();
    expect(deployments.at(-1)).toMatchObject({ sha: NEW, task: 'deploy:rollback' });
    expect(deployments.at(-1)!.statuses.at(-1)!.state).toBe('success');
    // The verified deployment is not marked failed: it is what serves again.
    expect(deployments[0]!.statuses.map((s) => s.state)).not.toContain('failure');
    // Before and after on the remediation issue, with the exact undo command.
    const entries = recordComments().map((body) => parseEntry(body)!);
    expect(entries.map((entry) => [entry.phase, entry.ok])).toEqual([
      ['before', undefined],
      ['after', true],
    ]);
    expect(recordComments()[1]).toContain(
      'undo: `npx threadr-ops remediate --actions rollback_deploy --revert true --confirm true --environment production --reason "undo rollback_deploy"`',
    );

    // The guard rails hold as for the other actions: the same action again inside the cooldown is not attempted.
    expect(result(await remediate(T0 + MIN / 2)).why).toMatch(/^cooldown: rollback_deploy on deploy:production\//);
    expect(recordComments()).toHaveLength(2);

    // revert: true rolls forward to what served before, and is recorded as undoing it.
    const revert = await remediate(T0 + MIN, { revert: 'true', reason: 'false alarm' });
    expect(revert.exitCode).toBe(0);
    expect(result(revert)).toMatchObject({
      status: 'applied',
      to: { frontend: { sha: BROKEN_2 }, backend: { sha: BROKEN_2 } },
      readBack: { frontend: { sha: BROKEN_2 }, backend: { sha: BROKEN_2 } },
    });
    expect(serving()).toEqual({ frontend: BROKEN_2, backend: BROKEN_2 });
    expect(parseEntry(recordComments().at(-1)!)).toMatchObject({ phase: 'after', ok: true, reverts: entries[0]!.id });
  });

  test('production already on the last verified deployment: no action, and the report says why', async () => {
    fx = await Fixture.start();
    await deploy(NEW, true);
    const before = fx.control.requests().length;
    const run = await remediate(T0);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['applied']).toBe('');
    expect(result(run)).toMatchObject({ status: 'skipped' });
    expect(result(run).why).toMatch(
      /^nothing to change: frontend already serves the last verified deployment: dpl_\w+ \(feed00000000\), GitHub deployment \d+; backend already serves the last verified deployment/,
    );
    expect(serving()).toEqual({ frontend: NEW, backend: NEW });
    expect(recordComments()).toEqual([]);
    expect(
      fx.control
        .requests()
        .slice(before)
        .filter((r) => r.method !== 'GET' && !(r.provider === 'railway' && !/\bmutation\b/.test(r.body))),
    ).toEqual([]);
  });

  test('dry run: says what it would do, and the emulator saw reads only', async () => {
    await brokenAfterVerified();
    fx.control.clearRequests();
    const run = await remediate(T0, { confirm: 'false' });
    expect(run.exitCode).toBe(0);
    expect(result(run).why).toMatch(
      /^dry run: would change deploy:production\/vercel:\w+\+railway:[\w-]+ from .*bad00000.* to .*feed0000/,
    );
    expect(serving()).toEqual({ frontend: BROKEN_2, backend: BROKEN_2 });
    const requests = fx.control.requests();
    // It did read each platform (what serves, the verified commit's deployment, the GitHub history).
    expect([...new Set(requests.map((r) => r.provider))].sort()).toEqual(['github', 'railway', 'vercel']);
    // Railway's API is GraphQL over POST: a read there is a query, never a mutation.
    const writes = requests.filter((r) =>
      r.provider === 'railway' ? /\bmutation\b/.test(r.body) : r.method !== 'GET',
    );
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(recordComments()).toEqual([]);
  });
});
