import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readActionMetadata } from '../core/action-metadata.js';
import type { ActionDefinition } from '../core/host.js';
import { runAction } from '../runtime/run-action.js';
import { TerminalHost } from '../runtime/terminal-host.js';
import { LocalArtifacts } from './artifacts.js';
import { LocalCache } from './cache.js';
import { condition, interpolate, type ExpressionContext, type Value } from './expressions.js';
import { secretSafeEnvironmentUrl, secretSafeOutputs } from './job-outputs.js';
import { expandMatrix, matrixLabel } from './matrix.js';
import { runShellStep } from './shell-step.js';

/**
 * Runs a reusable workflow of ours on this machine: jobs in `needs` order (a matrix job once per
 * combination), `if:` conditions and `${{ }}` inputs evaluated as GitHub does, each step that uses
 * one of our actions run through the same code as on the runner, `run:` scripts with bash, and the
 * artifact actions on a folder that lives as long as the run. Other third-party actions (checkout,
 * cache, SARIF upload) are listed as not run locally, and so are jobs that call another workflow
 * (`uses:`). Each job gets an empty `runner.temp` (RUNNER_TEMP) and its own `github.job`, as on a
 * fresh runner, and its `env:` is the env context of its steps. Unlike GitHub, jobs share one
 * workspace and matrix combinations run one after another. This is what the demo runs, so it
 * cannot drift from the workflow.
 */
export interface StepRecord {
  /** The job, with its matrix values when it has some: `load (2)`. */
  job: string;
  id: string;
  action?: string;
  /** What the step runs, for the log: `actions/load-test`, `run`, `actions/upload-artifact`. */
  runs: string;
  ran: boolean;
  /** Why a step did not run here. */
  note?: string;
  /** One line of what a script or artifact step did. */
  detail?: string;
  outcome: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  summary: string;
}

export interface JobRecord {
  id: string;
  ran: boolean;
  result: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  /** What the runner warns about when the job ends (outputs skipped because they hold a secret). */
  warnings: string[];
  /** The GitHub Environment the job declared, evaluated. */
  environment?: string;
  /** Its `environment.url`, evaluated when the job ends (unset when it would show a secret). */
  environmentUrl?: string;
  /** Why a job did not run here (it calls another workflow). */
  note?: string;
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
  env?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}

interface WorkflowJob {
  needs?: string | string[];
  if?: string | boolean;
  steps?: WorkflowStep[];
  uses?: string;
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  strategy?: { matrix?: unknown; 'fail-fast'?: boolean };
  concurrency?: unknown;
  environment?: string | { name?: string; url?: string };
}

export interface Workflow {
  on?: { workflow_call?: { inputs?: Record<string, { default?: unknown; type?: string }> } };
  concurrency?: unknown;
  jobs: Record<string, WorkflowJob>;
}

export interface RunWorkflowOptions {
  root: string;
  /** The checked-out repository (GITHUB_WORKSPACE): relative paths and hashFiles() resolve here. */
  workspace?: string;
  actions: Record<string, ActionDefinition>;
  inputs: Record<string, string | boolean | number>;
  secrets: Record<string, string>;
  /**
   * GitHub Environments and their secrets. A job that declares `environment:` sees that
   * environment's secrets over the workflow's (for a reusable workflow, GitHub uses the environment
   * secret rather than the one the caller passed); a job that declares none never sees them.
   */
  environments?: Record<string, { secrets?: Record<string, string> }>;
  github: Record<string, Value>;
  env?: Record<string, string | undefined>;
  /**
   * A folder for actions/cache that outlives this run (pass the same one to a sequence of runs).
   * Without it, cache steps are listed as not run locally.
   */
  cacheDir?: string;
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

/** The `inputs` context of a workflow_call: declared inputs, given values or defaults, typed. */
export function inputsContext(
  workflow: Workflow,
  given: Record<string, string | boolean | number>,
): Record<string, Value> {
  const declared = workflow.on?.workflow_call?.inputs ?? {};
  const inputs: Record<string, Value> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? spec.default ?? (spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '');
    inputs[name] =
      spec.type === 'boolean'
        ? value === true || value === 'true'
        : spec.type === 'number'
          ? Number(value)
          : String(value);
  }
  return inputs;
}

export async function runWorkflow(workflow: Workflow, options: RunWorkflowOptions): Promise<WorkflowRecord> {
  const inputs = inputsContext(workflow, options.inputs);
  const record: WorkflowRecord = { steps: [], jobs: [] };
  const needs: Record<string, Value> = {};
  const workspace = options.workspace ?? process.cwd();
  // Artifacts and each job's runner.temp live as long as the run.
  const runRoot = mkdtempSync(join(tmpdir(), 'threadr-run-'));
  const run: RunState = {
    options,
    record,
    workspace,
    runRoot,
    jobs: 0,
    artifacts: new LocalArtifacts(join(runRoot, 'artifacts')),
    cache: options.cacheDir ? new LocalCache(options.cacheDir) : undefined,
  };
  try {
    for (const jobId of jobOrder(workflow)) {
      const job = workflow.jobs[jobId];
      const jobNeeds = needsOf(job);
      const needsContext: Record<string, Value> = Object.fromEntries(jobNeeds.map((need) => [need, needs[need]]));
      const allNeedsSucceeded = jobNeeds.every((need) => (needs[need] as { result: string }).result === 'success');
      const status = { success: allNeedsSucceeded, failure: !allNeedsSucceeded };
      const outer = { inputs, github: { ...options.github, job: jobId }, needs: needsContext, vars: {} };
      const environment = environmentOf(job, { contexts: outer, status, workspace });
      const secrets = {
        ...options.secrets,
        ...(environment ? options.environments?.[environment]?.secrets : undefined),
      };
      const base = { ...outer, secrets, env: {}, runner: { os: 'Linux', temp: '' } };
      const jobContext: ExpressionContext = { contexts: base, status, workspace };
      if (job.uses || !condition(job.if, jobContext)) {
        // A called workflow (record-history.yml pushes to a branch) is not run here: listed, as a step of a third-party action is.
        const note = job.uses && condition(job.if, jobContext) ? `not run locally: calls ${job.uses}` : undefined;
        record.jobs.push({ id: jobId, ran: false, result: 'skipped', outputs: {}, warnings: [], environment, note });
        needs[jobId] = { result: 'skipped', outputs: {} };
        continue;
      }
      const failFast = job.strategy?.['fail-fast'] !== false;
      let failed = false;
      let last: Record<string, Value> = base;
      for (const matrix of expandMatrix(job.strategy?.matrix, jobContext)) {
        // fail-fast: GitHub cancels the combinations still running when one fails.
        if (failed && failFast) break;
        const contexts = { ...base, matrix };
        const outcome = await runJob(matrixLabel(jobId, matrix), job, contexts, run);
        if (outcome.failed) failed = true;
        last = { ...contexts, steps: outcome.steps };
      }
      const outputContext: ExpressionContext = {
        contexts: last,
        status: { success: !failed, failure: failed },
        workspace,
      };
      const evaluated = Object.fromEntries(
        Object.entries(job.outputs ?? {}).map(([name, expression]) => [
          name,
          interpolate(String(expression), outputContext),
        ]),
      );
      // What the runner masks: every secret of the job, github.token included.
      const jobSecrets = [...Object.values(secrets), String(options.github.token ?? '')];
      const { outputs, warnings } = secretSafeOutputs(evaluated, jobSecrets);
      const declaredUrl =
        typeof job.environment === 'object' && job.environment.url
          ? interpolate(job.environment.url, outputContext)
          : '';
      const environmentUrl = secretSafeEnvironmentUrl(declaredUrl, environment ?? '', jobSecrets);
      if (environmentUrl.warning) warnings.push(environmentUrl.warning);
      for (const warning of warnings)
        (options.write ?? ((text: string) => process.stderr.write(text)))(`::warning::${warning}\n`);
      const result = failed ? 'failure' : 'success';
      record.jobs.push({
        id: jobId,
        ran: true,
        result,
        outputs,
        warnings,
        environment,
        environmentUrl: environmentUrl.url,
      });
      needs[jobId] = { result, outputs };
    }
  } finally {
    rmSync(runRoot, { recursive: true, force: true });
  }
  return record;
}

/** `environment: name` or `environment: {name, url}`: the name, evaluated (it may use inputs). */
function environmentOf(job: WorkflowJob, context: ExpressionContext): string | undefined {
  const name = typeof job.environment === 'string' ? job.environment : job.environment?.name;
  return name ? interpolate(name, context) || undefined : undefined;
}

interface RunState {
  options: RunWorkflowOptions;
  record: WorkflowRecord;
  workspace: string;
  /** Holds the artifacts and every job's runner.temp. */
  runRoot: string;
  /** Jobs started so far (each gets its own runner.temp). */
  jobs: number;
  artifacts: LocalArtifacts;
  cache?: LocalCache;
}

/** A post step (the combined actions/cache saves there), run after the job's steps, last first. */
type PostStep = { id: string; runs: string; run: (jobFailed: boolean) => { ran: boolean; message: string } };

interface StepResult {
  failed: boolean;
  outputs: Record<string, string>;
  summary: string;
  detail?: string;
}

async function runJob(
  label: string,
  job: WorkflowJob,
  contexts: Record<string, Value>,
  run: RunState,
): Promise<{ failed: boolean; steps: Record<string, Value> }> {
  const { options, record, workspace } = run;
  // A fresh runner: runner.temp is an empty folder of this job (a matrix combination is a job of its own).
  const temp = join(run.runRoot, 'runner-temp', String(++run.jobs));
  mkdirSync(temp, { recursive: true });
  contexts = { ...contexts, runner: { ...(contexts.runner as Record<string, Value>), temp } };
  // The job's env: is the env context of its steps (their if:, with: and run:), as on GitHub.
  contexts = {
    ...contexts,
    env: interpolateAll(job.env, { contexts, status: { success: true, failure: false }, workspace }),
  };
  const steps: Record<string, Value> = {};
  const posts: PostStep[] = [];
  let failed = false;
  for (const [index, step] of (job.steps ?? []).entries()) {
    const id = step.id ?? `step-${index + 1}`;
    const context: ExpressionContext = {
      contexts: { ...contexts, steps },
      status: { success: !failed, failure: failed },
      workspace,
    };
    const action = actionOf(step);
    const runs = action ? `actions/${action}` : step.uses ? step.uses.replace(/@.*$/, '') : 'run';
    const entry: StepRecord = {
      job: label,
      id,
      action,
      runs,
      ran: false,
      outcome: 'skipped',
      outputs: {},
      summary: '',
    };
    if (!condition(step.if, context)) {
      record.steps.push(entry);
      steps[id] = { outcome: 'skipped', conclusion: 'skipped', outputs: {} };
      continue;
    }
    const runner = stepRunner(step, action, runs, job, context, run, (post) => posts.push({ id, runs, run: post }));
    if (!runner) {
      entry.note = `not run locally: ${step.uses ?? 'shell script'}`;
      entry.outcome = 'success';
      record.steps.push(entry);
      steps[id] = { outcome: 'success', conclusion: 'success', outputs: {} };
      continue;
    }
    entry.ran = true;
    options.onStep?.({ phase: 'start', step: entry });
    const result = await runner();
    entry.outputs = result.outputs;
    entry.summary = result.summary;
    entry.detail = result.detail;
    entry.outcome = result.failed ? 'failure' : 'success';
    record.steps.push(entry);
    options.onStep?.({ phase: 'end', step: entry });
    const conclusion = result.failed && step['continue-on-error'] ? 'success' : entry.outcome;
    steps[id] = { outcome: entry.outcome, conclusion, outputs: result.outputs };
    if (conclusion === 'failure') failed = true;
  }
  for (const post of posts.reverse()) {
    const outcome = post.run(failed);
    if (outcome.message) (options.write ?? ((text: string) => process.stderr.write(text)))(`${outcome.message}\n`);
    record.steps.push({
      job: label,
      id: `post-${post.id}`,
      runs: `${post.runs} (post)`,
      ran: outcome.ran,
      outcome: outcome.ran ? 'success' : 'skipped',
      outputs: {},
      summary: '',
      detail: outcome.message,
    });
  }
  return { failed, steps };
}

/** How a step runs here, or undefined when it does not. */
function stepRunner(
  step: WorkflowStep,
  action: string | undefined,
  runs: string,
  job: WorkflowJob,
  context: ExpressionContext,
  run: RunState,
  addPost: (post: PostStep['run']) => void,
): (() => Promise<StepResult>) | undefined {
  const { options, workspace } = run;
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  if (action && options.actions[action]) {
    return async () => {
      const host = await runStep(action, step, context, options);
      return { failed: Boolean(host.failed), outputs: host.outputs, summary: host.summary };
    };
  }
  if (step.run !== undefined) {
    return async () => {
      const env = {
        ...processEnv(options, workspace, context),
        ...interpolateAll(job.env, context),
        ...interpolateAll(step.env, context),
      };
      const result = await runShellStep(interpolate(step.run!, context), env, workspace, write);
      return {
        failed: result.exitCode !== 0,
        outputs: result.outputs,
        summary: result.summary,
        detail: `exit code ${result.exitCode}`,
      };
    };
  }
  const artifactStep =
    runs === 'actions/upload-artifact' ? 'upload' : runs === 'actions/download-artifact' ? 'download' : undefined;
  if (artifactStep) {
    return async () => {
      const inputs = interpolateAll(step.with, context);
      const result =
        artifactStep === 'upload' ? run.artifacts.upload(inputs, workspace) : run.artifacts.download(inputs, workspace);
      if (result.message) write(`${result.message}\n`);
      return { failed: !result.ok, outputs: {}, summary: '', detail: result.message };
    };
  }
  const cache = run.cache;
  if (cache && (runs === 'actions/cache' || runs === 'actions/cache/restore' || runs === 'actions/cache/save')) {
    return async () => {
      const inputs = interpolateAll(step.with, context);
      if (runs === 'actions/cache/save') {
        const saved = cache.save(inputs, workspace);
        write(`${saved.message}\n`);
        return { failed: false, outputs: {}, summary: '', detail: saved.message };
      }
      const restored = cache.restore(inputs, workspace);
      write(`${restored.message}\n`);
      if (runs === 'actions/cache') {
        // post-if: success() in actions/cache's action.yml: a failed job saves nothing.
        addPost((jobFailed) =>
          jobFailed
            ? { ran: false, message: '' }
            : restored.exactHit
              ? { ran: true, message: `Cache hit occurred on the primary key ${inputs.key}, not saving cache.` }
              : { ran: true, message: cache.save(inputs, workspace).message },
        );
      }
      return { failed: false, outputs: restored.outputs, summary: '', detail: restored.message };
    };
  }
  return undefined;
}

function interpolateAll(
  values: Record<string, unknown> | undefined,
  context: ExpressionContext,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values ?? {}).map(([name, value]) => [name, interpolate(String(value), context)]),
  );
}

function processEnv(
  options: RunWorkflowOptions,
  workspace: string,
  context: ExpressionContext,
): Record<string, string | undefined> {
  return {
    ...options.env,
    ...githubEnv(options.github),
    ...jobEnv(context),
    GITHUB_WORKSPACE: workspace,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
  };
}

/** RUNNER_TEMP and GITHUB_JOB of the job a step runs in. */
function jobEnv(context: ExpressionContext): Record<string, string> {
  const runner = context.contexts.runner as { temp?: string } | undefined;
  const github = context.contexts.github as { job?: string } | undefined;
  return { RUNNER_TEMP: runner?.temp ?? '', GITHUB_JOB: github?.job ?? '' };
}

class CapturingHost extends TerminalHost {
  summary = '';
}

async function runStep(
  action: string,
  step: WorkflowStep,
  context: ExpressionContext,
  options: RunWorkflowOptions,
): Promise<CapturingHost> {
  const metadata = readActionMetadata(join(options.root, 'actions', action, 'action.yml'));
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata.inputs)) values[name] = interpolate(spec.default, context);
  for (const [name, value] of Object.entries(step.with ?? {})) {
    if (!(name in metadata.inputs))
      throw new Error(`step ${step.id ?? step.name}: '${name}' is not an input of actions/${action}`);
    values[name] = interpolate(String(value), context);
  }
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  let summary = '';
  const workspace = options.workspace ?? process.cwd();
  const host = new CapturingHost(
    action,
    values,
    { ...options.env, ...githubEnv(options.github), ...jobEnv(context), GITHUB_WORKSPACE: workspace },
    write,
    (text) => (summary += text),
    workspace,
  );
  await runAction(options.actions[action], host);
  host.summary = summary.trim();
  return host;
}

function githubEnv(github: Record<string, Value>): Record<string, string | undefined> {
  const text = (value: Value) => (value === null || value === undefined ? undefined : String(value));
  return Object.fromEntries(
    Object.entries({
      GITHUB_SHA: github.sha,
      GITHUB_REPOSITORY: github.repository,
      GITHUB_RUN_ID: github.run_id,
      GITHUB_SERVER_URL: github.server_url,
      GITHUB_API_URL: github.api_url,
      GITHUB_REF: github.ref,
      GITHUB_REF_NAME: github.ref_name,
      GITHUB_EVENT_NAME: github.event_name,
    }).map(([name, value]) => [name, text(value)]),
  );
}
