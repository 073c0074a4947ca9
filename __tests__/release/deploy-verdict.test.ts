import { describe, expect, test } from '@jest/globals';
import type { ComponentName, RollbackTarget } from '../../src/release/component.js';
import { deployVerdict, type DeployFacts } from '../../src/release/deploy-verdict.js';
import type { ComponentReport, ComponentResult } from '../../src/release/deployer.js';
import type { RestoreOutcome } from '../../src/release/restore.js';

/** The deploy's final status and message, decided from what happened: one case per status the action documents. */

const SHA = 'c0ffee0000000000000000000000000000000002';
const previous = (component: ComponentName): RollbackTarget => ({
  provider: component === 'frontend' ? 'vercel' : 'railway',
  deploymentId: `${component}-old`,
  url: `https://${component}.old`,
  sha: 'badc0de000000000000000000000000000000001',
  scope: 'scope',
});

function component(
  name: ComponentName,
  result: ComponentResult,
  extra: Partial<ComponentReport> = {},
): ComponentReport {
  return {
    component: name,
    label: name === 'frontend' ? 'Vercel frontend' : 'Railway backend',
    before: previous(name),
    result,
    deployment:
      result === 'not-started'
        ? null
        : { id: `${name}-new`, state: 'READY', phase: 'succeeded', url: `https://${name}.new`, sha: SHA },
    origin: 'created',
    statusReads: 3,
    durationMs: 1_000,
    notes: [],
    ...extra,
  };
}

function restored(report: ComponentReport, outcome: RestoreOutcome, detail = `${outcome} detail`): ComponentReport {
  return {
    ...report,
    restore: {
      component: report.component,
      outcome,
      target: report.before,
      deploymentId: report.before?.deploymentId ?? null,
      url: null,
      detail,
      pinned: false,
    },
  };
}

function ran(reports: ComponentReport[], cancelled = false): DeployFacts {
  return {
    stage: 'ran',
    sha: SHA,
    environment: 'production',
    components: reports.map((r) => r.component),
    reports,
    cancelled,
    durationMs: 95_000,
  };
}

describe('deployVerdict', () => {
  test('deployed: every component serves the commit', () => {
    const verdict = deployVerdict(ran([component('backend', 'deployed'), component('frontend', 'deployed')]));
    expect(verdict).toEqual({
      status: 'deployed',
      message: 'deployed c0ffee000000 to production (backend, frontend) in 1m35s',
    });
  });

  test('deployed, nothing to do: the commit already served everywhere (a re-run)', () => {
    const verdict = deployVerdict(
      ran([component('backend', 'already-serving'), component('frontend', 'already-serving')]),
    );
    expect(verdict).toEqual({ status: 'deployed', message: 'c0ffee000000 already serves production: nothing to do' });
  });

  test('rolled-back: a component failed and what changed is back on what served before', () => {
    const backend = restored(component('backend', 'deployed'), 'restored');
    const frontend = restored(component('frontend', 'failed', { error: 'frontend-new ended ERROR' }), 'not-needed');
    const verdict = deployVerdict(ran([backend, frontend]));
    expect(verdict).toEqual({
      status: 'rolled-back',
      message: 'frontend failed: frontend-new ended ERROR. Rolled back: backend restored, frontend not-needed',
    });
  });

  test('rolled-back names a timeout as one, and a component with nothing to go back to stays on the new build', () => {
    const backend = restored(component('backend', 'deployed', { before: null }), 'nothing-to-roll-back');
    const frontend = restored(component('frontend', 'timed-out', { error: 'still BUILDING' }), 'restored');
    const verdict = deployVerdict(ran([backend, frontend]));
    expect(verdict.status).toBe('rolled-back');
    expect(verdict.message).toBe(
      'frontend timed out: still BUILDING. Rolled back: backend nothing-to-roll-back, frontend restored. backend had nothing to roll back to and stays on the new build',
    );
  });

  test('failed: rolling back did not fully work, a component needs a human', () => {
    const backend = restored(
      component('backend', 'failed', { error: 'CRASHED' }),
      'needs-a-human',
      'the redeploy of backend-old failed',
    );
    const frontend = restored(component('frontend', 'deployed'), 'restored');
    const verdict = deployVerdict(ran([backend, frontend]));
    expect(verdict).toEqual({
      status: 'failed',
      message:
        'backend failed: CRASHED. Rolling back did not fully work, backend needs a human: the redeploy of backend-old failed',
    });
  });

  test('failed: the first component failed before it served, so production was not changed', () => {
    const backend = restored(component('backend', 'failed', { error: 'build failed' }), 'not-needed');
    const verdict = deployVerdict(ran([backend, component('frontend', 'not-started')]));
    expect(verdict).toEqual({
      status: 'failed',
      message: 'backend failed: build failed. Production was not changed (backend not-needed)',
    });
  });

  test('failed: a failure with no restore at all says production was not changed, and an unknown error is named so', () => {
    const verdict = deployVerdict(ran([component('backend', 'failed')]));
    expect(verdict).toEqual({ status: 'failed', message: 'backend failed: unknown error. Production was not changed' });
  });

  test('failed: what serves now could not be read, so nothing was changed', () => {
    expect(deployVerdict({ stage: 'plan-unreadable', error: 'HTTP 503' })).toEqual({
      status: 'failed',
      message: 'could not read what serves now, so nothing was changed: HTTP 503',
    });
  });

  test('refused: production is pinned by an instant rollback', () => {
    const verdict = deployVerdict({
      stage: 'pinned',
      label: 'Vercel frontend',
      pin: { deploymentId: 'dpl_old', description: 'incident 42' },
    });
    expect(verdict.status).toBe('refused');
    expect(verdict.message).toBe(
      'Vercel frontend: production is pinned to dpl_old by an instant rollback (incident 42). Nothing was deployed. Promote a deployment to lift the pin (vercel promote <deployment>), or set allow-pinned: true to deploy and promote over it.',
    );
    expect(
      deployVerdict({ stage: 'pinned', label: 'Vercel frontend', pin: { deploymentId: null, description: null } })
        .message,
    ).toMatch(/^Vercel frontend: production is pinned to an earlier deployment by an instant rollback\. /);
  });

  test('cancelled before anything changed', () => {
    expect(deployVerdict({ stage: 'cancelled-before-change' })).toEqual({
      status: 'cancelled',
      message: 'the job was cancelled before anything changed',
    });
  });

  test('cancelled on the way: says per component what serves, and nothing is called rolled back', () => {
    const backend = component('backend', 'deployed', { verify: { verdict: 'healthy', detail: 'ok' } });
    const frontend = component('frontend', 'cancelled', {
      deployment: { id: 'frontend-new', state: 'BUILDING', phase: 'pending', url: null, sha: SHA },
      notes: ['canceled frontend-new before it went live'],
    });
    const verdict = deployVerdict(ran([backend, frontend], true));
    expect(verdict).toEqual({
      status: 'cancelled',
      message:
        'the job was cancelled: backend serves c0ffee000000 (backend-new, health healthy); frontend still serves frontend-old; canceled frontend-new before it went live',
    });
  });

  test('cancelled after a build finished: it is built, not verified; a component not started still serves what it did', () => {
    const backend = component('backend', 'cancelled', { notes: [] });
    const verdict = deployVerdict(ran([backend, component('frontend', 'not-started', { before: null })], true));
    expect(verdict.message).toBe(
      'the job was cancelled: backend backend-new is built, not verified; frontend serves nothing yet',
    );
  });

  test('dry-run: the plan only', () => {
    expect(deployVerdict({ stage: 'dry-run', sha: SHA, environment: 'staging', order: 'backend-first' })).toEqual({
      status: 'dry-run',
      message: 'dry run: would deploy c0ffee000000 to staging (backend-first); nothing was changed',
    });
  });
});
