import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runWorkflow, type Workflow } from '../../src/local-runner/workflow.js';
import { ROOT } from '../harness/runner.js';

/**
 * What the run records need from the local runner (docs/dashboard.md): each job writes under its
 * own empty `runner.temp` and uploads that folder as `ops-history-${{ github.job }}`; the final job
 * calls record-history.yml, which is listed as not run locally. Before runner.temp and github.job
 * were set, every job wrote to `/ops-history/` and the second upload was refused (name taken).
 */
const workflow = parse(`
on:
  workflow_call: {}
jobs:
  first:
    env:
      CONFIGURED: \${{ github.sha != '' }}
      UNSET: \${{ github.sha == '' }}
    steps:
      - id: gated
        if: env.CONFIGURED == 'true' && env.UNSET == 'false'
        run: echo "ran=yes" >> "$GITHUB_OUTPUT"
      - id: write
        env:
          TEMP_FROM_CONTEXT: \${{ runner.temp }}
        run: |
          test -n "$RUNNER_TEMP" && test "$RUNNER_TEMP" = "$TEMP_FROM_CONTEXT"
          test -z "$(ls -A "$RUNNER_TEMP")"
          mkdir -p "$RUNNER_TEMP/ops-history"
          echo '{"job":"'"$GITHUB_JOB"'"}' > "$RUNNER_TEMP/ops-history/2026-12.jsonl"
          echo "temp=$RUNNER_TEMP" >> "$GITHUB_OUTPUT"
      - if: always()
        uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2
        with:
          name: ops-history-\${{ github.job }}
          path: \${{ runner.temp }}/ops-history/
          if-no-files-found: ignore
  second:
    needs: first
    steps:
      - id: write
        run: |
          test -z "$(ls -A "$RUNNER_TEMP")"
          mkdir -p "$RUNNER_TEMP/ops-history"
          echo '{"job":"'"$GITHUB_JOB"'"}' > "$RUNNER_TEMP/ops-history/2026-12.jsonl"
          echo "temp=$RUNNER_TEMP" >> "$GITHUB_OUTPUT"
      - if: always()
        uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2
        with:
          name: ops-history-\${{ github.job }}
          path: \${{ runner.temp }}/ops-history/
          if-no-files-found: ignore
  collect:
    needs: [first, second]
    steps:
      - uses: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0
        with:
          pattern: ops-history-*
          path: \${{ runner.temp }}/records
      - id: read
        run: echo "records=$(cat "$RUNNER_TEMP"/records/*/2026-12.jsonl | tr -d '\\n')" >> "$GITHUB_OUTPUT"
  record:
    needs: [first, second, collect]
    if: always()
    uses: threadr/threadr-ops/.github/workflows/record-history.yml@v1
  never:
    needs: first
    if: false
    uses: threadr/threadr-ops/.github/workflows/record-history.yml@v1
`) as Workflow;

describe('runner.temp, github.job and the job env in a local run', () => {
  test('each job has its own empty runner.temp and its job id; a called workflow is listed, not run', async () => {
    const log: string[] = [];
    const record = await runWorkflow(workflow, {
      root: ROOT,
      workspace: mkdtempSync(join(tmpdir(), 'runner-temp-')),
      actions: {},
      inputs: {},
      secrets: {},
      github: { sha: 'c'.repeat(40), repository: 'threadr/threadr' },
      env: { PATH: process.env.PATH },
      write: (text) => log.push(text),
    });
    expect(record.jobs.map((job) => [job.id, job.result])).toEqual([
      ['first', 'success'],
      ['second', 'success'],
      ['collect', 'success'],
      ['record', 'skipped'],
      ['never', 'skipped'],
    ]);
    const step = (job: string, id: string) => record.steps.find((s) => s.job === job && s.id === id)!;
    const temps = [step('first', 'write').outputs.temp, step('second', 'write').outputs.temp];
    expect(temps[0]).not.toEqual(temps[1]);
    // The job's env: is the env context of its steps' if: (secrets cannot be read there; an env flag can).
    expect(step('first', 'gated').outputs.ran).toBe('yes');
    expect(step('collect', 'read').outputs.records).toBe('{"job":"first"}{"job":"second"}');
    expect(record.jobs.find((job) => job.id === 'record')!.note).toBe(
      'not run locally: calls threadr/threadr-ops/.github/workflows/record-history.yml@v1',
    );
    // A job whose condition is false is simply skipped, not "not run locally".
    expect(record.jobs.find((job) => job.id === 'never')!.note).toBeUndefined();
    // The run's folders are gone when it ends.
    for (const temp of temps) expect(existsSync(temp)).toBe(false);
  });
});
