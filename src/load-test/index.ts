import { isLoadWorker, runLoadWorker } from '../load/worker.js';
import { run } from './main.js';

// ncc makes one file, and the load engine's worker threads run that same file: they land here
// and become load workers instead of starting the action again.
if (isLoadWorker()) runLoadWorker();
else await run();
