import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { listen } from './apps.js';
import type { EmulatorExtension } from './extension-api.js';
import { reshape, type Fault } from './faults.js';
import { httpDate, json, type EmuRequest, type EmuResponse } from './http-kit.js';
import type { Provider } from './provider.js';
import { extensionContext, type EmulatorState, type HandlerCtx, type Runtime } from './runtime.js';

const MAX_HOLD_MS = 600_000;

/** Answers `/_control/...`; undefined = not found. */
export type ControlHandler = (req: EmuRequest) => Promise<EmuResponse | undefined>;

export function extensionProvider(extension: EmulatorExtension<Record<string, unknown>>): Provider {
  return {
    name: extension.name,
    prefix: extension.prefix as string,
    rootPaths: extension.rootPaths,
    isMutation: (req) => extension.isMutation?.(req) ?? (req.method !== 'GET' && req.method !== 'HEAD'),
    faultResponse(answer) {
      const code = answer.kind === 'rate-limit' ? 'rate_limited' : 'internal_server_error';
      const message = answer.kind === 'rate-limit' ? 'Rate limit exceeded' : 'Internal server error';
      return (
        extension.errorResponse?.(answer.status, code, message, answer.headers) ??
        json(answer.status, { error: { code, message } }, answer.headers)
      );
    },
    async handle(req, ctx) {
      const answer = await extension.handle?.(req, extensionContext(ctx, extension.name));
      return answer ?? json(404, { error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
    },
  };
}

/**
 * The one listener: routes by path prefix, records every request, applies scripted faults,
 * snapshots state before mutations (for stale reads) and shuts down without leaving sockets open.
 */
export class EmulatorServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly holds = new Set<() => void>();
  /** State as it was before the last mutation, per provider. */
  private readonly snapshots = new Map<string, EmulatorState>();

  constructor(
    private readonly rt: Runtime,
    private readonly providers: Provider[],
    private readonly control: ControlHandler,
  ) {}

  get listening(): boolean {
    return this.server !== undefined;
  }

  async listen(port: number): Promise<number> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await listen(server, port);
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const release of [...this.holds]) release();
    this.holds.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: string;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      body = Buffer.concat(chunks).toString('utf8');
    } catch {
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const base: Omit<EmuRequest, 'path'> = {
      method,
      fullPath: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      params: {},
      seq: 0,
    };

    if (url.pathname === '/_control' || url.pathname.startsWith('/_control/')) {
      const answer = await this.safely(() =>
        this.control({ ...base, path: url.pathname.slice('/_control'.length) || '/' }),
      );
      return this.send(res, req, answer ?? json(404, { error: `no control route ${method} ${url.pathname}` }));
    }

    const under = (path: string, root: string): boolean => path === root || path.startsWith(`${root}/`);
    const prefixed = this.providers
      .filter((candidate) => under(url.pathname, candidate.prefix))
      .sort((a, b) => b.prefix.length - a.prefix.length)[0];
    const rooted = prefixed
      ? undefined
      : this.providers.find((candidate) => candidate.rootPaths?.some((root) => under(url.pathname, root)));
    const provider = prefixed ?? rooted;
    if (!provider) {
      return this.send(
        res,
        req,
        json(404, {
          error: `unknown path ${url.pathname}; providers are served under ${this.providers.map((p) => p.prefix).join(', ')}`,
        }),
      );
    }
    const emuReq: EmuRequest = {
      ...base,
      path: prefixed ? url.pathname.slice(prefixed.prefix.length) || '/' : url.pathname,
    };
    const operations = provider.operationsOf?.(emuReq) ?? [];
    const mutation = provider.isMutation(emuReq);
    const record = this.rt.requests.record({
      at: this.rt.clock.now(),
      provider: provider.name,
      method,
      path: emuReq.path,
      fullPath: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      operations,
    });
    emuReq.seq = record.seq;
    const fault = this.rt.faults.take({
      provider: provider.name,
      method,
      path: emuReq.path,
      operations,
      isRead: !mutation,
    });
    if (fault) record.fault = fault.kind;

    const before = fault ? await this.beforeHandling(fault, provider, req, res) : undefined;
    if (before === 'done') {
      record.outcome = res.headersSent ? res.statusCode : fault?.kind === 'hang' ? 'hang' : 'reset';
      return;
    }
    if (before) {
      record.outcome = before.status;
      return this.send(res, req, before);
    }

    let ctx: HandlerCtx = { root: this.rt.state, stale: false, rt: this.rt };
    if (fault?.kind === 'stale-read') {
      const snapshot = this.snapshots.get(provider.name);
      if (snapshot) ctx = { root: structuredClone(snapshot), stale: true, rt: this.rt };
    } else if (mutation) {
      this.snapshots.set(provider.name, structuredClone(this.rt.state));
    }
    let answer = (await this.safely(() => provider.handle(emuReq, ctx))) ?? json(404, { error: 'not found' });

    if (fault && 'afterHandling' in fault && fault.afterHandling) {
      if (fault.kind === 'server-error') answer = this.faultAnswer(provider, 'server-error', fault);
      else if (fault.kind === 'graphql-error') answer = graphqlErrorAnswer(fault.message);
      else {
        record.outcome = fault.kind === 'hang' ? 'hang' : 'reset';
        return fault.kind === 'hang' ? this.hold(res, req, fault.ms) : resetSocket(req.socket);
      }
    }
    if (fault?.kind === 'malformed-json') {
      const text = String(answer.body ?? '');
      answer = { ...answer, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
    }
    if (fault?.kind === 'reshape') {
      try {
        answer = { ...answer, body: JSON.stringify(reshape(JSON.parse(String(answer.body)), fault.omit, fault.set)) };
      } catch {
        // Not JSON: nothing to reshape.
      }
    }
    record.outcome = answer.status;
    this.send(res, req, answer);
  }

  /** Faults that answer instead of the provider; 'done' = the socket was dealt with. */
  private async beforeHandling(
    fault: Fault,
    provider: Provider,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<EmuResponse | 'done' | undefined> {
    switch (fault.kind) {
      case 'rate-limit':
        return this.faultAnswer(provider, 'rate-limit', fault);
      case 'server-error':
        return fault.afterHandling ? undefined : this.faultAnswer(provider, 'server-error', fault);
      case 'html-error': {
        const status = fault.status ?? 502;
        const page = `<!DOCTYPE html>\n<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n`;
        return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
      }
      case 'graphql-error':
        return fault.afterHandling ? undefined : graphqlErrorAnswer(fault.message);
      case 'respond':
        return fault.json !== undefined
          ? json(fault.status, fault.json, fault.headers)
          : { status: fault.status, headers: fault.headers, body: fault.body ?? '' };
      case 'reset':
        if (fault.afterHandling) return undefined;
        resetSocket(req.socket);
        return 'done';
      case 'hang':
        if (fault.afterHandling) return undefined;
        await this.hold(res, req, fault.ms);
        return 'done';
      case 'delay':
        await this.wait(res, Math.min(fault.ms, MAX_HOLD_MS));
        return res.destroyed ? 'done' : undefined;
      default:
        return undefined;
    }
  }

  private faultAnswer(
    provider: Provider,
    kind: 'rate-limit' | 'server-error',
    fault: Extract<Fault, { kind: 'rate-limit' | 'server-error' }>,
  ): EmuResponse {
    const seconds = fault.retryAfterSeconds ?? (kind === 'rate-limit' ? 1 : 0);
    const form =
      fault.retryAfterForm ?? (kind === 'rate-limit' || fault.retryAfterSeconds !== undefined ? 'seconds' : 'none');
    const headers: Record<string, string> = {};
    // The HTTP-date form is computed from real time: that is the clock clients compare it with.
    if (form === 'seconds') headers['retry-after'] = String(seconds);
    if (form === 'http-date') headers['retry-after'] = httpDate(Date.now() + seconds * 1000);
    const status = fault.status ?? (kind === 'rate-limit' ? 429 : 500);
    return provider.faultResponse({
      kind,
      status,
      headers,
      retryAfterSeconds: seconds,
      secondary: fault.kind === 'rate-limit' ? fault.secondary : undefined,
      now: this.rt.clock.now(),
    });
  }

  /** Holds the request unanswered, then destroys the socket; released early on client close or stop. */
  private async hold(res: ServerResponse, req: IncomingMessage, ms = 60_000): Promise<void> {
    await this.wait(res, Math.min(ms, MAX_HOLD_MS));
    resetSocket(req.socket);
  }

  private wait(res: ServerResponse, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.holds.delete(release);
        res.off('close', release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.holds.add(release);
      res.on('close', release);
    });
  }

  private async safely(
    run: () => Promise<EmuResponse | undefined> | EmuResponse | undefined,
  ): Promise<EmuResponse | undefined> {
    try {
      return await run();
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      return json(500, { error: { code: 'emulator_bug', message } });
    }
  }

  private send(res: ServerResponse, req: IncomingMessage, answer: EmuResponse): void {
    if (res.headersSent || res.destroyed) return;
    const body = answer.body ?? '';
    const headers: Record<string, string | string[]> = {
      ...answer.headers,
      'content-length': String(Buffer.byteLength(body)),
    };
    res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  // resetAndDestroy sends an RST (ECONNRESET on the client), closer to a real dropped connection.
  if (typeof (socket as Socket & { resetAndDestroy?: () => void }).resetAndDestroy === 'function')
    (socket as Socket & { resetAndDestroy: () => void }).resetAndDestroy();
  else socket.destroy();
}

/** A `graphql-error` fault's answer: HTTP 200, `errors[]`, no data (Railway's transient failure). */
function graphqlErrorAnswer(message = 'Problem processing request'): EmuResponse {
  return json(200, { errors: [{ message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }], data: null });
}
