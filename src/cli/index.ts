import { isLoadWorker, runLoadWorker } from '../load/worker.js';
import { main } from './main.js';

// The load-test engine runs its worker threads on this same bundle file: those threads become
// load workers instead of starting the CLI again.
if (isLoadWorker()) runLoadWorker();
else process.exitCode = await main(process.argv.slice(2));
