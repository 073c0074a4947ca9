import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ActionDefinition } from '../core/host.js';
import { githubContext } from './github-context.js';
import { printProgress } from './progress.js';
import { readWorkflow, runWorkflow } from './workflow.js';

export interface WorkflowCommandIo {
  root: string;
  actions: Record<string, ActionDefinition>;
  env: Readonly<Record<string, string | undefined>>;
  write: (text: string) => void;
  print: (text: string) => void;
}

const USAGE = `Usage: threadr-ops workflow <file> [--input name=value ...] [--secret NAME ...]
       [--environment-secret ENVIRONMENT:NAME=VAR ...] [--schedule 'cron'] [--cache DIR] [--verbose]
  Runs one of our reusable workflows on this machine: its jobs in order (a matrix one combination
  after another), its conditions as GitHub evaluates them, each step of ours with the same code as
  on the runner, run: scripts with bash, artifacts in a folder kept for the run (other steps are
  listed, as are jobs that call another workflow). Each job has its own empty runner.temp.
  --secret NAME reads the secret from the environment variable NAME, never from the command line.
  --environment-secret staging:RAILWAY_TOKEN=STAGING_RAILWAY_TOKEN gives the GitHub Environment
  'staging' a secret RAILWAY_TOKEN read from the variable STAGING_RAILWAY_TOKEN: jobs that declare
  that environment see it over --secret values, as on GitHub.
  --schedule sets github.event.schedule, as a cron trigger would.
  --cache DIR keeps actions/cache entries in DIR across runs (without it cache steps are skipped);
  give each run its own GITHUB_RUN_ID, as GitHub does.`;

/** `threadr-ops workflow <file>`: exit 0 when no job failed. */
export async function runWorkflowCommand(argv: string[], io: WorkflowCommandIo): Promise<number> {
  const [file, ...rest] = argv;
  if (!file || file === '--help') {
    io.write(`${USAGE}\n`);
    return file ? 0 : 2;
  }
  const path = resolve(file);
  if (!existsSync(path)) {
    io.write(`threadr-ops workflow: no such file: ${file}\n`);
    return 2;
  }
  const inputs: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const environments: Record<string, { secrets: Record<string, string> }> = {};
  let schedule = '';
  let cacheDir: string | undefined;
  let verbose = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1] ?? '';
    if (flag === '--verbose') verbose = true;
    else if (flag === '--input' && value.includes('=')) {
      inputs[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
      i++;
    } else if (flag === '--secret' && /^[A-Z_][A-Z0-9_]*$/.test(value)) {
      secrets[value] = io.env[value] ?? '';
      i++;
    } else if (flag === '--environment-secret' && /^[\w-]+:[A-Z_][A-Z0-9_]*=[A-Z_][A-Z0-9_]*$/.test(value)) {
      const [, environment, name, variable] = /^([\w-]+):(\w+)=(\w+)$/.exec(value)!;
      (environments[environment] ??= { secrets: {} }).secrets[name] = io.env[variable] ?? '';
      i++;
    } else if (flag === '--cache' && value !== '') {
      cacheDir = resolve(value);
      i++;
    } else if (flag === '--schedule') {
      schedule = value;
      i++;
    } else {
      io.write(`threadr-ops workflow: '${flag}' is not understood here\n${USAGE}\n`);
      return 2;
    }
  }
  const env = io.env;
  const record = await runWorkflow(readWorkflow(path), {
    root: io.root,
    actions: io.actions,
    inputs,
    secrets,
    environments,
    cacheDir,
    github: { ...githubContext(env), event_name: schedule ? 'schedule' : 'workflow_dispatch', event: { schedule } },
    env,
    workspace: process.cwd(),
    write: verbose ? io.write : () => {},
    onStep: printProgress(io.write, io.print),
  });
  for (const step of record.steps.filter((s) => s.note)) io.write(`  · ${step.job} › ${step.id}: ${step.note}\n`);
  for (const job of record.jobs.filter((j) => j.note)) io.write(`  · ${job.id}: ${job.note}\n`);
  for (const job of record.jobs) for (const warning of job.warnings) io.write(`  ! ${job.id}: ${warning}\n`);
  io.write(`\nJobs: ${record.jobs.map((job) => `${job.id} ${job.result}`).join(', ')}\n`);
  return record.jobs.some((job) => job.result === 'failure') ? 1 : 0;
}
