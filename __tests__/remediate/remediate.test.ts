/**
 * Acceptance, issue 16: the committed bundle dist/remediate runs as the runner runs it against the
 * emulator. Every action is checked by reading the platform's state back before and after, and its
 * revert likewise; the guard rails are driven by THREADR_OPS_NOW (fixed times, no wall clock).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { ConfigVarsEmuState } from '../../src/emulator/config-vars.js';
import type { OpenAIEmuState } from '../../src/emulator/openai.js';
import type { RemediationEmuState } from '../../src/emulator/remediation.js';
import type { SeededRailwayService } from '../../src/emulator/seed.js';
import { parseEntry } from '../../src/remediation/record.js';
import { runBundle, type RunResult } from '../harness/runner.js';

const GITHUB_TOKEN = 'ghp_remediate_test_token_0001';
const RAILWAY_TOKEN = 'railway-remediate-token-0001';
const VERCEL_TOKEN = 'vercel-remediate-token-0001';
const OPENAI_KEY = 'sk-admin-remediate-0001';
const T0 = Date.parse('2026-12-01T03:00:00Z');
const MIN = 60_000;

let emu: Emulator;
let svc: SeededRailwayService;

const remediation = () => emu.control.extensionState<RemediationEmuState>('remediation');
const openai = () => emu.control.extensionState<OpenAIEmuState>('openai');
const railwayVars = () =>
  emu.control.extensionState<ConfigVarsEmuState>('config-vars').railwayVariables[
    `${svc.projectId}/${svc.environmentId}/${svc.serviceId}`
  ]!;

async function replicas(): Promise<number> {
  const reply = await fetch(emu.urls.railwayGraphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${RAILWAY_TOKEN}` },
    body: JSON.stringify({
      query: 'query($s: String!, $e: String!) { serviceInstance(serviceId: $s, environmentId: $e) { numReplicas } }',
      variables: { s: svc.serviceId, e: svc.environmentId },
    }),
  });
  return ((await reply.json()) as { data: { serviceInstance: { numReplicas: number } } }).data.serviceInstance
    .numReplicas;
}

function run(actions: string, at: number, inputs: Record<string, string> = {}): Promise<RunResult> {
  return runBundle('remediate', {
    env: { THREADR_OPS_NOW: new Date(at).toISOString() },
    inputs: {
      actions,
      reason: 'test alert',
      confirm: 'true',
      'github-token': GITHUB_TOKEN,
      'github-api-url': emu.urls.github,
      repository: 'threadr/threadr',
      'railway-token': RAILWAY_TOKEN,
      'railway-api-url': emu.urls.railwayGraphql,
      'railway-project-id': svc.projectId,
      'railway-environment-id': svc.environmentId,
      'railway-service-id': svc.serviceId,
      'vercel-token': VERCEL_TOKEN,
      'vercel-api-url': emu.urls.vercel,
      'vercel-project-id': 'prj_threadr_web',
      'openai-admin-key': OPENAI_KEY,
      'openai-api-url': `${emu.urls.base}/openai`,
      'openai-project-id': 'proj_threadr',
      'flag-name': 'RATE_LIMIT_RPM',
      'flag-value': '60',
      'request-timeout': '5s',
      ...inputs,
    },
  });
}

const report = (result: RunResult) =>
  JSON.parse(result.outputs['report']!) as {
    results: {
      kind: string;
      status: string;
      why?: string;
      from?: unknown;
      to?: unknown;
      readBack?: unknown;
      undo?: string;
    }[];
    issue: number | null;
  };
const recordComments = () =>
  (
    emu.control
      .githubRepo('threadr/threadr')
      .issues.find((issue) => issue.title === 'threadr-ops remediation log: production')?.comments ?? []
  ).map((comment) => comment.body);
const entries = () => recordComments().map((body) => parseEntry(body)!);

beforeEach(async () => {
  emu = await startEmulator({ port: 0 });
  emu.control.addGithubToken(GITHUB_TOKEN);
  emu.control.addRailwayAccountToken(RAILWAY_TOKEN);
  emu.control.addVercelToken(VERCEL_TOKEN);
  svc = await emu.control.seedRailwayService();
  emu.control.extensionState<ConfigVarsEmuState>('config-vars').railwayVariables[
    `${svc.projectId}/${svc.environmentId}/${svc.serviceId}`
  ] = { PORT: '8080' };
  openai().adminKeys.push(OPENAI_KEY);
  openai().rateLimits = {
    proj_threadr: [
      {
        object: 'project.rate_limit',
        id: 'rl-gpt-4o',
        model: 'gpt-4o',
        max_requests_per_1_minute: 500,
        max_tokens_per_1_minute: 30000,
      },
      {
        object: 'project.rate_limit',
        id: 'rl-gpt-4o-mini',
        model: 'gpt-4o-mini',
        max_requests_per_1_minute: 1000,
        max_tokens_per_1_minute: 200000,
      },
    ],
  };
  remediation().edgeConfigs.ecfg_threadr = [{ key: 'RATE_LIMIT_RPM', value: 600, createdAt: 0, updatedAt: 0 }];
});
afterEach(async () => emu.stop());

describe('remediate: each action end to end, with its revert', () => {
  test('scale_backend raises replicas by one, records before and after with the undo command, and revert restores them', async () => {
    expect(await replicas()).toBe(1);
    const applied = await run('scale_backend', T0);
    expect(applied.exitCode).toBe(0);
    expect(applied.outputs['applied']).toBe('scale_backend');
    expect(report(applied).results[0]).toMatchObject({ status: 'applied', from: 1, to: 2, readBack: 2 });
    expect(await replicas()).toBe(2);
    const [before, after] = entries();
    expect(before).toMatchObject({ phase: 'before', kind: 'scale_backend', from: 1, to: 2, at: T0 });
    expect(after).toMatchObject({ phase: 'after', ok: true, from: 1, to: 2 });
    expect(recordComments()[1]).toContain(
      'undo: `npx threadr-ops remediate --actions scale_backend --revert true --confirm true --environment production',
    );
    expect(applied.summary).toContain('scale_backend');

    const reverted = await run('scale_backend', T0 + MIN, { revert: 'true' });
    expect(reverted.exitCode).toBe(0);
    expect(report(reverted).results[0]).toMatchObject({ status: 'applied', from: 2, to: 1, readBack: 1 });
    expect(await replicas()).toBe(1);
    expect(entries().at(-1)).toMatchObject({ phase: 'after', ok: true, reverts: before!.id });
    // Reverted once: a second revert finds nothing left to undo.
    expect(report(await run('scale_backend', T0 + 2 * MIN, { revert: 'true' })).results[0]!.why).toMatch(
      /nothing to revert/,
    );
  });

  test('scale_backend stops at max-replicas; scale_down lowers to min-replicas and its revert raises them again', async () => {
    await run('scale_backend', T0, { 'max-replicas': '2' });
    const atMax = await run('scale_backend', T0 + 40 * MIN, { 'max-replicas': '2' });
    expect(report(atMax).results[0]!.why).toMatch(/already 2 replicas, max-replicas is 2/);
    const down = await run('scale_down', T0 + 41 * MIN);
    expect(report(down).results[0]).toMatchObject({ status: 'applied', from: 2, to: 1 });
    expect(await replicas()).toBe(1);
    await run('scale_down', T0 + 42 * MIN, { revert: 'true' });
    expect(await replicas()).toBe(2);
  });

  test('rate_limit lowers the chosen models limits to the fraction, remembers the previous values, and revert restores them', async () => {
    const limits = () =>
      openai().rateLimits!.proj_threadr!.map((l) => [l.model, l.max_requests_per_1_minute, l.max_tokens_per_1_minute]);
    const applied = await run('rate_limit', T0, { fraction: '0.25', 'openai-models': 'gpt-4o' });
    expect(applied.exitCode).toBe(0);
    expect(limits()).toEqual([
      ['gpt-4o', 125, 7500],
      ['gpt-4o-mini', 1000, 200000],
    ]);
    expect(entries()[1]).toMatchObject({
      from: { 'rl-gpt-4o': { max_requests_per_1_minute: 500, max_tokens_per_1_minute: 30000 } },
    });
    await run('rate_limit', T0 + MIN, { revert: 'true', 'openai-models': 'gpt-4o' });
    expect(limits()).toEqual([
      ['gpt-4o', 500, 30000],
      ['gpt-4o-mini', 1000, 200000],
    ]);
  });

  test('rate_limit_tightening sets a Railway variable the app reads, and revert removes it again (it did not exist)', async () => {
    expect(railwayVars()['RATE_LIMIT_RPM']).toBeUndefined();
    expect(report(await run('rate_limit_tightening', T0)).results[0]).toMatchObject({
      status: 'applied',
      from: null,
      to: '60',
      readBack: '60',
    });
    expect(railwayVars()).toEqual({ PORT: '8080', RATE_LIMIT_RPM: '60' });
    await run('rate_limit_tightening', T0 + MIN, { revert: 'true' });
    expect(railwayVars()).toEqual({ PORT: '8080' });
  });

  test('rate_limit_tightening sets a Vercel Edge Config item, and revert puts the previous value back', async () => {
    const item = () => remediation().edgeConfigs.ecfg_threadr!.find((i) => i.key === 'RATE_LIMIT_RPM')?.value;
    const inputs = { 'flag-store': 'edge-config', 'edge-config-id': 'ecfg_threadr' };
    expect(report(await run('rate_limit_tightening', T0, inputs)).results[0]).toMatchObject({
      status: 'applied',
      from: 600,
      to: 60,
      readBack: 60,
    });
    expect(item()).toBe(60);
    await run('rate_limit_tightening', T0 + MIN, { ...inputs, revert: 'true' });
    expect(item()).toBe(600);
  });

  test('lockdown turns Vercel attack challenge mode on, revert turns it off; lockdown_off when the record says it is off does nothing', async () => {
    expect(remediation().attackMode['prj_threadr_web']).toBeUndefined();
    expect(report(await run('lockdown', T0)).results[0]).toMatchObject({
      status: 'applied',
      from: false,
      to: true,
      readBack: true,
    });
    expect(remediation().attackMode['prj_threadr_web']!.attackModeEnabled).toBe(true);
    await run('lockdown', T0 + MIN, { revert: 'true' });
    expect(remediation().attackMode['prj_threadr_web']!.attackModeEnabled).toBe(false);
    expect(report(await run('lockdown_off', T0 + 2 * MIN)).results[0]!.why).toMatch(/already off/);
  });
});

describe('remediate: guard rails', () => {
  test('a flapping signal (critical, ok, critical within the cooldown) acts once; after the cooldown it acts again', async () => {
    await run('scale_backend', T0); // critical
    // ok at T0 + 10 min: health-check names no action, so remediate does not run.
    const again = await run('scale_backend', T0 + 20 * MIN); // critical again
    expect(again.outputs['applied']).toBe('');
    expect(again.outputs['skipped']).toMatch(/^scale_backend: cooldown: .* 10 min of the cooldown left/);
    expect(await replicas()).toBe(2);
    expect(entries().filter((e) => e.phase === 'before')).toHaveLength(1);
    await run('scale_backend', T0 + 31 * MIN);
    expect(await replicas()).toBe(3);
  });

  test('max-actions-per-hour holds under a burst of triggers, in one run and across runs', async () => {
    const burst = await run('scale_backend,rate_limit,lockdown,rate_limit_tightening', T0);
    expect(burst.outputs['applied']).toBe('scale_backend,rate_limit,lockdown');
    expect(burst.outputs['skipped']).toMatch(
      /^rate_limit_tightening: limit: 3 actions in the last hour, max-actions-per-hour is 3$/,
    );
    const later = await run('scale_down', T0 + 59 * MIN);
    expect(later.outputs['skipped']).toMatch(/limit/);
    expect(railwayVars()['RATE_LIMIT_RPM']).toBeUndefined();
    expect(await replicas()).toBe(2);
    expect(entries().filter((e) => e.phase === 'before')).toHaveLength(3);
    // An hour after the burst the window is free again.
    expect((await run('scale_down', T0 + 61 * MIN)).outputs['applied']).toBe('scale_down');
  });

  test('a dry run (the default by hand, without confirm) changes nothing: the emulator saw reads only', async () => {
    emu.control.clearRequests();
    const dry = await run('scale_backend,rate_limit,rate_limit_tightening,lockdown', T0, { confirm: 'false' });
    expect(dry.exitCode).toBe(0);
    expect(dry.outputs['applied']).toBe('');
    expect(report(dry).results.map((r) => r.why)).toEqual([
      expect.stringMatching(/^dry run: would change railway:.* from 1 to 2$/),
      expect.stringMatching(/^dry run: would change openai:proj_threadr/),
      expect.stringMatching(/^dry run: would change railway-variable:.* from null to "60"$/),
      expect.stringMatching(/^dry run: would change vercel-attack-mode:prj_threadr_web from false to true$/),
    ]);
    const requests = emu.control.requests();
    expect(requests.length).toBeGreaterThan(0);
    const writes = requests.filter((r) =>
      r.provider === 'railway' ? !/^\s*query\b/.test(JSON.parse(r.body).query) : r.method !== 'GET',
    );
    expect(writes).toEqual([]);
    expect(await replicas()).toBe(1);
    expect(recordComments()).toEqual([]);
  });

  test('inputs are checked up front: an unknown action, or one without its credentials, fails naming the input', async () => {
    const unknown = await run('scale_up', T0);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.errors.join('\n')).toMatch(/actions.*must list only/);
    const noKey = await run('rate_limit', T0, { 'openai-admin-key': '' });
    expect(noKey.errors.join('\n')).toMatch(/openai-admin-key/);
    expect(emu.control.requests().filter((r) => r.provider !== 'control')).toEqual([]);
  });

  test('a provider that fails mid-action is recorded as failed, and the step fails', async () => {
    emu.control.fault({
      provider: 'railway',
      operation: 'ServiceInstanceUpdate',
      fault: { kind: 'server-error', status: 500 },
      times: -1,
    });
    const failed = await run('scale_backend', T0);
    expect(failed.exitCode).toBe(1);
    expect(report(failed).results[0]).toMatchObject({ status: 'failed' });
    expect(entries().at(-1)).toMatchObject({ phase: 'after', ok: false });
    expect(await replicas()).toBe(1);
  });

  test('nothing secret reaches the record issue or the outputs: a token pasted into the reason is masked', async () => {
    const result = await run('scale_backend', T0, { reason: `alert; token was ${RAILWAY_TOKEN}` });
    expect(result.exitCode).toBe(0);
    const everything = [...recordComments(), ...Object.values(result.outputs), result.log, result.summary].join('\n');
    expect(everything).not.toContain(RAILWAY_TOKEN); // (stdout's ::add-mask:: line is how the runner learns it)
    expect(result.masks).toContain(RAILWAY_TOKEN);
    expect(recordComments()[0]).toContain('token was ***');
    expect(entries()[0]!.reason).toBe('alert; token was ***');
  });

  test('rollback_deploy without a deployment verified by us does nothing and says so (the rest: rollback-deploy.test.ts)', async () => {
    const result = await run('rollback_deploy', T0);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['applied']).toBe('');
    expect(result.outputs['skipped']).toMatch(
      /^rollback_deploy: nothing to change: frontend: no deployment verified by threadr-ops in the GitHub Deployments of production; backend: no deployment verified/,
    );
    expect(recordComments()).toEqual([]);
  });
});
