import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { ConcurrencyGroups, concurrencyOf, type Concurrency } from '../../src/local-runner/concurrency.js';
import { inputsContext, readWorkflow } from '../../src/local-runner/workflow.js';
import { ROOT } from '../harness/runner.js';

describe('concurrency groups, as GitHub queues runs', () => {
  const group = (name: string, cancelInProgress = false): Concurrency => ({ group: name, cancelInProgress });

  test('one in progress, one pending; a newer run replaces the pending one, which is cancelled', () => {
    const runs = new ConcurrencyGroups();
    expect(runs.queue('a', group('g'))).toBe('in-progress');
    expect(runs.queue('b', group('g'))).toBe('pending');
    expect(runs.queue('c', group('g'))).toBe('pending');
    expect(runs.state('b')).toBe('cancelled');
    expect(runs.state('a')).toBe('in-progress');
    runs.complete('a');
    expect(runs.state('c')).toBe('in-progress');
    expect(runs.events).toContain('b cancelled (replaced by c in g)');
  });

  test('cancel-in-progress cancels the run in progress and starts the new one; other groups are untouched', () => {
    const runs = new ConcurrencyGroups();
    runs.queue('a', group('g'));
    runs.queue('x', group('other'));
    expect(runs.queue('b', group('g', true))).toBe('in-progress');
    expect(runs.state('a')).toBe('cancelled');
    expect(runs.state('x')).toBe('in-progress');
    expect(() => runs.complete('a')).toThrow(/not in progress/);
  });
});

describe('deploy-pipeline.yml and rollback.yml', () => {
  const pipeline = readWorkflow(join(ROOT, '.github', 'workflows', 'deploy-pipeline.yml'));
  const emergency = readWorkflow(join(ROOT, '.github', 'workflows', 'rollback.yml'));
  const concurrency = (workflow: typeof pipeline, environment: string) =>
    concurrencyOf(workflow.concurrency, {
      contexts: {
        inputs: inputsContext(workflow, { environment }),
        github: { repository: 'threadr/threadr', ref: 'refs/heads/main' },
        vars: {},
      },
      status: { success: true, failure: false },
    });

  test('a queued emergency rollback is never cancelled by the pushes that follow', () => {
    const runs = new ConcurrencyGroups();
    runs.queue('deploy-1', concurrency(pipeline, 'production'));
    runs.queue('rollback', concurrency(emergency, 'production'));
    runs.queue('deploy-2', concurrency(pipeline, 'production'));
    runs.queue('deploy-3', concurrency(pipeline, 'production'));
    expect(runs.state('rollback')).not.toBe('cancelled');
    expect(runs.events.filter((event) => event.startsWith('rollback'))).toEqual([
      expect.stringMatching(/^rollback (in-progress|pending)/),
    ]);
  });

  test('deploys of one environment never race: a newer one waits, none in progress is cancelled', () => {
    const runs = new ConcurrencyGroups();
    runs.queue('deploy-1', concurrency(pipeline, 'production'));
    expect(runs.queue('deploy-2', concurrency(pipeline, 'production'))).toBe('pending');
    expect(runs.queue('staging-1', concurrency(pipeline, 'staging'))).toBe('in-progress');
    runs.complete('deploy-1');
    expect(runs.state('deploy-2')).toBe('in-progress');
  });

  test('no job of the rollback workflow shares a concurrency group with any of the deploy pipeline', () => {
    const groups = (workflow: typeof pipeline) => {
      const ctx = {
        contexts: { inputs: inputsContext(workflow, { environment: 'production' }), github: {}, vars: {} },
        status: { success: true, failure: false },
      };
      return [workflow.concurrency, ...Object.values(workflow.jobs).map((job) => job.concurrency)]
        .map((value) => concurrencyOf(value, ctx)?.group)
        .filter(Boolean);
    };
    const deploy = groups(pipeline);
    expect(deploy.length).toBeGreaterThan(0);
    for (const name of groups(emergency)) expect(deploy).not.toContain(name);
  });
});
