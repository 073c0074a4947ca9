import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ACTIONS } from '../../src/cli/actions.js';
import { runWorkflow, type Workflow } from '../../src/local-runner/workflow.js';
import { ROOT } from '../harness/runner.js';

/**
 * On GitHub every job has a RUNNER_TEMP (`runner.temp`), emptied when the job ends, and actions
 * may write there as well as in the workspace. docs/dashboard.md tells each job to set
 * `history-file: ${{ runner.temp }}/ops-history/`, so a workflow run locally needs one too.
 */
const workflow = parse(`
on:
  workflow_call: {}
jobs:
  record:
    outputs:
      temp: \${{ steps.look.outputs.temp }}
    steps:
      - id: tell
        uses: threadr/threadr-ops/actions/notify@v1
        with:
          status: success
          title: local run
          history-file: \${{ runner.temp }}/ops-history/
      - id: look
        run: |
          test "$RUNNER_TEMP" = "\${{ runner.temp }}"
          echo "temp=$RUNNER_TEMP" >> "$GITHUB_OUTPUT"
          echo "files=$(ls "$RUNNER_TEMP/ops-history" | wc -l)" >> "$GITHUB_OUTPUT"
  other:
    needs: record
    steps:
      - id: look
        run: echo "temp=$RUNNER_TEMP" >> "$GITHUB_OUTPUT"
`) as Workflow;

const workspace = mkdtempSync(join(tmpdir(), 'runner-temp-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('runner.temp in a workflow run locally', () => {
  test('each job gets its own RUNNER_TEMP, where actions may write, removed when the job ends', async () => {
    const log: string[] = [];
    const record = await runWorkflow(workflow, {
      root: ROOT,
      workspace,
      actions: ACTIONS,
      inputs: {},
      secrets: {},
      github: { sha: 'c'.repeat(40), repository: 'threadr/threadr' },
      env: { PATH: process.env.PATH },
      write: (text) => log.push(text),
    });
    const step = (job: string) => record.steps.find((s) => s.job === job && s.id === 'look')!;
    expect(record.steps.find((s) => s.id === 'tell')).toMatchObject({ ran: true, outcome: 'success' });
    expect(log.join('')).not.toMatch(/history/);
    expect(step('record').outcome).toBe('success');
    expect(step('record').outputs.files).toBe('1');
    const temp = step('record').outputs.temp!;
    expect(temp).not.toBe('');
    expect(existsSync(temp)).toBe(false);
    expect(step('other').outputs.temp).not.toBe('');
    expect(step('other').outputs.temp).not.toBe(temp);
  });
});
