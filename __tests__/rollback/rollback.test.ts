import { runBundle, type RunResult } from '../harness/runner.js';
import { Fixture, NEW, OLD, OLDER } from '../deploy/fixture.js';

/** Acceptance tests: the committed bundle dist/rollback/index.js against the platform emulator. */

let fx: Fixture;
afterEach(async () => {
  await fx?.stop();
});

function said(result: RunResult): string {
  return [result.log, ...result.errors.map((e) => `error: ${e}`), ...result.warnings.map((w) => `warning: ${w}`)].join(
    '\n',
  );
}

async function deployed(): Promise<RunResult> {
  const result = await runBundle('deploy', { inputs: fx.inputs({ ref: NEW, strategy: 'direct' }) });
  expect(result.outputs.status).toBe('deployed');
  return result;
}

function rollback(extra: Record<string, string>): Promise<RunResult> {
  return runBundle('rollback', { inputs: fx.inputs(extra) });
}

describe('rollback action (bundle) against the emulator', () => {
  it("goes back to the deploy's rollback-plan, pins Vercel, re-verifies, and records it on GitHub", async () => {
    fx = await Fixture.start();
    const deploy = await deployed();
    const result = await rollback({
      'rollback-plan': deploy.outputs['rollback-plan'],
      reason: 'checkout errors',
      'frontend-health-url': '/api/health',
      'backend-health-url': '/health',
      'health-expect-version': 'true',
    });

    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('rolled-back');
    const frontend = fx.vercelProduction()!;
    const backend = fx.railwayProduction()!;
    expect(frontend).toMatchObject({ id: fx.vercel.productionDeploymentId, sha: OLD, readyState: 'READY' });
    expect(backend).toMatchObject({ sha: OLD, status: 'SUCCESS' });
    expect(result.outputs['frontend-deployment-id']).toBe(frontend.id);
    expect(result.outputs['backend-deployment-id']).toBe(backend.id);
    // Vercel: instant rollback with the reason, production pinned, and the way out is printed.
    const call = fx.control.requests({ provider: 'vercel', method: 'POST', path: '/rollback/' })[0];
    expect(call.path).toBe(`/v1/projects/${fx.vercel.projectId}/rollback/${frontend.id}`);
    expect(call.query.description).toBe('checkout errors');
    expect(result.outputs.pinned).toBe('true');
    expect(said(result)).toMatch(/pinned to dpl_\w+: .*promote a deployment \(vercel promote/);
    expect(result.summary).toMatch(/Rolled back/);
    // Both answered healthy with the old commit.
    expect(said(result)).toMatch(/frontend: restored — dpl_\w+ serves again and answers healthy/);
    expect(said(result)).toMatch(/backend: restored — .* serves again and answers healthy/);
    // GitHub: the deploy marked failure, the rollback recorded as its own deployment of the old commit.
    const [deployRecord, rollbackRecord] = fx.githubDeployments();
    expect(deployRecord.statuses.map((s) => s.state)).toEqual(['in_progress', 'success', 'failure']);
    expect(rollbackRecord).toMatchObject({ sha: OLD, task: 'deploy:rollback' });
    expect(rollbackRecord.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(fx.tokenLeaks()).toEqual([]);
  });

  it('on a cancelled job (SIGINT) stops waiting, says what was requested, and exits before the runner kills it', async () => {
    fx = await Fixture.start();
    const deploy = await deployed();
    // The Railway rollback deployment (of OLD) never leaves DEPLOYING.
    fx.control.setCommit(OLD, { railway: { timing: { readsPerStep: 1, reads: { DEPLOYING: 0 } } } });
    const result = await runBundle('rollback', {
      inputs: fx.inputs({
        'rollback-plan': deploy.outputs['rollback-plan'],
        components: 'backend',
        reason: 'bad deploy',
      }),
      // Once the rollback was requested and its deployment read since, however slow the machine is.
      signal: {
        name: 'SIGINT',
        when: () => {
          const requests = fx.control.requests({ provider: 'railway' });
          const asked = requests.find((r) => r.operations.includes('deploymentRollback'));
          return asked !== undefined && requests.some((r) => r.seq > asked.seq);
        },
      },
      timeoutMs: 30_000,
    });
    // The contract: the runner sends SIGTERM 7.5 s after SIGINT.
    expect(Date.now() - result.signalledAt!).toBeLessThan(7000);
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(1);
    expect(result.outputs.status).toBe('cancelled');
    expect(result.warnings.join('\n')).toMatch(
      /Received SIGINT: the job is being cancelled; rollbacks already requested stay requested/,
    );
    expect(result.errors[0]).toMatch(
      /^the job was cancelled: backend cancelled: the job was cancelled while going back to \S+ \(rollback deployment \S+ did not reach SUCCESS before the job was cancelled \(last DEPLOYING\)\); check what serves$/,
    );
    expect(result.summary).toContain('Rollback cancelled');
    expect(fx.control.requests({ provider: 'railway', operation: 'deploymentRollback' })).toHaveLength(1);
    // Its outcome is unknown, so nothing is recorded on GitHub: the deploy's record is untouched.
    expect(fx.githubDeployments().map((d) => d.statuses.map((s) => s.state))).toEqual([['in_progress', 'success']]);
  });

  it('to: previous finds the last deployment that served before the current one', async () => {
    fx = await Fixture.start({ previous: [OLDER] });
    const result = await rollback({ to: 'previous', reason: 'bad release' });
    expect(result.outputs.status).toBe('rolled-back');
    expect(fx.vercelProduction()!.sha).toBe(OLDER);
    expect(fx.railwayProduction()).toMatchObject({ sha: OLDER, status: 'SUCCESS' });
  });

  it('rolls back to deployment ids chosen by hand (the emergency workflow), checked before any call', async () => {
    fx = await Fixture.start();
    const oldFrontend = fx.vercel.productionDeploymentId!;
    const oldBackend = fx.railway.deploymentId!;
    await deployed();
    const bad = await rollback({ 'frontend-deployment': 'dpl_1; rm -rf', 'backend-deployment': oldBackend });
    expect(bad.exitCode).toBe(1);
    expect(bad.errors[0]).toMatch(/^rollback: input 'frontend-deployment' must be a deployment id/);
    const both = await rollback({ 'frontend-deployment': oldFrontend, to: 'previous' });
    expect(both.errors[0]).toMatch(
      /^rollback: input 'frontend-deployment' names a deployment, so rollback-plan and to must be empty/,
    );
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/rollback/' })).toHaveLength(0);

    const result = await rollback({
      'frontend-deployment': oldFrontend,
      'backend-deployment': oldBackend,
      reason: 'by hand',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs.status).toBe('rolled-back');
    expect(fx.vercelProduction()).toMatchObject({ id: oldFrontend, sha: OLD });
    expect(fx.railwayProduction()).toMatchObject({ sha: OLD, status: 'SUCCESS' });
  });

  it('reports a first deploy as nothing to roll back, not as an error', async () => {
    fx = await Fixture.start({ frontendSha: null, backendSha: null });
    const deploy = await deployed();
    const result = await rollback({ 'rollback-plan': deploy.outputs['rollback-plan'] });
    expect(result.exitCode).toBe(0);
    expect(result.errors).toEqual([]);
    expect(result.outputs.status).toBe('nothing-to-roll-back');
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/rollback/' })).toHaveLength(0);
    expect(fx.vercelProduction()!.sha).toBe(NEW);
  });

  it('says "needs a human" when the restored build does not answer healthy', async () => {
    fx = await Fixture.start();
    const deploy = await deployed();
    fx.control.setApp(OLD, { kind: 'broken', status: 500 });
    const result = await rollback({
      'rollback-plan': deploy.outputs['rollback-plan'],
      components: 'backend',
      'backend-health-url': '/health',
      'verify-timeout': '300ms',
    });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.status).toBe('failed');
    expect(result.errors.join('\n')).toMatch(
      /^rollback: backend needs a human: .* serves again but is unhealthy: .*HTTP 500/m,
    );
  });

  it.each([
    [
      'a malformed rollback-plan',
      {
        'rollback-plan':
          '{"version": 1, "environment": "production", "components": {"frontend": {"provider": "vercel"}}}',
      },
      /input 'rollback-plan' components\.frontend\.deploymentId must be a non-empty string/,
    ],
    [
      'rollback-plan that is not JSON',
      { 'rollback-plan': '{not json' },
      /input 'rollback-plan' is not valid YAML or JSON/,
    ],
    ['neither a plan nor to: previous', {}, /input 'rollback-plan' is required/],
    [
      'a plan of another environment',
      {
        environment: 'staging',
        'rollback-plan': JSON.stringify({ version: 1, environment: 'production', components: { backend: null } }),
      },
      /was recorded for environment 'production', but environment is 'staging'/,
    ],
    [
      'a missing token for a requested component',
      { to: 'previous', components: 'backend', 'railway-token': '' },
      /input 'railway-token' is required to roll back the backend/,
    ],
    [
      'an unknown environment',
      { to: 'previous', environment: 'live' },
      /input 'environment' must be one of production, staging, preview/,
    ],
  ])('stops before any API call on %s', async (_name, extra, message) => {
    fx = await Fixture.start();
    const result = await rollback(extra as Record<string, string>);
    expect(result.exitCode).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(message);
    expect(result.outputs.status).toBe('failed');
    expect(fx.control.requests()).toHaveLength(0);
  });
});
