import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionDefinition, ActionHost, Logger } from '../../src/core/host.js';
import { InputReader } from '../../src/core/inputs.js';
import { runAction } from '../../src/runtime/run-action.js';

/** A scratch workspace: the notifier's state file must not land in the checkout. */
const WORKSPACE = mkdtempSync(join(tmpdir(), 'threadr-inprocess-'));
import { actionDefaults } from '../harness/runner.js';

/** What an in-process run left behind: the same things runBundle reads back from the runner files. */
export interface InProcessResult {
  outputs: Record<string, string>;
  log: string;
  lines: string[];
  failure?: string;
  summary: string;
  masks: string[];
}

export const TEST_ENV = {
  GITHUB_REPOSITORY: 'threadr/threadr',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_RUN_ID: '1001',
  GITHUB_SERVER_URL: 'https://github.com',
};

/**
 * Runs an action definition in-process with action.yml defaults, like the runner would, but with
 * injected collaborators (virtual time, fast retries). Used by the fault matrix, which runs the
 * action many times; the acceptance tests run the committed bundles instead.
 */
export async function runInProcess(
  action: 'deploy' | 'rollback',
  definition: ActionDefinition,
  inputs: Record<string, string>,
  env: Record<string, string> = TEST_ENV,
): Promise<InProcessResult> {
  const merged: Record<string, string> = { ...actionDefaults(action), ...inputs };
  const lines: string[] = [];
  const masks: string[] = [];
  const outputs: Record<string, string> = {};
  let failure: string | undefined;
  let summary = '';
  const log: Logger = {
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    debug: () => undefined,
    group: async (title, work) => {
      lines.push(`## ${title}`);
      return work();
    },
  };
  const host: ActionHost = {
    action,
    inputs: new InputReader(
      (name) => merged[name] ?? '',
      (secret) => void masks.push(secret),
      WORKSPACE,
    ),
    log,
    env,
    setOutput: (name, value) => void (outputs[name] = String(value)),
    setSecret: (value) => void masks.push(value),
    writeSummary: async (markdown) => void (summary += markdown),
    fail: (message) => void (failure = message),
  };
  await runAction(definition, host);
  return { outputs, log: lines.join('\n'), lines, failure, summary, masks };
}
