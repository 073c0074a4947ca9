import { Fixture, NEW } from './fixture.js';
import { applied, CALLS, faultsFor, inject, runDeploy } from './matrix.js';

/**
 * Fault matrix, deploy happy path: each external call of a deploy (backend first, both
 * components, GitHub Deployment) through each fault. Production must always end on a READY /
 * SUCCESS deployment, here the new one, and the log must say what happened.
 */
const CALLS_OF_A_DEPLOY = [
  'vercelProject',
  'vercelGet',
  'vercelList',
  'vercelCreate',
  'railwayList',
  'railwayGet',
  'railwayDeploy',
  'githubCreate',
  'githubStatus',
] as const;

const cases = CALLS_OF_A_DEPLOY.flatMap((key) =>
  faultsFor(CALLS[key]).map((c) => [CALLS[key].name, c.label, key, c] as const),
);

let fx: Fixture;
afterEach(async () => {
  await fx?.stop();
});

describe('deploy fault matrix', () => {
  it.each(cases)('%s: %s', async (_call, _label, key, faultCase) => {
    fx = await Fixture.start();
    const id = inject(fx, CALLS[key], faultCase.fault);
    const result = await runDeploy(fx, { ref: NEW });

    expect(applied(fx, id)).toBe(true);
    expect(fx.productionHealthy()).toEqual({ frontend: true, backend: true });
    if (result.outputs.status !== 'deployed') throw new Error(`status ${result.outputs.status}:\n${result.log}`);
    expect(fx.vercelProduction()!.sha).toBe(NEW);
    expect(fx.railwayProduction()!.sha).toBe(NEW);
    // Never two builds of the same commit because an answer was lost.
    expect(fx.control.vercelDeployments(fx.vercel.projectId).filter((d) => d.sha === NEW)).toHaveLength(1);
    expect(fx.control.railwayDeployments(fx.railway.serviceId).filter((d) => d.sha === NEW)).toHaveLength(1);
    if (faultCase.says) expect(result.log).toMatch(faultCase.says);
  });
});
