import { details, heading, mermaidChart, table, FAIL, PASS, WARN } from '../core/markdown.js';
import type { CostEvaluation, SpendFigures, ProviderEvaluation, CostSeverity } from '../cost/evaluate.js';
import { formatMoney } from '../cost/money.js';
import { PROVIDER_NAMES } from '../cost/types.js';

/** The cost monitor's job summary (renderCostSummary): the severity first, then the table, spikes, chart and details. */
const ICON: Record<CostSeverity, string> = { ok: PASS, warning: WARN, critical: FAIL };

function statusCell(p: ProviderEvaluation): string {
  switch (p.status) {
    case 'failed':
      return `${WARN} not read: ${p.spend.failure?.message ?? 'failed'}`;
    case 'skipped':
      return 'skipped (no credentials)';
    case 'unavailable':
      return 'unavailable (billed through a marketplace)';
    case 'no-data':
      return 'no billing data exposed';
    case 'partial':
      return `${WARN} partial (${p.spend.unread.length} part(s) not read)`;
    case 'ok':
      return `${ICON[p.severity]} ${p.severity}`;
  }
}

function dayOverDay(figures: SpendFigures): string {
  const dod = figures.dayOverDay;
  if (!dod) return '—';
  const sign = dod.change >= 0 ? '+' : '';
  const percent = dod.percent === undefined ? '' : ` (${sign}${Math.round(dod.percent)}%)`;
  return `${sign}${formatMoney(dod.change)}${percent}`;
}

function withUnconverted(p: ProviderEvaluation, pick: 'today' | 'monthToDate'): string {
  const base = p.status === 'ok' || p.status === 'partial' ? formatMoney(p[pick]) : '—';
  const extra = p.unconverted.map((u) => `${formatMoney(u[pick], u.currency)} (not converted)`);
  return [base, ...extra].join(' + ');
}

/** The job summary: verdict first, then the table, spikes, chart, and the details. */
export function renderCostSummary(evaluation: CostEvaluation): string {
  const total = evaluation.total;
  const verdict = `${ICON[evaluation.severity]} Cost monitor: ${evaluation.severity.toUpperCase()}${evaluation.partial ? ' (partial: some spend could not be read)' : ''}`;
  const parts: string[] = [heading(2, verdict)];
  parts.push(
    `Total today **${formatMoney(total.today)}** · month to date **${formatMoney(total.monthToDate)}** · projected month **${formatMoney(total.projectedMonth)}** ` +
      `(as of ${evaluation.asOf}, US dollars${total.included.length ? `; ${total.included.map((p) => PROVIDER_NAMES[p]).join(', ')}` : ''})`,
  );
  parts.push(`Projection: ${total.projectionBasis}.`);
  if (evaluation.partial) {
    const names = evaluation.providers
      .filter((p) => p.status === 'failed' || p.status === 'partial')
      .map((p) => p.name);
    parts.push(
      `${WARN} **Partial report**: ${names.join(', ')} could not be read in full; the totals are a lower bound, not a zero.`,
    );
  }
  if (evaluation.breaches.length) {
    parts.push(
      evaluation.breaches
        .map(
          (b) =>
            `- ${ICON[b.severity]} ${b.message}${b.severity === 'critical' && b.action ? ` → **${b.action}**` : ''}`,
        )
        .join('\n'),
    );
  }
  if (evaluation.actions.length)
    parts.push(`Recommended actions: ${evaluation.actions.map((a) => `\`${a}\``).join(', ')}`);

  parts.push(heading(3, 'Spend by provider'));
  const rows = evaluation.providers.map((p) => [
    p.name,
    withUnconverted(p, 'today'),
    withUnconverted(p, 'monthToDate') + (p.monthComplete || p.status !== 'ok' ? '' : ' (incomplete)'),
    formatMoney(p.projectedMonth),
    formatMoney(p.limit.dailyLimit),
    formatMoney(p.limit.monthlyLimit),
    dayOverDay(p),
    statusCell(p),
  ]);
  rows.push([
    '**Total**',
    `**${formatMoney(total.today)}**`,
    `**${formatMoney(total.monthToDate)}**`,
    `**${formatMoney(total.projectedMonth)}**`,
    [
      total.limit.dailyLimit !== undefined ? formatMoney(total.limit.dailyLimit) : '',
      total.limit.alertThreshold !== undefined ? `alert ${formatMoney(total.limit.alertThreshold)}` : '',
    ]
      .filter(Boolean)
      .join(', ') || '—',
    formatMoney(total.limit.monthlyLimit),
    dayOverDay(total),
    `${ICON[total.severity]} ${total.severity}`,
  ]);
  parts.push(
    table(
      [
        'Provider',
        'Today',
        'Month to date',
        'Projected month',
        'Daily limit',
        'Monthly limit',
        'Day over day',
        'Status',
      ],
      rows,
    ),
  );

  parts.push(heading(3, 'Spikes'));
  const scopes: [string, SpendFigures][] = [
    ...evaluation.providers
      .filter((p) => p.status === 'ok' || p.status === 'partial')
      .map((p) => [p.name, p] as [string, SpendFigures]),
    ['Total', total],
  ];
  parts.push(
    table(
      ['Scope', 'Today', 'Trailing 30-day median', 'Ratio', 'Verdict'],
      scopes.map(([name, f]) => [
        name,
        formatMoney(f.today),
        formatMoney(f.trailingMedian),
        f.spikeRatio === undefined ? '—' : `${f.spikeRatio.toFixed(2)}×`,
        f.trailingMedian === undefined
          ? 'not enough history'
          : f.spike
            ? `${FAIL} spike (over ${evaluation.spikeFactor}×)`
            : `${PASS} no spike`,
      ]),
    ),
  );

  const charted = evaluation.providers.filter((p) => p.status === 'ok' || p.status === 'partial');
  if (charted.length) {
    parts.push(heading(3, 'Daily spend this month'));
    parts.push(
      mermaidChart({
        title: `Daily spend (USD), ${total.daily[0]?.day.slice(0, 7) ?? ''}`,
        xLabels: total.daily.map((d) => d.day.slice(8)),
        yLabel: 'USD',
        bar: true,
        series: [
          { name: 'Total', values: total.daily.map((d) => (d.amount ?? 0) / 1e6) },
          ...charted.map((p) => ({ name: p.name, values: p.daily.map((d) => (d.amount ?? NaN) / 1e6) })),
        ],
      }),
    );
    parts.push(`Bars: total; lines: ${charted.map((p) => p.name).join(', ')} (in that order).`);
  }

  const detailLines: string[] = [];
  for (const p of evaluation.providers) {
    const s = p.spend;
    const lines: string[] = [];
    if (s.failure)
      lines.push(`- Failure: ${s.failure.message}${s.failure.requestId ? ` (request id ${s.failure.requestId})` : ''}`);
    for (const u of s.unread) lines.push(`- Not read: ${u}`);
    if (s.freshness.lag)
      lines.push(
        `- Freshness: ${s.freshness.lag}${s.freshness.latestDataDay ? `; latest day with spend ${s.freshness.latestDataDay}` : ''}`,
      );
    if (s.estimate)
      lines.push(`- Provider estimate: ${formatMoney(s.estimate.amount, s.estimate.currency)} (${s.estimate.note})`);
    for (const c of p.converted)
      lines.push(`- ${c.currency.toUpperCase()} converted at ${c.rate} USD per unit (input exchange-rates)`);
    for (const u of p.unconverted)
      lines.push(
        `- ${u.currency.toUpperCase()} spend is shown apart and not in the totals: no exchange rate given (input exchange-rates)`,
      );
    for (const n of s.notes) lines.push(`- ${n}`);
    if (s.items.length)
      lines.push(
        `- Month to date by item: ${s.items
          .slice(0, 8)
          .map((i) => `${i.item} ${formatMoney(i.monthToDate, i.currency)}`)
          .join(', ')}`,
      );
    if (p.status !== 'skipped') lines.push(`- Requests: ${s.requests}`);
    if (lines.length) detailLines.push(`**${p.name}** (${p.status})\n${lines.join('\n')}`);
  }
  if (evaluation.skipped.length)
    detailLines.push(`Skipped (no credentials): ${evaluation.skipped.map((p) => PROVIDER_NAMES[p]).join(', ')}`);
  if (detailLines.length)
    parts.push(details('Details: what was read, what was not, and how', detailLines.join('\n\n')));
  return `${parts.join('\n\n')}\n`;
}
