import { errorText, ProviderError } from '../core/errors.js';
import type { Logger } from '../core/host.js';
import { NetworkError } from '../core/http.js';
import type { Clock } from './clock.js';
import { retryAfterOf } from './poll.js';

/**
 * Did a failed mutation perhaps take effect? A timeout, a reset or a 5xx may have come after the
 * platform acted, and a 2xx with a garbled body certainly did. So may a GraphQL `errors[]` on HTTP
 * 200: Railway has answered an applied serviceInstanceDeployV2 and deploymentRollback that way
 * (issue 18). Refused connections, DNS failures, 429s and refused authorisation never reached the
 * platform's logic.
 */
export function outcomeUnknown(error: unknown): boolean {
  if (error instanceof NetworkError)
    return error.kind !== 'connection-refused' && error.kind !== 'dns' && error.kind !== 'tls';
  if (error instanceof ProviderError) {
    if (error.code === 'malformed_response' || error.code === 'unexpected_shape') return true;
    if (error.code === 'graphql_error' && error.status !== undefined && error.status < 300) return true;
    return error.status !== undefined && error.status >= 500;
  }
  return false;
}

/** The platform certainly did not act, and asking again later may work. */
function safeToRepeat(error: unknown): boolean {
  if (error instanceof NetworkError) return error.kind === 'connection-refused' || error.kind === 'dns';
  return error instanceof ProviderError && error.status === 429;
}

export interface MutationOptions {
  clock: Clock;
  log: Logger;
  /** Tries of the mutation itself, the first included. */
  attempts?: number;
  /** Pause before reading back, so a platform that acted has time to show it. */
  settleMs: number;
  /** Reads back this many times before concluding the mutation did not happen (stale reads). */
  readBacks?: number;
}

/**
 * Runs a mutation that must not happen twice. When its outcome is unknown, it reads the state
 * back (`readBack` finds what the mutation would have produced) and repeats the mutation only
 * when the state shows it did not happen.
 */
export async function mutateOnce<T>(
  what: string,
  mutate: () => Promise<T>,
  readBack: () => Promise<T | null>,
  options: MutationOptions,
): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await mutate();
    } catch (error) {
      const message = errorText(error);
      const unknown = outcomeUnknown(error);
      if (!unknown && !(safeToRepeat(error) && attempt < attempts)) throw error;
      if (unknown) {
        options.log.warn(`${what}: outcome unknown (${message}); reading the state back before doing anything again`);
        const { found, answered } = await readBackSeveral(readBack, options);
        if (found !== null) {
          options.log.info(`${what}: it did take effect; continuing with what it produced`);
          return found;
        }
        // Without an answer the state is still unknown, and repeating could do it twice.
        if (!answered || attempt >= attempts) throw error;
        options.log.info(`${what}: it did not take effect; trying again (${attempt + 1}/${attempts})`);
      } else {
        options.log.info(`${what}: ${message}; trying again (${attempt + 1}/${attempts})`);
        await options.clock.sleep(Math.max(options.settleMs, retryAfterOf(error)));
      }
    }
  }
}

async function readBackSeveral<T>(
  readBack: () => Promise<T | null>,
  options: MutationOptions,
): Promise<{ found: T | null; answered: boolean }> {
  const tries = options.readBacks ?? 2;
  let answered = false;
  let notBefore = 0;
  for (let i = 0; i < tries; i++) {
    await options.clock.sleep(Math.max(options.settleMs, notBefore));
    try {
      const found = await readBack();
      answered = true;
      if (found !== null) return { found, answered };
    } catch (error) {
      notBefore = retryAfterOf(error);
      options.log.warn(`reading back failed: ${errorText(error)}`);
    }
  }
  return { found: null, answered };
}
