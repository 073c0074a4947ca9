import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest's node environment, plus a check that a test file stops everything it started.
 *
 * A server, socket, child process or ref'd timer that outlives its test file keeps the jest worker
 * alive: jest then kills the worker and prints "A worker process has failed to exit gracefully".
 * That warning only names the symptom, and only when the leak is still there at the very end of the
 * run, which depends on the machine's load. This check names the file and the resources, every time.
 *
 * At teardown (after the file's afterAll hooks) the resources keeping the event loop alive are
 * compared with those at setup. Closes that are already under way finish within a few turns of the
 * event loop, so the check waits for them (up to SETTLE_LIMIT_MS, which only a real leak reaches),
 * then fails the file if anything of its own is still open.
 */
const SETTLE_LIMIT_MS = 10_000;
const POLL_MS = 20;

/** What keeps this process's event loop alive, by kind: 'TCPServerWrap', 'ProcessWrap', 'Timeout' … */
function aliveResources() {
  return process.getActiveResourcesInfo();
}

/** The resources in `now` beyond those in `baseline`, counted by kind. */
function extraResources(baseline, now) {
  const counts = new Map();
  for (const kind of now) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  for (const kind of baseline) if (counts.has(kind)) counts.set(kind, counts.get(kind) - 1);
  return [...counts].filter(([, count]) => count > 0);
}

/** A line per live handle not in `known`, so the failure points at the code that opened it. */
function describeHandles(known) {
  const handles = process._getActiveHandles().filter((handle) => !known.has(handle));
  return handles.map((handle) => {
    const kind = handle?.constructor?.name ?? typeof handle;
    if (kind === 'ChildProcess') return `child process ${handle.pid}: ${handle.spawnargs.join(' ')}`;
    if (kind === 'Server') return `server listening on ${JSON.stringify(handle.address?.())}`;
    if (kind === 'Socket')
      return `socket ${handle.localAddress ?? ''}:${handle.localPort ?? ''} -> ${handle.remotePort ?? 'pipe'}`;
    return kind;
  });
}

export default class LeakGuardEnvironment extends TestEnvironment {
  #testPath;
  #baseline = [];
  #baselineHandles = new WeakSet();

  constructor(config, context) {
    super(config, context);
    this.#testPath = context.testPath;
  }

  async setup() {
    await super.setup();
    this.#baseline = aliveResources();
    for (const handle of process._getActiveHandles()) this.#baselineHandles.add(handle);
  }

  async teardown() {
    const started = Date.now();
    let extra = extraResources(this.#baseline, aliveResources());
    while (extra.length > 0 && Date.now() - started < SETTLE_LIMIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
      extra = extraResources(this.#baseline, aliveResources());
    }
    await super.teardown();
    if (extra.length > 0) {
      const kinds = extra.map(([kind, count]) => `${count} × ${kind}`).join(', ');
      throw new Error(
        `${this.#testPath} left running after its last hook: ${kinds}. Close what the file starts ` +
          `(await server.close(), await a child's 'close', clear ref'd timers). Live handles:\n  ` +
          describeHandles(this.#baselineHandles).join('\n  '),
      );
    }
  }
}
