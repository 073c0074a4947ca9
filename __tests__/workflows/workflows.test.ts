import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';
import { runShellStep } from '../../src/local-runner/shell-step.js';
import { ROOT } from '../harness/runner.js';

/** Every reusable workflow parses with GitHub's own parser and only uses inputs and outputs our actions have. */
const workflowDir = join(ROOT, '.github', 'workflows');
const workflows = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  steps?: Step[];
  outputs?: Record<string, string>;
}

function actionMeta(name: string): { inputs: string[]; outputs: string[] } {
  const meta = parse(readFileSync(join(ROOT, 'actions', name, 'action.yml'), 'utf8')) as {
    inputs?: object;
    outputs?: object;
  };
  return { inputs: Object.keys(meta.inputs ?? {}), outputs: Object.keys(meta.outputs ?? {}) };
}

function ourAction(uses: string | undefined): string | undefined {
  const name = uses ? /^threadr\/threadr-ops\/actions\/([\w-]+)@/.exec(uses)?.[1] : undefined;
  return name && existsSync(join(ROOT, 'actions', name, 'action.yml')) ? name : undefined;
}

function parserErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

/** Cross-references in one workflow; returns the problems found. */
export function crossReferenceProblems(text: string): string[] {
  const doc = parse(text) as {
    jobs: Record<string, Job>;
    on?: { workflow_call?: { outputs?: Record<string, { value: string }> } };
  };
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(doc.jobs)) {
    const stepActions = new Map<string, string | undefined>();
    for (const step of job.steps ?? []) {
      const action = ourAction(step.uses);
      if (step.uses?.startsWith('threadr/threadr-ops/') && !action)
        problems.push(`${jobId}: ${step.uses} is not one of our actions`);
      if (step.id) stepActions.set(step.id, action);
      if (!action) continue;
      const { inputs } = actionMeta(action);
      for (const key of Object.keys(step.with ?? {})) {
        if (!inputs.includes(key))
          problems.push(`${jobId}.${step.id ?? step.uses}: '${key}' is not an input of actions/${action}`);
      }
    }
    const needs = !job.needs ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
    const jobText = JSON.stringify(job);
    for (const [, stepId, output] of jobText.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (!stepActions.has(stepId)) problems.push(`${jobId}: reads steps.${stepId} but no step has that id`);
      const action = stepActions.get(stepId);
      if (action && !actionMeta(action).outputs.includes(output))
        problems.push(`${jobId}: reads steps.${stepId}.outputs.${output}, not an output of actions/${action}`);
    }
    for (const [, needed, output] of jobText.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (!needs.includes(needed)) problems.push(`${jobId}: reads needs.${needed} without needing it`);
      else if (!(output in (doc.jobs[needed]?.outputs ?? {})))
        problems.push(`${jobId}: reads needs.${needed}.outputs.${output}, which job ${needed} does not declare`);
    }
  }
  for (const [name, spec] of Object.entries(doc.on?.workflow_call?.outputs ?? {})) {
    for (const [, jobId, output] of String(spec.value).matchAll(/jobs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (!(output in (doc.jobs[jobId]?.outputs ?? {})))
        problems.push(`workflow output ${name} reads jobs.${jobId}.outputs.${output}, which is not declared`);
    }
  }
  return problems;
}

describe.each(workflows)('%s', (file) => {
  const text = readFileSync(join(workflowDir, file), 'utf8');
  test("parses with GitHub's workflow parser", () => {
    expect(parserErrors(file, text)).toEqual([]);
  });
  test('uses only inputs and outputs our actions declare', () => {
    expect(crossReferenceProblems(text)).toEqual([]);
  });
  test('references our actions by full name and ref, never ./', () => {
    expect(text).not.toMatch(/uses:\s*\.\//);
  });
});

describe('the checks can fail', () => {
  test('the parser reports a broken workflow', () => {
    expect(
      parserErrors('broken.yml', 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n').length,
    ).toBeGreaterThan(0);
  });
  test('cross-references catch an unknown input and an undeclared output', () => {
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    outputs:',
      '      x: ${{ steps.h.outputs.nope }}',
      '    steps:',
      '      - id: h',
      '        uses: threadr/threadr-ops/actions/health-check@v1',
      '        with:',
      '          urls: https://x.test',
      '  b:',
      '    needs: a',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo ${{ needs.a.outputs.y }}',
    ].join('\n');
    expect(crossReferenceProblems(broken)).toEqual([
      "a.h: 'urls' is not an input of actions/health-check",
      'a: reads steps.h.outputs.nope, not an output of actions/health-check',
      'b: reads needs.a.outputs.y, which job a does not declare',
    ]);
  });
});

test("scheduled-ops' cost-limits default is the cost-monitor action's own default", () => {
  const workflow = parse(readFileSync(join(workflowDir, 'scheduled-ops.yml'), 'utf8'));
  const action = parse(readFileSync(join(ROOT, 'actions', 'cost-monitor', 'action.yml'), 'utf8'));
  expect(parse(workflow.on.workflow_call.inputs['cost-limits'].default)).toEqual(parse(action.inputs.limits.default));
});

// Protection rules and per-environment secrets (RAILWAY_TOKEN, RAILWAY_ENVIRONMENT_ID) apply only to
// jobs that declare the environment: every job that deploys or rolls back does, none other needs to.
test('every job that deploys or rolls back declares the environment of the run', () => {
  const mutating: string[] = [];
  for (const file of workflows) {
    const doc = parse(readFileSync(join(workflowDir, file), 'utf8')) as {
      jobs: Record<string, Job & { environment?: string | { name?: string } }>;
    };
    for (const [id, job] of Object.entries(doc.jobs)) {
      if (!(job.steps ?? []).some((step) => /actions\/(deploy|rollback)@/.test(step.uses ?? ''))) continue;
      mutating.push(`${file} ${id}`);
      const name = typeof job.environment === 'string' ? job.environment : job.environment?.name;
      expect([`${file} ${id}`, name]).toEqual([`${file} ${id}`, '${{ inputs.environment }}']);
    }
  }
  expect(mutating).toEqual(['deploy-pipeline.yml deploy', 'deploy-pipeline.yml rollback', 'rollback.yml rollback']);
});

/**
 * Run records (docs/dashboard.md): in the workflows that end with a `record` job, every step of ours
 * writes history-file under runner.temp, every job that runs one uploads that folder with
 * if: always() under a name the record job collects, and the record job waits for all of them.
 */
describe.each(['deploy-pipeline.yml', 'scheduled-ops.yml'])('%s records its runs', (file) => {
  type RecordingJob = Job & { if?: string; uses?: string; with?: Record<string, string> };
  const workflow = parse(readFileSync(join(workflowDir, file), 'utf8')) as { jobs: Record<string, RecordingJob> };
  const record = workflow.jobs.record;
  const recording = Object.entries(workflow.jobs).filter(([, job]) =>
    (job.steps ?? []).some((step) => ourAction(step.uses)),
  );

  test('every step of ours writes history-file under runner.temp', () => {
    const missing = recording.flatMap(([id, job]) =>
      (job.steps ?? [])
        .filter((step) => ourAction(step.uses) && step.with?.['history-file'] !== '${{ runner.temp }}/ops-history/')
        .map((step) => `${id} › ${step.id ?? step.uses}`),
    );
    expect(missing).toEqual([]);
  });

  test('each job uploads its records whatever happened, named so the record job collects them', () => {
    const pattern = new RegExp(
      `^${(record.with?.artifacts ?? 'ops-history-*')
        .replace('${{ inputs.environment }}', 'production')
        .replace(/[.+?^$()[\]{}|\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    );
    for (const [id, job] of recording) {
      const uploads = (job.steps ?? []).filter(
        (step) =>
          step.uses?.startsWith('actions/upload-artifact@') &&
          String(step.with?.path) === '${{ runner.temp }}/ops-history/',
      );
      expect([id, uploads.length, uploads[0]?.if]).toEqual([id, 1, 'always()']);
      const name = String(uploads[0].with?.name)
        .replace('${{ inputs.environment }}', 'production')
        .replace('${{ github.job }}', id);
      expect([id, name, pattern.test(name)]).toEqual([id, `ops-history-production-${id}`, true]);
    }
  });

  test('ends with a record job that calls record-history.yml after every recording job, whatever happened', () => {
    expect(record.uses).toBe('threadr/threadr-ops/.github/workflows/record-history.yml@v1');
    expect(record.if).toBe('always()');
    expect([record.needs].flat()).toEqual(expect.arrayContaining(recording.map(([id]) => id)));
  });
});

/**
 * Issue 14: after the promote, production is verified through its domain (the promote action's
 * production-url); the build's own URL only when Vercel names no domain, and the summary says
 * which. The step's script runs here as the runner runs it (bash -eo pipefail, GITHUB_OUTPUT).
 */
describe('deploy-pipeline.yml verifies production through its domain', () => {
  type ScriptStep = Step & { run?: string; env?: Record<string, string> };
  const workflow = parse(readFileSync(join(workflowDir, 'deploy-pipeline.yml'), 'utf8')) as {
    jobs: Record<string, { steps: ScriptStep[] }>;
  };
  const steps = workflow.jobs.promote!.steps;
  const choose = steps.find((step) => step.id === 'production-domain')!;

  test('the check after the promote asks the URL the production-domain step chose, from production-url first', () => {
    expect(choose.env).toEqual({
      DOMAIN: '${{ steps.promote.outputs.production-url }}',
      BUILD: '${{ steps.promote.outputs.frontend-url }}',
    });
    const check = steps.find((step) => step.id === 'production')!;
    expect(String(check.with?.url)).toMatch(/^frontend: \$\{\{ steps\.production-domain\.outputs\.url \}\}/);
    expect(steps.findIndex((step) => step.id === 'production-domain')).toBeLessThan(steps.indexOf(check));
  });

  test.each([
    ['https://threadr.app', 'https://threadr.app', 'Production is verified through its domain, https://threadr.app.'],
    [
      '',
      'https://threadr-abc.vercel.app',
      "Vercel named no production domain: production is verified through the promoted build's own URL, https://threadr-abc.vercel.app",
    ],
  ])('production-url %j: checks %s and says so', async (domain, url, said) => {
    const workspace = mkdtempSync(join(tmpdir(), 'production-domain-'));
    const result = await runShellStep(
      choose.run!,
      { PATH: process.env.PATH, DOMAIN: domain, BUILD: 'https://threadr-abc.vercel.app' },
      workspace,
      () => undefined,
    ).finally(() => rmSync(workspace, { recursive: true, force: true }));
    expect(result).toMatchObject({ exitCode: 0, outputs: { url } });
    expect(result.summary).toContain(said);
  });
});
