import type { Check, CheckGroup } from '../types.js';
import { cookieChecks } from './cookies.js';
import { corsChecks } from './cors.js';
import { exposureChecks } from './exposure.js';
import { headerChecks } from './headers.js';
import { rateLimitChecks } from './rate-limit.js';
import { transportChecks } from './transport.js';

/** Every check, in the order the summary lists them. */
export const CHECKS: readonly Check[] = [
  ...headerChecks,
  ...cookieChecks,
  ...transportChecks,
  ...corsChecks,
  ...exposureChecks,
  ...rateLimitChecks,
];

export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

/** The rate-limit probe sends a burst, so it only runs when asked for by probe-rate-limit. */
export const OPT_IN_CHECKS: ReadonlySet<string> = new Set(['rate-limit']);

export const GROUPS: readonly CheckGroup[] = ['headers', 'cookies', 'transport', 'cors', 'exposed-files', 'rate-limit'];

export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}

export function checksInGroup(group: CheckGroup): Check[] {
  return CHECKS.filter((c) => c.group === group);
}
