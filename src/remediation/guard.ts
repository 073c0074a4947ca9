import type { RecordEntry, RemediationKind } from './types.js';

/**
 * The guard rails, as a pure decision over the record (docs/remediation.md "Guard rails"):
 * - cooldown: the same action on the same target is not attempted again sooner than `cooldownMs`
 *   after the last attempt (so a flapping signal — critical, ok, critical — acts once);
 * - max-actions-per-hour: at most this many attempts, of any kind, in the 60 minutes before now.
 * Attempts are `before` entries, so a failed action counts as much as one that worked. Reverts
 * are an operator undoing something and are never held back (nor counted).
 */
export const HOUR_MS = 3_600_000;

export interface GuardSettings {
  cooldownMs: number;
  maxActionsPerHour: number;
}

export type GuardVerdict = { allowed: true } | { allowed: false; why: string };

export function guard(
  entries: readonly RecordEntry[],
  kind: RemediationKind,
  target: string,
  now: number,
  settings: GuardSettings,
): GuardVerdict {
  const attempts = entries.filter((entry) => entry.phase === 'before' && !entry.reverts && entry.at <= now);
  const last = attempts
    .filter((entry) => entry.kind === kind && entry.target === target)
    .reduce<RecordEntry | undefined>((newest, entry) => (!newest || entry.at > newest.at ? entry : newest), undefined);
  if (last && now - last.at < settings.cooldownMs) {
    const left = Math.ceil((settings.cooldownMs - (now - last.at)) / 60_000);
    return {
      allowed: false,
      why: `cooldown: ${kind} on ${target} was attempted at ${new Date(last.at).toISOString()}, ${left} min of the cooldown left`,
    };
  }
  const lastHour = attempts.filter((entry) => now - entry.at < HOUR_MS);
  if (lastHour.length >= settings.maxActionsPerHour) {
    return {
      allowed: false,
      why: `limit: ${lastHour.length} actions in the last hour, max-actions-per-hour is ${settings.maxActionsPerHour}`,
    };
  }
  return { allowed: true };
}

/** The last applied, not yet reverted action of a kind on a target: what `revert: true` undoes. */
export function lastToRevert(
  entries: readonly RecordEntry[],
  kind: RemediationKind,
  target: string,
): RecordEntry | undefined {
  const reverted = new Set(
    entries.filter((entry) => entry.reverts && entry.phase === 'after' && entry.ok).map((entry) => entry.reverts!),
  );
  return entries
    .filter(
      (entry) =>
        entry.kind === kind &&
        entry.target === target &&
        entry.phase === 'after' &&
        entry.ok &&
        !entry.reverts &&
        !reverted.has(entry.id),
    )
    .reduce<RecordEntry | undefined>((newest, entry) => (!newest || entry.at >= newest.at ? entry : newest), undefined);
}
