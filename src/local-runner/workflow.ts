import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readActionMetadata } from '../core/action-metadata.js';
import type { ActionDefinition } from '../core/host.js';
import { runAction } from '../core/run-action.js';
import { TerminalHost } from '../core/terminal-host.js';
import { condition, interpolate, type ExpressionContext, type Value } from './expressions.js';

/**
 * Runs a reusable workflow of ours on this machine: jobs in `needs` order, `if:` conditions and
 * `${{ }}` inputs evaluated as GitHub does, each step that uses one of our actions run through the
 * same code as on the runner. Steps that are shell scripts or third-party actions (cache, artifacts)
 * are listed as not run locally. This is what the demo runs, so it cannot drift from the workflow.
 */
export interface StepRecord {
  job: string;
  id: string;
  action?: string;
  ran: boolean;
  note?: string;
  outcome: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  summary: string;
}

export interface JobRecord {
  id: string;
  ran: boolean;
  result: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
}

export interface WorkflowRecord {
  steps: StepRecord[];
  jobs: JobRecord[];
}

interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  with?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}

interface WorkflowJob {
  needs?: string | string[];
  if?: string | boolean;
  steps?: WorkflowStep[];
  uses?: string;
  outputs?: Record<string, string>;
}

export interface Workflow {
  on?: { workflow_call?: { inputs?: Record<string, { default?: unknown; type?: string }> } };
  jobs: Record<string, WorkflowJob>;
}

export interface RunWorkflowOptions {
  root: string;
  /** The checked-out repository (GITHUB_WORKSPACE): relative paths and hashFiles() resolve here. */
  workspace?: string;
  actions: Record<string, ActionDefinition>;
  inputs: Record<string, string | boolean | number>;
  secrets: Record<string, string>;
  github: Record<string, Value>;
  env?: Record<string, string | undefined>;
  /** Called before and after each step, for progress on the terminal. */
  onStep?: (event: { phase: 'start' | 'end'; step: StepRecord }) => void;
  /** Where step logs go (stderr by default). */
  write?: (text: string) => void;
}

export function readWorkflow(path: string): Workflow {
  return parse(readFileSync(path, 'utf8')) as Workflow;
}

/** Our action a step uses (`<owner>/threadr-ops/actions/<name>@ref`), if any; third-party actions are not ours. */
export function actionOf(step: WorkflowStep): string | undefined {
  return step.uses ? /(?:^|\/)threadr-ops\/actions\/([\w-]+)@/.exec(step.uses)?.[1] : undefined;
}

/** Jobs in an order that respects `needs` (stable for independent jobs). */
export function jobOrder(workflow: Workflow): string[] {
  const order: string[] = [];
  const visit = (id: string, path: string[]) => {
    if (order.includes(id)) return;
    if (path.includes(id)) throw new Error(`needs cycle: ${[...path, id].join(' → ')}`);
    for (const need of needsOf(workflow.jobs[id])) visit(need, [...path, id]);
    order.push(id);
  };
  for (const id of Object.keys(workflow.jobs)) visit(id, []);
  return order;
}

function needsOf(job: WorkflowJob | undefined): string[] {
  if (!job?.needs) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

export async function runWorkflow(workflow: Workflow, options: RunWorkflowOptions): Promise<WorkflowRecord> {
  const declared = workflow.on?.workflow_call?.inputs ?? {};
  const inputs: Record<string, Value> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const given = options.inputs[name] ?? spec.default ?? (spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '');
    inputs[name] = spec.type === 'boolean' ? given === true || given === 'true' : spec.type === 'number' ? Number(given) : String(given);
  }
  const record: WorkflowRecord = { steps: [], jobs: [] };
  const needs: Record<string, Value> = {};
  for (const jobId of jobOrder(workflow)) {
    const job = workflow.jobs[jobId];
    const jobNeeds = needsOf(job);
    const needsContext: Record<string, Value> = Object.fromEntries(jobNeeds.map((need) => [need, needs[need]]));
    const allNeedsSucceeded = jobNeeds.every((need) => (needs[need] as { result: string }).result === 'success');
    const base = { inputs, secrets: options.secrets, github: options.github, needs: needsContext, env: {}, vars: {}, runner: { os: 'Linux', temp: '' } };
    const workspace = options.workspace ?? process.cwd();
    const jobContext: ExpressionContext = { contexts: base, status: { success: allNeedsSucceeded, failure: !allNeedsSucceeded }, workspace };
    if (job.uses || !condition(job.if, jobContext)) {
      const skipped: JobRecord = { id: jobId, ran: false, result: 'skipped', outputs: {} };
      record.jobs.push(skipped);
      needs[jobId] = { result: 'skipped', outputs: {} };
      continue;
    }
    const steps: Record<string, Value> = {};
    let failed = false;
    for (const [index, step] of (job.steps ?? []).entries()) {
      const id = step.id ?? `step-${index + 1}`;
      const context: ExpressionContext = { contexts: { ...base, steps }, status: { success: !failed, failure: failed }, workspace };
      const action = actionOf(step);
      const entry: StepRecord = { job: jobId, id, action, ran: false, outcome: 'skipped', outputs: {}, summary: '' };
      if (!condition(step.if, context)) {
        record.steps.push(entry);
        steps[id] = { outcome: 'skipped', conclusion: 'skipped', outputs: {} };
        continue;
      }
      if (!action || !options.actions[action]) {
        entry.note = `not run locally: ${step.uses ?? 'shell script'}`;
        entry.outcome = 'success';
        record.steps.push(entry);
        steps[id] = { outcome: 'success', conclusion: 'success', outputs: {} };
        continue;
      }
      entry.ran = true;
      options.onStep?.({ phase: 'start', step: entry });
      const host = await runStep(action, step, context, options);
      entry.outputs = host.outputs;
      entry.summary = host.summary;
      entry.outcome = host.failed ? 'failure' : 'success';
      record.steps.push(entry);
      options.onStep?.({ phase: 'end', step: entry });
      const conclusion = host.failed && step['continue-on-error'] ? 'success' : entry.outcome;
      steps[id] = { outcome: entry.outcome, conclusion, outputs: host.outputs };
      if (conclusion === 'failure') failed = true;
    }
    const outputContext: ExpressionContext = { contexts: { ...base, steps }, status: { success: !failed, failure: failed }, workspace };
    const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([name, expression]) => [name, interpolate(String(expression), outputContext)]));
    const result = failed ? 'failure' : 'success';
    record.jobs.push({ id: jobId, ran: true, result, outputs });
    needs[jobId] = { result, outputs };
  }
  return record;
}

class CapturingHost extends TerminalHost {
  summary = '';
}

async function runStep(action: string, step: WorkflowStep, context: ExpressionContext, options: RunWorkflowOptions): Promise<CapturingHost> {
  const metadata = readActionMetadata(join(options.root, 'actions', action, 'action.yml'));
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata.inputs)) values[name] = interpolate(spec.default, context);
  for (const [name, value] of Object.entries(step.with ?? {})) {
    if (!(name in metadata.inputs)) throw new Error(`step ${step.id ?? step.name}: '${name}' is not an input of actions/${action}`);
    values[name] = interpolate(String(value), context);
  }
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  let summary = '';
  const workspace = options.workspace ?? process.cwd();
  const host = new CapturingHost(action, values, { ...options.env, ...githubEnv(options.github), GITHUB_WORKSPACE: workspace }, write, (text) => (summary += text), workspace);
  await runAction(options.actions[action], host);
  host.summary = summary.trim();
  return host;
}

function githubEnv(github: Record<string, Value>): Record<string, string | undefined> {
  const text = (value: Value) => (value === null || value === undefined ? undefined : String(value));
  return Object.fromEntries(Object.entries({
    GITHUB_SHA: github.sha,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_RUN_ID: github.run_id,
    GITHUB_SERVER_URL: github.server_url,
    GITHUB_API_URL: github.api_url,
    GITHUB_REF: github.ref,
    GITHUB_REF_NAME: github.ref_name,
    GITHUB_EVENT_NAME: github.event_name,
  }).map(([name, value]) => [name, text(value)]));
}
