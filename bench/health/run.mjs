// Health-check benchmark (issue 2): (1) 200 checks against a server that answers each after 100 ms
// must finish in well under 0.5 s of wall time, because checks run concurrently; (2) the committed
// bundle must send its first request within 150 ms of `node` starting. Both measured here, on the
// committed bundle as the runner starts it, under Node 20 (this machine) and Node 24 (the runner's).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');
// THREADR_BENCH_BUNDLE: another build of the health check (say, the previous commit's) to compare.
const bundle = process.env.THREADR_BENCH_BUNDLE
  ? resolve(process.env.THREADR_BENCH_BUNDLE)
  : join(root, 'dist', 'health-check', 'index.js');
const nodes = [
  ['node 20 (this machine)', process.execPath],
  ['node 24 (the runner)', join(root, 'node_modules', 'node24', 'bin', 'node')],
];
const RUNS = Number(process.env.RUNS ?? 9);

let firstRequestAt;
const server = createServer((req, res) => {
  firstRequestAt ??= performance.now();
  setTimeout(() => res.end('{"status":"ok"}'), Number(new URL(req.url, 'http://x').searchParams.get('delay') ?? 0));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

function runBundle(node, inputs) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-health-'));
  const env = { PATH: process.env.PATH, GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
  writeFileSync(env.GITHUB_OUTPUT, '');
  writeFileSync(env.GITHUB_STEP_SUMMARY, '');
  for (const [k, v] of Object.entries({ ...defaults, ...inputs })) env[`INPUT_${k.toUpperCase()}`] = v;
  firstRequestAt = undefined;
  const started = performance.now();
  const child = spawn(node, [bundle], { env, stdio: 'ignore' });
  return new Promise((done) =>
    child.on('close', (code) => {
      const outputs = readFileSync(env.GITHUB_OUTPUT, 'utf8');
      const report = JSON.parse(/report<<(\S+)\n([\s\S]*?)\n\1/.exec(outputs)?.[2] ?? '{}');
      done({ code, wallMs: performance.now() - started, firstRequestMs: firstRequestAt - started, report });
    }),
  );
}

// Inputs as the runner fills them in: action.yml's defaults (the `${{ github.* }}` ones are not needed here).
const defaults = Object.fromEntries(
  Object.entries(parse(readFileSync(join(root, 'actions', 'health-check', 'action.yml'), 'utf8')).inputs).map(
    ([name, spec]) => [name, String(spec.default ?? '')],
  ),
);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (v) => `${v.toFixed(1)} ms`;

const checks = Array.from({ length: 200 }, (_, i) => ({ name: `check-${i}`, url: `${base}/c/${i}?delay=100` }));
console.log(`health-check benchmark, ${RUNS} runs each, medians\n`);
console.log(
  '| node | 200 checks @100 ms: verification | whole process | first request after spawn | `node -e 0` alone |',
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [label, node] of nodes) {
  const verify = [];
  const wall = [];
  const first = [];
  const bare = [];
  for (let i = 0; i < RUNS; i++) {
    const many = await runBundle(node, { checks: JSON.stringify(checks) });
    if (many.code !== 0 || many.report.checks?.length !== 200)
      throw new Error(`200-check run failed (exit ${many.code})`);
    verify.push(many.report.durationMs);
    wall.push(many.wallMs);
    first.push((await runBundle(node, { url: `${base}/health` })).firstRequestMs);
    const t = performance.now();
    spawnSync(node, ['-e', '0']);
    bare.push(performance.now() - t);
  }
  console.log(
    `| ${label} | ${ms(median(verify))} | ${ms(median(wall))} | ${ms(median(first))} | ${ms(median(bare))} |`,
  );
}
console.log('\nGoals: verification of 200 checks < 500 ms; first request < 150 ms after node starts.');
server.close();
