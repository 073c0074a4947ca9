/**
 * The component model shared by the deploy and rollback actions: a component (frontend on Vercel,
 * backend on Railway) behind one adapter interface, so ordering, waiting, cancelling, rolling back
 * and re-verifying are written once.
 */

export type ComponentName = 'frontend' | 'backend';
export const COMPONENTS: readonly ComponentName[] = ['frontend', 'backend'];
export type ProviderName = 'vercel' | 'railway';

export const PROVIDER_OF: Record<ComponentName, ProviderName> = { frontend: 'vercel', backend: 'railway' };

export type Environment = 'production' | 'staging' | 'preview';
export const ENVIRONMENTS: readonly Environment[] = ['production', 'staging', 'preview'];

/** A deployment as the release logic sees it, whatever the platform. */
export interface Observation {
  id: string;
  /** The platform's own state word (READY, BUILDING, SUCCESS, CRASHED, …). */
  state: string;
  phase: 'pending' | 'succeeded' | 'failed';
  url: string | null;
  sha: string | null;
  /** The platform's error, when it failed. */
  error?: string;
  /** Where a person reads the build / deploy logs. */
  logUrl?: string | null;
}

/** What served before a deploy: the deployment to go back to. */
export interface RollbackTarget {
  provider: ProviderName;
  deploymentId: string;
  url: string | null;
  sha: string | null;
  /** Vercel project id, or Railway service id: the rollback action checks it matches its inputs. */
  scope: string;
}

/** A production pin left by an instant rollback (Vercel only). */
export interface Pin {
  deploymentId: string | null;
  description: string | null;
}

export interface WaitContext {
  deadline: number;
  /** A cancelled job: stop waiting at once. */
  signal?: AbortSignal;
  /** Called for each observation while waiting, so the log shows progress. */
  onProgress?: (observation: Observation) => void;
}

export type WaitOutcome =
  | { kind: 'settled'; observation: Observation; reads: number }
  | { kind: 'timed-out'; last?: Observation; reads: number }
  | { kind: 'cancelled'; last?: Observation; reads: number };

export interface ComponentAdapter {
  readonly component: ComponentName;
  readonly provider: ProviderName;
  /** For people: `frontend (Vercel project prj_123)`. */
  readonly label: string;
  /** What serves the environment now (null on a first deploy). */
  current(): Promise<RollbackTarget | null>;
  /** An active rollback pin, if the platform has such a thing. */
  pin(): Promise<Pin | null>;
  /** A deployment of this commit that is live or still on its way (re-runs adopt it, never duplicate it). */
  findForCommit(sha: string): Promise<Observation | null>;
  /**
   * Starts a deployment of the commit. A create whose outcome is unknown (timeout, 5xx) is never
   * repeated blindly: the adapter looks for what it may have created first.
   */
  start(sha: string): Promise<Observation>;
  observe(id: string): Promise<Observation>;
  /** Waits for a terminal state with adaptive polling. */
  wait(id: string, startedAt: number, context: WaitContext): Promise<WaitOutcome>;
  /** Stops a deployment still on its way (given up on). */
  cancel(id: string): Promise<void>;
  /**
   * Makes a built deployment serve the environment (Vercel: promote when it was not aliased, as
   * over a pin). Returns a message when it had to act.
   */
  ensureServing(observation: Observation, context: WaitContext): Promise<string | null>;
  /** Is `deploymentId` what serves now? */
  isServing(deploymentId: string): Promise<boolean>;
  /**
   * The URL users reach the environment at when `deploymentId` serves it (Vercel: the production
   * domain); null when the platform names none or something else serves. Absent where a platform
   * has no shared domain to ask about.
   */
  productionUrl?(deploymentId: string): Promise<string | null>;
  /**
   * Goes back to `target`; resolves with the deployment that serves afterwards. `pin` (the rollback
   * action) uses Vercel's instant rollback, which holds production there until someone promotes;
   * `promote` (the deploy action undoing its own change) re-points production without a pin, so
   * the next fixed deploy goes through.
   */
  rollbackTo(target: RollbackTarget, reason: string, context: WaitContext, mode: RestoreMode): Promise<Observation>;
  /**
   * The newest deployment of commit `sha` that served and can be gone back to: the platform's side
   * of "the last verified deployment" (GitHub Deployments know which commit was verified).
   */
  deploymentOf(sha: string): Promise<RollbackTarget | null>;
  /** The last deployment before the current one that served successfully (`to: previous`). */
  previous(): Promise<RollbackTarget | null>;
  /** The end of the logs that explain a failed deployment; empty where the platform offers none. */
  failureLogs(observation: Observation): Promise<LogExcerpt[]>;
}

/** Enough of a log to show the error and what led to it, short enough for a job summary. */
export const LOG_TAIL_LINES = 20;

/** A titled tail of a log: `build log of 4f2e…, last 20 lines`. */
export interface LogExcerpt {
  title: string;
  lines: string[];
}

export type RestoreMode = 'pin' | 'promote';

/** Thrown by an adapter when it cannot do what was asked; the message is for people. */
export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}
