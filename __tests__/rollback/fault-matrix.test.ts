import { Fixture, NEW, OLD } from '../deploy/fixture.js';
import {
  applied,
  CALLS,
  clockPastTimeoutAfter,
  faultsFor,
  inject,
  runDeploy,
  runRollback,
  type Call,
} from '../deploy/matrix.js';

/**
 * Fault matrix, recovery paths: the calls that only happen when something goes wrong (rolling a
 * component back, promoting the old frontend back, canceling a build given up on, the rollback
 * action's instant rollback), each through each fault. Production must end on a READY / SUCCESS
 * deployment of the commit that served before, and the log must say what happened.
 */

interface Scenario {
  name: string;
  call: Call;
  /** Runs before the fault is injected. */
  prepare?(fx: Fixture): Promise<void>;
  /** Components that must end on the commit that served before (default both). */
  restored?: ('frontend' | 'backend')[];
  run(fx: Fixture): Promise<{ log: string; outputs: Record<string, string> }>;
  status: string;
  check?(fx: Fixture): void;
}

const scenarios: Scenario[] = [
  {
    name: 'deploy: frontend ERROR after backend SUCCESS, backend rolled back',
    call: CALLS.railwayRollback,
    async run(fx) {
      fx.control.setCommit(NEW, { vercel: { outcome: 'error' } });
      return runDeploy(fx, { ref: NEW });
    },
    status: 'rolled-back',
  },
  {
    name: 'deploy (frontend first): backend FAILED, frontend promoted back',
    call: CALLS.vercelPromote,
    async run(fx) {
      fx.control.setCommit(NEW, { railway: { outcome: 'failed-build' } });
      return runDeploy(fx, { ref: NEW, order: 'frontend-first' });
    },
    status: 'rolled-back',
  },
  {
    name: 'deploy: frontend build given up at the timeout and canceled',
    call: CALLS.vercelCancel,
    async run(fx) {
      fx.control.setCommit(NEW, { vercel: { timing: { readsPerStep: 1, reads: { BUILDING: 0 } } } });
      slowDown(fx, CALLS.railwayDeploy);
      return runDeploy(fx, { ref: NEW, timeout: '10m' }, clockPastTimeoutAfter(fx, CALLS.vercelCreate));
    },
    status: 'rolled-back',
    check(fx) {
      expect(fx.control.vercelDeployments(fx.vercel.projectId).find((d) => d.sha === NEW)!.readyState).toBe('CANCELED');
    },
  },
  {
    name: 'deploy (frontend first): backend build given up at the timeout and canceled',
    call: CALLS.railwayCancel,
    async run(fx) {
      fx.control.setCommit(NEW, { railway: { timing: { readsPerStep: 1, reads: { BUILDING: 0 } } } });
      slowDown(fx, CALLS.vercelCreate);
      return runDeploy(
        fx,
        { ref: NEW, order: 'frontend-first', timeout: '10m' },
        clockPastTimeoutAfter(fx, CALLS.railwayDeploy),
      );
    },
    status: 'rolled-back',
    check(fx) {
      expect(fx.control.railwayDeployments(fx.railway.serviceId).find((d) => d.sha === NEW)!.status).toBe('REMOVED');
    },
  },
  {
    name: 'rollback action: Vercel instant rollback',
    call: CALLS.vercelRollback,
    prepare: deployFirst,
    restored: ['frontend'],
    run: (fx) => runRollback(fx, { 'rollback-plan': plans.get(fx)!, components: 'frontend' }),
    status: 'rolled-back',
  },
  {
    name: 'rollback action: Railway deploymentRollback',
    call: CALLS.railwayRollback,
    prepare: deployFirst,
    restored: ['backend'],
    run: (fx) => runRollback(fx, { 'rollback-plan': plans.get(fx)!, components: 'backend' }),
    status: 'rolled-back',
  },
];

/**
 * The component deployed before the one given up takes longer than a short budget would allow, as
 * it may on a busy machine: the build given up must still be the one the timeout cancels.
 */
function slowDown(fx: Fixture, call: Call): void {
  fx.control.fault({ ...call.match, fault: { kind: 'delay', ms: 300 }, times: 1 });
}

const plans = new WeakMap<Fixture, string>();

async function deployFirst(fx: Fixture): Promise<void> {
  const deployed = await runDeploy(fx, { ref: NEW });
  expect(deployed.outputs.status).toBe('deployed');
  plans.set(fx, deployed.outputs['rollback-plan']);
}

const cases = scenarios.flatMap((scenario) =>
  faultsFor(scenario.call).map((c) => [scenario.name, scenario.call.name, c.label, scenario, c] as const),
);

let fx: Fixture;
afterEach(async () => {
  await fx?.stop();
});

describe('recovery fault matrix', () => {
  it.each(cases)('%s — %s: %s', async (_scenario, _call, _label, scenario, faultCase) => {
    fx = await Fixture.start();
    await scenario.prepare?.(fx);
    const id = inject(fx, scenario.call, faultCase.fault);
    const result = await scenario.run(fx);

    expect(applied(fx, id)).toBe(true);
    expect(fx.productionHealthy()).toEqual({ frontend: true, backend: true });
    if (result.outputs.status !== scenario.status) throw new Error(`status ${result.outputs.status}:\n${result.log}`);
    const restored = scenario.restored ?? ['frontend', 'backend'];
    if (restored.includes('frontend')) expect(fx.vercelProduction()!.sha).toBe(OLD);
    if (restored.includes('backend')) expect(fx.railwayProduction()!.sha).toBe(OLD);
    scenario.check?.(fx);
    if (faultCase.says) expect(result.log).toMatch(faultCase.says);
  });
});
