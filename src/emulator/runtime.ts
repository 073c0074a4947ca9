import type { AppHost, AppsState } from './apps.js';
import type { ClockOptions, ClockSnapshot, VirtualClock } from './clock.js';
import type { EmulatorExtension, EmulatorUrls, ExtensionContext } from './extension-api.js';
import type { FaultRegistry } from './faults.js';
import type { GithubSettings, GithubState } from './github.js';
import type { RailwaySettings, RailwayState } from './railway-model.js';
import type { RequestRecorder } from './recorder.js';
import type { SlackSettings, SlackState } from './slack.js';
import type { VercelSettings, VercelState } from './vercel-model.js';

/** Everything the emulator knows; plain JSON so it can be cloned (stale reads) and persisted (restart). */
export interface EmulatorState {
  version: 1;
  /** Id counter shared by every provider, so ids never repeat within one state. */
  counter: number;
  clock?: ClockSnapshot;
  vercel: VercelState;
  railway: RailwayState;
  github: GithubState;
  slack: SlackState;
  apps: AppsState;
  /** One bucket per extension name. */
  ext: Record<string, Record<string, unknown>>;
}

export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  clock?: ClockOptions;
  vercel?: Partial<VercelSettings>;
  railway?: Partial<RailwaySettings>;
  github?: Partial<GithubSettings>;
  slack?: Partial<SlackSettings>;
  /** Extensions to load; default: the registry in `extensions.ts`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each extension types its own bucket
  extensions?: EmulatorExtension<any>[];
  /** Load state from this file at start (if it exists) and write it at every stop. */
  stateFile?: string;
  /** Seed the demo setup (projects, service, tokens) at start. */
  seedDemo?: boolean;
}

/** The live parts shared by every provider. */
export interface Runtime {
  state: EmulatorState;
  clock: VirtualClock;
  faults: FaultRegistry;
  requests: RequestRecorder;
  apps: AppHost;
  urls: EmulatorUrls;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see EmulatorOptions.extensions
  extensions: EmulatorExtension<any>[];
}

/** A handler's view: `root` is the live state, or a throwaway copy of an older one during a stale read. */
export interface HandlerCtx {
  root: EmulatorState;
  stale: boolean;
  rt: Runtime;
}

export function nextNumber(root: EmulatorState): number {
  root.counter += 1;
  return root.counter;
}

/** `dpl_emu000042`-style ids: readable in test output, unique within a state. */
export function nextId(root: EmulatorState, prefix: string): string {
  return `${prefix}${String(nextNumber(root)).padStart(6, '0')}`;
}

/** A UUID-shaped id (Railway uses UUIDs). */
export function nextUuid(root: EmulatorState): string {
  return `00000000-0000-4000-8000-${String(nextNumber(root)).padStart(12, '0')}`;
}

/** A 40-hex fake commit SHA, for deployments created without one. */
export function fakeSha(root: EmulatorState): string {
  return `e${String(nextNumber(root)).padStart(39, '0')}`;
}

export function extensionContext(ctx: HandlerCtx, name: string): ExtensionContext {
  const bucket = (ctx.root.ext[name] ??= {});
  return {
    state: bucket,
    stale: ctx.stale,
    clock: ctx.rt.clock,
    urls: ctx.rt.urls,
    requests: ctx.rt.requests,
    faults: ctx.rt.faults,
  };
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
