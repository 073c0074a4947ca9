import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AppHost, initialAppsState } from './apps.js';
import { VirtualClock } from './clock.js';
import { EmulatorControl } from './control.js';
import type { EmulatorExtension, EmulatorUrls } from './extension-api.js';
import { extensions as registeredExtensions } from './extensions.js';
import { FaultRegistry } from './faults.js';
import { githubProvider, initialGithubState } from './github.js';
import type { Provider } from './provider.js';
import { railwayProvider, railwaySchemaFor } from './railway.js';
import { forceStatus, initialRailwayState, railwayAppTarget } from './railway-model.js';
import { RequestRecorder } from './recorder.js';
import type { EmulatorOptions, EmulatorState, Runtime } from './runtime.js';
import { EmulatorServer, extensionProvider } from './server.js';
import { initialSlackState, slackProvider } from './slack.js';
import { vercelProvider } from './vercel.js';
import { initialVercelState, vercelAppTarget } from './vercel-model.js';
import { sleep } from '../core/clock.js';

export type { EmulatorOptions, EmulatorState } from './runtime.js';
export type { EmulatorUrls, EmulatorExtension } from './extension-api.js';
export type { AppBehaviour, AppRequest } from './apps.js';
export type { Fault, FaultRule, FaultMatch } from './faults.js';
export type { StepTiming } from './progress.js';
export type { VercelPlan, VercelSettings, VercelDeployment, VercelProject } from './vercel-model.js';
export type { RailwayPlan, RailwaySettings, RailwayDeployment } from './railway-model.js';
export type { RecordedRequest, RequestFilter } from './recorder.js';
export type { SlackMessage } from './slack.js';
export type { CommitScript, DemoSetup, SettingsPatch } from './control.js';
export type { SeededVercelProject, SeededRailwayService, VercelProjectSeed, RailwayServiceSeed } from './seed.js';
export { EmulatorControl } from './control.js';
export { VirtualClock } from './clock.js';

export function initialState(options: EmulatorOptions = {}): EmulatorState {
  return {
    version: 1,
    counter: 0,
    vercel: initialVercelState(options.vercel),
    railway: initialRailwayState(options.railway),
    github: initialGithubState(options.github),
    slack: initialSlackState(options.slack),
    apps: initialAppsState(),
    ext: {},
  };
}

/** A running emulator. `stop()` in `finally`: it owns listening sockets. */
export class Emulator {
  readonly control: EmulatorControl;
  readonly clock: VirtualClock;
  private readonly server: EmulatorServer;
  private portValue: number;
  private restartTimer?: ReturnType<typeof setTimeout>;
  private restarting?: Promise<void>;

  constructor(
    private readonly rt: Runtime,
    providers: Provider[],
    port: number,
    private readonly stateFile?: string,
  ) {
    this.portValue = port;
    this.clock = rt.clock;
    this.control = new EmulatorControl(rt, { scheduleRestart: (downMs) => this.scheduleRestart(downMs) });
    this.server = new EmulatorServer(rt, providers, (req) => this.control.http(req));
  }

  get port(): number {
    return this.portValue;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return this.rt.urls.base;
  }

  get urls(): EmulatorUrls {
    return this.rt.urls;
  }

  get running(): boolean {
    return this.server.listening;
  }

  /** Starts listening (again) on the same port with the same state. */
  async start(): Promise<void> {
    if (this.server.listening) return;
    this.portValue = await this.server.listen(this.portValue);
    setUrls(this.rt.urls, this.portValue);
    await this.rt.apps.resumeAll();
  }

  /** Closes every socket (API and apps); state stays in memory (and is written to `stateFile`). */
  async stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.restarting?.catch(() => undefined);
    await this.close();
  }

  /** Restart soon, after the current response went out (control API). */
  scheduleRestart(downMs = 0): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarting = this.restart(downMs).finally(() => (this.restarting = undefined));
    }, 10);
  }

  private async close(): Promise<void> {
    await this.server.close();
    await this.rt.apps.stopAll();
    this.rt.clock.dispose();
    this.rt.state.clock = this.rt.clock.snapshot();
    if (this.stateFile) writeFileSync(this.stateFile, JSON.stringify(this.rt.state));
  }

  /** stop(), `downMs` of real time with nothing listening (clients see connection refused), start(). */
  async restart(downMs = 0): Promise<void> {
    await this.close();
    if (downMs > 0) await sleep(downMs);
    await this.start();
  }
}

function setUrls(urls: EmulatorUrls, port: number): void {
  const base = `http://127.0.0.1:${port}`;
  Object.assign(urls, {
    base,
    vercel: `${base}/vercel`,
    railway: `${base}/railway`,
    railwayGraphql: `${base}/railway/graphql/v2`,
    github: `${base}/github`,
    slack: `${base}/slack`,
    control: `${base}/_control`,
  });
}

/**
 * Starts the emulator on 127.0.0.1 (port 0 = any free one). Nothing is seeded unless
 * `seedDemo: true`; use `emulator.control.seed*` and `add*Token`.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see EmulatorOptions.extensions
  const extensions: EmulatorExtension<any>[] = options.extensions ?? registeredExtensions;
  // Fails here, not on the first request, when an extension's Railway resolver has no field in the schema.
  railwaySchemaFor(extensions);
  const restored =
    options.stateFile && existsSync(options.stateFile)
      ? (JSON.parse(readFileSync(options.stateFile, 'utf8')) as EmulatorState)
      : undefined;
  const state = restored ?? initialState(options);
  const clock = new VirtualClock(options.clock);
  if (restored?.clock) clock.restore(restored.clock);
  for (const extension of extensions)
    if (!state.ext[extension.name]) state.ext[extension.name] = extension.initialState?.() ?? {};

  const rt: Runtime = {
    state,
    clock,
    faults: new FaultRegistry(),
    requests: new RequestRecorder(),
    apps: undefined as unknown as AppHost,
    urls: { base: '', vercel: '', railway: '', railwayGraphql: '', github: '', slack: '', control: '' },
    extensions,
  };
  rt.apps = new AppHost({
    state: () => rt.state.apps,
    resolve: (key) => vercelAppTarget(rt.state, key) ?? railwayAppTarget(rt.state, key),
    crashed: (target) => {
      const deployment = target.provider === 'railway' ? rt.state.railway.deployments[target.deploymentId] : undefined;
      if (deployment?.status === 'SUCCESS') forceStatus(rt.state, deployment, 'CRASHED', rt.clock.now());
    },
  });
  const providers: Provider[] = [
    vercelProvider,
    railwayProvider,
    githubProvider,
    slackProvider,
    ...extensions.filter((extension) => extension.prefix).map(extensionProvider),
  ];
  const emulator = new Emulator(rt, providers, options.port ?? 0, options.stateFile);
  await emulator.start();
  if (options.seedDemo && !restored) await emulator.control.seedDemo();
  return emulator;
}
