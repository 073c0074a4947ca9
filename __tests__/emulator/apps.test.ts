import { NetworkError, HttpClient } from '../../src/core/http.js';
import { profileDraw } from '../../src/emulator/apps.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { bearer, call, graphql, sha } from './helpers.js';

let emu: Emulator;

beforeEach(async () => {
  emu = await startEmulator({ extensions: [] });
});
afterEach(async () => emu.stop());

async function vercelDeploymentServing(commit: string): Promise<string> {
  const auth = bearer(emu.control.addVercelToken());
  const project = await emu.control.seedVercelProject({ productionSha: null });
  const { id, url } = (
    await call(`${emu.urls.vercel}/v13/deployments`, {
      headers: auth,
      body: { name: project.projectId, target: 'production', gitSource: { type: 'vercel', sha: commit } },
    })
  ).json();
  expect((await call(`http://${url}/health`)).status).toBe(503);
  for (let i = 0; i < 3; i++) await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth });
  return `http://${url}`;
}

describe('deployment apps', () => {
  it('serves a healthy app on /health, /api/health and /, reporting its commit', async () => {
    const base = await vercelDeploymentServing(sha(1));
    for (const path of ['/health', '/api/health', '/']) {
      const reply = await call(`${base}${path}`);
      expect(reply.status).toBe(200);
      expect(reply.json()).toMatchObject({ status: 'ok', version: sha(1) });
    }
    expect((await call(`${base}/api/threads`)).status).toBe(200);
  });

  it('serves broken, wrong-version, slow and unreachable behaviours per commit', async () => {
    emu.control.setApp(sha(2), { kind: 'broken' });
    expect((await call(`${await vercelDeploymentServing(sha(2))}/health`)).status).toBe(500);
    emu.control.setApp(sha(3), { kind: 'wrong-version', version: sha(99) });
    expect((await call(`${await vercelDeploymentServing(sha(3))}/health`)).json().version).toBe(sha(99));
    emu.control.setApp(sha(4), { kind: 'slow', delayMs: 60_000 });
    const client = new HttpClient({ retry: { attempts: 1 } });
    try {
      const slow = await vercelDeploymentServing(sha(4));
      await expect(client.request({ url: `${slow}/health`, timeoutMs: 100 })).rejects.toBeInstanceOf(NetworkError);
      emu.control.setApp(sha(4), { kind: 'slow', delayMs: 5 });
      expect((await client.request({ url: `${slow}/health` })).status).toBe(200);
      emu.control.setApp(sha(5), { kind: 'unreachable' });
      const unreachable = await vercelDeploymentServing(sha(5));
      await expect(client.request({ url: `${unreachable}/health` })).rejects.toMatchObject({
        kind: 'connection-reset',
      });
    } finally {
      await client.close();
    }
  });

  it('crash-later serves a few requests then 503, and the Railway deployment goes CRASHED', async () => {
    const account = bearer(emu.control.addRailwayAccountToken());
    const svc = await emu.control.seedRailwayService({ successSha: sha(6) });
    emu.control.setApp(sha(6), { kind: 'crash-later', afterRequests: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(`${svc.serviceUrl}/health`)).status);
    expect(statuses).toEqual([200, 200, 503]);
    const reply = await graphql(
      emu.urls.railwayGraphql,
      account,
      `{ deployment(id: "${svc.deploymentId}") { status } }`,
    );
    expect(reply.json().data.deployment.status).toBe('CRASHED');
  });

  it('the stable production URL follows promotions and rollbacks; the service URL follows Railway rollbacks', async () => {
    const auth = bearer(emu.control.addVercelToken());
    const project = await emu.control.seedVercelProject({ previousShas: [sha(7)], productionSha: sha(8) });
    expect((await call(`${project.productionUrl}/health`)).json().version).toBe(sha(8));
    await call(`${emu.urls.vercel}/v9/projects/${project.projectId}/rollback/${project.deploymentIds[0]}`, {
      method: 'POST',
      headers: auth,
    });
    await call(`${emu.urls.vercel}/v9/projects/${project.projectId}?rollbackInfo=true`, { headers: auth });
    expect((await call(`${project.productionUrl}/health`)).json().version).toBe(sha(8));
    await call(`${emu.urls.vercel}/v9/projects/${project.projectId}?rollbackInfo=true`, { headers: auth });
    expect((await call(`${project.productionUrl}/health`)).json().version).toBe(sha(7));

    const account = bearer(emu.control.addRailwayAccountToken());
    const svc = await emu.control.seedRailwayService({ previousShas: [sha(9)], successSha: sha(10) });
    expect((await call(`${svc.serviceUrl}/health`)).json().version).toBe(sha(10));
    await graphql(emu.urls.railwayGraphql, account, `mutation { deploymentRollback(id: "${svc.deploymentIds[0]}") }`);
    const created = emu.control.railwayDeployments(svc.serviceId)[0]?.id as string;
    for (let i = 0; i < 2; i++)
      await graphql(emu.urls.railwayGraphql, account, `{ deployment(id: "${created}") { status } }`);
    expect((await call(`${svc.serviceUrl}/health`)).json().version).toBe(sha(9));
  });

  it('a profile app draws seeded latencies and errors: same seed, same figures; a 30 % slower median shows', () => {
    const base = { kind: 'profile' as const, medianMs: 20, spread: 0.2, errorRate: 0.02, seed: 7 };
    const draws = (behaviour: typeof base, stream: string) =>
      Array.from({ length: 2000 }, (_, i) => profileDraw(behaviour, stream, i + 1));
    expect(draws(base, 'dpl_a')).toEqual(draws(base, 'dpl_a'));
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const normal = draws(base, 'dpl_a');
    const slower = draws({ ...base, medianMs: 26 }, 'dpl_b');
    expect(median(normal.map((d) => d.delayMs))).toBeCloseTo(20, 0);
    expect(median(slower.map((d) => d.delayMs)) / median(normal.map((d) => d.delayMs))).toBeGreaterThan(1.25);
    const errors = normal.filter((d) => d.fails).length / normal.length;
    expect(errors).toBeGreaterThan(0.01);
    expect(errors).toBeLessThan(0.03);
  });

  it('a staged production build serves its commit on its own URL; production and the app log never see it until promoted', async () => {
    const auth = bearer(emu.control.addVercelToken());
    const project = await emu.control.seedVercelProject({ productionSha: sha(11) });
    emu.control.setApp(sha(12), { kind: 'profile', medianMs: 1, errorRate: 1 });
    const created = await call(`${emu.urls.vercel}/v13/deployments`, {
      headers: auth,
      body: {
        name: project.projectId,
        target: 'production',
        autoAssignCustomDomains: false,
        gitSource: { type: 'vercel', sha: sha(12) },
      },
    });
    const { id, url } = created.json();
    for (let i = 0; i < 3; i++) await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth });
    const staged = (await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth })).json();
    expect(staged).toMatchObject({ readyState: 'READY', target: 'production', alias: [] });
    expect((await call(`http://${url}/api/health`)).status).toBe(500);
    expect((await call(`${project.productionUrl}/health`)).json().version).toBe(sha(11));
    const productionKey = `vercel-production:${project.projectId}`;
    expect(emu.control.appRequests({ sha: sha(12), key: productionKey })).toEqual([]);
    expect(emu.control.appRequests({ sha: sha(12) })).toEqual([
      expect.objectContaining({ key: id, path: '/api/health', status: 500 }),
    ]);

    await call(`${emu.urls.vercel}/v10/projects/${project.projectId}/promote/${id}`, {
      method: 'POST',
      headers: auth,
      body: {},
    });
    // The alias job advances as the project is read (a client polls lastAliasRequest).
    let job = '';
    for (let i = 0; i < 10 && job !== 'succeeded'; i++)
      job = (await call(`${emu.urls.vercel}/v9/projects/${project.projectId}`, { headers: auth })).json()
        .lastAliasRequest?.jobStatus;
    expect(job).toBe('succeeded');
    expect((await call(`${project.productionUrl}/health`)).status).toBe(500);
    expect(emu.control.appRequests({ sha: sha(12), key: productionKey })).toHaveLength(1);
  });
});
