// Bundles every action (one per actions/<name>/action.yml) and the CLI with ncc into dist/<name>/.
// `node scripts/build.mjs --out DIR` builds elsewhere (the drift check compares the two).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'dist');
const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--out');

export function bundleNames() {
  const actions = readdirSync(join(root, 'actions')).filter((name) =>
    existsSync(join(root, 'actions', name, 'action.yml')),
  );
  return [...actions, 'cli'].filter((name) => existsSync(join(root, 'src', name, 'index.ts')));
}

const names = only.length ? only : bundleNames();
if (!only.length) rmSync(out, { recursive: true, force: true });
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
// Two at a time: the machine has two cores and each ncc run is single-threaded.
const queue = [...names];
async function worker() {
  for (let name = queue.shift(); name; name = queue.shift()) {
    const started = Date.now();
    await run(
      process.execPath,
      [
        ncc,
        'build',
        join(root, 'src', name, 'index.ts'),
        '-o',
        join(out, name),
        '--quiet',
        '--transpile-only',
        '--target',
        'es2022',
      ],
      { cwd: root },
    );
    console.log(`built dist/${name} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}
await Promise.all([worker(), worker()]);
