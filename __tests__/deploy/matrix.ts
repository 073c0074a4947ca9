import type { Fault, FaultMatch } from '../../src/emulator/index.js';
import { systemClock, type Clock } from '../../src/release/clock.js';
import { createDefinition as createDeploy } from '../../src/deploy/main.js';
import { createDefinition as createRollback } from '../../src/rollback/main.js';
import { Fixture } from './fixture.js';
import { runInProcess, type InProcessResult } from './host.js';

/**
 * The fault matrix: every external call the actions make, through each injected fault. Runs the
 * actions in-process (same main.ts, same code) so a hundred runs take seconds: retry pauses are
 * skipped, request timeouts are short; everything else is real HTTP against the emulator.
 */

export interface Call {
  name: string;
  match: FaultMatch;
  mutation: boolean;
  /** Answers with no body (nothing for a malformed-JSON fault to garble). */
  bodyless?: boolean;
  /** A write that is safe to repeat (no stale read applies to it). */
  idempotentWrite?: boolean;
  /** A `reshape` fault that breaks what this call's answer must contain. */
  reshape?: Extract<Fault, { kind: 'reshape' }>;
}

export const CALLS: Record<string, Call> = {
  vercelProject: {
    name: 'Vercel get project',
    match: { provider: 'vercel', method: 'GET', path: '/v9/projects/:idOrName' },
    mutation: false,
    reshape: { kind: 'reshape', omit: ['targets'] },
  },
  vercelGet: {
    name: 'Vercel get deployment',
    match: { provider: 'vercel', method: 'GET', path: '/v13/deployments/:idOrUrl' },
    mutation: false,
    reshape: { kind: 'reshape', omit: ['readyState'] },
  },
  vercelList: {
    name: 'Vercel list deployments',
    match: { provider: 'vercel', method: 'GET', path: '/v6/deployments' },
    mutation: false,
    reshape: { kind: 'reshape', omit: ['deployments'] },
  },
  vercelCreate: {
    name: 'Vercel create deployment',
    match: { provider: 'vercel', method: 'POST', path: '/v13/deployments' },
    mutation: true,
    reshape: { kind: 'reshape', omit: ['readyState'] },
  },
  vercelCancel: {
    name: 'Vercel cancel',
    match: { provider: 'vercel', method: 'PATCH', path: '/v12/deployments/:id/cancel' },
    mutation: true,
  },
  vercelPromote: {
    name: 'Vercel promote',
    match: { provider: 'vercel', method: 'POST', path: '/v10/projects/:projectId/promote/:deploymentId' },
    mutation: true,
    bodyless: true,
  },
  vercelRollback: {
    name: 'Vercel instant rollback',
    match: { provider: 'vercel', method: 'POST', path: '/v1/projects/:projectId/rollback/:deploymentId' },
    mutation: true,
    bodyless: true,
  },
  railwayList: {
    name: 'Railway deployments',
    match: { provider: 'railway', operation: 'deployments' },
    mutation: false,
    reshape: { kind: 'reshape', omit: ['data.deployments.edges'] },
  },
  railwayGet: {
    name: 'Railway deployment',
    match: { provider: 'railway', operation: 'deployment' },
    mutation: false,
    reshape: { kind: 'reshape', omit: ['data.deployment.status'] },
  },
  railwayDeploy: {
    name: 'Railway serviceInstanceDeployV2',
    match: { provider: 'railway', operation: 'serviceInstanceDeployV2' },
    mutation: true,
    reshape: { kind: 'reshape', set: { 'data.serviceInstanceDeployV2': null } },
  },
  railwayRollback: {
    name: 'Railway deploymentRollback',
    match: { provider: 'railway', operation: 'deploymentRollback' },
    mutation: true,
  },
  railwayCancel: {
    name: 'Railway deploymentCancel',
    match: { provider: 'railway', operation: 'deploymentCancel' },
    mutation: true,
  },
  githubCreate: {
    name: 'GitHub create deployment',
    match: { provider: 'github', method: 'POST', path: '/repos/:owner/:repo/deployments' },
    mutation: true,
    reshape: { kind: 'reshape', omit: ['id'] },
  },
  githubStatus: {
    name: 'GitHub create status',
    match: { provider: 'github', method: 'POST', path: '/repos/:owner/:repo/deployments/:id/statuses' },
    mutation: false,
    idempotentWrite: true,
  },
};

export interface FaultCase {
  label: string;
  fault: Fault;
  /** What the log must say about it; undefined where the fault is invisible by nature (a stale read). */
  says?: RegExp;
}

/** Faults for any call; `afterHandling` ones (the request took effect, the answer was lost) only for mutations. */
export function faultsFor(call: Call): FaultCase[] {
  const cases: FaultCase[] = [
    {
      label: '429 + Retry-After',
      fault: { kind: 'rate-limit', retryAfterSeconds: 0 },
      says: /HTTP 429|Rate limit|rate limit/,
    },
    {
      label: '503',
      fault: { kind: 'server-error', status: 503, retryAfterSeconds: 0 },
      says: /HTTP 503|outcome unknown/,
    },
    { label: 'HTML 502 page', fault: { kind: 'html-error', status: 502 }, says: /HTTP 502|outcome unknown/ },
    { label: 'connection reset', fault: { kind: 'reset' }, says: /connection reset|outcome unknown/ },
    { label: 'hang past the client timeout', fault: { kind: 'hang', ms: 5_000 }, says: /timed out|no response within/ },
    {
      label: 'malformed JSON',
      fault: { kind: 'malformed-json' },
      says: call.bodyless ? undefined : /not JSON|outcome unknown/,
    },
  ];
  if (!call.mutation && !call.idempotentWrite) cases.push({ label: 'stale read', fault: { kind: 'stale-read' } });
  if (call.reshape)
    cases.push({
      label: 'unexpected shape',
      fault: call.reshape,
      says: /unexpected response shape|outcome unknown|not recorded/,
    });
  if (call.mutation) {
    cases.push(
      {
        label: '500 after it took effect',
        fault: { kind: 'server-error', status: 500, afterHandling: true },
        says: /outcome unknown .*HTTP 500|HTTP 500/,
      },
      {
        label: 'reset after it took effect',
        fault: { kind: 'reset', afterHandling: true },
        says: /outcome unknown|connection reset/,
      },
      {
        label: 'hang after it took effect',
        fault: { kind: 'hang', ms: 5_000, afterHandling: true },
        says: /outcome unknown .*no response within|timed out/,
      },
    );
  }
  return cases;
}

/** Fast collaborators: retry pauses skipped (Retry-After is asserted in the bundle tests). */
const overrides = { clock: systemClock, http: { sleep: () => new Promise<void>((resolve) => setImmediate(resolve)) } };
export const deployAction = createDeploy(overrides);
export const rollbackAction = createRollback(overrides);

export const FAST = { 'poll-interval': '2ms', 'request-timeout': '250ms', 'verify-timeout': '1s' };

export function runDeploy(fx: Fixture, inputs: Record<string, string>, clock?: Clock): Promise<InProcessResult> {
  const action = clock ? createDeploy({ ...overrides, clock }) : deployAction;
  return runInProcess('deploy', action, fx.inputs({ ...FAST, strategy: 'direct', ...inputs }));
}

/**
 * Real time, until `call` has reached the emulator; from then on an hour later. A deploy with a
 * `timeout` of minutes then gives up exactly the build that `call` started, at its first look
 * after starting it, however long the other component took before it on a busy machine.
 */
export function clockPastTimeoutAfter(fx: Fixture, call: Call): Clock {
  // The request log reads `path` as a substring, not as the route pattern a fault matches: a
  // pattern with parameters would never match, and the clock would never jump.
  if (call.match.path?.includes(':')) throw new Error(`${call.name}: give a call whose path has no parameters`);
  const HOUR_MS = 3_600_000;
  const started = () => fx.control.requests(call.match).length > 0;
  return { now: () => Date.now() + (started() ? HOUR_MS : 0), sleep: systemClock.sleep };
}

export function runRollback(fx: Fixture, inputs: Record<string, string>): Promise<InProcessResult> {
  return runInProcess('rollback', rollbackAction, fx.inputs({ ...FAST, ...inputs }));
}

/** Applies the fault to the first request of the call (`skip` lets earlier ones through). */
export function inject(fx: Fixture, call: Call, fault: Fault, skip = 0): string {
  return fx.control.fault({ ...call.match, fault, times: 1, skip });
}

/** Was the fault actually served? A case whose call never happened would prove nothing. */
export function applied(fx: Fixture, id: string): boolean {
  return !fx.control.faults().some((rule) => rule.id === id);
}
