import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { githubRun } from '../../src/core/github-context.js';
import type { Logger } from '../../src/core/host.js';
import { InputReader } from '../../src/core/inputs.js';
import { deploy } from '../../src/release/deployer.js';
import { getInputs as deployInputs } from '../../src/deploy/inputs.js';
import { deployOutputs } from '../../src/deploy/main.js';
import type { Fault, FaultMatch, RecordedRequest } from '../../src/emulator/index.js';
import type { Clock } from '../../src/release/clock.js';
import { buildCollaborators } from '../../src/release/collaborators.js';
import { serializePlan } from '../../src/release/plan.js';
import { getInputs as rollbackInputs } from '../../src/rollback/inputs.js';
import { rollbackOutputs } from '../../src/rollback/main.js';
import { rollback } from '../../src/release/rollbacker.js';
import { Fixture, NEW } from '../deploy/fixture.js';

/** A commit whose app answers its health check with 500. */
export const BAD = 'bad0000000000000000000000000000000000003';
import { TEST_ENV } from '../deploy/host.js';
import { actionDefaults } from '../harness/runner.js';

/**
 * The convergence fault runs (issue 18): the deploy and rollback actions' own code, in-process,
 * against the emulator on its frozen, auto-advancing virtual clock. Every pause (poll, retry,
 * Retry-After) is virtual, so the request log's timestamps say exactly how long the actions waited.
 * A run can inject faults or cancel the job at a precise moment by watching its own log.
 */

const WORKSPACE = mkdtempSync(join(tmpdir(), 'threadr-convergence-'));

export async function startFixture(options: { previous?: string[] } = {}): Promise<Fixture> {
  return Fixture.start({ clock: { speed: 0, autoAdvance: true }, ...options });
}

/** Something to do the first time a log line matches (inject a fault, cancel the job). */
export interface Hook {
  when: RegExp;
  then: 'cancel' | ((fx: Fixture) => void);
}

export interface Run {
  status: string;
  outputs: Record<string, string>;
  log: string;
}

/** Faults served by the emulator during the test, for the run counts. */
export const counters = { runs: 0, faults: 0, cancels: 0, converged: 0 };

const FAST = { 'poll-interval': '2s', 'request-timeout': '250ms', 'verify-timeout': '30s' };

/** Runs one action as main.ts does (inputs, collaborators, outputs), with a cancel the test controls. */
export async function runAction(
  fx: Fixture,
  action: 'deploy' | 'rollback',
  inputs: Record<string, string>,
  hooks: Hook[] = [],
): Promise<Run> {
  counters.runs++;
  const merged: Record<string, string> = { ...actionDefaults(action), ...fx.inputs({ ...FAST, ...inputs }) };
  const reader = new InputReader(
    (name) => merged[name] ?? '',
    () => undefined,
    WORKSPACE,
  );
  const lines: string[] = [];
  const controller = new AbortController();
  const pending = [...hooks];
  const say = (line: string): void => {
    lines.push(line);
    for (const hook of [...pending]) {
      if (!hook.when.test(line)) continue;
      pending.splice(pending.indexOf(hook), 1);
      if (hook.then === 'cancel') {
        counters.cancels++;
        controller.abort();
      } else hook.then(fx);
    }
  };
  const log: Logger = {
    info: (m) => say(m),
    warn: (m) => say(`warning: ${m}`),
    error: (m) => say(`error: ${m}`),
    debug: () => undefined,
    group: async (title, work) => (say(`## ${title}`), work()),
  };
  const clock: Clock = { now: () => fx.control.now(), sleep: (ms) => fx.control.sleep(ms) };
  const overrides = { clock, http: { sleep: (ms: number) => fx.control.sleep(ms), now: () => fx.control.now() } };
  let outputs: Record<string, string>;
  if (action === 'deploy') {
    const settings = deployInputs(reader, await githubRun(TEST_ENV));
    const collaborators = buildCollaborators(settings.platform, log, TEST_ENV, overrides, settings.git);
    try {
      const report = await deploy(settings.deploy, {
        ...collaborators,
        clock,
        log,
        signal: controller.signal,
        onPlan: (plan) => say(`plan: ${serializePlan(plan)}`),
      });
      outputs = deployOutputs(report);
    } finally {
      await collaborators.http.close();
    }
  } else {
    const settings = rollbackInputs(reader, await githubRun(TEST_ENV));
    const collaborators = buildCollaborators(settings.platform, log, TEST_ENV, overrides);
    try {
      const report = await rollback(
        {
          environment: settings.platform.environment,
          components: settings.platform.components,
          source: settings.source,
          reason: settings.reason,
          timeoutMs: settings.timeoutMs,
          githubDeploymentId: settings.githubDeploymentId,
        },
        { ...collaborators, clock, log, signal: controller.signal },
      );
      outputs = rollbackOutputs(report);
    } finally {
      await collaborators.http.close();
    }
  }
  return { status: outputs.status, outputs, log: lines.join('\n') };
}

/** Adds a fault for the next `times` matching requests; the id is checked for use at the end. */
export function inject(fx: Fixture, match: FaultMatch, fault: Fault, times = 1, skip = 0): void {
  fx.control.fault({ ...match, fault, times, skip });
}

export const CALL = {
  vercelProject: { provider: 'vercel', method: 'GET', path: '/v9/projects/:idOrName' },
  vercelGet: { provider: 'vercel', method: 'GET', path: '/v13/deployments/:idOrUrl' },
  vercelCreate: { provider: 'vercel', method: 'POST', path: '/v13/deployments' },
  vercelPromote: { provider: 'vercel', method: 'POST', path: '/v10/projects/:projectId/promote/:deploymentId' },
  vercelRollback: { provider: 'vercel', method: 'POST', path: '/v1/projects/:projectId/rollback/:deploymentId' },
  railwayList: { provider: 'railway', operation: 'deployments' },
  railwayGet: { provider: 'railway', operation: 'deployment' },
  railwayDeploy: { provider: 'railway', operation: 'serviceInstanceDeployV2' },
  railwayRollback: { provider: 'railway', operation: 'deploymentRollback' },
  githubList: { provider: 'github', method: 'GET', path: '/repos/:owner/:repo/deployments' },
} satisfies Record<string, FaultMatch>;

export interface Expectation {
  /** The commit each platform must serve at the end. */
  frontend: string;
  backend: string;
  /** Commits whose app is broken: never acceptable in production. */
  broken?: string[];
  /** Retry-After (seconds) of every 429 injected in the test. */
  retryAfterSeconds?: number;
}

/**
 * The invariants of issue 18, checked on the emulator's own state and request log: production
 * healthy on both platforms and on the expected commits, no mutation applied twice, every request
 * after a 429 at least Retry-After later (virtual time). Returns the broken ones, empty when fine.
 */
export function brokenInvariants(fx: Fixture, expected: Expectation): string[] {
  const problems: string[] = [];
  const frontend = fx.vercelProduction();
  const backend = fx.railwayProduction();
  if (frontend?.readyState !== 'READY' || frontend.sha !== expected.frontend)
    problems.push(
      `frontend serves ${frontend?.id} ${frontend?.readyState} ${frontend?.sha}, expected READY ${expected.frontend}`,
    );
  if (backend?.status !== 'SUCCESS' || backend.sha !== expected.backend)
    problems.push(
      `backend serves ${backend?.id} ${backend?.status} ${backend?.sha}, expected SUCCESS ${expected.backend}`,
    );
  const railway = fx.control.railwayDeployments(fx.railway.serviceId);
  const active = railway.filter((d) =>
    ['SUCCESS', 'DEPLOYING', 'BUILDING', 'INITIALIZING', 'QUEUED', 'WAITING'].includes(d.status),
  );
  if (active.length !== 1)
    problems.push(
      `backend: ${active.length} deployments active (${active.map((d) => `${d.id} ${d.status}`).join(', ')}), expected 1`,
    );

  // No mutation applied twice.
  // The seeded commits (OLD, OLDER) were never built by the actions: only the deployed ones count.
  const deployed = (sha: string): boolean => sha === NEW || sha === BAD;
  const vercelBuilds = countBy(
    fx.control.vercelDeployments(fx.vercel.projectId).filter((d) => deployed(d.sha)),
    (d) => d.sha,
  );
  const railwayBuilds = countBy(
    railway.filter((d) => deployed(d.sha) && (d.meta as { reason?: string } | null)?.reason !== 'rollback'),
    (d) => d.sha,
  );
  const railwayRollbacks = countBy(
    railway.filter((d) => (d.meta as { reason?: string } | null)?.reason === 'rollback'),
    (d) => String((d.meta as { rollbackSourceDeploymentId?: string }).rollbackSourceDeploymentId),
  );
  const aliasMoves = countBy(
    fx.control
      .requests({ provider: 'vercel', method: 'POST' })
      .filter(
        (r) =>
          /\/(promote|rollback)\//.test(r.path) &&
          r.fault === undefined &&
          typeof r.outcome === 'number' &&
          r.outcome < 300,
      ),
    (r) => r.path.split('/').at(-1)!,
  );
  for (const [what, counts] of [
    ['Vercel builds of', vercelBuilds],
    ['Railway builds of', railwayBuilds],
    ['Railway rollback deployments to', railwayRollbacks],
  ] as const) {
    for (const [key, n] of counts) if (n > 1) problems.push(`${what} ${key}: ${n}`);
  }
  if ([...aliasMoves.values()].some((n) => n > 1))
    problems.push(
      `a Vercel promote/rollback to the same deployment was applied twice: ${JSON.stringify([...aliasMoves])}`,
    );

  // Retry-After: the next request to the same provider comes at least that much later.
  if (expected.retryAfterSeconds !== undefined) {
    const wait = expected.retryAfterSeconds * 1000;
    for (const provider of ['vercel', 'railway', 'github']) {
      const log = fx.control.requests({ provider }).sort((a, b) => a.seq - b.seq);
      log.forEach((request: RecordedRequest, i) => {
        if (request.outcome !== 429) return;
        const next = log[i + 1];
        if (next && next.at - request.at < wait)
          problems.push(
            `${provider}: ${next.method} ${next.path} ${next.at - request.at}ms after a 429 that asked for ${wait}ms`,
          );
      });
    }
  }
  return problems;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Faults the emulator served (every rule's uses), for the counts in the closing note. */
export function faultsServed(fx: Fixture): number {
  return fx.control.requests().filter((r) => r.fault !== undefined).length;
}
