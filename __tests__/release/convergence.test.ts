import { NEW, OLD, OLDER, type Fixture } from '../deploy/fixture.js';
import {
  BAD,
  brokenInvariants,
  CALL,
  counters,
  faultsServed,
  inject,
  runAction,
  startFixture,
  type Hook,
  type Run,
} from './convergence-kit.js';
import type { Fault, FaultMatch } from '../../src/emulator/index.js';

/**
 * Issue 18: deploy and rollback converge under faults and say what really happened. Each case
 * injects faults of one cause into one phase (reading what serves, creating, polling, promoting or
 * rolling back), or cancels a job and re-runs it at once; every case then checks the invariants:
 * production healthy on both platforms on the expected commit, the reported status and deployment
 * ids true, no mutation applied twice, every request after a 429 at least its Retry-After later.
 */

const HEALTH = { 'frontend-health-url': '/api/health', 'backend-health-url': '/health' };
const RETRY_AFTER = 7;
const GQL: Fault = { kind: 'graphql-error', message: 'Problem processing request' };
const GQL_APPLIED: Fault = { kind: 'graphql-error', message: 'Problem processing request', afterHandling: true };
const RATE: Fault = { kind: 'rate-limit', retryAfterSeconds: RETRY_AFTER };
/** One more 429 than the HTTP client's own four tries: the outer loop must honour Retry-After too. */
const RATE_TIMES = 5;

type Phase = 'read' | 'create' | 'poll' | 'promote/rollback';

interface Case {
  name: string;
  cause: number;
  phase: Phase;
  run(fx: Fixture): Promise<{ final: Run; expected: { status: string; frontend: string; backend: string } }>;
  /** Older commits that served before OLD. */
  previous?: string[];
}

/** A fault for `times` requests of `call`, now or when the log line appears. */
function fault(call: FaultMatch, f: Fault, times = 1): (fx: Fixture) => void {
  return (fx) => inject(fx, call, f, times);
}

const deployNew = (fx: Fixture, hooks: Hook[] = [], extra: Record<string, string> = {}) =>
  runAction(fx, 'deploy', { ref: NEW, ...HEALTH, ...extra }, hooks);
const deployBad = (fx: Fixture, hooks: Hook[] = [], extra: Record<string, string> = {}) =>
  runAction(fx, 'deploy', { ref: BAD, ...HEALTH, ...extra }, hooks);

async function deployedThen(fx: Fixture): Promise<string> {
  const first = await deployNew(fx);
  if (first.status !== 'deployed') throw new Error(`setup deploy: ${first.status}\n${first.log}`);
  return first.outputs['rollback-plan'];
}

const rollbackWith = (fx: Fixture, plan: string, hooks: Hook[] = []) =>
  runAction(fx, 'rollback', { 'rollback-plan': plan, reason: 'bad release', ...HEALTH }, hooks);

/** A healthy deploy of NEW with faults from `setup` (now) and `hooks` (at a log line). */
function deployCase(
  name: string,
  cause: number,
  phase: Phase,
  setup: ((fx: Fixture) => void) | null,
  hooks: Hook[] = [],
): Case {
  return {
    name,
    cause,
    phase,
    async run(fx) {
      setup?.(fx);
      return { final: await deployNew(fx, hooks), expected: { status: 'deployed', frontend: NEW, backend: NEW } };
    },
  };
}

/** A deploy of a broken commit that must roll itself back, with faults injected when rolling back starts. */
function selfRollbackCase(
  name: string,
  cause: number,
  order: 'backend-first' | 'frontend-first',
  atRollback: (fx: Fixture) => void,
  hooks: Hook[] = [],
): Case {
  return {
    name,
    cause,
    phase: 'promote/rollback',
    async run(fx) {
      const final = await deployBad(fx, [{ when: /^## Rolling back$/, then: atRollback }, ...hooks], { order });
      return { final, expected: { status: 'rolled-back', frontend: OLD, backend: OLD } };
    },
  };
}

/** The rollback action after a good deploy of NEW, faults injected before it runs or at a log line. */
function rollbackCase(name: string, cause: number, setup: ((fx: Fixture) => void) | null, hooks: Hook[] = []): Case {
  return {
    name,
    cause,
    phase: 'promote/rollback',
    async run(fx) {
      const plan = await deployedThen(fx);
      setup?.(fx);
      return {
        final: await rollbackWith(fx, plan, hooks),
        expected: { status: 'rolled-back', frontend: OLD, backend: OLD },
      };
    },
  };
}

const started = (component: 'frontend' | 'backend') => new RegExp(`^${component}: started `);

const cases: Case[] = [
  // 1. A Railway GraphQL errors[] on HTTP 200 is retried like any transient failure.
  deployCase('deploy: errors[] reading what serves on Railway', 1, 'read', fault(CALL.railwayList, GQL, 2)),
  deployCase(
    'deploy: errors[] on a serviceInstanceDeployV2 that did not happen',
    1,
    'create',
    fault(CALL.railwayDeploy, GQL),
  ),
  deployCase('deploy: errors[] polling the Railway deployment', 1, 'poll', null, [
    { when: started('backend'), then: fault(CALL.railwayGet, GQL, 3) },
  ]),
  selfRollbackCase(
    'deploy rolls itself back: errors[] listing Railway deployments',
    1,
    'backend-first',
    () => undefined,
    [{ when: /^backend: going back to /, then: fault(CALL.railwayList, GQL, 3) }],
  ),
  rollbackCase('rollback: errors[] listing Railway deployments', 1, fault(CALL.railwayList, GQL, 3)),
  rollbackCase('rollback: errors[] polling the Railway rollback deployment', 1, null, [
    { when: /^backend: rollback deployment \S+ is/, then: fault(CALL.railwayGet, GQL, 3) },
  ]),
  // 3. An applied mutation answered with errors[] is read back before anything is said or done.
  deployCase(
    'deploy: serviceInstanceDeployV2 applied, answered with errors[]',
    3,
    'create',
    fault(CALL.railwayDeploy, GQL_APPLIED),
  ),
  selfRollbackCase(
    'deploy rolls itself back: deploymentRollback applied, answered with errors[]',
    3,
    'backend-first',
    fault(CALL.railwayRollback, GQL_APPLIED),
  ),
  selfRollbackCase(
    'deploy rolls itself back: promote applied, connection reset',
    3,
    'frontend-first',
    fault(CALL.vercelPromote, { kind: 'reset', afterHandling: true }),
  ),
  // 4. One malformed read, or an applied rollback answered with errors[], is not "needs a human".
  deployCase(
    'deploy: truncated JSON reading what serves on Vercel',
    4,
    'read',
    fault(CALL.vercelProject, { kind: 'malformed-json' }, 2),
  ),
  deployCase(
    'deploy: create applied, answered with truncated JSON',
    4,
    'create',
    fault(CALL.vercelCreate, { kind: 'malformed-json' }),
  ),
  deployCase('deploy: truncated JSON polling the Vercel deployment', 4, 'poll', null, [
    { when: started('frontend'), then: fault(CALL.vercelGet, { kind: 'malformed-json' }, 2) },
  ]),
  selfRollbackCase(
    'deploy rolls itself back: truncated JSON while waiting for the alias job',
    4,
    'frontend-first',
    () => undefined,
    [{ when: /promote of \S+ requested/, then: fault(CALL.vercelProject, { kind: 'malformed-json' }) }],
  ),
  rollbackCase(
    'rollback: deploymentRollback applied, answered with errors[]',
    4,
    fault(CALL.railwayRollback, GQL_APPLIED),
  ),
  rollbackCase('rollback: truncated JSON while waiting for the alias job', 4, null, [
    { when: /rollback of \S+ requested/, then: fault(CALL.vercelProject, { kind: 'malformed-json' }) },
  ]),
  rollbackCase(
    'rollback: instant rollback applied, answer lost (hang)',
    4,
    fault(CALL.vercelRollback, { kind: 'hang', ms: 2_000, afterHandling: true }),
  ),
  // 6. A stale answer does not decide to skip work or name a target on its own.
  deployCase('deploy: stale read polling the Railway deployment', 6, 'poll', null, [
    { when: started('backend'), then: fault(CALL.railwayGet, { kind: 'stale-read' }) },
  ]),
  selfRollbackCase(
    'deploy rolls itself back: stale "what serves" on Railway',
    6,
    'backend-first',
    fault(CALL.railwayList, { kind: 'stale-read' }),
  ),
  selfRollbackCase(
    'deploy rolls itself back: stale "what serves" on Vercel',
    6,
    'frontend-first',
    fault(CALL.vercelProject, { kind: 'stale-read' }),
  ),
  rollbackCase('rollback: stale "what serves" on Railway', 6, fault(CALL.railwayList, { kind: 'stale-read' })),
  rollbackCase('rollback: stale "what serves" on Vercel', 6, fault(CALL.vercelProject, { kind: 'stale-read' })),
  {
    name: 'deploy after a deploy: stale "what serves" when recording the rollback target',
    cause: 6,
    phase: 'read',
    async run(fx) {
      await deployedThen(fx);
      inject(fx, CALL.railwayList, { kind: 'stale-read' });
      inject(fx, CALL.vercelProject, { kind: 'stale-read' });
      const final = await deployBad(fx);
      return { final, expected: { status: 'rolled-back', frontend: NEW, backend: NEW } };
    },
  },
  {
    name: 'rollback to: previous: stale "what serves" on both platforms when choosing the target',
    cause: 6,
    phase: 'read',
    async run(fx) {
      await deployedThen(fx);
      inject(fx, CALL.railwayList, { kind: 'stale-read' });
      inject(fx, CALL.vercelProject, { kind: 'stale-read' });
      const final = await runAction(fx, 'rollback', { to: 'previous', reason: 'bad release', ...HEALTH });
      return { final, expected: { status: 'rolled-back', frontend: OLD, backend: OLD } };
    },
    previous: [OLDER],
  },
  // 7. Retry-After is honoured after the HTTP client's own tries are spent.
  deployCase('deploy: 429 x5 reading what serves on Vercel', 7, 'read', fault(CALL.vercelProject, RATE, RATE_TIMES)),
  deployCase('deploy: 429 x5 reading what serves on Railway', 7, 'read', fault(CALL.railwayList, RATE, RATE_TIMES)),
  deployCase(
    'deploy: 429 x5 listing GitHub deployments (the last verified commit)',
    7,
    'read',
    fault(CALL.githubList, RATE, RATE_TIMES),
  ),
  deployCase('deploy: 429 x5 creating the Vercel deployment', 7, 'create', fault(CALL.vercelCreate, RATE, RATE_TIMES)),
  deployCase('deploy: 429 x5 polling the Railway deployment', 7, 'poll', null, [
    { when: started('backend'), then: fault(CALL.railwayGet, RATE, RATE_TIMES) },
  ]),
  selfRollbackCase(
    'deploy rolls itself back: 429 x5 on the promote',
    7,
    'frontend-first',
    fault(CALL.vercelPromote, RATE, RATE_TIMES),
  ),
  rollbackCase('rollback: 429 x5 on deploymentRollback', 7, fault(CALL.railwayRollback, RATE, RATE_TIMES)),
  rollbackCase('rollback: 429 x5 on the instant rollback', 7, fault(CALL.vercelRollback, RATE, RATE_TIMES)),
  // 5. A cancelled rollback re-run at once waits for or adopts what is in flight.
  {
    name: 'rollback cancelled mid-way, re-run at once',
    cause: 5,
    phase: 'promote/rollback',
    async run(fx) {
      const plan = await deployedThen(fx);
      // Slow alias job and slow Railway rollback deployment: both still on their way at the cancel.
      fx.control.configure({ vercel: { aliasTiming: { readsPerStep: 4 } } });
      fx.control.setCommit(OLD, { railway: { timing: { readsPerStep: 3 } } });
      const cancelled = await rollbackWith(fx, plan, [{ when: /backend: rollback deployment \S+ is/, then: 'cancel' }]);
      if (cancelled.status !== 'cancelled')
        throw new Error(`expected the first run cancelled, got ${cancelled.status}\n${cancelled.log}`);
      const final = await rollbackWith(fx, plan);
      // Both jobs were still in flight, and the re-run waited for them rather than asking again.
      expect(final.log).toMatch(
        /frontend: the rollback of \S+ asked for earlier is (pending|in-progress); waiting for it instead of asking again/,
      );
      expect(final.log).toMatch(
        /backend: \S+, a rollback to \S+ asked for earlier, is \w+; waiting for it instead of asking again/,
      );
      return { final, expected: { status: 'rolled-back', frontend: OLD, backend: OLD } };
    },
  },
  {
    name: "rollback cancelled mid-way, re-run at once, with errors[] on the re-run's listing",
    cause: 5,
    phase: 'promote/rollback',
    async run(fx) {
      const plan = await deployedThen(fx);
      fx.control.configure({ vercel: { aliasTiming: { readsPerStep: 4 } } });
      fx.control.setCommit(OLD, { railway: { timing: { readsPerStep: 3 } } });
      const cancelled = await rollbackWith(fx, plan, [{ when: /rollback of \S+ requested/, then: 'cancel' }]);
      if (cancelled.status !== 'cancelled')
        throw new Error(`expected the first run cancelled, got ${cancelled.status}\n${cancelled.log}`);
      inject(fx, CALL.railwayList, GQL, 2);
      return { final: await rollbackWith(fx, plan), expected: { status: 'rolled-back', frontend: OLD, backend: OLD } };
    },
  },
  {
    name: 'deploy cancelled after the backend switched, re-run at once',
    cause: 5,
    phase: 'poll',
    async run(fx) {
      const cancelled = await deployNew(fx, [{ when: /^backend: \S+ is SUCCESS after/, then: 'cancel' }]);
      if (cancelled.status !== 'cancelled')
        throw new Error(`expected the first run cancelled, got ${cancelled.status}\n${cancelled.log}`);
      const final = await deployNew(fx);
      expect(final.log).toMatch(/backend: \S+ already serves commit feed00000000; not deploying it again/);
      return { final, expected: { status: 'deployed', frontend: NEW, backend: NEW } };
    },
  },
  {
    name: 'deploy cancelled after the backend switched, re-run at once with a stale "is this commit deployed"',
    cause: 6,
    phase: 'create',
    async run(fx) {
      const cancelled = await deployNew(fx, [{ when: /^backend: \S+ is SUCCESS after/, then: 'cancel' }]);
      if (cancelled.status !== 'cancelled')
        throw new Error(`expected the first run cancelled, got ${cancelled.status}\n${cancelled.log}`);
      const final = await deployNew(fx, [
        { when: /^## Deploying backend$/, then: fault(CALL.railwayList, { kind: 'stale-read' }) },
      ]);
      return { final, expected: { status: 'deployed', frontend: NEW, backend: NEW } };
    },
  },
  // 2. A re-run of a cancelled deploy of a broken commit records the last VERIFIED deployment.
  {
    name: 'deploy of a broken commit cancelled mid-poll, re-run at once, then the rollback action',
    cause: 2,
    phase: 'poll',
    async run(fx) {
      // What serves is verified once (GitHub Deployments record it as success).
      const verified = await runAction(fx, 'deploy', { ref: OLD, ...HEALTH });
      if (verified.status !== 'deployed') throw new Error(`setup: ${verified.status}\n${verified.log}`);
      // The backend reaches SUCCESS on the broken build; the job is cancelled before it is verified.
      const cancelled = await deployBad(fx, [{ when: /^backend: \S+ is SUCCESS after/, then: 'cancel' }]);
      if (cancelled.status !== 'cancelled')
        throw new Error(`expected the first run cancelled, got ${cancelled.status}\n${cancelled.log}`);
      const rerun = await deployBad(fx);
      const plan = JSON.parse(rerun.outputs['rollback-plan'] || '{}') as {
        components?: Record<string, { sha?: string } | null>;
      };
      if (plan.components?.backend?.sha !== OLD)
        throw new Error(
          `the re-run's plan names ${plan.components?.backend?.sha} for the backend, not the verified ${OLD}\n${rerun.log}`,
        );
      if (rerun.status !== 'rolled-back')
        return { final: rerun, expected: { status: 'rolled-back', frontend: OLD, backend: OLD } };
      // Its rollback plan, used by the rollback action: production is already back, and says so.
      return {
        final: await rollbackWith(fx, rerun.outputs['rollback-plan']),
        expected: { status: 'rolled-back', frontend: OLD, backend: OLD },
      };
    },
  },
];

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

afterAll(() => {
  // The closing note's figures (issue 18): written to the test log.
  process.stdout.write(
    `convergence fault runs: ${counters.runs} action runs in ${cases.length} cases, ${counters.faults} faults served and ${counters.cancels} jobs cancelled, ${counters.converged} cases ended healthy with a true verdict\n`,
  );
});

describe('deploy and rollback converge under faults (issue 18)', () => {
  it.each(cases.map((c) => [`cause ${c.cause}, ${c.phase}: ${c.name}`, c] as const))('%s', async (_title, testCase) => {
    fx = await startFixture({ previous: testCase.previous });
    fx.control.setCommit(BAD, { app: { kind: 'broken' } });
    const cancelsBefore = counters.cancels;
    const { final, expected } = await testCase.run(fx);
    const served = faultsServed(fx);
    counters.faults += served;
    // A case whose faults were never served (nor a cancel made) would prove nothing.
    expect(served + counters.cancels - cancelsBefore).toBeGreaterThan(0);

    const problems = brokenInvariants(fx, {
      frontend: expected.frontend,
      backend: expected.backend,
      retryAfterSeconds: RETRY_AFTER,
    });
    if (final.status !== expected.status) problems.push(`status ${final.status}, expected ${expected.status}`);
    // The ids reported are the ones that serve (empty for a component the run did not touch).
    if (
      final.outputs['frontend-deployment-id'] &&
      final.outputs['frontend-deployment-id'] !== fx.vercelProduction()?.id
    )
      problems.push(`reports frontend ${final.outputs['frontend-deployment-id']}, ${fx.vercelProduction()?.id} serves`);
    if (final.outputs['backend-deployment-id'] && final.outputs['backend-deployment-id'] !== fx.railwayProduction()?.id)
      problems.push(`reports backend ${final.outputs['backend-deployment-id']}, ${fx.railwayProduction()?.id} serves`);
    if (problems.length > 0) throw new Error(`${problems.join('\n')}\n--- log of the last run:\n${final.log}`);
    counters.converged++;
  });
});
