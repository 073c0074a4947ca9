import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvFile } from './env-file.js';

export interface ShellResult {
  exitCode: number;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * A `run:` step as the runner starts it on Linux: `bash --noprofile --norc -eo pipefail` on a file
 * holding the script (already interpolated), in the workspace, with its own GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files read back afterwards. Only our own workflows' scripts run this way.
 */
export async function runShellStep(
  script: string,
  env: Record<string, string | undefined>,
  workspace: string,
  write: (text: string) => void,
): Promise<ShellResult> {
  const dir = mkdtempSync(join(tmpdir(), 'threadr-step-'));
  try {
    const files = {
      script: join(dir, 'step.sh'),
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_ENV: join(dir, 'env'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    };
    writeFileSync(files.script, script);
    for (const file of [files.GITHUB_OUTPUT, files.GITHUB_ENV, files.GITHUB_STEP_SUMMARY]) writeFileSync(file, '');
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', files.script], {
      cwd: workspace,
      env: {
        ...env,
        GITHUB_OUTPUT: files.GITHUB_OUTPUT,
        GITHUB_ENV: files.GITHUB_ENV,
        GITHUB_STEP_SUMMARY: files.GITHUB_STEP_SUMMARY,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', write);
    child.stderr.setEncoding('utf8').on('data', write);
    const exitCode = await new Promise<number>((resolve) => {
      child.on('error', (error) => {
        write(`${error.message}\n`);
        resolve(127);
      });
      child.on('close', (code) => resolve(code ?? 1));
    });
    return {
      exitCode,
      outputs: parseEnvFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8').trim(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
