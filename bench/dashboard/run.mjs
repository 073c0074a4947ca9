// Benchmark of the dashboard: a year of synthetic records at the full cadence is written to disk,
// the dashboard bundle (node scripts/build.mjs dashboard) builds the site as the runner would, and
// Debian's Chromium loads both pages with the network cut off. Prints the build and load times
// against the acceptance figures (build < 10 s, load < 1 s).
//   npm run bench:dashboard          (needs /usr/bin/chromium, or THREADR_CHROMIUM)
import { register } from 'node:module';

register('../ts-loader.mjs', import.meta.url);
const { runDashboardBenchmark } = await import('./bench.ts');
const ok = await runDashboardBenchmark((line) => console.log(line));
process.exitCode = ok ? 0 : 1;
