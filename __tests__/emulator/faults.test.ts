import { HttpClient, NetworkError } from '../../src/core/http.js';
import { json, type EmulatorExtension } from '../../src/emulator/extension-api.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { bearer, call, graphql, sha } from './helpers.js';

let emu: Emulator;
let auth: Record<string, string>;
let projectId: string;

const openai: EmulatorExtension<{ calls: number }> = {
  name: 'openai-test',
  prefix: '/openai',
  initialState: () => ({ calls: 0 }),
  handle(req, ctx) {
    if (req.path !== '/v1/organization/costs') return undefined;
    ctx.state.calls++;
    return json(200, { object: 'page', data: [], calls: ctx.state.calls });
  },
  errorResponse: (status, code, message, headers) => json(status, { error: { type: code, message } }, headers),
  control: (req, ctx) => (req.path === '/calls' ? json(200, { calls: ctx.state.calls }) : undefined),
};

beforeEach(async () => {
  emu = await startEmulator({ extensions: [openai] });
  auth = bearer(emu.control.addVercelToken());
  projectId = (await emu.control.seedVercelProject({ productionSha: sha(1) })).projectId;
});
afterEach(async () => emu.stop());

const listUrl = () => `${emu.urls.vercel}/v6/deployments?projectId=${projectId}`;

describe('fault injection', () => {
  it('answers a provider-shaped 429 with Retry-After in seconds or as an HTTP-date', async () => {
    emu.control.fault({
      provider: 'vercel',
      path: '/v6/deployments',
      fault: { kind: 'rate-limit', retryAfterSeconds: 7 },
    });
    const limited = await call(listUrl(), { headers: auth });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.json().error).toMatchObject({
      code: 'rate_limited',
      limit: { remaining: 0, total: expect.any(Number), reset: expect.any(Number), resetMs: expect.any(Number) },
    });
    expect((await call(listUrl(), { headers: auth })).status).toBe(200);

    emu.control.fault({
      provider: 'vercel',
      fault: { kind: 'rate-limit', retryAfterSeconds: 30, retryAfterForm: 'http-date' },
    });
    const dated = await call(listUrl(), { headers: auth });
    const when = Date.parse(String(dated.headers['retry-after']));
    expect(Number.isNaN(when)).toBe(false);
    expect(when - Date.now()).toBeGreaterThan(20_000);
  });

  it('scripts the next N answers of a route in order, then behaves normally', async () => {
    emu.control.script({ provider: 'vercel', method: 'GET', path: '/v6/deployments' }, [
      { kind: 'server-error', status: 503, retryAfterSeconds: 1 },
      { kind: 'server-error', status: 502 },
      { kind: 'respond', status: 200, json: { deployments: [], pagination: { count: 0, next: null, prev: null } } },
    ]);
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const reply = await call(listUrl(), { headers: auth });
      answers.push([reply.status, reply.json().deployments?.length ?? reply.json().error?.code]);
    }
    expect(answers).toEqual([
      [503, 'internal_server_error'],
      [502, 'internal_server_error'],
      [200, 0],
      [200, 1],
    ]);
    expect(emu.control.requests({ provider: 'vercel', path: '/v6/deployments' }).map((r) => r.fault)).toEqual([
      'server-error',
      'server-error',
      'respond',
      undefined,
    ]);
  });

  it('sends an HTML error page, malformed JSON and reshaped JSON', async () => {
    emu.control.script({ provider: 'vercel' }, [
      { kind: 'html-error' },
      { kind: 'malformed-json' },
      { kind: 'reshape', omit: ['pagination'], set: { 'deployments.*.readyState': null } },
    ]);
    const html = await call(listUrl(), { headers: auth });
    expect(html.status).toBe(502);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    const malformed = await call(listUrl(), { headers: auth });
    expect(() => malformed.json()).toThrow();
    const reshaped = (await call(listUrl(), { headers: auth })).json();
    expect(reshaped.pagination).toBeUndefined();
    expect(reshaped.deployments[0].readyState).toBeNull();
  });

  it('resets the connection, and hangs until the client gives up (released on client close)', async () => {
    const client = new HttpClient({ retry: { attempts: 1 } });
    try {
      emu.control.fault({ provider: 'vercel', fault: { kind: 'reset' } });
      await expect(client.request({ url: listUrl(), headers: auth })).rejects.toMatchObject({
        kind: 'connection-reset',
      });
      emu.control.fault({ provider: 'vercel', fault: { kind: 'hang', ms: 60_000 } });
      const hung = await client
        .request({ url: listUrl(), headers: auth, timeoutMs: 150 })
        .catch((error: unknown) => error);
      expect(hung).toBeInstanceOf(NetworkError);
      expect((hung as NetworkError).kind).toBe('timeout');
      expect((await client.request({ url: listUrl(), headers: auth })).status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it('can fail a mutation after it took effect (outcome unknown to the client)', async () => {
    emu.control.fault({
      provider: 'vercel',
      method: 'POST',
      path: '/v13/deployments',
      fault: { kind: 'server-error', status: 502, afterHandling: true },
    });
    const reply = await call(`${emu.urls.vercel}/v13/deployments`, {
      headers: auth,
      body: { name: projectId, target: 'production', gitSource: { type: 'vercel', sha: sha(2) } },
    });
    expect(reply.status).toBe(502);
    expect(emu.control.vercelDeployments(projectId).map((d) => d.sha)).toContain(sha(2));
  });

  it('serves one stale read: the state before the last mutation', async () => {
    const { id } = (
      await call(`${emu.urls.vercel}/v13/deployments`, {
        headers: auth,
        body: { name: projectId, target: 'production', gitSource: { type: 'vercel', sha: sha(3) } },
      })
    ).json();
    const cancel = await call(`${emu.urls.vercel}/v12/deployments/${id}/cancel`, { method: 'PATCH', headers: auth });
    expect(cancel.json().readyState).toBe('CANCELED');
    emu.control.fault({ provider: 'vercel', method: 'GET', fault: { kind: 'stale-read' } });
    const stale = await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth });
    expect(stale.json().readyState).not.toBe('CANCELED');
    expect((await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth })).json().readyState).toBe(
      'CANCELED',
    );
  });

  it('targets Railway faults by GraphQL operation name or root field', async () => {
    const account = bearer(emu.control.addRailwayAccountToken());
    const svc = await emu.control.seedRailwayService();
    emu.control.fault({
      provider: 'railway',
      operation: 'deploymentRollback',
      fault: { kind: 'rate-limit', retryAfterSeconds: 2 },
    });
    const query = `query Status { deployment(id: "${svc.deploymentId}") { status } }`;
    expect((await graphql(emu.urls.railwayGraphql, account, query)).status).toBe(200);
    const limited = await graphql(
      emu.urls.railwayGraphql,
      account,
      `mutation Roll { deploymentRollback(id: "${svc.deploymentId}") }`,
    );
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    emu.control.fault({ provider: 'railway', operation: 'Status', fault: { kind: 'server-error', status: 503 } });
    expect((await graphql(emu.urls.railwayGraphql, account, query)).status).toBe(503);
  });

  it('gives extension prefixes recording, faults in their own error shape, and control routes', async () => {
    const costs = `${emu.urls.base}/openai/v1/organization/costs`;
    expect((await call(costs, { headers: bearer('sk-admin') })).json().calls).toBe(1);
    emu.control.fault({ provider: 'openai-test', fault: { kind: 'rate-limit' } });
    const limited = await call(costs, { headers: bearer('sk-admin') });
    expect(limited.status).toBe(429);
    expect(limited.json()).toEqual({ error: { type: 'rate_limited', message: 'Rate limit exceeded' } });
    expect((await call(`${emu.urls.base}/openai/nope`)).status).toBe(404);
    expect(emu.control.requests({ provider: 'openai-test' }).map((r) => r.headers['authorization'])).toEqual([
      'Bearer sk-admin',
      'Bearer sk-admin',
      undefined,
    ]);
    expect((await call(`${emu.urls.control}/ext/openai-test/calls`)).json()).toEqual({ calls: 1 });
    expect(emu.control.extensionState<{ calls: number }>('openai-test').calls).toBe(1);
  });
});

describe('HTTP control API', () => {
  it('drives faults, commits, clock and the request log over /_control', async () => {
    expect(
      (
        await call(`${emu.urls.control}/faults`, {
          body: { provider: 'vercel', fault: { kind: 'server-error', status: 500 }, times: 2 },
        })
      ).status,
    ).toBe(201);
    expect((await call(listUrl(), { headers: auth })).status).toBe(500);
    expect((await call(`${emu.urls.control}/faults`)).json()).toHaveLength(1);
    await call(`${emu.urls.control}/faults`, { method: 'DELETE' });
    expect((await call(listUrl(), { headers: auth })).status).toBe(200);

    await call(`${emu.urls.control}/commits/${sha(9)}`, {
      body: { app: { kind: 'broken' }, vercel: { outcome: 'error' } },
    });
    expect(emu.control.state().apps.behaviours[sha(9)]).toEqual({ kind: 'broken' });
    const before = (await call(`${emu.urls.control}/clock`)).json().now;
    const after = (await call(`${emu.urls.control}/clock/advance`, { body: { ms: 60_000 } })).json().now;
    expect(after - before).toBeGreaterThanOrEqual(60_000);

    const requests = (await call(`${emu.urls.control}/requests?provider=vercel`)).json();
    expect(
      requests.every((r: { headers: Record<string, string> }) => r.headers['authorization'] === auth['authorization']),
    ).toBe(true);
    const demo = (await call(`${emu.urls.control}/seed/demo`, { method: 'POST' })).json();
    expect(demo.vercel.project.projectId).toBe('prj_threadr_web');
    expect((await call(`${emu.urls.control}/nope`)).status).toBe(404);
  });
});
