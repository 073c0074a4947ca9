/* global fetch */
// Benchmark: our load generator against autocannon and wrk, side by side in one run, same target,
// same connections, each client pinned to one core with taskset and the target on the other.
// Targets: nginx serving a static `ok` (ranks clients) and a node server answering after 10 ms
// (checks the measured p50 against what the server measured itself). The 10 ms server runs twice:
// busy-polling, so that its clock starts when a request arrives (the reference for the p50 goal),
// and sleeping between requests as servers usually do, where its clock misses its own wake-up.
// --capture adds one run per client on each 10 ms target under tcpdump and splits the gap into the
// client's share and the server's (see capture.mjs).
//   npm run bench:load -- [--duration 5] [--connections 50] [--rounds 1] [--capture]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { canCapture, startCapture } from './capture.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const flag = (name) => process.argv.includes(`--${name}`);
const duration = arg('duration', 5);
const connections = arg('connections', 50);
const rounds = arg('rounds', 1);
const capture = flag('capture');
if (capture && !canCapture()) {
  console.error('--capture needs tcpdump (apt-get install -y tcpdump) and root to capture on lo');
  process.exit(1);
}
const P50_GOAL_MS = 0.3;
const TARGET_CORE = '0';
const CLIENT_CORE = '1';

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const missing = ['taskset', 'wrk', 'nginx'].filter((cmd) => !which(cmd) && !existsSync(`/usr/sbin/${cmd}`));
if (missing.length) {
  console.error(
    `missing: ${missing.join(', ')}. Install the system packages: sudo apt-get install -y wrk nginx-light util-linux`,
  );
  process.exit(1);
}
const bundle = join(root, 'dist', 'load-test', 'index.js');
if (!existsSync(bundle)) {
  console.error('dist/load-test/index.js is missing: run node scripts/build.mjs load-test');
  process.exit(1);
}
const autocannon = join(root, 'node_modules', 'autocannon', 'autocannon.js');
if (!existsSync(autocannon)) {
  console.error('autocannon is missing: npm ci (it is a devDependency)');
  process.exit(1);
}
const nginxBin = which('nginx') || '/usr/sbin/nginx';
const loadTestDefaults = Object.fromEntries(
  Object.entries(parse(readFileSync(join(root, 'actions', 'load-test', 'action.yml'), 'utf8')).inputs).map(
    ([name, spec]) => [name, String(spec.default ?? '')],
  ),
);

function freePort() {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'bench-load-'));
const children = [];
function cleanup() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
process.on('unhandledRejection', (error) => {
  console.error(error);
  process.exit(1);
});

// Each target runs only while it is measured: the busy-polling one would otherwise take the core
// that nginx is pinned to. (nginx's master stops its worker on SIGTERM.)
function stopChild(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', done);
    child.kill('SIGTERM');
  });
}

async function startNginx() {
  const port = await freePort();
  const conf = join(work, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;\ndaemon off;\npid ${work}/nginx.pid;\nerror_log ${work}/error.log;\nevents { worker_connections 4096; }\n` +
      `http {\n  access_log off;\n  keepalive_requests 100000000;\n  keepalive_timeout 120s;\n  server {\n    listen 127.0.0.1:${port};\n    location / { return 200 'ok'; }\n  }\n}\n`,
  );
  const child = spawn('taskset', ['-c', TARGET_CORE, nginxBin, '-c', conf, '-p', work], { stdio: 'ignore' });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/`);
  return { url: `http://127.0.0.1:${port}/`, stop: () => stopChild(child) };
}

async function startDelayServer(busyPoll) {
  const args = [join(root, 'bench', 'load', 'delay-server.mjs'), '10', ...(busyPoll ? ['--busy-poll'] : [])];
  const child = spawn('taskset', ['-c', TARGET_CORE, process.execPath, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const port = await new Promise((done) => child.stdout.once('data', (d) => done(Number(String(d).trim()))));
  return { url: `http://127.0.0.1:${port}/`, stop: () => stopChild(child) };
}

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} did not come up`);
}

function run(cmd, args, env) {
  return new Promise((done, fail) => {
    const child = spawn('taskset', ['-c', CLIENT_CORE, cmd, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 || code === 1 ? done({ out, err, code }) : fail(new Error(`${cmd} exited ${code}: ${err}`)),
    );
  });
}

function wrkMs(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  return m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN;
}

const tools = {
  async wrk(url) {
    const { out } = await run('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '--latency', url]);
    return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), p50: wrkMs(/^\s+50%\s+(\S+)/m.exec(out)[1]) };
  },
  async autocannon(url) {
    const { out } = await run(process.execPath, [
      autocannon,
      '-c',
      String(connections),
      '-d',
      String(duration),
      '-j',
      url,
    ]);
    const r = JSON.parse(out);
    // autocannon sometimes runs a second longer than asked: divide by the duration it reports.
    return { rps: r.requests.total / r.duration, p50: r.latency.p50 };
  },
  async 'threadr load-test'(url) {
    const output = join(work, 'output');
    writeFileSync(output, '');
    // action.yml's defaults, as the runner fills them in, then what this bench sets.
    const inputs = {
      ...loadTestDefaults,
      target: url,
      users: String(connections),
      duration: `${duration}s`,
      // auto: taskset leaves one core, so one thread, as the other clients.
      workers: 'auto',
    };
    const env = { GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: join(work, 'summary') };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    writeFileSync(env.GITHUB_STEP_SUMMARY, '');
    const { err } = await run(process.execPath, [bundle], env);
    const text = readFileSync(output, 'utf8');
    const value = (name) => {
      const m = new RegExp(`^${name}<<(\\S+)\\n([^\\n]*)\\n`, 'm').exec(text);
      if (!m) throw new Error(`load-test wrote no ${name} output:\n${err}`);
      return Number(m[2]);
    };
    return { rps: value('rps'), p50: value('p50-ms') };
  },
};

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const targets = [
  { name: 'nginx static', start: startNginx },
  { name: 'node 10 ms', start: () => startDelayServer(true), stats: true, goal: true },
  { name: 'node 10 ms, sleeping', start: () => startDelayServer(false), stats: true },
];
const names = Object.keys(tools);
console.log(
  `${duration}s per tool, ${connections} connections, ${rounds} round(s); clients on core ${CLIENT_CORE}, targets on core ${TARGET_CORE}`,
);
const results = [];
const splits = [];
for (const target of targets) {
  const server = await target.start();
  target.url = server.url;
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no tool always runs on a warmer (or hotter) machine.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const tool of order) {
      if (target.stats) await fetch(`${target.url}__reset`);
      const r = await tools[tool](target.url);
      if (target.stats) r.serverP50 = (await (await fetch(`${target.url}__stats`)).json()).p50Ms;
      samples[tool].push(r);
      console.log(
        `  ${target.name.padEnd(20)} ${tool.padEnd(18)} ${r.rps.toFixed(0).padStart(8)} req/s  p50 ${r.p50.toFixed(3)} ms${r.serverP50 !== undefined ? `  (server p50 ${r.serverP50.toFixed(3)} ms)` : ''}`,
      );
    }
  }
  if (capture && target.stats) {
    for (const tool of names) {
      await fetch(`${target.url}__reset`);
      const recording = await startCapture(Number(new URL(target.url).port), join(work, 'capture.pcap'));
      const r = await tools[tool](target.url);
      const server = (await (await fetch(`${target.url}__stats`)).json()).p50Ms;
      const wire = await recording.stop();
      splits.push({ target: target.name, tool, client: r.p50, wire: wire.p50, server, pairs: wire.count });
    }
  }
  for (const tool of names) {
    const s = samples[tool];
    results.push({
      target: target.name,
      tool,
      rps: median(s.map((x) => x.rps)),
      p50: median(s.map((x) => x.p50)),
      serverP50: target.stats ? median(s.map((x) => x.serverP50)) : undefined,
    });
  }
  await server.stop();
}

console.log('\n| target | client | requests/s | p50 ms | server p50 ms | p50 − server |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of results) {
  const diff = r.serverP50 === undefined ? '' : (r.p50 - r.serverP50).toFixed(3);
  console.log(
    `| ${r.target} | ${r.tool} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.serverP50?.toFixed(3) ?? ''} | ${diff} |`,
  );
}
const get = (target, tool) => results.find((r) => r.target === target && r.tool === tool);
const ours = (target) => get(target, 'threadr load-test');
console.log('\n| target | ours / autocannon | ours / wrk |');
console.log('|---|---:|---:|');
for (const { name } of targets) {
  console.log(
    `| ${name} | ${(ours(name).rps / get(name, 'autocannon').rps).toFixed(2)} | ${(ours(name).rps / get(name, 'wrk').rps).toFixed(2)} |`,
  );
}
if (splits.length) {
  console.log('\nCaptured runs (one per client, under tcpdump): where "p50 − server" comes from');
  console.log('| target | client | client p50 | wire p50 | server p50 | client side | server side | pairs |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const s of splits) {
    console.log(
      `| ${s.target} | ${s.tool} | ${s.client.toFixed(3)} | ${s.wire.toFixed(3)} | ${s.server.toFixed(3)} | ${(s.client - s.wire).toFixed(3)} | ${(s.wire - s.server).toFixed(3)} | ${s.pairs} |`,
    );
  }
}
const perCore = ours('nginx static').rps / get('nginx static', 'autocannon').rps;
const reference = targets.find((t) => t.goal).name;
const gapOf = (r) => r.p50 - r.serverP50;
const gap = gapOf(ours(reference));
console.log('\nGoals');
console.log(
  `  ${perCore >= 1 ? '✓' : '✗'} requests/s per core at least autocannon's on nginx: ratio ${perCore.toFixed(2)} (goal >= 1.0)`,
);
console.log(
  `  ${gap <= P50_GOAL_MS ? '✓' : '✗'} p50 within ${P50_GOAL_MS} ms of the server's own on the 10 ms server: ${gap.toFixed(3)} ms (wrk: ${gapOf(get(reference, 'wrk')).toFixed(3)} ms)`,
);
console.log(
  '\nautocannon reports whole milliseconds; single runs vary 10–30 % on shared machines: compare within one run.',
);
// The targets' pipes keep the event loop alive: exit explicitly (the exit handler stops them).
process.exit(0);
