import { runBundle, type RunResult } from '../harness/runner.js';
import { Fixture, NEW, OLD } from '../deploy/fixture.js';

/**
 * The staged release path, bundles against the emulator: deploy (strategy: staged) → canary
 * against production → promote, and what production served at each step (the app request log).
 */
let fx: Fixture;
afterEach(async () => {
  await fx?.stop();
});

const PROBE = { duration: '2s', rate: '100', 'request-timeout': '2s', paths: '/api/health' };

async function stage(): Promise<RunResult> {
  const result = await runBundle('deploy', {
    inputs: fx.inputs({ ref: NEW, components: 'frontend', strategy: 'staged' }),
  });
  expect(result.outputs.status).toBe('deployed');
  return result;
}

function promote(plan: string, extra: Record<string, string> = {}): Promise<RunResult> {
  return runBundle('promote', {
    inputs: {
      'promote-plan': plan,
      'vercel-token': fx.tokens.vercel,
      'vercel-project-id': fx.vercel.projectId,
      'vercel-api-url': fx.inputs()['vercel-api-url']!,
      'poll-interval': '5ms',
      'request-timeout': '2s',
      'verify-timeout': '2s',
      'frontend-health-url': `${fx.vercel.productionUrl}/api/health`,
      'health-expect-version': 'true',
      ...extra,
    },
  });
}

const productionKey = () => `vercel-production:${fx.vercel.projectId}`;

describe('staged deploy → canary → promote (bundles)', () => {
  it('a candidate equal to production passes the canary, is promoted, and production is verified serving it', async () => {
    fx = await Fixture.start();
    fx.control.setApp(OLD, { kind: 'profile', medianMs: 10 });
    fx.control.setApp(NEW, { kind: 'profile', medianMs: 10 });
    const deployed = await stage();
    const canary = await runBundle('canary', {
      inputs: {
        ...PROBE,
        'baseline-url': fx.vercel.productionUrl,
        'candidate-url': deployed.outputs['candidate-url']!,
      },
    });
    expect(canary.outputs.verdict).toBe('pass');
    expect(fx.control.appRequests({ sha: NEW, key: productionKey() })).toEqual([]);

    const result = await promote(deployed.outputs['promote-plan']!);
    expect(result.errors).toEqual([]);
    expect(result.outputs.status).toBe('promoted');
    expect(result.outputs['frontend-url']).toBe(fx.vercel.productionUrl);
    expect(result.outputs['production-url']).toBe(fx.vercel.productionUrl);
    expect(fx.vercelProduction()!.sha).toBe(NEW);
    const report = JSON.parse(result.outputs.report!);
    expect(report).toMatchObject({ status: 'promoted', moved: true, verify: { verdict: 'healthy' } });
    // The promote went through Vercel's promote endpoint and its alias job, once.
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/promote/' })).toHaveLength(1);
    expect(fx.control.appRequests({ sha: NEW, key: productionKey() }).length).toBeGreaterThan(0);
    expect(result.summary).toMatch(/^## ✅ Promote: promoted/);
    // A second run finds it already serving and changes nothing.
    const again = await promote(deployed.outputs['promote-plan']!);
    expect(again.outputs.status).toBe('promoted');
    expect(JSON.parse(again.outputs.report!).moved).toBe(false);
    // A re-run still names the domain: the pipeline's check after it needs it as much.
    expect(again.outputs['production-url']).toBe(fx.vercel.productionUrl);
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/promote/' })).toHaveLength(1);
  });

  it('a candidate 30 % slower fails the canary and is never promoted: production never served it', async () => {
    fx = await Fixture.start();
    fx.control.setApp(OLD, { kind: 'profile', medianMs: 20 });
    fx.control.setApp(NEW, { kind: 'profile', medianMs: 26 });
    const deployed = await stage();
    const canary = await runBundle('canary', {
      inputs: {
        ...PROBE,
        'baseline-url': fx.vercel.productionUrl,
        'candidate-url': deployed.outputs['candidate-url']!,
      },
    });
    expect(canary.outputs.verdict).toBe('fail');
    expect(canary.exitCode).toBe(1);
    // A pipeline stops here; production stayed on OLD and never answered with NEW.
    expect(fx.vercelProduction()!.sha).toBe(OLD);
    expect(fx.control.appRequests({ sha: NEW, key: productionKey() })).toEqual([]);
    expect(fx.control.appRequests({ sha: OLD, key: productionKey() }).length).toBeGreaterThan(0);
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/promote/' })).toEqual([]);
  });

  // Issue 14: the pipeline verifies production through production-url, so it must be the domain users
  // reach and serve the promoted build (before: no such output; frontend-url was the build's own URL).
  it('outputs production-url, the production domain Vercel names, which serves the promoted build', async () => {
    fx = await Fixture.start();
    const deployed = await stage();
    const result = await promote(deployed.outputs['promote-plan']!, { 'frontend-health-url': '' });
    expect(result.errors).toEqual([]);
    expect(result.outputs.status).toBe('promoted');
    // Without frontend-health-url, frontend-url is the build's own URL; production-url is the domain.
    expect(result.outputs['frontend-url']).toBe(deployed.outputs['candidate-url']);
    const productionUrl = result.outputs['production-url']!;
    // targets.production.alias lists <name>.vercel.app first; the custom domain (the emulator's stable production host) wins.
    expect(productionUrl).toBe(fx.vercel.productionUrl);
    expect(result.summary).toContain(`| Production domain | ${productionUrl} |`);
    const before = fx.control.appRequests({ key: productionKey() }).length;
    const response = await fetch(`${productionUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { version: string }).version).toBe(NEW);
    expect(fx.control.appRequests({ key: productionKey() }).slice(before)).toEqual([
      expect.objectContaining({ sha: NEW, path: '/api/health', status: 200 }),
    ]);
  });

  it('leaves production-url empty, with a warning, when Vercel names no production domain', async () => {
    fx = await Fixture.start();
    const deployed = await stage();
    fx.control.fault({
      provider: 'vercel',
      method: 'GET',
      path: '/v9/projects/:idOrName',
      fault: { kind: 'reshape', omit: ['targets.production.alias'] },
      times: -1,
    });
    const result = await promote(deployed.outputs['promote-plan']!);
    expect(result.outputs.status).toBe('promoted');
    expect(result.outputs['production-url']).toBe('');
    expect(result.warnings.join('\n')).toMatch(
      /Vercel names no production domain for dpl_\w+ \(targets.production.alias is empty\)/,
    );
  });

  it('aborts, changing nothing, when production moved after the build was staged', async () => {
    fx = await Fixture.start({ previous: ['1111111111111111111111111111111111111111'] });
    const deployed = await stage();
    // Someone rolls production back meanwhile.
    const older = fx.control
      .vercelDeployments(fx.vercel.projectId)
      .find((d) => d.sha === '1111111111111111111111111111111111111111')!;
    fx.control.state().vercel.projects[fx.vercel.projectId]!.productionDeploymentId = older.id;
    const result = await promote(deployed.outputs['promote-plan']!);
    expect(result.outputs.status).toBe('aborted');
    expect(result.outputs['production-url']).toBe('');
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/someone changed production meanwhile; nothing was promoted/);
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/promote/' })).toEqual([]);
  });

  it('refuses a plan of another project, and a health path that would check the candidate', async () => {
    fx = await Fixture.start();
    const deployed = await stage();
    const other = await promote(deployed.outputs['promote-plan']!, { 'vercel-project-id': 'prj_other' });
    expect(other.errors).toEqual([
      expect.stringMatching(/^promote: input 'promote-plan' was recorded for another Vercel project/),
    ]);
    const path = await promote(deployed.outputs['promote-plan']!, { 'frontend-health-url': '/api/health' });
    expect(path.errors).toEqual([
      expect.stringMatching(/^promote: input 'frontend-health-url' must be production's absolute URL/),
    ]);
    expect(fx.vercelProduction()!.sha).toBe(OLD);
  });
});

describe('promote rolling: true (bundle)', () => {
  it('advances each stage while production stays healthy, then verifies the completed release', async () => {
    fx = await Fixture.start();
    const deployed = await stage();
    fx.control.configureRollingRelease(fx.vercel.projectId, [10, 50, 100]);
    const result = await promote(deployed.outputs['promote-plan']!, { rolling: 'true' });
    expect(result.errors).toEqual([]);
    expect(result.outputs.status).toBe('promoted');
    const report = JSON.parse(result.outputs.report!);
    expect(report.stages).toEqual([
      { percentage: 10, requests: 20, errors: 0 },
      { percentage: 50, requests: 20, errors: 0 },
    ]);
    expect(report.verify).toMatchObject({ verdict: 'healthy' });
    expect(fx.vercelProduction()!.sha).toBe(NEW);
    expect(fx.control.requests({ provider: 'vercel', method: 'POST', path: '/promote/' })).toEqual([]);
  });

  it('aborts at the first stage when the canary fails, and production is back on the old build', async () => {
    fx = await Fixture.start();
    fx.control.setApp(NEW, { kind: 'broken' });
    const deployed = await stage();
    fx.control.configureRollingRelease(fx.vercel.projectId, [10, 50, 100]);
    const result = await promote(deployed.outputs['promote-plan']!, { rolling: 'true' });
    expect(result.outputs.status).toBe('aborted');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.outputs.report!);
    expect(report.stages).toEqual([{ percentage: 10, requests: 20, errors: 2 }]);
    expect(fx.vercelProduction()!.sha).toBe(OLD);
    // Only the 10 % share ever reached the broken build on the production URL.
    expect(fx.control.appRequests({ sha: NEW, key: productionKey() })).toHaveLength(2);
    const after = await fetch(`${fx.vercel.productionUrl}/api/health`).then(
      (r) => r.json() as Promise<{ version: string }>,
    );
    expect(after.version).toBe(OLD);
  });

  it('needs frontend-health-url', async () => {
    fx = await Fixture.start();
    const deployed = await stage();
    const result = await promote(deployed.outputs['promote-plan']!, { rolling: 'true', 'frontend-health-url': '' });
    expect(result.errors).toEqual([
      expect.stringMatching(/^promote: input 'frontend-health-url' is required with rolling: true/),
    ]);
  });
});
