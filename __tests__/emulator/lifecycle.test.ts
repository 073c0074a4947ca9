import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../../src/core/http.js';
import { VirtualClock } from '../../src/emulator/clock.js';
import { runEmulatorCli } from '../../src/emulator/cli.js';
import { startEmulator } from '../../src/emulator/index.js';
import { bearer, call, sha } from './helpers.js';

describe('restart and persistence', () => {
  it('stops (connection refused), starts again on the same port with the same state', async () => {
    const emu = await startEmulator({ extensions: [] });
    const client = new HttpClient({ retry: { attempts: 1 } });
    // A pooled keep-alive socket killed by the restart can surface as one reset: GETs retry it, as clients should.
    const reader = new HttpClient({ retry: { attempts: 3 }, sleep: async () => undefined });
    try {
      const auth = bearer(emu.control.addVercelToken());
      const project = await emu.control.seedVercelProject({ productionSha: sha(1) });
      const { id } = (
        await call(`${emu.urls.vercel}/v13/deployments`, {
          headers: auth,
          body: { name: project.projectId, target: 'production', gitSource: { type: 'vercel', sha: sha(2) } },
        })
      ).json();
      await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth });
      const port = emu.port;
      await emu.stop();
      await expect(
        client.request({ url: `${emu.urls.vercel}/v13/deployments/${id}`, headers: auth }),
      ).rejects.toMatchObject({ kind: 'connection-refused' });
      await expect(client.request({ url: `${project.productionUrl}/health` })).rejects.toMatchObject({
        kind: 'connection-refused',
      });
      await emu.start();
      expect(emu.port).toBe(port);
      const after = await reader.request({ url: `${emu.urls.vercel}/v13/deployments/${id}`, headers: auth });
      expect(after.json<{ readyState: string }>().readyState).toBe('BUILDING');
      expect(
        (await reader.request({ url: `${project.productionUrl}/health` })).json<{ version: string }>().version,
      ).toBe(sha(1));
      await emu.restart(0);
      expect(
        (await reader.request({ url: `${emu.urls.vercel}/v13/deployments/${id}`, headers: auth })).json<{
          readyState: string;
        }>().readyState,
      ).toBe('READY');
    } finally {
      await client.close();
      await reader.close();
      await emu.stop();
    }
  });

  it('restarts on request from the HTTP control API', async () => {
    const emu = await startEmulator({ extensions: [] });
    try {
      const reply = await call(`${emu.urls.control}/restart`, { body: { downMs: 200 } });
      expect(reply.status).toBe(202);
      const client = new HttpClient({ retry: { attempts: 1 } });
      const outcomes = new Set<string>();
      try {
        while (!(outcomes.has('connection-refused') && outcomes.has('up-again'))) {
          const outcome = await client.request({ url: `${emu.urls.control}/clock` }).then(
            () => (outcomes.has('connection-refused') ? 'up-again' : 'up'),
            (error: { kind: string }) => error.kind,
          );
          outcomes.add(outcome);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        await client.close();
      }
      expect(emu.running).toBe(true);
    } finally {
      await emu.stop();
    }
  });

  it('persists state to a file across emulator processes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-state-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startEmulator({ extensions: [], stateFile });
      const token = first.control.addVercelToken();
      const project = await first.control.seedVercelProject({ productionSha: sha(3) });
      await first.stop();
      expect(existsSync(stateFile)).toBe(true);
      const second = await startEmulator({ extensions: [], stateFile });
      try {
        const info = (
          await call(`${second.urls.vercel}/v9/projects/${project.projectId}`, { headers: bearer(token) })
        ).json();
        expect(info.targets.production.id).toBe(project.productionDeploymentId);
        expect((await call(`${project.productionUrl}/health`)).json().version).toBe(sha(3));
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI entry', () => {
  it('starts, seeds the demo, prints URLs and tokens, and stops when told', async () => {
    let output = '';
    let stop: () => void = () => undefined;
    const untilStopped = new Promise<void>((resolve) => (stop = resolve));
    const running = runEmulatorCli(['--json'], { write: (text) => (output += text), untilStopped });
    for (let i = 0; i < 200 && !output; i++) await new Promise((resolve) => setImmediate(resolve));
    while (!output) await new Promise((resolve) => setTimeout(resolve, 5));
    const printed = JSON.parse(output);
    expect(printed.demo.vercel.token).toBe('vercel_demo_token');
    const health = await call(`${printed.demo.railway.service.serviceUrl}/health`);
    expect(health.json().version).toBe(printed.demo.commits.current);
    const info = await call(`${printed.urls.vercel}/v9/projects/${printed.demo.vercel.project.projectId}`, {
      headers: bearer(printed.demo.vercel.token),
    });
    expect(info.status).toBe(200);
    stop();
    expect(await running).toBe(0);
  });

  it('lists every credential it accepts in its banner, OpenAI, Stripe and Upstash too', async () => {
    let stop: () => void = () => undefined;
    const untilStopped = new Promise<void>((resolve) => (stop = resolve));
    let printed: (text: string) => void = () => undefined;
    const banner = new Promise<string>((resolve) => (printed = resolve));
    const running = runEmulatorCli([], { write: (text) => printed(text), untilStopped });
    const text = await banner;
    try {
      const value = (name: string) => new RegExp(`\\b${name}=(\\S+)`).exec(text)?.[1] ?? '';
      const base = /OpenAI API\s+(\S+)\/openai/.exec(text)?.[1] ?? '';
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const basic = (user: string, password: string) => ({
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      });
      const start = Math.floor(Date.now() / 1000) - 86_400;
      // Each printed credential is accepted by its fake; a wrong one is refused, so the check has teeth.
      expect(
        (
          await call(`${base}/openai/v1/organization/costs?start_time=${start}`, {
            headers: bearer(value('OPENAI_ADMIN_KEY')),
          })
        ).status,
      ).toBe(200);
      expect(
        (await call(`${base}/openai/v1/organization/costs?start_time=${start}`, { headers: bearer('sk-admin-wrong') }))
          .status,
      ).toBe(401);
      expect(
        (await call(`${base}/stripe/v1/balance_transactions`, { headers: bearer(value('STRIPE_SECRET_KEY')) })).status,
      ).toBe(200);
      expect((await call(`${base}/stripe/v1/balance_transactions`, { headers: bearer('sk_test_wrong') })).status).toBe(
        401,
      );
      expect(
        (
          await call(`${base}/upstash/v2/redis/databases`, {
            headers: basic(value('UPSTASH_EMAIL'), value('UPSTASH_API_KEY')),
          })
        ).status,
      ).toBe(200);
      expect(
        (await call(`${base}/upstash/v2/redis/databases`, { headers: basic(value('UPSTASH_EMAIL'), 'wrong') })).status,
      ).toBe(401);
      expect(text).toMatch(/VERCEL_TOKEN=vercel_demo_token/);
      expect(text).toMatch(/RAILWAY_API_TOKEN=railway_demo_account_token/);
    } finally {
      stop();
    }
    expect(await running).toBe(0);
  });

  it('rejects unknown options with exit code 2', async () => {
    let output = '';
    expect(await runEmulatorCli(['--bogus'], { write: (text) => (output += text) })).toBe(2);
    expect(output).toMatch(/unknown option --bogus/);
  });
});

describe('virtual clock', () => {
  it('moves with real time times speed, plus advances', () => {
    let real = 1_000;
    const clock = new VirtualClock({ start: 50_000, speed: 10 }, () => real);
    real += 100;
    expect(clock.now()).toBe(51_000);
    clock.advance(5_000);
    expect(clock.now()).toBe(56_000);
    clock.setSpeed(0);
    real += 1_000;
    expect(clock.now()).toBe(56_000);
  });

  it('a timer that fires before the wall clock shows its time waits again instead of losing the sleeper', async () => {
    // Before: wake() skipped a sleeper that was not due yet and never re-armed it, so a sleep hung
    // for good whenever Date.now lagged the timer (seen as deploy tests hanging on control.sleep).
    let real = 0;
    const clock = new VirtualClock({ start: 0, speed: 1 }, () => real);
    const sleeping = clock.sleep(2);
    // The sleeper's timer fires while the wall clock has not moved; then the clock catches up.
    await new Promise((resolve) => setTimeout(resolve, 5));
    real = 10;
    await sleeping;
  });

  it('wakes sleepers on advance, and jumps to the next wake-up in auto-advance mode', async () => {
    const clock = new VirtualClock({ start: 0, speed: 0 });
    let woke = false;
    const sleeping = clock.sleep(600_000).then(() => (woke = true));
    clock.advance(599_999);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(1);
    await sleeping;
    expect(woke).toBe(true);

    clock.setAutoAdvance(true);
    const order: string[] = [];
    await Promise.all([
      clock.sleep(20_000).then(() => order.push('b')),
      clock.sleep(10_000).then(() => order.push('a')),
    ]);
    expect(order).toEqual(['a', 'b']);
    expect(clock.now()).toBe(620_000);
    clock.dispose();
  });
});

describe('virtual clock against the timers', () => {
  afterEach(() => jest.useRealTimers());

  it('still wakes a sleeper whose timer fired while the wall clock was a millisecond short', async () => {
    // Timers run on the monotonic clock, now() on Date.now(), each rounded to whole ms: a 5 ms
    // timer can fire when Date.now() has moved 4 ms. Such a sleeper must be armed again, or it
    // sleeps forever (what hung the deploy test's poll loop on a busy machine).
    jest.useFakeTimers();
    let wall = 0;
    const clock = new VirtualClock({ start: 0 }, () => wall);
    let woke = false;
    const sleeping = clock.sleep(5).then(() => (woke = true));
    wall = 4;
    jest.advanceTimersByTime(5);
    await Promise.resolve();
    expect(woke).toBe(false);
    expect(jest.getTimerCount()).toBe(1);
    wall = 5;
    jest.advanceTimersByTime(1);
    await sleeping;
    expect(woke).toBe(true);
    clock.dispose();
  });
});

describe('emulated long builds on an auto-advancing clock', () => {
  it('lets an in-process poller sleep through a 10-minute build in virtual time', async () => {
    const emu = await startEmulator({ extensions: [], clock: { speed: 0, autoAdvance: true } });
    try {
      const auth = bearer(emu.control.addVercelToken());
      const project = await emu.control.seedVercelProject({
        timing: { readsPerStep: 0, stepMs: { QUEUED: 2_000, INITIALIZING: 3_000, BUILDING: 600_000 } },
      });
      const started = emu.control.now();
      const { id } = (
        await call(`${emu.urls.vercel}/v13/deployments`, {
          headers: auth,
          body: { name: project.projectId, target: 'production', gitSource: { type: 'vercel', sha: sha(5) } },
        })
      ).json();
      let state = 'QUEUED';
      let polls = 0;
      while (state !== 'READY') {
        // The poller's adaptive schedule: max(2 s, 10 % of the time elapsed since the deploy started).
        await emu.control.sleep(Math.max(2_000, (emu.control.now() - started) / 10));
        state = (await call(`${emu.urls.vercel}/v13/deployments/${id}`, { headers: auth })).json().readyState;
        polls++;
      }
      const elapsed = emu.control.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(605_000);
      expect(elapsed).toBeLessThan(605_000 * 1.1 + 2_000);
      expect(polls).toBe(emu.control.requests({ method: 'GET', path: `/v13/deployments/${id}` }).length);
      expect(polls).toBeLessThan(60);
    } finally {
      await emu.stop();
    }
  });
});
