/**
 * The emulator's notion of time. Virtual time = start + real elapsed × speed + manual advances.
 * Every timestamp the fake platforms report and every time-driven state change reads it, so a test
 * can make "ten minutes" pass with `advance(600_000)` and a benchmark can run a long build at
 * speed 100 without the client and the server disagreeing about what time it is.
 */
export interface ClockOptions {
  /** Virtual epoch ms at start; defaults to the real time. */
  start?: number;
  /** Virtual ms per real ms. 1 = real time, 0 = frozen (only `advance` moves it). Default 1. */
  speed?: number;
  /**
   * When true, `sleep()` does not wait: once every sleeper has registered, virtual time jumps to the
   * earliest wake-up. For in-process clients that take the clock's `sleep`/`now` (benchmarks).
   */
  autoAdvance?: boolean;
}

export interface ClockSnapshot {
  now: number;
  speed: number;
  autoAdvance: boolean;
}

interface Sleeper {
  due: number;
  resolve: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class VirtualClock {
  private base: number;
  private realBase: number;
  private speedValue: number;
  private auto: boolean;
  private readonly sleepers = new Set<Sleeper>();
  private jumpScheduled = false;

  constructor(
    options: ClockOptions = {},
    private readonly realNow: () => number = Date.now,
  ) {
    this.realBase = realNow();
    this.base = options.start ?? this.realBase;
    this.speedValue = options.speed ?? 1;
    this.auto = options.autoAdvance ?? false;
  }

  now(): number {
    return Math.floor(this.base + (this.realNow() - this.realBase) * this.speedValue);
  }

  get speed(): number {
    return this.speedValue;
  }

  /** Moves virtual time forward by `ms` and wakes the sleepers that are due. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`advance: ms must be >= 0, got ${ms}`);
    this.base += ms;
    this.wake();
    return this.now();
  }

  /** Changes the speed from now on (time so far is kept). */
  setSpeed(speed: number): void {
    if (!(speed >= 0)) throw new RangeError(`speed must be >= 0, got ${speed}`);
    this.rebase();
    this.speedValue = speed;
    for (const sleeper of this.sleepers) this.arm(sleeper);
  }

  setAutoAdvance(on: boolean): void {
    this.auto = on;
    if (on) this.scheduleJump();
  }

  /** Resolves once virtual time has moved `ms` forward. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper: Sleeper = { due: this.now() + Math.max(0, ms), resolve };
      this.sleepers.add(sleeper);
      this.arm(sleeper);
      if (this.auto) this.scheduleJump();
    });
  }

  snapshot(): ClockSnapshot {
    return { now: this.now(), speed: this.speedValue, autoAdvance: this.auto };
  }

  restore(snapshot: ClockSnapshot): void {
    this.realBase = this.realNow();
    this.base = snapshot.now;
    this.speedValue = snapshot.speed;
    this.auto = snapshot.autoAdvance;
  }

  /** Releases every sleeper (emulator stop): nothing may keep the process alive. */
  dispose(): void {
    for (const sleeper of this.sleepers) {
      if (sleeper.timer) clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    this.sleepers.clear();
  }

  private rebase(): void {
    const now = this.now();
    this.realBase = this.realNow();
    this.base = now;
  }

  private arm(sleeper: Sleeper): void {
    if (sleeper.timer) clearTimeout(sleeper.timer);
    sleeper.timer = undefined;
    if (this.speedValue <= 0) return;
    const realMs = Math.max(0, (sleeper.due - this.now()) / this.speedValue);
    sleeper.timer = setTimeout(() => {
      sleeper.timer = undefined;
      this.wake();
      // Timers run on the monotonic clock and now() on Date.now(), each rounded to whole ms, so
      // this can fire while the sleeper is still a millisecond short: arm it again, never drop it.
      if (this.sleepers.has(sleeper)) this.arm(sleeper);
    }, Math.ceil(realMs));
    sleeper.timer.unref?.();
  }

  private wake(): void {
    const now = this.now();
    for (const sleeper of [...this.sleepers]) {
      if (sleeper.due > now) continue;
      if (sleeper.timer) clearTimeout(sleeper.timer);
      this.sleepers.delete(sleeper);
      sleeper.resolve();
    }
  }

  private scheduleJump(): void {
    if (this.jumpScheduled) return;
    this.jumpScheduled = true;
    // setImmediate runs after pending I/O callbacks, so parallel pollers have all registered.
    setImmediate(() => this.jump());
  }

  private jump(): void {
    this.jumpScheduled = false;
    if (!this.auto || this.sleepers.size === 0) return;
    const earliest = Math.min(...[...this.sleepers].map((sleeper) => sleeper.due));
    const now = this.now();
    if (earliest > now) this.base += earliest - now;
    this.wake();
    if (this.sleepers.size === 0) return;
    // A woken client is usually busy with a request and will sleep again, which triggers the next
    // jump in order; only when nobody comes back does an idle fallback move the rest along.
    this.jumpScheduled = true;
    setTimeout(() => this.jump(), 20).unref?.();
  }
}
