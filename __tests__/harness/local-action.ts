import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateDefault } from '../../src/local-runner/github-context.js';
import { actionDefaults, inputEnvName, ROOT } from './runner.js';

/**
 * Runs an action's exported `run()` under GitHub's `@github/local-action`, which loads the
 * TypeScript source with tsx and replaces @actions/core with its own recorder. What it sees the
 * action set through @actions/core (outputs, errors) is read back from its log. Inputs are the
 * runner harness's: action.yml defaults evaluated from the same environment, then the test's.
 */
export interface LocalActionResult {
  outputs: Record<string, string>;
  errors: string[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

const LOCAL_ACTION = join(ROOT, 'node_modules', '@github', 'local-action', 'src', 'index.ts');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
/**
 * The runner's Node, whatever node runs jest: local-action runs the TypeScript source through tsx,
 * and on Node 20 tsx's loader does not reach worker threads, so the load engine's workers could not
 * load src/load/engine.ts ("Unknown file extension .ts"). The bundles have no such step.
 */
const NODE24 = join(ROOT, 'node_modules', 'node24', 'bin', 'node');

export async function runLocalAction(
  action: string,
  options: { inputs?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<LocalActionResult> {
  const dir = mkdtempSync(join(tmpdir(), `local-action-${action}-`));
  const dotenv = join(dir, '.env');
  writeFileSync(dotenv, '');
  writeFileSync(join(dir, 'summary.md'), '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    // What bin/local-action.js sets before it starts src/index.ts with tsx.
    TARGET_ACTION_PATH: join(ROOT, 'actions', action),
    NODE_PACKAGE_MANAGER: 'npm',
    NODE_NO_WARNINGS: '1',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'threadr/threadr',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKFLOW: 'test',
    GITHUB_JOB: 'test',
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    ...options.env,
  };
  const defaults = Object.fromEntries(
    Object.entries(actionDefaults(action)).map(([name, value]) => [
      name,
      evaluateDefault(value, { GITHUB_TOKEN: 'ghs_harness_token', ...env }),
    ]),
  );
  for (const [name, value] of Object.entries({ ...defaults, ...options.inputs })) env[inputEnvName(name)] = value;
  // `npm ls` (which local-action runs to find @actions/core) needs the repository as its cwd.
  const child = spawn(NODE24, [TSX, LOCAL_ACTION, join('actions', action), `../../src/${action}/main.ts`, dotenv], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  rmSync(dir, { recursive: true, force: true });
  return {
    outputs: parseOutputs(stdout),
    errors: [...stdout.matchAll(/^::error::(.*)$/gm)].map((m) => m[1]),
    stdout,
    stderr,
    exitCode,
  };
}

/** local-action logs each core.setOutput as `::set-output name=NAME::VALUE` (a value may span lines). */
function parseOutputs(stdout: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    const match = /^::set-output name=([^:]+)::(.*)$/.exec(line);
    if (match) {
      current = match[1];
      outputs[current] = match[2];
    } else if (line.startsWith('::') || line.startsWith('====')) current = undefined;
    else if (current !== undefined) outputs[current] += `\n${line}`;
  }
  for (const name of Object.keys(outputs)) outputs[name] = outputs[name].replace(/\n+$/, '');
  return outputs;
}
