/**
 * The contract for adding fake providers or fields to the emulator without touching its modules.
 * An extension is registered by appending it to the array in `extensions.ts` (or by passing
 * `extensions` to `startEmulator`). The router gives every extension route, for free: request
 * recording, fault injection (`provider` = the extension's `name`), stale reads from its own state
 * bucket, and persistence of that bucket across `restart()`.
 */
import type { VirtualClock } from './clock.js';
import type { FaultRegistry } from './faults.js';
import type { EmuRequest, EmuResponse } from './http-kit.js';
import type { RequestRecorder } from './recorder.js';

export type { EmuRequest, EmuResponse } from './http-kit.js';
export {
  json,
  text,
  empty,
  parseJsonBody,
  BodyError,
  header,
  bearerToken,
  basicAuth,
  matchPath,
  httpDate,
} from './http-kit.js';
export { vercelError, githubError, slackError, GraphQLFieldError, graphqlErrors } from './provider-errors.js';
export type { Fault, FaultRule, FaultMatch } from './faults.js';
export type { RecordedRequest, RequestFilter } from './recorder.js';

/** Base URLs of a running emulator (no trailing slash). */
export interface EmulatorUrls {
  /** `http://127.0.0.1:PORT` */
  base: string;
  vercel: string;
  /** `…/railway`; the GraphQL endpoint is `railwayGraphql`. */
  railway: string;
  railwayGraphql: string;
  github: string;
  slack: string;
  control: string;
}

/** What every handler (built-in or extension) is given. */
export interface ExtensionContext<S = Record<string, unknown>> {
  /**
   * This extension's state bucket: plain JSON data only (it is cloned for stale reads and
   * persisted across restarts). During a stale read it is a throwaway copy of the state before the
   * last mutation; writes to it are discarded.
   */
  state: S;
  /** True while answering a `stale-read` fault. */
  stale: boolean;
  clock: VirtualClock;
  urls: EmulatorUrls;
  requests: RequestRecorder;
  faults: FaultRegistry;
}

/** An extra route on the built-in Vercel API (after its bearer-token check), e.g. `GET /v1/billing/charges`. */
export interface VercelExtensionRoute<S = Record<string, unknown>> {
  method: string;
  /** Below `/vercel`, `matchPath` syntax: `/v1/billing/charges`, `/v1/things/:id`. */
  path: string;
  handle(
    req: EmuRequest,
    ctx: ExtensionContext<S> & { token: string; teamId?: string },
  ): Promise<EmuResponse> | EmuResponse;
}

/** Who is calling the Railway API. */
export type RailwayAuth =
  { kind: 'account'; token: string } | { kind: 'project'; token: string; projectId: string; environmentId: string };

export interface RailwayFieldContext<S = Record<string, unknown>> extends ExtensionContext<S> {
  auth: RailwayAuth;
  /**
   * Throws the Railway "Not Authorized" GraphQL error unless the caller may act on this project
   * (and environment, for a project token). Call it with the ids from the field's arguments.
   */
  authorize(projectId?: string, environmentId?: string): void;
  /** Operation type of the document being executed. */
  operationType: 'query' | 'mutation';
}

/**
 * Resolves one root field. `args` has variables substituted. Return plain data (objects, arrays,
 * scalars): the engine projects it onto the query's selection set (aliases, nested fields,
 * `__typename`). Throw `GraphQLFieldError` for a GraphQL error.
 */
export type RailwayFieldResolver<S = Record<string, unknown>> = (
  args: Record<string, unknown>,
  ctx: RailwayFieldContext<S>,
) => unknown;

export interface EmulatorExtension<S = Record<string, unknown>> {
  /** Unique, lower-case (`openai`, `stripe`, `upstash`, `cost-vercel`). Used as fault `provider` and state key. */
  name: string;
  /** Serve everything under this path prefix (`/openai`); the handler sees paths below it. */
  prefix?: string;
  /**
   * Also serve these root paths unprefixed (`/v1/balance_transactions`), for an official client
   * that can only be pointed at a host, port and protocol (Stripe's). The handler sees the whole path.
   */
  rootPaths?: string[];
  /** Initial contents of the state bucket (called once per emulator, unless state was restored). */
  initialState?(): S;
  /** Requests under `prefix`. Return undefined for the emulator's plain 404. */
  handle?(req: EmuRequest, ctx: ExtensionContext<S>): Promise<EmuResponse | undefined> | EmuResponse | undefined;
  /** How rate-limit / server-error faults look under `prefix`. Default: `{ error: { code, message } }` JSON. */
  errorResponse?(status: number, code: string, message: string, headers: Record<string, string>): EmuResponse;
  /** Whether a request under `prefix` changes state (for stale-read snapshots). Default: not GET/HEAD. */
  isMutation?(req: EmuRequest): boolean;
  /** Extra routes on the built-in Vercel API. */
  vercelRoutes?: VercelExtensionRoute<S>[];
  /**
   * Resolvers of root fields on the built-in Railway GraphQL API (`usage`, `estimatedUsage`, …).
   * Each field must be in the schema (railway-schema.ts, or `railwaySchema` below): requests are
   * validated against it before a resolver runs, so arguments arrive coerced and checked.
   */
  railwayFields?: Record<string, RailwayFieldResolver<S>>;
  /**
   * SDL for fields and types Railway has that railway-schema.ts lacks, written from Railway's
   * published schema: `extend type Query { thing(id: String!): Thing! } type Thing { id: ID! }`.
   */
  railwaySchema?: string;
  /** Kept for older extensions; whether a field is a mutation now comes from the schema. */
  railwayMutations?: string[];
  /**
   * Control calls under `/_control/ext/<name>/…` (path below that), e.g. loading fixtures from
   * a demo script. Programmatic access: `emulator.control.extensionState(name)`.
   */
  control?(req: EmuRequest, ctx: ExtensionContext<S>): Promise<EmuResponse | undefined> | EmuResponse | undefined;
  /** Puts demo data into the state bucket (used by `runEmulatorCli` and `control.seedDemo()`). */
  seedDemo?(ctx: ExtensionContext<S>): void;
}
