/** The state remediate changes (issue 16): Railway replicas, OpenAI project rate limits, Vercel attack mode and Edge Config items. */
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { RemediationEmuState } from '../../src/emulator/remediation.js';
import type { OpenAIEmuState } from '../../src/emulator/openai.js';
import { bearer, call, graphql } from './helpers.js';

const REPLICAS =
  'query R($s: String!, $e: String!) { serviceInstance(serviceId: $s, environmentId: $e) { numReplicas } }';
const SCALE =
  'mutation S($s: String!, $e: String!, $n: Int) { serviceInstanceUpdate(serviceId: $s, environmentId: $e, input: { numReplicas: $n }) }';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => emu.stop());

describe('remediation state on the emulator', () => {
  it('keeps a Railway service instance numReplicas set by serviceInstanceUpdate, per environment, and refuses fewer than 1', async () => {
    const account = bearer(emu.control.addRailwayAccountToken());
    const svc = await emu.control.seedRailwayService();
    const vars = { s: svc.serviceId, e: svc.environmentId };
    const read = async () =>
      (await graphql(emu.urls.railwayGraphql, account, REPLICAS, vars)).json().data.serviceInstance.numReplicas;
    expect(await read()).toBe(1);
    expect(
      (await graphql(emu.urls.railwayGraphql, account, SCALE, { ...vars, n: 3 })).json().data.serviceInstanceUpdate,
    ).toBe(true);
    expect(await read()).toBe(3);
    expect(
      (await graphql(emu.urls.railwayGraphql, account, SCALE, { ...vars, n: 0 })).json().errors[0].message,
    ).toMatch(/at least 1/);
    expect(await read()).toBe(3);
    emu.control.fault({ provider: 'railway', fault: { kind: 'server-error', status: 503 } });
    expect((await graphql(emu.urls.railwayGraphql, account, SCALE, { ...vars, n: 5 })).status).toBe(503);
    emu.control.clearFaults();
    expect(await read()).toBe(3);
  });

  it('lists and modifies OpenAI project rate limits with an admin key only', async () => {
    const state = emu.control.extensionState<OpenAIEmuState>('openai');
    state.adminKeys.push('sk-admin-1');
    state.projectKeys.push('sk-proj-1');
    state.rateLimits = {
      proj_1: [
        {
          object: 'project.rate_limit',
          id: 'rl-gpt-4o',
          model: 'gpt-4o',
          max_requests_per_1_minute: 500,
          max_tokens_per_1_minute: 30000,
        },
      ],
    };
    const base = `${emu.urls.base}/openai/v1/organization/projects/proj_1/rate_limits`;
    expect((await call(base, { headers: bearer('sk-proj-1') })).status).toBe(403);
    const listed = (await call(base, { headers: bearer('sk-admin-1') })).json();
    expect(listed).toMatchObject({
      object: 'list',
      has_more: false,
      data: [{ id: 'rl-gpt-4o', max_requests_per_1_minute: 500 }],
    });
    const changed = await call(`${base}/rl-gpt-4o`, {
      method: 'POST',
      headers: bearer('sk-admin-1'),
      body: { max_requests_per_1_minute: 250 },
    });
    expect(changed.json()).toMatchObject({
      id: 'rl-gpt-4o',
      max_requests_per_1_minute: 250,
      max_tokens_per_1_minute: 30000,
    });
    expect(
      (await call(`${base}/rl-gpt-4o`, { method: 'POST', headers: bearer('sk-admin-1'), body: { max_request: 1 } }))
        .status,
    ).toBe(400);
    expect(state.rateLimits.proj_1![0]!.max_requests_per_1_minute).toBe(250);
  });

  it('turns Vercel Attack Challenge Mode on and off and patches Edge Config items all or nothing', async () => {
    const auth = bearer(emu.control.addVercelToken());
    const state = emu.control.extensionState<RemediationEmuState>('remediation');
    const on = await call(`${emu.urls.vercel}/v1/security/attack-mode`, {
      headers: auth,
      body: { projectId: 'prj_1', attackModeEnabled: true },
    });
    expect(on.json()).toEqual({ attackModeEnabled: true, attackModeUpdatedAt: expect.any(Number) });
    expect(state.attackMode.prj_1!.attackModeEnabled).toBe(true);
    expect(
      (await call(`${emu.urls.vercel}/v1/security/attack-mode`, { headers: auth, body: { projectId: 'prj_1' } }))
        .status,
    ).toBe(400);
    expect(
      (
        await call(`${emu.urls.vercel}/v1/security/attack-mode`, {
          body: { projectId: 'prj_1', attackModeEnabled: false },
        })
      ).status,
    ).toBe(403);

    state.edgeConfigs.ecfg_1 = [{ key: 'rate_limit_rpm', value: 600, createdAt: 0, updatedAt: 0 }];
    const items = `${emu.urls.vercel}/v1/edge-config/ecfg_1/items`;
    expect(
      (
        await call(items, {
          method: 'PATCH',
          headers: auth,
          body: {
            items: [
              { operation: 'update', key: 'rate_limit_rpm', value: 100 },
              { operation: 'update', key: 'missing', value: 1 },
            ],
          },
        })
      ).status,
    ).toBe(404);
    expect(
      (await call(`${emu.urls.vercel}/v1/edge-config/ecfg_1/item/rate_limit_rpm`, { headers: auth })).json().value,
    ).toBe(600);
    expect(
      (
        await call(items, {
          method: 'PATCH',
          headers: auth,
          body: { items: [{ operation: 'upsert', key: 'rate_limit_rpm', value: 100 }] },
        })
      ).json(),
    ).toEqual({ status: 'ok' });
    expect((await call(items, { headers: auth })).json()).toEqual([
      expect.objectContaining({ key: 'rate_limit_rpm', value: 100, edgeConfigId: 'ecfg_1' }),
    ]);
    expect((await call(`${emu.urls.vercel}/v1/edge-config/ecfg_missing/items`, { headers: auth })).status).toBe(404);
  });
});
