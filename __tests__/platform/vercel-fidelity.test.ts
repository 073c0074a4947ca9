import { HttpClient } from '../../src/core/http.js';
import type { Logger } from '../../src/core/host.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { VercelClient, vercelProductionDomain } from '../../src/providers/vercel.js';
import { systemClock } from '../../src/release/clock.js';
import { patience } from '../../src/release/poll.js';
import type { RollbackTarget, WaitContext } from '../../src/release/component.js';
import { scheduleWithMin } from '../../src/release/schedule.js';
import { VercelComponent } from '../../src/release/vercel-component.js';

/**
 * Vercel as the official CLI reads it (issue 11, "Vercel"): the frontend adapter against the
 * emulator in its stricter modes. Each test names how it failed before the fix.
 */

const OLD = '01d0000000000000000000000000000000000001';
const OLDER = '01d0000000000000000000000000000000000000';
const NEW = 'feed000000000000000000000000000000000002';

let emu: Emulator;
let http: HttpClient;
let token: string;
const lines: string[] = [];

const log: Logger = {
  info: (m) => void lines.push(m),
  warn: (m) => void lines.push(`warn: ${m}`),
  error: (m) => void lines.push(`error: ${m}`),
  debug: () => undefined,
  group: (_title, work) => work(),
};

beforeEach(async () => {
  emu = await startEmulator({ port: 0, extensions: [] });
  token = emu.control.addVercelToken();
  http = new HttpClient({ timeoutMs: 5_000, retry: { attempts: 1 } });
  lines.length = 0;
});
afterEach(async () => {
  await http.close();
  await emu.stop();
});

function component(projectId: string, environment: 'production' | 'preview' = 'production'): VercelComponent {
  return new VercelComponent({
    client: new VercelClient({ http, baseUrl: emu.urls.vercel, token }),
    projectId,
    environment,
    git: { org: 'threadr', repo: 'web', branch: 'main' },
    scheme: 'http',
    context: {
      clock: systemClock,
      schedule: scheduleWithMin(2),
      log,
      settleMs: 2,
      // Reads retried as the actions retry them (issue 18). A small budget: only a fault on every
      // read spends it, and then the outcome (the read's error) is the same however long it took.
      patience: patience({
        clock: systemClock,
        schedule: scheduleWithMin(2),
        budgetMs: 300,
        onRetry: (what, error) => log.warn(`${what}: ${String(error)}`),
      }),
    },
  });
}

/** A generous deadline: every wait here ends on an emulator read, never on time. */
const waitContext = (): WaitContext => ({ deadline: Date.now() + 20_000 });

async function target(projectId: string, sha: string): Promise<RollbackTarget> {
  const deployment = emu.control.vercelDeployments(projectId).find((d) => d.sha === sha)!;
  return { provider: 'vercel', deploymentId: deployment.id, url: null, sha, scope: projectId };
}

describe('alias jobs: done when lastAliasRequest says so', () => {
  it('a promote whose job fails after targets.production moved is a failure', async () => {
    // Before: the wait ended as soon as targets.production named the deployment (in-progress),
    // so a job that then failed was reported as a successful rollback.
    const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD, previousShas: [OLDER] });
    emu.control.configure({ vercel: { aliasTargetsEarly: true, aliasOutcome: 'failed' } });
    const frontend = component(projectId);
    await expect(
      frontend.rollbackTo(await target(projectId, OLDER), 'incident', waitContext(), 'promote'),
    ).rejects.toThrow(/alias job ended failed/);
    expect(emu.control.vercelProject(projectId)!.lastAliasRequest!.jobStatus).toBe('failed');
  });

  it('waits past an in-progress job whose target already moved, until it succeeds', async () => {
    const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD, previousShas: [OLDER] });
    emu.control.configure({ vercel: { aliasTargetsEarly: true, aliasTiming: { readsPerStep: 3 } } });
    const restored = await component(projectId).rollbackTo(
      await target(projectId, OLDER),
      'incident',
      waitContext(),
      'pin',
    );
    expect(restored.sha).toBe(OLDER);
    expect(emu.control.vercelProject(projectId)!.lastAliasRequest).toMatchObject({
      type: 'rollback',
      jobStatus: 'succeeded',
    });
  });
});

describe('only our own alias job counts', () => {
  it('an earlier failed job for the same deployment, read again from a stale replica, is not our verdict', async () => {
    // Before: any job naming the deployment ended the wait, so the old failed promote read back
    // from a lagging replica made a promote that then succeeded look failed.
    const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD, previousShas: [OLDER] });
    const frontend = component(projectId);
    const to = await target(projectId, OLDER);
    emu.control.configure({ vercel: { aliasOutcome: 'failed' } });
    await expect(frontend.rollbackTo(to, 'first try', waitContext(), 'promote')).rejects.toThrow(
      /alias job ended failed/,
    );
    emu.control.configure({ vercel: { aliasOutcome: 'succeeded', aliasTiming: { readsPerStep: 2 } } });
    // Reads before the promote: whether it serves, the job before ours; the next one is stale.
    emu.control.fault({
      provider: 'vercel',
      method: 'GET',
      path: '/v9/projects/:idOrName',
      skip: 2,
      fault: { kind: 'stale-read' },
    });
    const restored = await frontend.rollbackTo(to, 'second try', waitContext(), 'promote');
    expect(restored.sha).toBe(OLDER);
    expect(emu.control.vercelProject(projectId)!.lastAliasRequest).toMatchObject({
      type: 'promote',
      jobStatus: 'succeeded',
    });
    expect(emu.control.requests({ provider: 'vercel', method: 'GET' }).some((r) => r.fault === 'stale-read')).toBe(
      true,
    );
  });
});

describe('production domain (targets.production.alias)', () => {
  it('is the first custom domain, else the first *.vercel.app one, else none', () => {
    expect(vercelProductionDomain(['threadr-web.vercel.app', 'threadr.app', 'www.threadr.app'])).toBe('threadr.app');
    expect(vercelProductionDomain(['threadr-web.vercel.app', 'threadr-web-team.vercel.app'])).toBe(
      'threadr-web.vercel.app',
    );
    expect(vercelProductionDomain(['THREADR.VERCEL.APP', '127.0.0.1:4100'])).toBe('127.0.0.1:4100');
    // Only the vercel.app domain itself and its subdomains are Vercel's: a custom name ending in it is not.
    expect(vercelProductionDomain(['a.vercel.app', 'myvercel.app'])).toBe('myvercel.app');
    expect(vercelProductionDomain(['https://threadr.app/x', 'threadr.vercel.app'])).toBe('threadr.vercel.app');
    expect(vercelProductionDomain(['', 'threadr app'])).toBeNull();
    expect(vercelProductionDomain([])).toBeNull();
  });

  it('is read for the deployment that serves production, and moves with a promote', async () => {
    const { projectId, name, productionHost } = await emu.control.seedVercelProject({
      productionSha: OLD,
      previousShas: [OLDER],
    });
    const frontend = component(projectId);
    const serving = emu.control.vercelProject(projectId)!.productionDeploymentId!;
    const raw = await new VercelClient({ http, baseUrl: emu.urls.vercel, token }).getProject(projectId);
    expect(raw.productionDeployment?.alias).toEqual([`${name}.vercel.app`, productionHost]);
    expect(await frontend.productionUrl(serving)).toBe(`http://${productionHost}`);
    // Asked about a deployment that does not serve production: no domain of its own.
    const older = emu.control.vercelDeployments(projectId).find((d) => d.sha === OLDER)!;
    expect(await frontend.productionUrl(older.id)).toBeNull();
  });
});

describe('a project with no targets', () => {
  it('means nothing serves yet, not an error', async () => {
    // Before: "unexpected answer ... no targets object" on a first deploy.
    const { projectId } = await emu.control.seedVercelProject({ productionSha: null });
    const raw = await new VercelClient({ http, baseUrl: emu.urls.vercel, token }).getProject(projectId);
    expect(raw.productionDeployment).toBeNull();
    const frontend = component(projectId);
    expect(await frontend.current()).toBeNull();
    expect(await frontend.isServing('dpl_anything')).toBe(false);
  });
});

describe('pin detection reads lastAliasRequest, as the CLI does', () => {
  for (const promoteClearsRollbackTarget of [true, false]) {
    it(`a rollback pins, a promote lifts the pin (promote ${promoteClearsRollbackTarget ? 'clears' : 'keeps'} lastRollbackTarget)`, async () => {
      // Before (keeps): lastRollbackTarget outlived the promote, so every later deploy was refused as pinned.
      const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD, previousShas: [OLDER] });
      emu.control.configure({ vercel: { promoteClearsRollbackTarget } });
      const frontend = component(projectId);
      expect(await frontend.pin()).toBeNull();
      await frontend.rollbackTo(await target(projectId, OLDER), 'incident 7', waitContext(), 'pin');
      expect(await frontend.pin()).toMatchObject({
        deploymentId: expect.stringMatching(/^dpl_/),
        description: expect.stringContaining('incident 7'),
      });
      await frontend.rollbackTo(await target(projectId, OLD), 'all clear', waitContext(), 'promote');
      expect(emu.control.vercelProject(projectId)!.lastRollbackTarget === null).toBe(promoteClearsRollbackTarget);
      expect(await frontend.pin()).toBeNull();
    });
  }
});

describe('requests shaped as Vercel accepts them', () => {
  it('a preview deployment omits target instead of sending null', async () => {
    // Before: `target: null` — the emulator now answers 400 as Vercel's schema (target: string) does.
    const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD });
    const started = await component(projectId, 'preview').start(NEW);
    expect(started.phase).toBe('pending');
    const body = JSON.parse(
      emu.control.requests({ provider: 'vercel', method: 'POST' }).at(-1)!.body ?? '{}',
    ) as Record<string, unknown>;
    expect('target' in body).toBe(false);
    expect(emu.control.vercelDeployment(started.id)!.target).toBeNull();
  });

  it('a rollback description is cut to 250 characters', async () => {
    // Before: the whole reason went out and Vercel refused the rollback (400).
    const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD, previousShas: [OLDER] });
    const reason = `incident: ${'x'.repeat(400)}`;
    await component(projectId).rollbackTo(await target(projectId, OLDER), reason, waitContext(), 'pin');
    const description = emu.control.vercelProject(projectId)!.rollbackDescription!.description!;
    expect(description).toHaveLength(250);
    expect(description.startsWith('incident: xxx')).toBe(true);
  });

  it('keeps the fatal build event in the failure excerpt', async () => {
    // Before: only stdout/stderr/command events were kept, so the line saying why the build stopped was lost.
    const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD });
    emu.control.setCommit(NEW, {
      vercel: {
        outcome: 'error',
        errorMessage: 'Error: Type error in app/page.tsx',
        buildLog: ['Running "npm run build"', 'Compiling…', 'Error: Type error in app/page.tsx'],
      },
    });
    const frontend = component(projectId);
    const started = await frontend.start(NEW);
    const outcome = await frontend.wait(started.id, Date.now(), waitContext());
    expect(outcome.kind).toBe('settled');
    const observation = (outcome as { observation: Awaited<ReturnType<VercelComponent['observe']>> }).observation;
    expect(observation.state).toBe('ERROR');
    const events = (await (
      await fetch(`${emu.urls.vercel}/v3/deployments/${started.id}/events?follow=0`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { type: string }[];
    expect(events.map((event) => event.type)).toEqual(['stdout', 'stdout', 'fatal']);
    const [excerpt] = await frontend.failureLogs(observation);
    expect(excerpt!.lines).toEqual(['Running "npm run build"', 'Compiling…', 'Error: Type error in app/page.tsx']);
  });
});

describe('a project without targets whose deployments say otherwise', () => {
  it('is a partial answer, not a first deploy', async () => {
    // Omitting `targets` is valid (a new project); omitting it while a deployment has served
    // production would record "nothing to roll back to" from a partial read.
    const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD });
    // Every project read partial: the reads agree on "no target", so the deployments must refute it.
    emu.control.fault({
      provider: 'vercel',
      method: 'GET',
      path: '/v9/projects/:idOrName',
      fault: { kind: 'reshape', omit: ['targets'] },
      times: -1,
    });
    await expect(component(projectId).current()).rejects.toThrow(
      /unexpected response shape: no production target, yet dpl_\w+ has served production/,
    );
  });

  it('once is a failed read, read again (issue 18: reads are retried and confirmed)', async () => {
    const { projectId } = await emu.control.seedVercelProject({ productionSha: OLD });
    emu.control.fault({
      provider: 'vercel',
      method: 'GET',
      path: '/v9/projects/:idOrName',
      fault: { kind: 'reshape', omit: ['targets'] },
    });
    const current = await component(projectId).current();
    expect(current?.sha).toBe(OLD);
  });
});
