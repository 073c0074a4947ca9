import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readActionMetadata } from '../../src/core/action-metadata.js';
import { evaluateDefault } from '../../src/local-runner/github-context.js';
import { parseEnvFile } from '../../src/local-runner/env-file.js';

/**
 * Starts a committed bundle exactly as the Actions runner does: `node dist/<name>/index.js` with
 * INPUT_* variables and the GITHUB_* environment files, then reads everything back.
 */
export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Node binary; THREADR_TEST_NODE (set by `npm run test:node24`) overrides the default. */
  node?: string;
  timeoutMs?: number;
  /**
   * Sends this signal, for cancellation tests: after `afterMs`, or as soon as `when` says the run
   * has reached the point the test is about (polled every 20 ms; a busy machine only delays it).
   */
  signal?: { name: NodeJS.Signals; afterMs?: number; when?: () => boolean };
  cwd?: string;
  /** Extra node options before the bundle, such as `--require` of a preload. */
  nodeArgs?: string[];
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when options.signal was sent; undefined if it never was. */
  signalledAt?: number;
  outputs: Record<string, string>;
  state: Record<string, string>;
  env: Record<string, string>;
  summary: string;
  stdout: string;
  stderr: string;
  commands: WorkflowCommand[];
  /** stdout without workflow command lines: what a person reads in the log. */
  log: string;
  errors: string[];
  warnings: string[];
  masks: string[];
  durationMs: number;
}

export const ROOT = resolve(import.meta.dirname ?? __dirname, '..', '..');

export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Input defaults from action.yml, unevaluated. */
export function actionDefaults(action: string): Record<string, string> {
  const { inputs } = readActionMetadata(join(ROOT, 'actions', action, 'action.yml'));
  return Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, spec.default]));
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

export function parseCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::([\w-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = unescapeData(pair.slice(eq + 1))
        .replace(/%3A/g, ':')
        .replace(/%2C/g, ',');
    }
    commands.push({ command: match[1], properties, message: unescapeData(match[3]) });
  }
  return commands;
}

export async function runBundle(action: string, options: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), `threadr-${action}-`));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    GITHUB_WORKSPACE: options.cwd ?? dir,
    GITHUB_REPOSITORY: 'threadr/threadr',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKFLOW: 'test',
    GITHUB_JOB: 'test',
    ...files,
    ...options.env,
  };
  // The runner evaluates `${{ github.* }}` in defaults; the harness does the same from the env it sets.
  const defaults = Object.fromEntries(
    Object.entries(actionDefaults(action)).map(([name, value]) => [
      name,
      evaluateDefault(value, { GITHUB_TOKEN: 'ghs_harness_token', ...env }),
    ]),
  );
  const inputs = { ...defaults, ...options.inputs };
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
  const node = options.node ?? process.env.THREADR_TEST_NODE ?? process.execPath;
  const started = Date.now();
  const child = spawn(node, [...(options.nodeArgs ?? []), join(ROOT, 'dist', action, 'index.js')], {
    env,
    cwd: options.cwd ?? dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let signalledAt: number | undefined;
  const sendSignal = (name: NodeJS.Signals) => {
    signalledAt = Date.now();
    child.kill(name);
  };
  const signalTimer = options.signal
    ? options.signal.when
      ? setInterval(() => {
          if (signalledAt === undefined && options.signal!.when!()) sendSignal(options.signal!.name);
        }, 20)
      : setTimeout(() => sendSignal(options.signal!.name), options.signal.afterMs ?? 0)
    : undefined;
  const killTimer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (code, sig) => done([code, sig])),
  );
  clearTimeout(killTimer);
  if (signalTimer) clearInterval(signalTimer);
  const commands = parseCommands(stdout);
  const result: RunResult = {
    exitCode,
    signal,
    signalledAt,
    outputs: parseEnvFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseEnvFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    env: parseEnvFile(readFileSync(files.GITHUB_ENV, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    stdout,
    stderr,
    commands,
    log: stdout
      .split('\n')
      .filter((line) => !line.startsWith('::'))
      .join('\n'),
    errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
    warnings: commands.filter((c) => c.command === 'warning').map((c) => c.message),
    masks: commands.filter((c) => c.command === 'add-mask').map((c) => c.message),
    durationMs: Date.now() - started,
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}
