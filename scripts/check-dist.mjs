// Fails when the committed dist/ differs from a clean rebuild (changed, missing or extra files).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const fresh = mkdtempSync(join(tmpdir(), 'threadr-dist-'));
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--out', fresh], { stdio: 'inherit' });

function files(dir) {
  if (!statSync(dir, { throwIfNoEntry: false })) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(dir, f))
    .sort();
}
const committed = files(join(root, 'dist'));
const rebuilt = files(fresh);
const problems = [];
for (const f of rebuilt) {
  if (!committed.includes(f)) problems.push(`missing from dist/: ${f}`);
  else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(root, 'dist', f))))
    problems.push(`differs from a clean rebuild: dist/${f}`);
}
for (const f of committed) if (!rebuilt.includes(f)) problems.push(`not produced by a clean rebuild: dist/${f}`);
rmSync(fresh, { recursive: true, force: true });
if (problems.length) {
  console.error(`dist/ drift (run \`npm run build\` and commit dist/):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`dist/ matches a clean rebuild (${rebuilt.length} files)`);
