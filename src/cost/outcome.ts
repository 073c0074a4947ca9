import type { RunOutcome, RunOutcomeState } from '../core/outcome.js';
import type { CostEvaluation, CostSeverity } from './evaluate.js';
import { formatMoney } from './money.js';

const STATE: Record<CostSeverity, RunOutcomeState> = { ok: 'success', warning: 'warning', critical: 'failure' };

/** What the shared notifier tells Slack about a cost run: the breaches, the actions, the figures. */
export function costOutcome(evaluation: CostEvaluation): RunOutcome {
  const total = evaluation.total;
  const details = evaluation.breaches.map(
    (b) => `• ${b.message}${b.severity === 'critical' && b.action ? ` → ${b.action}` : ''}`,
  );
  for (const p of evaluation.providers) {
    if (p.status === 'failed') details.push(`• ${p.name} could not be read: ${p.spend.failure?.message ?? 'failed'}`);
    if (p.status === 'partial') details.push(`• ${p.name} was read in part: ${p.spend.unread.join('; ')}`);
  }
  return {
    state: STATE[evaluation.severity],
    title: `Cost monitor: ${evaluation.severity.toUpperCase()}${evaluation.partial ? ' (partial)' : ''} - today ${formatMoney(total.today)}, month to date ${formatMoney(total.monthToDate)}, projected ${formatMoney(total.projectedMonth)}`,
    details,
    fields: [
      { title: 'Today', value: formatMoney(total.today) },
      { title: 'Month to date', value: formatMoney(total.monthToDate) },
      { title: 'Projected month', value: formatMoney(total.projectedMonth) },
      { title: 'Actions', value: evaluation.actions.join(', ') || 'none' },
    ],
  };
}
