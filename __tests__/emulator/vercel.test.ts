import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { bearer, call, sha } from './helpers.js';

let emu: Emulator;
let token: string;
let auth: Record<string, string>;

beforeEach(async () => {
  emu = await startEmulator({ extensions: [] });
  token = emu.control.addVercelToken();
  auth = bearer(token);
});
afterEach(async () => emu.stop());

const deploy = (projectId: string, commit: string, extra: Record<string, unknown> = {}, query = '') =>
  call(`${emu.urls.vercel}/v13/deployments${query}`, {
    headers: auth,
    body: {
      name: projectId,
      project: projectId,
      target: 'production',
      gitSource: { type: 'github', org: 'threadr', repo: 'web', ref: 'main', sha: commit },
      ...extra,
    },
  });

const poll = async (id: string) => (await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth })).json();

describe('Vercel auth and errors', () => {
  it('rejects a missing or unknown token with the documented error shape', async () => {
    for (const headers of [{}, bearer('nope')]) {
      const reply = await call(`${emu.urls.vercel}/v6/deployments`, { headers });
      expect(reply.status).toBe(403);
      expect(reply.json()).toEqual({ error: { code: 'forbidden', message: 'Not authorized', invalidToken: true } });
    }
  });

  it('answers 404 not_found for an unknown deployment and an unknown project', async () => {
    const missing = await call(`${emu.urls.vercel}/v13/deployments/dpl_nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    expect((await deploy('prj_missing', sha(1))).status).toBe(404);
  });

  it('validates the create body', async () => {
    const { projectId } = await emu.control.seedVercelProject();
    const noName = await call(`${emu.urls.vercel}/v13/deployments`, { headers: auth, body: {} });
    expect(noName.status).toBe(400);
    expect(noName.json().error.code).toBe('bad_request');
    const badSource = await deploy(projectId, sha(1), { gitSource: { type: 'github', ref: 'main' } });
    expect(badSource.status).toBe(400);
    const notJson = await call(`${emu.urls.vercel}/v13/deployments`, { headers: auth, body: '{nope' });
    expect(notJson.json().error.code).toBe('bad_request');
  });

  it('scopes projects to teams: teamId required, membership checked', async () => {
    emu.control.addVercelTeam('team_threadr', 'threadr');
    const member = emu.control.addVercelToken('member', { teams: ['team_threadr'] });
    const { projectId } = await emu.control.seedVercelProject({ teamId: 'team_threadr' });
    expect((await call(`${emu.urls.vercel}/v9/projects/${projectId}`, { headers: bearer(member) })).status).toBe(404);
    expect(
      (await call(`${emu.urls.vercel}/v9/projects/${projectId}?teamId=team_threadr`, { headers: bearer(member) }))
        .status,
    ).toBe(200);
    expect(
      (await call(`${emu.urls.vercel}/v9/projects/${projectId}?slug=threadr`, { headers: bearer(member) })).status,
    ).toBe(200);
    const outsider = emu.control.addVercelToken('outsider', { teams: [] });
    const denied = await call(`${emu.urls.vercel}/v9/projects/${projectId}?teamId=team_threadr`, {
      headers: bearer(outsider),
    });
    expect(denied.status).toBe(403);
    expect(denied.json().error.code).toBe('forbidden');
  });
});

describe('Vercel deployment state machine', () => {
  it('moves QUEUED → INITIALIZING → BUILDING → READY, one step per status read, and takes the production alias', async () => {
    const project = await emu.control.seedVercelProject();
    const created = await deploy(project.projectId, sha(2));
    expect(created.status).toBe(200);
    const body = created.json();
    expect(body).toMatchObject({
      readyState: 'QUEUED',
      target: 'production',
      projectId: project.projectId,
      aliasAssigned: false,
      aliasError: null,
    });
    expect(body.id).toMatch(/^dpl_/);
    expect(body.url).toMatch(/^127\.0\.0\.1:\d+$/);
    const states = [];
    for (let i = 0; i < 3; i++) states.push((await poll(body.id)).readyState);
    expect(states).toEqual(['INITIALIZING', 'BUILDING', 'READY']);
    const ready = await poll(body.id);
    expect(ready).toMatchObject({
      readyState: 'READY',
      status: 'READY',
      readySubstate: 'PROMOTED',
      aliasAssigned: true,
    });
    expect(ready.buildingAt).toBeGreaterThanOrEqual(ready.createdAt);
    const projectBody = (await call(`${emu.urls.vercel}/v9/projects/${project.projectId}`, { headers: auth })).json();
    expect(projectBody.targets.production.id).toBe(body.id);
    const app = await call(`${project.productionUrl}/health`);
    expect(app.json()).toMatchObject({ status: 'ok', version: sha(2) });
  });

  it('can be looked up by its URL (hostname) and by the production alias', async () => {
    const project = await emu.control.seedVercelProject();
    const byAlias = (
      await call(`${emu.urls.vercel}/v13/deployments/${project.productionHost}`, { headers: auth })
    ).json();
    expect(byAlias.id).toBe(project.productionDeploymentId);
    const byUrl = (
      await call(`${emu.urls.vercel}/v13/deployments/${encodeURIComponent(byAlias.url)}`, { headers: auth })
    ).json();
    expect(byUrl.id).toBe(project.productionDeploymentId);
  });

  it('ends in ERROR with BUILD_FAILED for a commit scripted to fail, leaving production alone', async () => {
    const project = await emu.control.seedVercelProject();
    emu.control.setCommit(sha(3), { vercel: { outcome: 'error', errorMessage: 'Type error in app/page.tsx' } });
    const { id } = (await deploy(project.projectId, sha(3))).json();
    await poll(id);
    await poll(id);
    const failed = await poll(id);
    expect(failed).toMatchObject({
      readyState: 'ERROR',
      errorCode: 'BUILD_FAILED',
      errorMessage: 'Type error in app/page.tsx',
    });
    expect(failed.inspectorUrl).toMatch(/^https:\/\/vercel\.com\//);
    expect(emu.control.vercelProject(project.projectId)?.productionDeploymentId).toBe(project.productionDeploymentId);
  });

  it('ends READY without alias for an alias-error script', async () => {
    const project = await emu.control.seedVercelProject();
    emu.control.setCommit(sha(4), { vercel: { outcome: 'alias-error' } });
    const { id } = (await deploy(project.projectId, sha(4))).json();
    for (let i = 0; i < 3; i++) await poll(id);
    expect(await poll(id)).toMatchObject({
      readyState: 'READY',
      aliasAssigned: false,
      aliasError: { code: 'ALIAS_FAILED' },
    });
  });

  it('keeps autoAssignCustomDomains:false production builds STAGED', async () => {
    const project = await emu.control.seedVercelProject();
    const { id } = (await deploy(project.projectId, sha(5), { autoAssignCustomDomains: false })).json();
    for (let i = 0; i < 3; i++) await poll(id);
    expect(await poll(id)).toMatchObject({ readyState: 'READY', readySubstate: 'STAGED' });
    expect(emu.control.vercelProject(project.projectId)?.productionDeploymentId).toBe(project.productionDeploymentId);
  });

  it('advances by virtual time when the project uses time-driven steps', async () => {
    const emuFrozen = await startEmulator({ extensions: [], clock: { speed: 0 } });
    try {
      const t = emuFrozen.control.addVercelToken();
      const project = await emuFrozen.control.seedVercelProject({
        timing: { readsPerStep: 0, stepMs: { QUEUED: 1_000, INITIALIZING: 1_000, BUILDING: 600_000 } },
      });
      const created = await call(`${emuFrozen.urls.vercel}/v13/deployments`, {
        headers: bearer(t),
        body: { name: project.projectId, target: 'production', gitSource: { type: 'vercel', sha: sha(6) } },
      });
      const id = created.json().id;
      const read = async () =>
        (await call(`${emuFrozen.urls.vercel}/v13/deployments/${id}`, { headers: bearer(t) })).json();
      expect((await read()).readyState).toBe('QUEUED');
      emuFrozen.control.advance(2_000);
      expect((await read()).readyState).toBe('BUILDING');
      emuFrozen.control.advance(599_999);
      expect((await read()).readyState).toBe('BUILDING');
      emuFrozen.control.advance(1);
      const ready = await read();
      expect(ready.readyState).toBe('READY');
      expect(ready.ready - ready.buildingAt).toBe(600_000);
    } finally {
      await emuFrozen.stop();
    }
  });

  it('cancels a building deployment and refuses to cancel a terminal one with 400', async () => {
    const project = await emu.control.seedVercelProject();
    const { id } = (await deploy(project.projectId, sha(7))).json();
    const canceled = await call(`${emu.urls.vercel}/v12/deployments/${id}/cancel`, { method: 'PATCH', headers: auth });
    expect(canceled.status).toBe(200);
    expect(canceled.json()).toMatchObject({ id, readyState: 'CANCELED' });
    expect((await poll(id)).readyState).toBe('CANCELED');
    const again = await call(`${emu.urls.vercel}/v12/deployments/${id}/cancel`, { method: 'PATCH', headers: auth });
    expect(again.status).toBe(400);
    expect(again.json().error.code).toBe('bad_request');
  });

  it('deduplicates an identical create only when the toggle is on and forceNew is absent', async () => {
    const project = await emu.control.seedVercelProject();
    const first = (await deploy(project.projectId, sha(8))).json().id;
    expect((await deploy(project.projectId, sha(8))).json().id).not.toBe(first);
    emu.control.configure({ vercel: { dedup: true } });
    const deduped = (await deploy(project.projectId, sha(9))).json().id;
    expect((await deploy(project.projectId, sha(9))).json().id).toBe(deduped);
    expect((await deploy(project.projectId, sha(9), {}, '?forceNew=1')).json().id).not.toBe(deduped);
  });
});

describe('Vercel list', () => {
  it('lists newest first with uid, filters, and until-based pagination', async () => {
    const project = await emu.control.seedVercelProject({ previousShas: [sha(10), sha(11)], productionSha: sha(12) });
    const other = await emu.control.seedVercelProject();
    const preview = (
      await call(`${emu.urls.vercel}/v13/deployments`, {
        headers: auth,
        body: { name: project.projectId, gitSource: { type: 'vercel', sha: sha(13) } },
      })
    ).json();
    for (const version of ['v6', 'v7']) {
      const all = (
        await call(`${emu.urls.vercel}/${version}/deployments?projectId=${project.name}`, { headers: auth })
      ).json();
      expect(all.deployments.map((d: { uid: string }) => d.uid)).toEqual([
        preview.id,
        ...[...project.deploymentIds].reverse(),
      ]);
      expect(all.deployments[0].id).toBeUndefined();
    }
    const page1 = (
      await call(`${emu.urls.vercel}/v6/deployments?projectId=${project.projectId}&limit=2`, { headers: auth })
    ).json();
    expect(page1.deployments).toHaveLength(2);
    expect(page1.pagination.next).toBe(page1.deployments[1].createdAt);
    const page2 = (
      await call(
        `${emu.urls.vercel}/v6/deployments?projectId=${project.projectId}&limit=2&until=${page1.pagination.next}`,
        { headers: auth },
      )
    ).json();
    expect(page2.deployments.map((d: { uid: string }) => d.uid)).toEqual([
      project.deploymentIds[1],
      project.deploymentIds[0],
    ]);
    expect(page2.pagination.next).toBeNull();

    const production = (
      await call(`${emu.urls.vercel}/v6/deployments?projectId=${project.projectId}&target=production&state=READY`, {
        headers: auth,
      })
    ).json();
    expect(production.deployments).toHaveLength(3);
    const previews = (
      await call(`${emu.urls.vercel}/v6/deployments?projectId=${project.projectId}&target=preview`, { headers: auth })
    ).json();
    expect(previews.deployments.map((d: { uid: string }) => d.uid)).toEqual([preview.id]);
    const candidates = (
      await call(`${emu.urls.vercel}/v6/deployments?projectId=${project.projectId}&rollbackCandidate=true`, {
        headers: auth,
      })
    ).json();
    expect(candidates.deployments.every((d: { isRollbackCandidate: boolean }) => d.isRollbackCandidate)).toBe(true);
    expect(candidates.deployments).toHaveLength(3);
    const bySha = (await call(`${emu.urls.vercel}/v6/deployments?sha=${sha(11)}`, { headers: auth })).json();
    expect(bySha.deployments.map((d: { uid: string }) => d.uid)).toEqual([project.deploymentIds[1]]);
    const byMeta = (
      await call(`${emu.urls.vercel}/v6/deployments?meta-githubCommitSha=${sha(12)}`, { headers: auth })
    ).json();
    expect(byMeta.deployments).toHaveLength(1);
    const everything = (await call(`${emu.urls.vercel}/v6/deployments`, { headers: auth })).json();
    expect(everything.deployments.some((d: { projectId: string }) => d.projectId === other.projectId)).toBe(true);
  });
});

describe('Vercel promote and instant rollback', () => {
  const projectInfo = async (id: string) =>
    (await call(`${emu.urls.vercel}/v9/projects/${id}?rollbackInfo=true`, { headers: auth })).json();

  it('rolls back through an alias job, pins production, and a later promote unpins it', async () => {
    const project = await emu.control.seedVercelProject({ previousShas: [sha(20)], productionSha: sha(21) });
    const [previous, current] = project.deploymentIds as [string, string];
    expect((await call(`${project.productionUrl}/health`)).json().version).toBe(sha(21));

    const rollback = await call(
      `${emu.urls.vercel}/v9/projects/${project.projectId}/rollback/${previous}?description=bad+deploy`,
      { method: 'POST', headers: auth, body: {} },
    );
    expect(rollback.status).toBe(201);
    expect(rollback.text).toBe('');
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const info = await projectInfo(project.projectId);
      statuses.push(info.lastAliasRequest.jobStatus);
      if (i === 0) {
        expect(info.lastAliasRequest).toMatchObject({
          fromDeploymentId: current,
          toDeploymentId: previous,
          type: 'rollback',
        });
        expect(typeof info.lastAliasRequest.requestedAt).toBe('number');
      }
    }
    expect(statuses).toEqual(['in-progress', 'succeeded', 'succeeded']);
    const info = await projectInfo(project.projectId);
    expect(info.targets.production.id).toBe(previous);
    expect(info.lastRollbackTarget).toMatchObject({ toDeploymentId: previous, jobStatus: 'succeeded' });
    expect(info.rollbackDescription).toMatchObject({ description: 'bad deploy' });
    expect((await call(`${project.productionUrl}/health`)).json().version).toBe(sha(20));

    // Pinned: a new production build ends READY + STAGED and production stays on the rollback target.
    const { id: next } = (await deploy(project.projectId, sha(22))).json();
    for (let i = 0; i < 3; i++) await poll(next);
    expect(await poll(next)).toMatchObject({ readyState: 'READY', readySubstate: 'STAGED' });
    expect((await projectInfo(project.projectId)).targets.production.id).toBe(previous);

    const promote = await call(`${emu.urls.vercel}/v10/projects/${project.projectId}/promote/${next}`, {
      method: 'POST',
      headers: auth,
      body: {},
    });
    expect(promote.status).toBe(201);
    expect(promote.text).toBe('');
    await projectInfo(project.projectId);
    const promoted = await projectInfo(project.projectId);
    expect(promoted.lastAliasRequest).toMatchObject({ type: 'promote', toDeploymentId: next, jobStatus: 'succeeded' });
    expect(promoted.targets.production.id).toBe(next);
    expect(promoted.lastRollbackTarget).toBeNull();
    expect((await poll(next)).readySubstate).toBe('PROMOTED');
    expect((await call(`${project.productionUrl}/`)).json().version).toBe(sha(22));

    // Unpinned again: the next production build takes the alias by itself.
    const { id: after } = (await deploy(project.projectId, sha(23))).json();
    for (let i = 0; i < 3; i++) await poll(after);
    expect((await projectInfo(project.projectId)).targets.production.id).toBe(after);
  });

  it('supports the /v1 rollback path, scripted 202 promotes and failed alias jobs', async () => {
    const project = await emu.control.seedVercelProject({ previousShas: [sha(30)], productionSha: sha(31) });
    const [previous, current] = project.deploymentIds as [string, string];
    emu.control.configure({ vercel: { aliasOutcome: 'failed' } });
    expect(
      (
        await call(`${emu.urls.vercel}/v1/projects/${project.projectId}/rollback/${previous}`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
    ).toBe(201);
    await projectInfo(project.projectId);
    const failed = await projectInfo(project.projectId);
    expect(failed.lastAliasRequest.jobStatus).toBe('failed');
    expect(failed.targets.production.id).toBe(current);
    const aliases = (
      await call(`${emu.urls.vercel}/v9/projects/${project.projectId}/rollback/aliases?failedOnly=true&limit=20`, {
        headers: auth,
      })
    ).json();
    expect(aliases.aliases).toHaveLength(1);

    emu.control.configure({ vercel: { aliasOutcome: 'succeeded', promoteStatus: 202 } });
    const queued = await call(`${emu.urls.vercel}/v10/projects/${project.projectId}/promote/${previous}`, {
      method: 'POST',
      headers: auth,
    });
    expect(queued.status).toBe(202);
    expect(queued.text).toBe('');
  });

  it('refuses to promote a preview or a non-READY deployment, and to roll back to the current one', async () => {
    const project = await emu.control.seedVercelProject();
    const preview = (
      await call(`${emu.urls.vercel}/v13/deployments`, {
        headers: auth,
        body: { name: project.projectId, gitSource: { type: 'vercel', sha: sha(40) } },
      })
    ).json();
    const previewPromote = await call(`${emu.urls.vercel}/v10/projects/${project.projectId}/promote/${preview.id}`, {
      method: 'POST',
      headers: auth,
    });
    expect(previewPromote.status).toBe(400);
    const building = (await deploy(project.projectId, sha(41))).json();
    expect(
      (
        await call(`${emu.urls.vercel}/v10/projects/${project.projectId}/promote/${building.id}`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
    ).toBe(400);
    emu.control.configure({ vercel: { rejectStatus: 409 } });
    expect(
      (
        await call(`${emu.urls.vercel}/v10/projects/${project.projectId}/promote/${building.id}`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
    ).toBe(409);
    const current = await call(
      `${emu.urls.vercel}/v9/projects/${project.projectId}/rollback/${project.productionDeploymentId}`,
      { method: 'POST', headers: auth },
    );
    expect(current.status).toBe(409);
  });

  it('reports no production target for a first-deploy project', async () => {
    const project = await emu.control.seedVercelProject({ productionSha: null });
    expect(project.productionDeploymentId).toBeNull();
    const info = await projectInfo(project.projectId);
    expect(info.targets).toBeUndefined(); // optional in Vercel's project schema: a new project has none
    expect(info.lastAliasRequest).toBeNull();
    expect(info.lastRollbackTarget).toBeNull();
    expect((await call(`${project.productionUrl}/health`)).status).toBe(404);
  });
});

describe('Vercel build output (GET /v3/deployments/:id/events; event shape UNCONFIRMED)', () => {
  it('returns stdout/stderr events with payload.text; direction=backward and limit give the newest lines', async () => {
    const { projectId } = await emu.control.seedVercelProject();
    emu.control.setCommit(sha(5), { vercel: { outcome: 'error', buildLog: ['a', 'b', 'Error: c'] } });
    const { id } = (await deploy(projectId, sha(5))).json();
    const all = (await call(`${emu.urls.vercel}/v3/deployments/${id}/events?follow=0`, { headers: auth })).json();
    expect(all.map((e: { type: string; payload: { text: string } }) => [e.type, e.payload.text])).toEqual([
      ['stdout', 'a'],
      ['stdout', 'b'],
      ['stderr', 'Error: c'],
    ]);
    expect(all[0].payload.deploymentId).toBe(id);
    const newest = (
      await call(`${emu.urls.vercel}/v3/deployments/${id}/events?direction=backward&limit=2`, { headers: auth })
    ).json();
    expect(newest.map((e: { payload: { text: string } }) => e.payload.text)).toEqual(['Error: c', 'b']);
    expect((await call(`${emu.urls.vercel}/v3/deployments/dpl_nope/events`, { headers: auth })).status).toBe(404);
  });
});
