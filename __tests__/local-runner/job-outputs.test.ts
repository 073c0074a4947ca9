import { describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runWorkflow, type Workflow } from '../../src/local-runner/workflow.js';
import { ROOT } from '../harness/runner.js';

/**
 * GitHub's runner evaluates a job's outputs when the job ends and drops any whose value the secret
 * masker would change, with the warning "Skip output '<name>' since it may contain secret."
 * (docs/workflows.md, "GitHub behaviour these workflows rely on"). The next job then reads ''.
 */
const workflow = parse(`
on:
  workflow_call: {}
jobs:
  produce:
    outputs:
      plan: \${{ steps.write.outputs.plan }}
      url: \${{ steps.write.outputs.url }}
      token-echo: \${{ steps.write.outputs.token }}
      empty: \${{ steps.write.outputs.nothing }}
    steps:
      - id: write
        run: |
          echo 'plan={"frontend":{"deploymentId":"dpl_1","scope":"prj_SeCrEt42"}}' >> "$GITHUB_OUTPUT"
          echo 'url=https://threadr-abc.vercel.app' >> "$GITHUB_OUTPUT"
          echo 'token=ghs_job_token_1' >> "$GITHUB_OUTPUT"
  consume:
    needs: produce
    steps:
      - id: read
        run: echo "seen=[\${{ needs.produce.outputs.plan }}]" >> "$GITHUB_OUTPUT"
`) as Workflow;

async function run(secrets: Record<string, string>) {
  const log: string[] = [];
  const record = await runWorkflow(workflow, {
    root: ROOT,
    workspace: mkdtempSync(join(tmpdir(), 'job-outputs-')),
    actions: {},
    inputs: {},
    secrets,
    github: { token: 'ghs_job_token_1', sha: 'c'.repeat(40), repository: 'threadr/threadr' },
    env: { PATH: process.env.PATH },
    write: (text) => log.push(text),
  });
  return { record, log: log.join('') };
}

describe('job outputs that contain a secret', () => {
  test('are skipped with GitHub’s warning; the next job reads an empty string', async () => {
    const { record, log } = await run({ VERCEL_PROJECT_ID: 'prj_SeCrEt42', UNUSED_EMPTY: '' });
    const produce = record.jobs.find((job) => job.id === 'produce')!;
    // github.token is a secret of every job, as on the runner.
    expect(produce.outputs).toEqual({ url: 'https://threadr-abc.vercel.app' });
    expect(produce.warnings).toEqual([
      "Skip output 'plan' since it may contain secret.",
      "Skip output 'token-echo' since it may contain secret.",
    ]);
    expect(log).toContain("::warning::Skip output 'plan' since it may contain secret.");
    const consume = record.steps.find((step) => step.job === 'consume')!;
    expect(consume.outputs.seen).toBe('[]');
  });

  test('pass when no secret of the job is in them (an empty secret matches nothing)', async () => {
    const { record } = await run({ VERCEL_PROJECT_ID: '', OTHER: 'not-in-any-output' });
    const produce = record.jobs.find((job) => job.id === 'produce')!;
    expect(Object.keys(produce.outputs)).toEqual(['plan', 'url']);
    expect(produce.warnings).toEqual(["Skip output 'token-echo' since it may contain secret."]);
  });
});

describe('GitHub Environments', () => {
  const envWorkflow = parse(`
on:
  workflow_call:
    inputs:
      environment: { type: string, default: staging }
jobs:
  deploy:
    environment:
      name: \${{ inputs.environment }}
      url: https://example.test/\${{ steps.read.outputs.leak }}
    outputs:
      seen: \${{ steps.read.outputs.seen }}
      leak: \${{ steps.read.outputs.leak }}
    steps:
      - id: read
        run: |
          id='\${{ secrets.RAILWAY_ENVIRONMENT_ID }}'
          echo "seen=[\${id: -1}]" >> "$GITHUB_OUTPUT"
          echo "leak=\${{ secrets.RAILWAY_ENVIRONMENT_ID }}" >> "$GITHUB_OUTPUT"
  notify:
    steps:
      - id: read
        run: echo "seen=[\${{ secrets.RAILWAY_ENVIRONMENT_ID }}]" >> "$GITHUB_OUTPUT"
`) as Workflow;

  test("a job that declares an environment sees its secrets over the workflow's; others never do", async () => {
    const record = await runWorkflow(envWorkflow, {
      root: ROOT,
      workspace: mkdtempSync(join(tmpdir(), 'job-env-')),
      actions: {},
      inputs: {},
      secrets: { RAILWAY_ENVIRONMENT_ID: 'repo-level' },
      environments: {
        staging: { secrets: { RAILWAY_ENVIRONMENT_ID: 'env-staging-7' } },
        production: { secrets: { RAILWAY_ENVIRONMENT_ID: 'env-production-1' } },
      },
      github: {},
      env: { PATH: process.env.PATH },
      write: () => {},
    });
    const deploy = record.jobs.find((job) => job.id === 'deploy')!;
    expect(deploy.environment).toBe('staging');
    expect(deploy.outputs).toEqual({ seen: '[7]' });
    expect(deploy.warnings).toEqual([
      "Skip output 'leak' since it may contain secret.",
      "Skip setting environment url as environment 'staging' may contain secret.",
    ]);
    expect(deploy.environmentUrl).toBeUndefined();
    expect(record.steps.find((step) => step.job === 'notify')!.outputs.seen).toBe('[repo-level]');
  });
});
