import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the app of a commit behaves once its deployment serves. */
export type AppBehaviour =
  /** 200 `{status:'ok', version:<sha>}` on /health, /api/health, /healthz; 200 JSON on any other path. */
  | { kind: 'healthy' }
  /** Every path answers `status` (default 500) `{status:'error'}`. */
  | { kind: 'broken'; status?: number }
  /** Healthy, but every answer waits `delayMs` (real ms; released when the client gives up). */
  | { kind: 'slow'; delayMs: number }
  /** Healthy, but reports `version` (default `deadbeef…`) instead of its commit. */
  | { kind: 'wrong-version'; version?: string }
  /** Healthy for `afterRequests` requests (default 3), then 503 `{status:'crashed'}`; a Railway deployment goes CRASHED. */
  | { kind: 'crash-later'; afterRequests?: number }
  /** Connections are reset: the runner cannot reach it (not the app's fault). */
  | { kind: 'unreachable' }
  /**
   * Healthy, with a latency distribution and an error rate, so a canary can tell two builds apart:
   * each answer waits a log-normal delay (median `medianMs`, shape `spread`, default 0.2) and fails
   * with 500 with probability `errorRate` (0..1). The n-th request a deployment serves gets the
   * n-th draw of a PRNG seeded by `seed` (default 1) and the commit: the same commit shows the
   * same figures on every run, whatever deployment ids the emulator hands out.
   */
  | { kind: 'profile'; medianMs: number; spread?: number; errorRate?: number; seed?: number };

export const WRONG_VERSION = 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef';

/** What an app URL stands for right now, resolved per request so promotions and rollbacks show at once. */
export interface AppTarget {
  provider: 'vercel' | 'railway';
  deploymentId: string;
  sha: string;
  /** serving: answers per behaviour; starting: 503; crashed: 503; gone: 404. */
  phase: 'serving' | 'starting' | 'crashed' | 'gone';
}

export interface AppsState {
  /** Behaviour per commit SHA (full or any prefix of at least 7 characters); default healthy. */
  behaviours: Record<string, AppBehaviour>;
  /** Listening port per app key (a deployment id, `vercel-production:<projectId>`, `railway-service:<serviceId>:<environmentId>`). */
  ports: Record<string, number>;
  /** Requests served per deployment (crash-later counts them). */
  served: Record<string, number>;
  /** The latest app requests (bounded), so a test can tell which build a URL served and when. */
  log?: AppRequest[];
}

/** One request an app URL answered: which URL (`key`) and which build was behind it. */
export interface AppRequest {
  key: string;
  deploymentId: string;
  sha: string;
  path: string;
  status: number | 'reset';
}

const APP_LOG_LIMIT = 20_000;

/** Mulberry32: a tiny seeded PRNG, enough to make emulated latency reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The `index`-th draw of a profile app: its delay (ms) and whether it fails. Pure, so tests can reproduce it. */
export function profileDraw(
  behaviour: Extract<AppBehaviour, { kind: 'profile' }>,
  stream: string,
  index: number,
): { delayMs: number; fails: boolean } {
  let hash = behaviour.seed ?? 1;
  for (const char of `${stream}#${index}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  const random = seededRandom(hash);
  // Box-Muller: a standard normal from two uniforms, then the log-normal around the median.
  const u1 = Math.max(random(), Number.EPSILON);
  const u2 = random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return {
    delayMs: behaviour.medianMs * Math.exp((behaviour.spread ?? 0.2) * z),
    fails: random() < (behaviour.errorRate ?? 0),
  };
}

export function initialAppsState(): AppsState {
  return { behaviours: {}, ports: {}, served: {} };
}

export function behaviourFor(state: AppsState, sha: string): AppBehaviour {
  const exact = state.behaviours[sha];
  if (exact) return exact;
  for (const [key, behaviour] of Object.entries(state.behaviours)) {
    if (key.length >= 7 && (sha.startsWith(key) || key.startsWith(sha))) return behaviour;
  }
  return { kind: 'healthy' };
}

export interface AppHostHooks {
  state(): AppsState;
  resolve(key: string): AppTarget | undefined;
  /** A crash-later app just crashed. */
  crashed(target: AppTarget): void;
}

/**
 * The real HTTP servers behind deployment URLs: one loopback port per deployment and one stable
 * port per production alias / service, so a health check can reach "production" and see a
 * rollback take effect.
 */
export class AppHost {
  private readonly servers = new Map<string, Server>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly hooks: AppHostHooks) {}

  /** Starts (or keeps) the server for `key` and returns its `127.0.0.1:port` host. */
  async ensure(key: string): Promise<string> {
    const ports = this.hooks.state().ports;
    if (!this.servers.has(key)) {
      const server = createServer((req, res) => this.serve(key, req, res));
      server.on('connection', (socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      });
      this.servers.set(key, server);
      await listen(server, ports[key] ?? 0);
      ports[key] = (server.address() as AddressInfo).port;
    }
    return `127.0.0.1:${ports[key]}`;
  }

  /** Re-listens every app known to the state (after a restart). */
  async resumeAll(): Promise<void> {
    for (const key of Object.keys(this.hooks.state().ports)) await this.ensure(key);
  }

  async stopAll(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    const closing = [...this.servers.values()].map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    this.servers.clear();
    await Promise.all(closing);
  }

  private serve(key: string, req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const target = this.hooks.resolve(key);
    if (!target || target.phase === 'gone')
      return send(req, res, 404, {
        error: { code: 'DEPLOYMENT_NOT_FOUND', message: 'The deployment could not be found.' },
      });
    if (target.phase === 'starting')
      return send(req, res, 503, { status: 'starting', deploymentId: target.deploymentId });
    if (target.phase === 'crashed')
      return send(req, res, 503, { status: 'crashed', deploymentId: target.deploymentId });
    const state = this.hooks.state();
    const behaviour = behaviourFor(state, target.sha);
    const served = (state.served[target.deploymentId] = (state.served[target.deploymentId] ?? 0) + 1);
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    const log = (state.log ??= []);
    res.on('close', () => {
      log.push({
        key,
        deploymentId: target.deploymentId,
        sha: target.sha,
        path,
        status: res.headersSent ? res.statusCode : 'reset',
      });
      if (log.length > APP_LOG_LIMIT) log.splice(0, log.length - APP_LOG_LIMIT);
    });
    const healthy = (version: string) => ({
      status: 'ok',
      version,
      deploymentId: target.deploymentId,
      provider: target.provider,
      path,
    });
    switch (behaviour.kind) {
      case 'healthy':
        return send(req, res, 200, healthy(target.sha), target);
      case 'broken':
        return send(
          req,
          res,
          behaviour.status ?? 500,
          { status: 'error', version: target.sha, deploymentId: target.deploymentId },
          target,
        );
      case 'wrong-version':
        return send(req, res, 200, healthy(behaviour.version ?? WRONG_VERSION), {
          ...target,
          sha: behaviour.version ?? WRONG_VERSION,
        });
      case 'unreachable':
        req.socket.destroy();
        return;
      case 'crash-later':
        if (served > (behaviour.afterRequests ?? 3)) {
          this.hooks.crashed(target);
          return send(req, res, 503, { status: 'crashed', deploymentId: target.deploymentId });
        }
        return send(req, res, 200, healthy(target.sha), target);
      case 'slow':
        return this.later(res, behaviour.delayMs, () => send(req, res, 200, healthy(target.sha), target));
      case 'profile': {
        const draw = profileDraw(behaviour, target.sha, served);
        return this.later(res, draw.delayMs, () =>
          draw.fails
            ? send(req, res, 500, { status: 'error', version: target.sha, deploymentId: target.deploymentId }, target)
            : send(req, res, 200, healthy(target.sha), target),
        );
      }
    }
  }

  /** Answers after `delayMs` real ms; released when the client gives up. */
  private later(res: ServerResponse, delayMs: number, answer: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      answer();
    }, delayMs);
    this.timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  target?: Pick<AppTarget, 'sha' | 'deploymentId'>,
): void {
  if (res.writableEnded || res.destroyed) return;
  const payload = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
  };
  if (target) {
    headers['x-app-version'] = target.sha;
    headers['x-deployment-id'] = target.deploymentId;
  }
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : payload);
}

export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}
