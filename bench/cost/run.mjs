// Benchmark of the cost monitor's reads: a month of data for all five providers (OpenAI, Railway,
// Vercel, Upstash, Stripe) fetched concurrently from the emulator, with a per-request latency
// injected to stand for the network. Prints the wall time, the time the same reads take one
// provider after another, and the requests per provider.
//   npm run bench:cost            (latency 25 ms per request)
//   node bench/cost/run.mjs --latency=0 --stripe-per-day=40
import { register } from 'node:module';

// The TypeScript loader the deploy benchmark uses (Node 20 cannot strip types).
register('../ts-loader.mjs', import.meta.url);
const { runCostBenchmark } = await import('./bench.ts');
const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
};
const ok = await runCostBenchmark(
  { latencyMs: option('latency', 25), stripePerDay: option('stripe-per-day', 40) },
  (line) => console.log(line),
);
process.exitCode = ok ? 0 : 1;
