import * as net from 'node:net';
import * as tls from 'node:tls';
import { type ConnectionErrorClass, describeError, type ErrorSamples } from './error-samples.js';
import { ProtocolError, ResponseParser } from './response-parser.js';
import type { RequestTemplate } from './request.js';
import { arrivalTime, globalArrival, type Share, userStartTime } from './schedule.js';
import { LiveTally, type Tally } from './tally.js';

/** Everything one thread needs to generate its part of the load; structured-cloneable. */
export interface GeneratorConfig {
  /** Resolved address to connect to, the host name for TLS and the port. */
  address: string;
  servername: string;
  port: number;
  tls: boolean;
  templates: RequestTemplate[];
  wheel: Uint16Array;
  model: ClosedModel | OpenModel;
  /** Wall-clock start of the load (ms since the epoch, high resolution); warm-up comes first. */
  startAt: number;
  warmUpMs: number;
  durationMs: number;
  rampUpMs: number;
  requestTimeoutMs: number;
  /** How often results are handed over (progress, timeline). */
  tickMs: number;
}

export interface ClosedModel {
  kind: 'closed';
  /** Global indices of the users this thread runs, and how many users there are in all. */
  users: number[];
  totalUsers: number;
}

export interface OpenModel {
  kind: 'open';
  /** Total arrival rate over every shard and worker, requests per second. */
  rate: number;
  connections: number;
  shard: Share;
  worker: Share;
}

/** Results handed over at every tick: the warm-up's and the measured window's, apart. */
export interface Interval {
  /** Milliseconds since the start of the load, on this thread's clock. */
  atMs: number;
  warmUp?: Tally;
  measured?: Tally;
}

export interface GeneratorEnd {
  /** Open model: arrivals due before the end that no connection was free to send. */
  dropped: number;
  /** Requests in flight when the run was cancelled: discarded, in no figure. */
  interrupted: number;
  cancelled: boolean;
  firstErrors: ErrorSamples;
}

const MAX_BACKOFF_MS = 1000;

class Connection {
  socket: net.Socket | null = null;
  connected = false;
  busy = false;
  /** Latency origin of the request in flight: when it was due. */
  start = 0;
  /** When it was handed to the socket (or to connect), for the request timeout. */
  sentAt = 0;
  template!: RequestTemplate;
  wheelPosition: number;
  lastError: NodeJS.ErrnoException | undefined;
  failures = 0;
  retryTimer: NodeJS.Timeout | undefined;
  readonly parser = new ResponseParser();
  constructor(readonly id: number) {
    this.wheelPosition = id;
  }
}

/**
 * One thread's load: raw sockets, one request in flight per connection, a prebuilt request per
 * template, responses framed by ResponseParser, latencies into a LiveTally. The hot path (a
 * response completes, the next request goes out) allocates nothing of its own.
 */
export class Generator {
  private readonly connections: Connection[] = [];
  private readonly idle: Connection[] = [];
  private readonly warmUp = new LiveTally();
  private readonly measured = new LiveTally();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  private readonly t0: number;
  private readonly measureStart: number;
  private readonly end: number;
  private stopping = false;
  private finished = false;
  private inFlight = 0;
  private interrupted = 0;
  private dropped = 0;
  private cancelled = false;
  private readonly firstErrors: ErrorSamples = {};
  /** Closed model: users whose response has been read, to send again once the reads are done. */
  private readonly ready: Connection[] = [];
  private sendScheduled = false;
  private arrivalTimer: NodeJS.Timeout | undefined;
  private arrivalIndex = 0;
  private nextDue = Infinity;
  private resolve!: (end: GeneratorEnd) => void;
  private readonly config: GeneratorConfig;

  constructor(
    config: GeneratorConfig,
    private readonly onInterval: (interval: Interval) => void,
  ) {
    // Structured cloning turns Buffers into Uint8Arrays; socket.write would convert on every call.
    const templates = config.templates.map((t) => ({
      ...t,
      bytes: Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength),
    }));
    this.config = { ...config, templates };
    this.t0 = config.startAt - performance.timeOrigin;
    this.measureStart = this.t0 + config.warmUpMs;
    this.end = this.measureStart + config.durationMs;
  }

  run(): Promise<GeneratorEnd> {
    const done = new Promise<GeneratorEnd>((resolve) => (this.resolve = resolve));
    const now = performance.now();
    const { model } = this.config;
    if (model.kind === 'closed') {
      model.users.forEach((user, i) => {
        const conn = new Connection(i);
        this.connections.push(conn);
        const at = this.t0 + userStartTime(user, model.totalUsers, this.config.rampUpMs);
        this.timers.push(setTimeout(() => this.connect(conn), Math.max(0, at - now)));
      });
    } else {
      for (let i = 0; i < model.connections; i++) this.connections.push(new Connection(i));
      this.nextDue = this.dueTime(0);
      this.timers.push(
        setTimeout(() => this.connections.forEach((conn) => this.connect(conn)), Math.max(0, this.t0 - now)),
      );
    }
    this.timers.push(setTimeout(() => this.stop(), Math.max(0, this.end - now)));
    this.timers.push(setInterval(() => this.flush(), this.config.tickMs));
    const sweep = Math.max(5, Math.min(250, this.config.requestTimeoutMs / 4));
    this.timers.push(setInterval(() => this.sweepTimeouts(), sweep));
    return done;
  }

  /** Stops at once: requests in flight are discarded and counted as interrupted. */
  cancel(): void {
    if (this.finished) return;
    this.cancelled = true;
    this.stopping = true;
    for (const conn of this.connections) {
      if (conn.busy) {
        conn.busy = false;
        this.inFlight--;
        this.interrupted++;
      }
      this.closeSocket(conn);
    }
    this.finish();
  }

  private dueTime(k: number): number {
    const model = this.config.model as OpenModel;
    return this.t0 + arrivalTime(globalArrival(k, model.shard, model.worker), model.rate, this.config.rampUpMs);
  }

  private connect(conn: Connection): void {
    if (this.stopping) return;
    const { config } = this;
    const socket = config.tls
      ? tls.connect({
          host: config.address,
          port: config.port,
          // SNI carries host names only (RFC 6066); the certificate is still checked against an IP.
          ...(net.isIP(config.servername) ? {} : { servername: config.servername }),
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect({
          host: config.address,
          port: config.port,
          noDelay: true,
          onread: {
            buffer: this.readBuffer,
            callback: (bytes: number, buf: Uint8Array) => {
              if (conn.socket === socket) this.onData(conn, buf as Buffer, bytes);
              return true;
            },
          },
        });
    conn.socket = socket;
    conn.connected = false;
    conn.lastError = undefined;
    if (config.tls) {
      socket.setNoDelay(true);
      socket.on('data', (chunk: Buffer) => {
        if (conn.socket === socket) this.onData(conn, chunk, chunk.length);
      });
    }
    socket.once(config.tls ? 'secureConnect' : 'connect', () => {
      if (conn.socket !== socket) return;
      conn.connected = true;
      conn.failures = 0;
      if (conn.busy) socket.write(conn.template.bytes);
      else if (this.config.model.kind === 'closed') this.send(conn, performance.now());
      else {
        this.idle.push(conn);
        this.pump();
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (conn.socket === socket) conn.lastError = error;
    });
    socket.on('close', () => this.onClose(conn, socket));
  }

  private send(conn: Connection, due: number): void {
    if (this.stopping) return;
    const template = this.config.templates[this.config.wheel[conn.wheelPosition++ % this.config.wheel.length]];
    conn.template = template;
    conn.parser.reset(template.noBody);
    conn.busy = true;
    this.inFlight++;
    conn.start = due;
    conn.sentAt = performance.now();
    if (conn.connected && conn.socket) conn.socket.write(template.bytes);
    else if (!conn.socket) this.connect(conn);
  }

  private onData(conn: Connection, buf: Buffer, length: number): void {
    if (!conn.busy) return;
    let complete: boolean;
    try {
      complete = conn.parser.execute(buf, 0, length);
    } catch (error) {
      conn.lastError = error as NodeJS.ErrnoException;
      conn.socket?.destroy();
      return;
    }
    if (complete) this.complete(conn);
  }

  private complete(conn: Connection): void {
    const now = performance.now();
    const status = conn.parser.status;
    this.tally(conn.start).response((now - conn.start) * 1000, status, conn.template.expect[status] === 1);
    conn.busy = false;
    this.inFlight--;
    if (conn.parser.close) this.closeSocket(conn);
    this.next(conn);
  }

  private next(conn: Connection): void {
    if (this.stopping) {
      this.closeSocket(conn);
      this.checkDone();
    } else if (this.config.model.kind === 'closed') {
      this.sendSoon(conn);
    } else {
      this.idle.push(conn);
      this.pump();
    }
  }

  /**
   * Closed model: the next request goes out after every response of this poll has been read, and
   * its latency starts then. A write on loopback runs the receiver's TCP path on this core; writing
   * between two reads would add it to the latency of every response still waiting to be read.
   * The time between a response and the user's next request is think time, in no latency.
   */
  private sendSoon(conn: Connection): void {
    this.ready.push(conn);
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    setImmediate(this.sendReady);
  }

  private readonly sendReady = (): void => {
    this.sendScheduled = false;
    const ready = this.ready;
    for (let i = 0; i < ready.length; i++) this.send(ready[i], performance.now());
    ready.length = 0;
  };

  /** Open model: sends every arrival that is due, as long as a connection is free. */
  private pump(): void {
    if (this.stopping) return;
    const now = performance.now();
    while (this.idle.length > 0 && this.nextDue <= now && this.nextDue < this.end) {
      const conn = this.idle.pop()!;
      const due = this.nextDue;
      this.nextDue = this.dueTime(++this.arrivalIndex);
      this.send(conn, due);
    }
    if (this.idle.length > 0 && this.arrivalTimer === undefined && this.nextDue < this.end) {
      this.arrivalTimer = setTimeout(
        () => {
          this.arrivalTimer = undefined;
          this.pump();
        },
        Math.max(0, this.nextDue - now),
      );
    }
  }

  private onClose(conn: Connection, socket: net.Socket): void {
    if (conn.socket !== socket) return;
    conn.socket = null;
    const wasConnected = conn.connected;
    conn.connected = false;
    if (conn.busy) {
      if (conn.parser.endsAtClose && conn.lastError === undefined) {
        this.complete(conn);
        return;
      }
      conn.busy = false;
      this.inFlight--;
      this.fail(conn.start, classify(conn.lastError, wasConnected), conn.lastError);
      this.retry(conn);
    } else if (!wasConnected && !this.stopping) {
      // The first connection of a user failed: that is the user's request failing.
      this.fail(performance.now(), classify(conn.lastError, false), conn.lastError);
      this.retry(conn);
    }
  }

  private fail(start: number, kind: ConnectionErrorClass, error: NodeJS.ErrnoException | undefined): void {
    this.tally(start).failure(kind);
    this.firstErrors[kind] ??= describeError(error, kind);
  }

  /** After a failed request: the closed model backs off (a refused port must not spin a core). */
  private retry(conn: Connection): void {
    if (this.stopping) return this.checkDone();
    if (this.config.model.kind === 'open') return this.next(conn);
    conn.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 10 * 2 ** (conn.failures - 1));
    conn.retryTimer = setTimeout(() => {
      conn.retryTimer = undefined;
      this.send(conn, performance.now());
    }, delay);
  }

  private sweepTimeouts(): void {
    const now = performance.now();
    const limit = this.config.requestTimeoutMs;
    for (const conn of this.connections) {
      if (!conn.busy || now - conn.sentAt < limit) continue;
      conn.busy = false;
      this.inFlight--;
      this.fail(conn.start, 'timeout', undefined);
      this.closeSocket(conn);
      this.next(conn);
    }
  }

  private tally(start: number): LiveTally {
    return start < this.measureStart ? this.warmUp : this.measured;
  }

  /** End of the duration: no new requests; those in flight may finish within the timeout. */
  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.config.model.kind === 'open') {
      for (let k = this.arrivalIndex; this.dueTime(k) < this.end; k++) this.dropped++;
    }
    for (const conn of this.connections) if (!conn.busy) this.closeSocket(conn);
    this.checkDone();
  }

  private checkDone(): void {
    if (this.stopping && this.inFlight === 0) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (this.arrivalTimer) clearTimeout(this.arrivalTimer);
    for (const conn of this.connections) this.closeSocket(conn);
    this.flush();
    this.resolve({
      dropped: this.dropped,
      interrupted: this.interrupted,
      cancelled: this.cancelled,
      firstErrors: this.firstErrors,
    });
  }

  private closeSocket(conn: Connection): void {
    if (conn.retryTimer) clearTimeout(conn.retryTimer);
    conn.retryTimer = undefined;
    const socket = conn.socket;
    conn.socket = null;
    conn.connected = false;
    socket?.destroy();
  }

  private flush(): void {
    const interval: Interval = { atMs: performance.now() - this.t0 };
    if (this.warmUp.hasData) interval.warmUp = this.warmUp.drain();
    if (this.measured.hasData) interval.measured = this.measured.drain();
    this.onInterval(interval);
  }
}

function classify(error: NodeJS.ErrnoException | undefined, wasConnected: boolean): ConnectionErrorClass {
  if (error === undefined) return wasConnected ? 'connection-reset' : 'connection-other';
  if (error instanceof ProtocolError) return 'connection-other';
  if (error.code === 'ECONNREFUSED') return 'connection-refused';
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return 'connection-reset';
  return 'connection-other';
}
