import { formatDuration } from '../core/duration.js';
import { FAIL, PASS, heading, mermaidChart, table } from '../core/markdown.js';
import { percentileMs } from '../load/histogram.js';
import type { LoadOutcome } from '../load/result-file.js';
import { ERROR_CLASSES, errorCount } from '../load/tally.js';
import { formatMs, formatObserved } from '../load/thresholds.js';
import { bucketRps, type LoadVerdict, type RunDescription } from '../load/report.js';

/** k6's order: the verdict and thresholds first, then the figures, then the picture. */
export function renderLoadSummary(outcome: LoadOutcome, verdict: LoadVerdict, description: RunDescription): string {
  const { figures } = verdict;
  const parts: string[] = [];
  const title = verdict.passed ? `${PASS} Load test passed` : `${FAIL} Load test failed`;
  parts.push(heading(2, title));
  if (!verdict.passed) parts.push(verdict.reasons.map((r) => `- ${r}`).join('\n'));
  parts.push(describe(outcome, description));

  parts.push(heading(3, 'Thresholds'));
  if (verdict.thresholds.length === 0)
    parts.push('_No thresholds were set: this run measures, it does not judge latency._');
  else {
    parts.push(
      table(
        ['', 'Threshold', 'Observed'],
        verdict.thresholds.map((r) => [
          r.passed ? '✓' : '✗',
          `\`${r.threshold.source}\``,
          formatObserved(r.threshold.kind, r.observed),
        ]),
      ),
    );
  }

  parts.push(heading(3, 'Figures'));
  const l = figures.latency;
  parts.push(
    table(
      ['Requests', 'Requests/s', 'Error rate', 'p50', 'p90', 'p95', 'p99', 'max'],
      [
        [
          figures.requests,
          figures.rps.toFixed(1),
          `${(figures.errorRate * 100).toFixed(2)}%`,
          formatMs(l.p50),
          formatMs(l.p90),
          formatMs(l.p95),
          formatMs(l.p99),
          formatMs(l.max),
        ],
      ],
    ),
  );
  const s = figures.statusClasses;
  parts.push(
    table(
      ['Status', '1xx', '2xx', '3xx', '4xx', '5xx'],
      [['responses', s['1xx'], s['2xx'], s['3xx'], s['4xx'], s['5xx']]],
    ),
  );
  parts.push(
    table(
      ['Error class', 'Count', 'Share of requests'],
      ERROR_CLASSES.map((name) => [
        errorLabel(name),
        figures.errorClasses[name],
        share(figures.errorClasses[name], figures.requests),
      ]),
    ),
  );

  const chart = timelineCharts(outcome);
  if (chart) parts.push(heading(3, 'Over time'), chart);

  parts.push(notes(outcome));
  return `${parts.filter((p) => p !== '').join('\n\n')}\n`;
}

function describe(outcome: LoadOutcome, description: RunDescription): string {
  // A merge knows the model from its files but not the users or rate the shards were given.
  const load =
    outcome.model === 'open'
      ? `open model: ${description.rate === undefined ? 'requests' : `${description.rate} requests/s`} on a fixed schedule (latency from each request's intended start)${description.users === undefined ? '' : `, up to ${description.users} connections`}`
      : `closed model: ${description.users === undefined ? 'users' : `${description.users} users`}, each waiting for its answer before the next request`;
  const shard = outcome.shards[0];
  const shards =
    outcome.kind === 'merge'
      ? `, merged from ${outcome.shards.length} shard results`
      : shard.count > 1
        ? `, shard ${shard.index}/${shard.count} (its share of the ${outcome.model === 'open' ? 'rate and connections' : 'users'})`
        : '';
  return `${description.target} — ${load}; ${formatDuration(outcome.measuredMs)} measured${shards}.`;
}

function errorLabel(name: (typeof ERROR_CLASSES)[number]): string {
  return name === 'status' ? 'unexpected status' : name;
}

function share(count: number, total: number): string {
  return total === 0 ? '–' : `${((count / total) * 100).toFixed(2)}%`;
}

function timelineCharts(outcome: LoadOutcome): string {
  const buckets = outcome.timeline.filter((b) => b.endMs > b.startMs);
  if (buckets.length < 2) return '';
  const fine = buckets.some((b) => b.startMs % 1000 !== 0);
  const labels = buckets.map((b) => `${(b.startMs / 1000).toFixed(fine ? 1 : 0)}s`);
  const throughput = mermaidChart({
    title: 'Throughput (requests/s)',
    xLabels: labels,
    yLabel: 'requests/s',
    series: [{ name: 'rps', values: buckets.map((b) => bucketRps(b.tally.counts.requests, b.startMs, b.endMs)) }],
    bar: true,
  });
  const p95 = mermaidChart({
    title: 'p95 latency (ms)',
    xLabels: labels,
    yLabel: 'ms',
    series: [{ name: 'p95', values: buckets.map((b) => percentileMs(b.tally.histogram, 95)) }],
  });
  return `${throughput}\n\n${p95}`;
}

function notes(outcome: LoadOutcome): string {
  const lines: string[] = [];
  if (outcome.warmUpMs > 0) {
    const w = outcome.warmUp;
    lines.push(
      `- Warm-up: ${formatDuration(outcome.warmUpMs)} of load before the measured window, reported here and counted nowhere else: ${w.counts.requests} requests, p50 ${formatMs(percentileMs(w.histogram, 50))}, p99 ${formatMs(percentileMs(w.histogram, 99))}, ${errorCount(w.counts)} errors.`,
    );
  }
  if (outcome.dropped > 0) {
    lines.push(
      `- ${outcome.dropped} scheduled requests were never sent: every connection was busy (raise \`users\`, or the target cannot keep up with \`rate\`).`,
    );
  }
  for (const [kind, message] of Object.entries(outcome.firstErrors))
    lines.push(`- First \`${kind}\` error: ${message}`);
  if (outcome.interrupted > 0)
    lines.push(`- ${outcome.interrupted} requests in flight at cancellation were discarded (in no figure).`);
  lines.push(
    '- Latencies are recorded in microseconds (HDR histogram, 3 significant digits); requests in flight at the end were given the request timeout to finish and are counted.',
  );
  if (outcome.kind === 'merge') {
    lines.push(
      table(
        ['Shard', 'Started', 'Requests', 'Requests/s', 'File'],
        outcome.shards.map((s) => [`${s.index}/${s.count}`, s.startedAt, s.requests, s.rps.toFixed(1), s.file ?? '']),
      ),
    );
  }
  return `<details><summary>Notes</summary>\n\n${lines.join('\n')}\n\n</details>`;
}
