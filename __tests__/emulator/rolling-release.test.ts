import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { bearer, call, sha } from './helpers.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator({ extensions: [] });
});
afterEach(async () => emu.stop());

/** A project serving sha(1) with a READY staged production build of sha(2), and rolling releases at 10 %, 50 %, 100 %. */
async function setup() {
  const auth = bearer(emu.control.addVercelToken());
  const project = await emu.control.seedVercelProject({ productionSha: sha(1) });
  const created = await call(`${emu.urls.vercel}/v13/deployments`, {
    headers: auth,
    body: {
      name: project.projectId,
      target: 'production',
      autoAssignCustomDomains: false,
      gitSource: { type: 'vercel', sha: sha(2) },
    },
  });
  const { id } = created.json();
  for (let i = 0; i < 5; i++) await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth });
  emu.control.configureRollingRelease(project.projectId, [10, 50, 100]);
  const rr = (action: string, body?: unknown) =>
    call(
      `${emu.urls.vercel}/v1/projects/${project.projectId}/rolling-release${action}`,
      body === undefined ? { headers: auth } : { headers: auth, body },
    );
  const share = async (n: number) => {
    let canary = 0;
    for (let i = 0; i < n; i++) if ((await call(`${project.productionUrl}/health`)).json().version === sha(2)) canary++;
    return canary / n;
  };
  return { auth, project, id: id as string, rr, share };
}

describe('Vercel rolling releases (emulator, shapes per @vercel/sdk)', () => {
  it('start, stage percentages of production traffic, approve, and the final stage completes', async () => {
    const { project, id, rr, share } = await setup();
    expect((await rr('')).json()).toEqual({ rollingRelease: null });
    const started = await rr('/start', { canaryDeploymentId: id });
    expect(started.status).toBe(200);
    expect(started.json().rollingRelease).toMatchObject({
      state: 'ACTIVE',
      currentCanaryPercentage: 10,
      canaryDeployment: { id },
      activeStage: { index: 0, targetPercentage: 10, isFinalStage: false },
      nextStage: { index: 1 },
    });
    expect(await share(50)).toBeCloseTo(0.1, 5);
    expect((await rr('/approve-stage', { canaryDeploymentId: id, nextStageIndex: 2 })).status).toBe(400);
    expect(
      (await rr('/approve-stage', { canaryDeploymentId: id, nextStageIndex: 1 })).json().rollingRelease,
    ).toMatchObject({ state: 'ACTIVE', currentCanaryPercentage: 50 });
    expect(await share(50)).toBeCloseTo(0.5, 5);
    const done = await rr('/approve-stage', { canaryDeploymentId: id, nextStageIndex: 2 });
    expect(done.json().rollingRelease).toMatchObject({ state: 'COMPLETE', currentCanaryPercentage: 100 });
    expect(emu.control.vercelProject(project.projectId)!.productionDeploymentId).toBe(id);
    expect(await share(10)).toBe(1);
  });

  it('complete jumps to 100 %; an instant rollback to the current deployment aborts; start needs a configuration', async () => {
    const { auth, project, id, rr, share } = await setup();
    await rr('/start', { canaryDeploymentId: id });
    expect((await rr('/start', { canaryDeploymentId: id })).status).toBe(409);
    const current = emu.control.vercelProject(project.projectId)!.productionDeploymentId!;
    expect(
      (
        await call(`${emu.urls.vercel}/v9/projects/${project.projectId}/rollback/${current}`, {
          method: 'POST',
          headers: auth,
        })
      ).status,
    ).toBe(201);
    expect((await rr('')).json().rollingRelease).toMatchObject({ state: 'ABORTED', currentCanaryPercentage: 0 });
    expect(await share(20)).toBe(0);

    await rr('/start', { canaryDeploymentId: id });
    expect((await rr('/complete', { canaryDeploymentId: id })).json().rollingRelease.state).toBe('COMPLETE');
    expect(await share(5)).toBe(1);

    emu.control.configureRollingRelease(project.projectId, null);
    expect((await rr('/start', { canaryDeploymentId: id })).status).toBe(400);
  });
});
