import type { CanaryAnalysis, TargetFigures } from '../canary-analysis/analysis.js';
import type { Distribution } from '../canary-analysis/distribution.js';
import { FAIL, PASS, WARN, heading, mermaidChart, table } from '../core/markdown.js';

const ICON = { pass: PASS, fail: FAIL, inconclusive: WARN } as const;

/** Verdict and why first, then both targets side by side, then the latency distributions. */
export function renderCanarySummary(
  analysis: CanaryAnalysis,
  chart: Distribution,
  targets: { baseline: string; candidate: string },
): string {
  const row = (label: string, pick: (f: TargetFigures) => unknown) => [
    label,
    pick(analysis.baseline),
    pick(analysis.candidate),
  ];
  const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);
  const p = (value: number | null) => (value === null ? '–' : value < 0.0001 ? '< 0.0001' : value.toFixed(4));
  const parts = [
    heading(2, `${ICON[analysis.verdict]} Canary: ${analysis.verdict}`),
    analysis.reason,
    table(
      ['', 'Baseline', 'Candidate'],
      [
        ['URL', targets.baseline, targets.candidate],
        row('Requests', (f) => f.count),
        row('Errors', (f) => `${f.errors} (${f.errorRate}%)`),
        row('p50', (f) => ms(f.p50Ms)),
        row('p90', (f) => ms(f.p90Ms)),
        row('p99', (f) => ms(f.p99Ms)),
      ],
    ),
    table(
      ['Test', 'Observed', 'Tolerance', 'p-value', `Regressed at ${analysis.confidence}%`],
      [
        [
          'Latency: Mann-Whitney U, one-sided',
          analysis.latency.medianRegression === null
            ? '–'
            : `median ${signed(analysis.latency.medianRegression)}%, P(candidate slower) ${analysis.latency.probabilityCandidateSlower}`,
          `+${analysis.latency.maxRegression}%`,
          p(analysis.latency.pValue),
          analysis.latency.regressed ? FAIL : PASS,
        ],
        [
          'Errors: Fisher exact, one-sided',
          `${signed(analysis.errors.increase)} points`,
          `+${analysis.errors.maxIncrease} points`,
          p(analysis.errors.pValue),
          analysis.errors.regressed ? FAIL : PASS,
        ],
      ],
    ),
  ];
  if (chart.edges.length) {
    parts.push(
      mermaidChart({
        title: 'Latency distribution (share of answers, %): baseline bars, candidate line',
        xLabels: chart.edges.map((edge) => `≤${Math.round(edge * 10) / 10}ms`),
        yLabel: '% of answers',
        series: [
          { name: 'baseline', values: chart.baseline },
          { name: 'candidate', values: chart.candidate },
        ],
        bar: true,
      }),
    );
  }
  return parts.join('\n\n') + '\n';
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value}`;
}
