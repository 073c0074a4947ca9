import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: dist/cli/index.js (bundled) or src/cli/*.ts (tests) sit two levels below it. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'actions')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
