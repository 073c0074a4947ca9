import { lookup } from 'node:dns/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { addErrorSamples, type ErrorSamples } from './error-samples.js';
import { Generator, type GeneratorConfig, type GeneratorEnd, type Interval } from './generator.js';
import { percentileMs } from './histogram.js';
import { buildTemplate, type Origin, type RequestSpec, weightWheel } from './request.js';
import { dealOut, type Share, shardConnections, shardUsers } from './schedule.js';
import { addTally, decodeTally, emptyTally, errorCount, type Tally } from './tally.js';
import { isLoadWorker, runLoadWorker, type FromWorker, type ToWorker, type WorkerData } from './worker.js';

/** What to load and how; every field already validated (see src/load-test/inputs.ts). */
export interface LoadPlan {
  origin: Origin;
  requests: RequestSpec[];
  /** Sent with every request (the `headers` input). */
  headers: Record<string, string>;
  /** Concurrent connections over every shard (closed model: users; open model: the cap). */
  users: number;
  /** Requests per second over every shard: the open model. Undefined: the closed model. */
  rate?: number;
  durationMs: number;
  rampUpMs: number;
  /** Load before the measured window; its results are reported apart and never judged. */
  warmUpMs: number;
  requestTimeoutMs: number;
  /** This runner's part (0-based index); { index: 0, count: 1 } when unsharded. */
  shard: Share;
  /** Threads generating load; 1 runs in the calling thread. */
  workers: number;
}

export interface TimelineBucket {
  /** Milliseconds from the start of the measured window. */
  startMs: number;
  endMs: number;
  tally: Tally;
}

export interface LoadResult {
  startedAt: string;
  model: 'closed' | 'open';
  plannedMs: number;
  /** The measured window actually run: the duration, or less when cancelled. */
  measuredMs: number;
  measured: Tally;
  warmUp: Tally;
  warmUpMs: number;
  timeline: TimelineBucket[];
  dropped: number;
  interrupted: number;
  cancelled: boolean;
  firstErrors: ErrorSamples;
  workers: number;
  shard: Share;
}

export interface Progress {
  phase: 'warm-up' | 'measuring' | 'finishing';
  elapsedMs: number;
  requests: number;
  errors: number;
  rps: number;
  p95Ms: number;
}

export interface RunLoadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
  /** The file worker threads run; defaults to this module's file (the bundle on a runner). */
  workerScript?: string;
  /** Resolves the target's host once, so each connection does not. */
  resolveHost?: (hostname: string) => Promise<string>;
}

const TICK_MS = 500;
const START_MARGIN_MS = 50;

/** Width of a chart bucket: about 30 points over the run, in whole ticks. */
export function bucketWidthMs(durationMs: number): number {
  return Math.max(TICK_MS, Math.ceil(durationMs / 30 / TICK_MS) * TICK_MS);
}

export async function runLoad(plan: LoadPlan, options: RunLoadOptions = {}): Promise<LoadResult> {
  const resolveHost = options.resolveHost ?? (async (host: string) => (await lookup(host)).address);
  const address = await resolveHost(plan.origin.hostname.replace(/^\[|\]$/g, ''));
  const templates = plan.requests.map((spec) => buildTemplate(plan.origin, spec, plan.headers));
  const base: Omit<GeneratorConfig, 'startAt' | 'model'> = {
    address,
    servername: plan.origin.hostname,
    port: plan.origin.port,
    tls: plan.origin.protocol === 'https:',
    templates,
    wheel: weightWheel(plan.requests.map((r) => r.weight)),
    warmUpMs: plan.warmUpMs,
    durationMs: plan.durationMs,
    rampUpMs: plan.rampUpMs,
    requestTimeoutMs: plan.requestTimeoutMs,
    tickMs: TICK_MS,
  };
  const configs = threadConfigs(plan, base);
  const collector = new Collector(plan);
  const startedAt = new Date();
  const threads =
    configs.length === 1 && plan.workers === 1
      ? [inlineThread(configs[0], collector)]
      : configs.map((c) => workerThread(c, collector, options.workerScript));
  let cancelledAt: number | undefined;
  const onAbort = (): void => {
    cancelledAt ??= performance.now();
    threads.forEach((t) => t.cancel());
  };
  let progressTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  try {
    await Promise.all(threads.map((t) => t.ready));
    const startAt = performance.timeOrigin + performance.now() + START_MARGIN_MS;
    collector.start(startAt - performance.timeOrigin);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    threads.forEach((t) => t.start(startAt));
    if (options.onProgress) {
      const report = options.onProgress;
      progressTimer = setInterval(() => report(collector.progress()), options.progressEveryMs ?? 5000);
    }
    // Requests in flight at the end get the request timeout to finish; then anything left is stuck.
    const limit = START_MARGIN_MS + plan.warmUpMs + plan.durationMs + plan.requestTimeoutMs + 5000;
    watchdog = setTimeout(onAbort, limit);
    const ends = await Promise.all(threads.map((t) => t.done));
    const measureStart = collector.measureStart;
    const measuredMs =
      cancelledAt === undefined ? plan.durationMs : Math.max(0, Math.min(plan.durationMs, cancelledAt - measureStart));
    return {
      startedAt: startedAt.toISOString(),
      model: plan.rate === undefined ? 'closed' : 'open',
      plannedMs: plan.durationMs,
      measuredMs,
      measured: collector.measured,
      warmUp: collector.warmUp,
      warmUpMs: plan.warmUpMs,
      timeline: collector.timeline(measuredMs),
      dropped: ends.reduce((sum, e) => sum + e.dropped, 0),
      interrupted: ends.reduce((sum, e) => sum + e.interrupted, 0),
      cancelled: cancelledAt !== undefined,
      firstErrors: ends.reduce<ErrorSamples>((all, e) => (addErrorSamples(all, e.firstErrors), all), {}),
      workers: threads.length,
      shard: plan.shard,
    };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (progressTimer) clearInterval(progressTimer);
    if (watchdog) clearTimeout(watchdog);
    await Promise.all(threads.map((t) => t.dispose()));
  }
}

/** Splits this shard's users (or connections and arrivals) over the worker threads. */
export function threadConfigs(
  plan: LoadPlan,
  base: Omit<GeneratorConfig, 'startAt' | 'model'>,
): Omit<GeneratorConfig, 'startAt'>[] {
  const users = shardUsers(plan.users, plan.shard);
  const connections = shardConnections(plan.users, plan.shard);
  const count = Math.max(1, Math.min(plan.workers, plan.rate === undefined ? users.length : connections));
  const configs: Omit<GeneratorConfig, 'startAt'>[] = [];
  for (let index = 0; index < count; index++) {
    const worker = { index, count };
    if (plan.rate === undefined) {
      configs.push({ ...base, model: { kind: 'closed', users: dealOut(users, worker), totalUsers: plan.users } });
    } else {
      const mine = dealOut(
        Array.from({ length: connections }, (_, i) => i),
        worker,
      ).length;
      configs.push({ ...base, model: { kind: 'open', rate: plan.rate, connections: mine, shard: plan.shard, worker } });
    }
  }
  return configs;
}

interface Thread {
  ready: Promise<void>;
  done: Promise<GeneratorEnd>;
  start(startAt: number): void;
  cancel(): void;
  dispose(): Promise<void>;
}

function inlineThread(config: Omit<GeneratorConfig, 'startAt'>, collector: Collector): Thread {
  let generator: Generator | undefined;
  let cancelled = false;
  let resolveDone!: (end: GeneratorEnd) => void;
  const done = new Promise<GeneratorEnd>((resolve) => (resolveDone = resolve));
  return {
    ready: Promise.resolve(),
    done,
    start(startAt) {
      if (cancelled) return resolveDone({ dropped: 0, interrupted: 0, cancelled: true, firstErrors: {} });
      generator = new Generator({ ...config, startAt }, (interval) => collector.add(interval));
      void generator.run().then(resolveDone);
    },
    cancel() {
      cancelled = true;
      generator?.cancel();
    },
    dispose: async () => generator?.cancel(),
  };
}

function workerThread(config: Omit<GeneratorConfig, 'startAt'>, collector: Collector, script?: string): Thread {
  const data: WorkerData = { threadrLoadWorker: true, config };
  const worker = new Worker(script ?? fileURLToPath(import.meta.url), { workerData: data });
  let resolveReady!: () => void;
  let resolveDone!: (end: GeneratorEnd) => void;
  let rejectAll!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectAll = reject;
  });
  const done = new Promise<GeneratorEnd>((resolve, reject) => {
    resolveDone = resolve;
    const previous = rejectAll;
    rejectAll = (error) => {
      previous(error);
      reject(error);
    };
  });
  // Either promise may never be awaited (the other failed first): keep the rejection handled.
  ready.catch(() => {});
  done.catch(() => {});
  let ended = false;
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'ready') resolveReady();
    else if (message.type === 'interval') {
      const interval: Interval = { atMs: message.atMs };
      if (message.warmUp) interval.warmUp = decodeTally(message.warmUp);
      if (message.measured) interval.measured = decodeTally(message.measured);
      collector.add(interval);
    } else if (message.type === 'end') {
      ended = true;
      resolveDone(message.end);
    } else rejectAll(new Error(`load worker failed: ${message.message}`));
  });
  worker.on('error', (error) => rejectAll(error));
  worker.on('exit', (code) => {
    if (!ended) rejectAll(new Error(`load worker exited with code ${code} before reporting its results`));
  });
  const post = (message: ToWorker): void => worker.postMessage(message);
  return {
    ready,
    done,
    start: (startAt) => post({ type: 'start', startAt }),
    cancel: () => post({ type: 'cancel' }),
    async dispose() {
      // A worker that ended has closed its port and exits by itself; terminate is the backstop.
      await worker.terminate();
    },
  };
}

/** Sums what the threads report: totals, warm-up apart, and the timeline of the chart. */
class Collector {
  readonly measured = emptyTally();
  readonly warmUp = emptyTally();
  private readonly buckets = new Map<number, Tally>();
  private readonly width: number;
  private t0 = 0;

  constructor(private readonly plan: LoadPlan) {
    this.width = bucketWidthMs(plan.durationMs);
  }

  start(t0: number): void {
    this.t0 = t0;
  }

  get measureStart(): number {
    return this.t0 + this.plan.warmUpMs;
  }

  add(interval: Interval): void {
    if (interval.warmUp) addTally(this.warmUp, interval.warmUp);
    if (!interval.measured) return;
    addTally(this.measured, interval.measured);
    const last = Math.max(0, Math.ceil(this.plan.durationMs / this.width) - 1);
    const index = Math.min(last, Math.max(0, Math.floor((interval.atMs - this.plan.warmUpMs - 1) / this.width)));
    let bucket = this.buckets.get(index);
    if (!bucket) this.buckets.set(index, (bucket = emptyTally()));
    addTally(bucket, interval.measured);
  }

  timeline(measuredMs: number): TimelineBucket[] {
    const count = Math.max(1, Math.ceil(measuredMs / this.width));
    const out: TimelineBucket[] = [];
    for (let i = 0; i < count; i++) {
      out.push({
        startMs: i * this.width,
        endMs: Math.min(measuredMs, (i + 1) * this.width),
        tally: this.buckets.get(i) ?? emptyTally(),
      });
    }
    return out;
  }

  progress(): Progress {
    const now = performance.now();
    const inWarmUp = now < this.measureStart;
    const elapsed = inWarmUp ? now - this.t0 : now - this.measureStart;
    const tally = inWarmUp ? this.warmUp : this.measured;
    return {
      phase: inWarmUp ? 'warm-up' : elapsed > this.plan.durationMs ? 'finishing' : 'measuring',
      elapsedMs: Math.max(0, elapsed),
      requests: tally.counts.requests,
      errors: errorCount(tally.counts),
      rps: elapsed > 0 ? tally.counts.requests / (Math.min(elapsed, this.plan.durationMs) / 1000) : 0,
      p95Ms: percentileMs(tally.histogram, 95),
    };
  }
}

// A worker runs the file this module is in: the action's bundle (whose entry starts the worker),
// or this module itself when the TypeScript sources run directly (`@github/local-action`).
if (isLoadWorker()) runLoadWorker();
