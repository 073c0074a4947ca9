import { runBundle, type RunResult } from '../harness/runner.js';
import { Fixture, NEW, OLD } from '../deploy/fixture.js';
import { BAD, brokenInvariants, CALL, inject } from './convergence-kit.js';

/**
 * Issue 18 through the committed bundles (dist/deploy, dist/rollback) as the runner starts them:
 * the same faults as the in-process cases, several at once, against the emulator in real time.
 * The Retry-After check is a lower bound on the emulator's request log (never flaky under load).
 */

const HEALTH = { 'frontend-health-url': '/api/health', 'backend-health-url': '/health' };

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

function said(result: RunResult): string {
  return [result.log, ...result.errors.map((e) => `error: ${e}`), ...result.warnings.map((w) => `warning: ${w}`)].join(
    '\n',
  );
}

describe('deploy and rollback bundles converge under faults (issue 18)', () => {
  it('rollback: errors[] on the listing, an applied deploymentRollback answered with errors[], a stale "what serves", five 429s', async () => {
    fx = await Fixture.start();
    const deployed = await runBundle('deploy', { inputs: fx.inputs({ ref: NEW, strategy: 'direct', ...HEALTH }) });
    expect(deployed.outputs.status).toBe('deployed');

    inject(fx, CALL.railwayList, { kind: 'graphql-error', message: 'Problem processing request' }, 2);
    inject(fx, CALL.railwayRollback, {
      kind: 'graphql-error',
      message: 'Problem processing request',
      afterHandling: true,
    });
    inject(fx, CALL.vercelProject, { kind: 'stale-read' });
    inject(fx, CALL.vercelRollback, { kind: 'rate-limit', retryAfterSeconds: 1 }, 5);
    const result = await runBundle('rollback', {
      inputs: fx.inputs({ 'rollback-plan': deployed.outputs['rollback-plan'], reason: 'bad release', ...HEALTH }),
      timeoutMs: 60_000,
    });

    expect(fx.control.faults()).toEqual([]);
    expect(brokenInvariants(fx, { frontend: OLD, backend: OLD, retryAfterSeconds: 1 })).toEqual([]);
    if (result.outputs.status !== 'rolled-back') throw new Error(`status ${result.outputs.status}\n${said(result)}`);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['frontend-deployment-id']).toBe(fx.vercelProduction()!.id);
    expect(result.outputs['backend-deployment-id']).toBe(fx.railwayProduction()!.id);
    expect(said(result)).toMatch(
      /deploymentRollback to \S+: outcome unknown \(railway: DeploymentRollback failed: Problem processing request\)/,
    );
    expect(fx.tokenLeaks()).toEqual([]);
  });

  it('deploy of a broken commit, re-run after a cancel left its backend serving: the plan points at the last verified deployment', async () => {
    fx = await Fixture.start();
    fx.control.setCommit(BAD, { app: { kind: 'broken' } });
    // OLD is verified once (a GitHub deployment with a success status).
    const verified = await runBundle('deploy', { inputs: fx.inputs({ ref: OLD, strategy: 'direct', ...HEALTH }) });
    expect(verified.outputs.status).toBe('deployed');
    // A run that left the broken backend serving without its verification recorded (as a cancelled
    // one does; here GitHub refused every status, which the deploy shrugs off as bookkeeping).
    fx.control.fault({
      provider: 'github',
      method: 'POST',
      path: '/repos/:owner/:repo/deployments/:id/statuses',
      fault: { kind: 'respond', status: 403, json: { message: 'Resource not accessible by integration' } },
      times: -1,
    });
    const unrecorded = await runBundle('deploy', { inputs: fx.inputs({ ref: BAD, components: 'backend' }) });
    expect(unrecorded.outputs.status).toBe('deployed');
    fx.control.clearFaults();
    expect(fx.railwayProduction()!.sha).toBe(BAD);

    const rerun = await runBundle('deploy', { inputs: fx.inputs({ ref: BAD, strategy: 'direct', ...HEALTH }) });
    const plan = JSON.parse(rerun.outputs['rollback-plan']) as { components: Record<string, { sha: string }> };
    expect(plan.components.backend.sha).toBe(OLD);
    expect(said(rerun)).toMatch(
      /backend \(Railway service \S+\): \S+ \(commit bad000000000\) serves, but the last verified commit is 01d000000000/,
    );
    if (rerun.outputs.status !== 'rolled-back') throw new Error(`status ${rerun.outputs.status}\n${said(rerun)}`);
    expect(brokenInvariants(fx, { frontend: OLD, backend: OLD })).toEqual([]);
  });
});
