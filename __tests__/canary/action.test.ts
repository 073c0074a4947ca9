import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { profileDraw, type AppBehaviour } from '../../src/emulator/apps.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runBundle } from '../harness/runner.js';
import { bearer, call, sha } from '../emulator/helpers.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({ extensions: [] });
});
afterEach(async () => emu.stop());

const BASELINE = sha(0xb0);
// 3 s at 100 requests per second each: 300 requests per target, enough for a 2 % error rate to show.
const PROBE = { duration: '3s', rate: '100', 'request-timeout': '2s', paths: '/api/health' };

/** Production serves BASELINE; `candidate` is built as a staged production build (READY, not aliased). */
async function stage(candidate: string, baseline: AppBehaviour, behaviour: AppBehaviour) {
  const auth = bearer(emu.control.addVercelToken());
  emu.control.setApp(BASELINE, baseline);
  emu.control.setApp(candidate, behaviour);
  const project = await emu.control.seedVercelProject({ productionSha: BASELINE });
  const created = (
    await call(`${emu.urls.vercel}/v13/deployments`, {
      headers: auth,
      body: {
        name: project.projectId,
        target: 'production',
        autoAssignCustomDomains: false,
        gitSource: { type: 'vercel', sha: candidate },
      },
    })
  ).json();
  let state = created.readyState;
  for (let i = 0; i < 20 && state !== 'READY'; i++)
    state = (await call(`${emu.urls.vercel}/v13/deployments/${created.id}`, { headers: auth })).json().readyState;
  expect(state).toBe('READY');
  return { auth, project, id: created.id as string, candidateUrl: `http://${created.url}` };
}

const productionServed = (project: { projectId: string }, commit: string) =>
  emu.control.appRequests({ sha: commit, key: `vercel-production:${project.projectId}` });

describe('canary bundle against the emulator', () => {
  test('a candidate 30 % slower at the median, same errors: fail, and production never served it', async () => {
    const candidate = sha(0xc1);
    const { project, candidateUrl } = await stage(
      candidate,
      { kind: 'profile', medianMs: 20 },
      { kind: 'profile', medianMs: 26 },
    );
    const result = await runBundle('canary', {
      inputs: { ...PROBE, 'baseline-url': project.productionUrl, 'candidate-url': candidateUrl },
    });
    expect(result.outputs.verdict).toBe('fail');
    expect(result.exitCode).toBe(1);
    expect(result.errors.join('\n')).toMatch(/^canary: fail: the candidate is worse: median/m);
    const report = JSON.parse(result.outputs.report!);
    expect(report).toMatchObject({
      verdict: 'fail',
      latency: { regressed: true },
      errors: { regressed: false },
      baseline: { count: 300, errors: 0 },
      candidate: { count: 300, errors: 0 },
    });
    expect(report.latency.medianRegression).toBeGreaterThan(15);
    expect(report.latency.pValue).toBeLessThan(0.001);
    expect(result.summary).toMatch(/^## ❌ Canary: fail\n\nthe candidate is worse/);
    expect(result.summary).toContain('| p50 |');
    expect(result.summary).toContain('xychart-beta');
    // The candidate answered only on its own URL: production served the baseline throughout.
    expect(emu.control.appRequests({ sha: candidate }).length).toBe(300);
    expect(productionServed(project, candidate)).toEqual([]);
    expect(productionServed(project, BASELINE).length).toBe(300);
  });

  test('a candidate equal to the baseline passes, and promoting it puts it on production', async () => {
    const candidate = sha(0xc2);
    const { auth, project, id, candidateUrl } = await stage(
      candidate,
      { kind: 'profile', medianMs: 20 },
      { kind: 'profile', medianMs: 20 },
    );
    const result = await runBundle('canary', {
      inputs: { ...PROBE, 'baseline-url': project.productionUrl, 'candidate-url': candidateUrl },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(result.summary).toMatch(/^## ✅ Canary: pass\n\nno regression beyond the tolerances/);
    expect(Math.abs(Number(result.outputs['latency-regression']))).toBeLessThan(10);
    expect(productionServed(project, candidate)).toEqual([]);
    await call(`${emu.urls.vercel}/v10/projects/${project.projectId}/promote/${id}`, {
      method: 'POST',
      headers: auth,
      body: {},
    });
    let job = '';
    for (let i = 0; i < 10 && job !== 'succeeded'; i++)
      job = (await call(`${emu.urls.vercel}/v9/projects/${project.projectId}`, { headers: auth })).json()
        .lastAliasRequest?.jobStatus;
    expect((await call(`${project.productionUrl}/api/health`)).json().version).toBe(candidate);
  });

  test('2 % errors against none: fail on the error test', async () => {
    const candidate = sha(0xc3);
    const erring: AppBehaviour = { kind: 'profile', medianMs: 10, errorRate: 0.02 };
    // The draws are seeded by the commit: its first 300 answers hold this many errors on every run.
    const errors = Array.from({ length: 300 }, (_, i) =>
      profileDraw(erring as Extract<AppBehaviour, { kind: 'profile' }>, candidate, i + 1),
    ).filter((d) => d.fails).length;
    expect(errors).toBeGreaterThanOrEqual(5);
    const { project, candidateUrl } = await stage(candidate, { kind: 'profile', medianMs: 10 }, erring);
    const result = await runBundle('canary', {
      inputs: { ...PROBE, 'baseline-url': project.productionUrl, 'candidate-url': candidateUrl },
    });
    expect(result.outputs.verdict).toBe('fail');
    const report = JSON.parse(result.outputs.report!);
    expect(report).toMatchObject({
      errors: { regressed: true, test: 'fisher-exact' },
      candidate: { errors },
      baseline: { errors: 0 },
    });
    expect(report.errors.pValue).toBeLessThan(0.05);
  });

  test('inputs are validated before any request, naming the input', async () => {
    const result = await runBundle('canary', {
      inputs: { 'baseline-url': 'http://127.0.0.1:9/', 'candidate-url': 'http://127.0.0.1:9/', rate: '10' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      expect.stringMatching(/^canary: input 'candidate-url' must differ from baseline-url/),
    ]);
    const bare = await runBundle('canary', {
      inputs: {
        'baseline-url': 'http://127.0.0.1:9/',
        'candidate-url': 'http://127.0.0.1:10/',
        'max-latency-regression': '0.1',
      },
    });
    expect(bare.errors.join('\n')).toMatch(/max-latency-regression.*percentage written with %/);
  });
});
