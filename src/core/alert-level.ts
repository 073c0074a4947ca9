/**
 * The three-step scale that backups' age checks and cost budgets both report on (and the notifier
 * colours): ok < warning < critical.
 */
export type AlertLevel = 'ok' | 'warning' | 'critical';

const RANK: Record<AlertLevel, number> = { ok: 0, warning: 1, critical: 2 };

/** The worst of some levels; `ok` for none. */
export function worstLevel<T extends AlertLevel>(levels: Iterable<T>): T | 'ok' {
  let worst: T | 'ok' = 'ok';
  for (const level of levels) if (RANK[level] > RANK[worst]) worst = level;
  return worst;
}
