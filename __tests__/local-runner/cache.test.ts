import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LocalCache } from '../../src/local-runner/cache.js';
import { runWorkflow, type Workflow } from '../../src/local-runner/workflow.js';
import { ROOT } from '../harness/runner.js';

const dir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe('actions/cache on a local folder', () => {
  test('exact key first, else the newest entry of the first restore-key that matches; keys are immutable', () => {
    const cache = new LocalCache(dir('cache-store-'));
    const workspace = dir('cache-ws-');
    const write = (text: string) => {
      mkdirSync(join(workspace, 'state'), { recursive: true });
      writeFileSync(join(workspace, 'state', 'f.txt'), text);
    };
    write('one');
    expect(cache.save({ path: 'state', key: 'k-prod-1' }, workspace).message).toBe('Cache saved with key: k-prod-1');
    write('two');
    cache.save({ path: 'state', key: 'k-prod-2' }, workspace);
    write('changed');
    expect(cache.save({ path: 'state', key: 'k-prod-2' }, workspace).message).toMatch(
      /^Failed to save: Unable to reserve cache with key k-prod-2/,
    );

    const fresh = dir('cache-ws2-');
    const partial = cache.restore({ path: 'state', key: 'k-prod-3', 'restore-keys': 'k-staging-\nk-prod-' }, fresh);
    expect(partial.outputs).toEqual({
      'cache-hit': 'false',
      'cache-primary-key': 'k-prod-3',
      'cache-matched-key': 'k-prod-2',
    });
    expect(readFileSync(join(fresh, 'state', 'f.txt'), 'utf8')).toBe('two');
    expect(cache.restore({ path: 'state', key: 'k-prod-1' }, fresh).outputs['cache-hit']).toBe('true');
    expect(readFileSync(join(fresh, 'state', 'f.txt'), 'utf8')).toBe('one');
    expect(cache.restore({ path: 'state', key: 'none', 'restore-keys': 'k-staging-' }, fresh).message).toBe(
      'Cache not found for input keys: none, k-staging-',
    );
    expect(() => cache.save({ path: '../outside', key: 'x' }, fresh)).toThrow(/outside the workspace/);
  });

  test('the combined action saves in its post step only when the job succeeded; cache/save with if: always() saves anyway', async () => {
    const workflow = parse(`
on:
  workflow_call: {}
jobs:
  combined:
    steps:
      - uses: actions/cache@v4
        with:
          path: state
          key: combined-\${{ github.run_id }}
          restore-keys: combined-
      - run: mkdir -p state && echo seen >> state/runs && false
  split:
    steps:
      - id: restore
        uses: actions/cache/restore@v4
        with:
          path: state2
          key: split-\${{ github.run_id }}
          restore-keys: split-
      - run: mkdir -p state2 && echo seen >> state2/runs && false
      - if: always()
        uses: actions/cache/save@v4
        with:
          path: state2
          key: \${{ steps.restore.outputs.cache-primary-key }}
`) as Workflow;
    const cacheDir = dir('cache-runs-');
    const run = (id: string) =>
      runWorkflow(workflow, {
        root: ROOT,
        workspace: dir('cache-job-'),
        actions: {},
        inputs: {},
        secrets: {},
        github: { run_id: id },
        env: { PATH: process.env.PATH },
        cacheDir,
        write: () => {},
      });
    await run('1');
    const second = await run('2');
    const post = second.steps.find((step) => step.id === 'post-step-1')!;
    expect(post.ran).toBe(false);
    expect(second.steps.find((step) => step.job === 'combined' && step.id === 'step-1')!.outputs['cache-hit']).toBe(
      'false',
    );
    expect(second.steps.find((step) => step.id === 'restore')!.outputs).toMatchObject({
      'cache-matched-key': 'split-1',
    });
    expect(second.jobs.map((job) => job.result)).toEqual(['failure', 'failure']);
  });
});
