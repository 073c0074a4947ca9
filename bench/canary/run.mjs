// Benchmark of the canary action with real timing against the emulator (build the bundles first):
//   1. the false-positive count over 20 runs with identical baseline and candidate (at most 1);
//   2. the wall time of the default analysis, 30 s at 10 requests per second each (within 40 s).
//   npm run bench:canary
import { register } from 'node:module';

register('../ts-loader.mjs', import.meta.url);
const { runBenchmark } = await import('./bench.ts');
const ok = await runBenchmark((line) => console.log(line));
process.exitCode = ok ? 0 : 1;
