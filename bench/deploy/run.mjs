// Benchmark of the deploy action's status polling against the emulator on virtual time:
//   1. how soon a state change is noticed, against the promise max(2 s, 10 % of the time elapsed
//      since the deploy started), for builds of 10 s to 15 min;
//   2. how many status requests a 10-minute build costs per component (promise: at most 60).
// Runs the real deploy code in-process with the real default poll interval (2 s); the emulator's
// auto-advancing clock makes ten minutes pass in well under a second.
//   npm run bench:deploy
import { register } from 'node:module';

register('../ts-loader.mjs', import.meta.url);
const { runBenchmark } = await import('./bench.ts');
const ok = await runBenchmark((line) => console.log(line));
process.exitCode = ok ? 0 : 1;
