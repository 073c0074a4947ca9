import type { EmuRequest, EmuResponse } from './http-kit.js';
import type { HandlerCtx } from './runtime.js';

export interface FaultAnswer {
  kind: 'rate-limit' | 'server-error';
  status: number;
  /** Retry-After (and similar) headers already chosen by the fault. */
  headers: Record<string, string>;
  retryAfterSeconds: number;
  /** A secondary rate limit (GitHub), not an exhausted quota. */
  secondary?: boolean;
  /** Virtual now, ms. */
  now: number;
}

/** One fake platform behind a path prefix. */
export interface Provider {
  name: string;
  prefix: string;
  /**
   * Root paths also served, unprefixed (the handler sees the whole path): for official clients
   * that take only host, port and protocol, as Stripe's does (`/v1/...`).
   */
  rootPaths?: readonly string[];
  operationsOf?(req: EmuRequest): string[];
  isMutation(req: EmuRequest): boolean;
  /** The provider's own shape for an injected 429 / 5xx. */
  faultResponse(answer: FaultAnswer): EmuResponse;
  handle(req: EmuRequest, ctx: HandlerCtx): Promise<EmuResponse | undefined> | EmuResponse | undefined;
}
