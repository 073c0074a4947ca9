import { existsSync, statSync } from 'node:fs';
import { githubRun } from '../core/github-context.js';
import type { ActionHost } from '../core/host.js';
import { appendRecord, monthlyFile, recordFrom, type OpsRecord } from './record.js';
import { errorText } from '../core/errors.js';

/** A host that remembers every output set through it, in the order set (the last value wins). */
export function withOutputLog(host: ActionHost): { host: ActionHost; outputs: Record<string, string> } {
  const outputs: Record<string, string> = {};
  const setOutput = (name: string, value: string | number | boolean): void => {
    outputs[name] = String(value);
    host.setOutput(name, value);
  };
  // Everything else goes to the host itself, so state it keeps (a failure, its outputs) stays its own.
  const wrapped = new Proxy(host, {
    get(target, property) {
      if (property === 'setOutput') return setOutput;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { host: wrapped, outputs };
}

/**
 * Appends the run's record to `history-file` when that input is set: a file, or a folder (an
 * existing one, or a path ending in /) that gets one file per month. A path outside the workspace
 * and RUNNER_TEMP never reaches here: runtime/run-action.ts refuses it with the other inputs. Writing
 * the history is a side note to the run: any problem (an unwritable path, a full disk) is a
 * warning, never a failure.
 * The environment is `history-environment`, else the action's own `environment` input, else
 * production.
 */
export async function recordRun(
  host: ActionHost,
  outputs: Record<string, string>,
  verdict: OpsRecord['verdict'],
  at: Date = new Date(),
): Promise<void> {
  try {
    const target = host.inputs.outputPath('history-file');
    if (!target) return;
    const env = host.inputs.text('history-environment') || host.inputs.text('environment') || 'production';
    const run = await githubRun(host.env);
    const repositoryUrl = run.repository ? `${run.serverUrl.replace(/\/+$/, '')}/${run.repository}` : undefined;
    const record = recordFrom({
      action: host.action,
      env,
      verdict,
      outputs,
      at,
      runId: run.runId?.toString(),
      sha: run.sha,
      repositoryUrl,
    });
    const folder =
      /[/\\]$/.test(host.inputs.text('history-file')) || (existsSync(target) && statSync(target).isDirectory());
    appendRecord(folder ? monthlyFile(target, at) : target, record);
    host.log.debug(`history record appended for ${record.action} (${record.verdict})`);
  } catch (error) {
    host.log.warn(
      `${host.action}: the run's history record was not written (${errorText(error)}); the run itself is unaffected`,
    );
  }
}
