import { runOnRunner } from '../core/runner-host.js';
import { definition } from './main.js';

await runOnRunner(definition);
