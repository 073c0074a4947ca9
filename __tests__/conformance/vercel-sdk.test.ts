import { Vercel } from '@vercel/sdk';
import { ResponseValidationError } from '@vercel/sdk/models/responsevalidationerror.js';
import { CreateDeploymentResponseBody2$inboundSchema as FullCreated } from '@vercel/sdk/models/createdeploymentresponsebody.js';
import { GetDeploymentResponseBody2$inboundSchema as FullDeployment } from '@vercel/sdk/models/getdeploymentresponsebody1.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

/**
 * Conformance: Vercel's official SDK (@vercel/sdk, generated from Vercel's OpenAPI description,
 * with zod validation of every response) against the emulator, for every Vercel operation the
 * product calls (src/providers/vercel.ts). A response the SDK rejects fails the test with the
 * SDK's own account of what is wrong (ResponseValidationError.pretty()).
 */

const OLD = '01d0000000000000000000000000000000000001';
const OLDER = '01d0000000000000000000000000000000000000';
const NEW = 'feed000000000000000000000000000000000002';

let emu: Emulator;
let sdk: Vercel;
let token: string;
let projectId: string;

beforeEach(async () => {
  emu = await startEmulator({ port: 0, extensions: [] });
  token = emu.control.addVercelToken();
  ({ projectId } = await emu.control.seedVercelProject({ productionSha: OLD, previousShas: [OLDER] }));
  sdk = new Vercel({ bearerToken: token, serverURL: emu.urls.vercel, retryConfig: { strategy: 'none' } });
});
afterEach(async () => emu.stop());

interface Issue {
  code: string;
  path: (string | number)[];
  message: string;
  unionErrors?: { issues: Issue[] }[];
}

/** Zod issues, one line each; of a union, the member that came closest (fewest issues). */
function issues(list: Issue[]): string[] {
  return list.flatMap((issue) => {
    if (issue.code === 'invalid_union' && issue.unionErrors?.length) {
      const members = issue.unionErrors.filter(
        (member) => !member.issues.every((inner) => /^Expected (null|undefined)/.test(inner.message)),
      );
      const closest = [...(members.length ? members : issue.unionErrors)].sort(
        (a, b) => a.issues.length - b.issues.length,
      )[0]!;
      return issues(closest.issues);
    }
    return [`${issue.path.join('.') || '<root>'}: ${issue.message}`];
  });
}

/** Runs an SDK call; a response validation error fails the test, listing what the SDK refused. */
async function valid<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ResponseValidationError) {
      const cause = error.cause as { issues?: Issue[] } | undefined;
      throw new Error(
        `@vercel/sdk rejected the emulator's answer to ${what}:\n${cause?.issues ? issues(cause.issues).join('\n') : error.pretty()}`,
      );
    }
    throw error;
  }
}

const create = (sha: string, target?: 'production') =>
  valid('createDeployment', () =>
    sdk.deployments.createDeployment({
      forceNew: '1',
      skipAutoDetectionConfirmation: '1',
      requestBody: {
        name: projectId,
        project: projectId,
        ...(target ? { target } : {}),
        gitSource: { type: 'github', org: 'threadr', repo: 'threadr-web', ref: 'main', sha },
        meta: { threadrCommitSha: sha, threadrAction: 'deploy' },
      },
    }),
  );

/**
 * getDeployment's answer is a union whose smallest member (the reduced view Vercel gives anonymous
 * callers) accepts almost anything and drops the rest, so the SDK call alone cannot fail. The
 * product reads the full view (readySubstate, errorCode, …): check that member explicitly.
 */
async function fullDeployment(id: string): Promise<Record<string, unknown>> {
  const raw = (await (
    await fetch(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as unknown;
  const parsed = FullDeployment.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `@vercel/sdk's full deployment schema rejected the emulator's answer to getDeployment:\n${issues(parsed.error.issues as unknown as Issue[]).join('\n')}`,
    );
  return parsed.data as unknown as Record<string, unknown>;
}

async function settle(id: string): Promise<string> {
  for (let read = 0; read < 20; read++) {
    await fullDeployment(id);
    const deployment = await valid('getDeployment', () => sdk.deployments.getDeployment({ idOrUrl: id }));
    if (!['QUEUED', 'INITIALIZING', 'BUILDING'].includes(String(deployment.readyState)))
      return String(deployment.readyState);
  }
  throw new Error(`${id} did not settle in 20 reads`);
}

describe('@vercel/sdk accepts every answer the product relies on', () => {
  it('deployments: create (production and preview), get until settled, list, cancel', async () => {
    const production = await create(NEW, 'production');
    expect(production.id).toMatch(/^dpl_/);
    expect(await settle(production.id)).toBe('READY');

    const preview = await create('beef000000000000000000000000000000000003');
    expect(preview.target ?? null).toBeNull();
    // createDeployment is a smart union too: the raw answer must satisfy the full member.
    const raw = await (
      await fetch(`${emu.urls.vercel}/v13/deployments?forceNew=1&skipAutoDetectionConfirmation=1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: projectId,
          project: projectId,
          gitSource: {
            type: 'github',
            org: 'threadr',
            repo: 'threadr-web',
            ref: 'main',
            sha: 'beef000000000000000000000000000000000004',
          },
        }),
      })
    ).json();
    const created = FullCreated.safeParse(raw);
    if (!created.success)
      throw new Error(
        `@vercel/sdk's full schema rejected the emulator's answer to createDeployment:\n${issues(created.error.issues as unknown as Issue[]).join('\n')}`,
      );
    const list = await valid('getDeployments', () =>
      sdk.deployments.getDeployments({ projectId, target: 'production', state: 'READY,BUILDING', limit: 20 }),
    );
    expect(list.deployments.length).toBeGreaterThan(1);
    expect(list.deployments[0]).toMatchObject({ uid: expect.stringMatching(/^dpl_/) });

    const cancelled = await valid('cancelDeployment', () => sdk.deployments.cancelDeployment({ id: preview.id }));
    expect(cancelled.readyState).toBe('CANCELED');
  });

  it('a failed build: its error fields and build events, fatal included', async () => {
    emu.control.setCommit(NEW, { vercel: { outcome: 'error', errorMessage: 'Error: Type error' } });
    const failed = await create(NEW, 'production');
    expect(await settle(failed.id)).toBe('ERROR');
    expect(await fullDeployment(failed.id)).toMatchObject({
      errorCode: 'BUILD_FAILED',
      errorMessage: 'Error: Type error',
    });
    const events = await valid('getDeploymentEvents', () =>
      sdk.deployments.getDeploymentEvents({ idOrUrl: failed.id, direction: 'backward', limit: 50, follow: 0 }),
    );
    expect(Array.isArray(events)).toBe(true);
    expect(JSON.stringify(events)).toContain('"fatal"');
  });

  it('projects: read with rollback info, promote, instant rollback with a description, no targets on a new project', async () => {
    const project = await valid('getProject', () => sdk.projects.getProject({ idOrName: projectId }));
    expect(project.targets?.['production']).toMatchObject({ id: expect.stringMatching(/^dpl_/) });
    // The production domains (the promote action's production-url): the project's *.vercel.app one and the stable production host.
    const seeded = emu.control.vercelProject(projectId)!;
    expect(project.targets?.['production']?.alias).toEqual([`${seeded.name}.vercel.app`, seeded.productionHost]);

    const older = emu.control.vercelDeployments(projectId).find((d) => d.sha === OLDER)!;
    await valid('requestRollback', () =>
      sdk.projects.requestRollback({ projectId, deploymentId: older.id, description: 'incident 42' }),
    );
    for (let read = 0; read < 5; read++)
      await valid('getProject', () => sdk.projects.getProject({ idOrName: projectId }));
    const pinned = emu.control.vercelProject(projectId)!;
    expect(pinned.lastAliasRequest).toMatchObject({ type: 'rollback', jobStatus: 'succeeded' });

    // Pinned: a new production build ends READY + STAGED; the product reads it, lists candidates.
    const staged = await create(NEW, 'production');
    expect(await settle(staged.id)).toBe('READY');
    expect((await fullDeployment(staged.id)).readySubstate).toBe('STAGED');
    const candidates = await valid('getDeployments', () =>
      sdk.deployments.getDeployments({
        projectId,
        target: 'production',
        state: 'READY',
        rollbackCandidate: true,
        limit: 50,
      }),
    );
    expect(candidates.deployments.map((d) => d.uid)).not.toContain(staged.id);

    const current = emu.control.vercelDeployments(projectId).find((d) => d.sha === OLD)!;
    await valid('requestPromote', () => sdk.projects.requestPromote({ projectId, deploymentId: current.id }));
    for (let read = 0; read < 5; read++)
      await valid('getProject', () => sdk.projects.getProject({ idOrName: projectId }));
    expect(emu.control.vercelProject(projectId)!.lastAliasRequest).toMatchObject({
      type: 'promote',
      jobStatus: 'succeeded',
    });

    const fresh = await emu.control.seedVercelProject({ productionSha: null });
    const empty = await valid('getProject', () => sdk.projects.getProject({ idOrName: fresh.projectId }));
    expect(empty.targets).toBeUndefined();
  });
});
