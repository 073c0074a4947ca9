import { relative } from 'node:path';
import { cancellable } from '../core/cancellation.js';
import type { RunOutcome } from '../core/outcome.js';
import type { ActionDefinition, ActionHost } from '../core/host.js';
import { runLoad } from '../load/engine.js';
import { jsonReport, judgeLoad, outputs, progressLine } from '../load/report.js';
import { renderLoadSummary } from './summary.js';
import { mergeResults, type LoadOutcome, outcomeOfRun, readResultFile, writeResultFile } from '../load/result-file.js';
import { formatMs } from '../load/thresholds.js';
import { getInputs, type LoadSettings } from './inputs.js';
import { runOnRunner } from '../runtime/runner-host.js';

export const definition: ActionDefinition = {
  name: 'load-test',
  async run(host) {
    const settings = getInputs(host.inputs, host.env, (value) => host.setSecret(value));
    let outcome: LoadOutcome;
    if (settings.mode === 'merge') {
      const workspace = host.env.GITHUB_WORKSPACE ?? process.cwd();
      outcome = await host.log.group(`Merging ${settings.files.length} shard results`, async () => {
        const files = settings.files.map((path) => ({
          path: relative(workspace, path) || path,
          result: readResultFile(path),
        }));
        for (const f of files)
          host.log.info(
            `${f.path}: shard ${f.result.shard.index}/${f.result.shard.count}, ${f.result.measured.counts.requests} requests`,
          );
        return mergeResults(files);
      });
    } else {
      outcome = await host.log.group('Generating load', () => generate(host, settings));
      if (settings.histogramOut) {
        writeResultFile(settings.histogramOut, outcome);
        host.log.info(`Raw result written to ${settings.histogramOut}`);
      }
    }
    const verdict = judgeLoad(outcome, settings.thresholds);
    const report = jsonReport(outcome, verdict, settings.description);
    for (const [name, value] of Object.entries(outputs(verdict, report))) host.setOutput(name, value);
    const f = verdict.figures;
    host.log.info(
      `${f.requests} requests, ${f.rps.toFixed(1)}/s, errors ${(f.errorRate * 100).toFixed(2)}%, p50 ${formatMs(f.latency.p50)}, p95 ${formatMs(f.latency.p95)}, p99 ${formatMs(f.latency.p99)}, max ${formatMs(f.latency.max)}`,
    );
    for (const r of verdict.thresholds) host.log.info(`${r.passed ? '✓' : '✗'} ${r.threshold.source}`);
    await host.writeSummary(renderLoadSummary(outcome, verdict, settings.description));
    if (!verdict.passed) host.fail(`load-test: ${verdict.reasons.join('; ')}`);
    return notice(verdict, settings.description.target);
  },
};

/** What the shared notifier tells Slack: the verdict and the thresholds that decided it. */
function notice(verdict: ReturnType<typeof judgeLoad>, target: string): RunOutcome {
  const f = verdict.figures;
  return {
    state: verdict.passed ? 'success' : 'failure',
    title: `Load test of ${target}: ${verdict.passed ? 'passed' : 'failed'}`,
    details: verdict.thresholds.map((r) => `${r.passed ? '✓' : '✗'} ${r.threshold.source}`),
    fields: [
      { title: 'Requests', value: String(f.requests) },
      { title: 'Throughput', value: `${f.rps.toFixed(1)}/s` },
      { title: 'p95', value: formatMs(f.latency.p95) },
      { title: 'Errors', value: `${(f.errorRate * 100).toFixed(2)}%` },
    ],
    key: target,
  };
}

/** Runs the load; SIGINT/SIGTERM (a cancelled job) stop it at once and still produce a report. */
async function generate(host: ActionHost, settings: LoadSettings): Promise<LoadOutcome> {
  const { plan } = settings;
  const shape =
    plan.rate === undefined ? `${plan.users} users` : `${plan.rate} requests/s over up to ${plan.users} connections`;
  const shard = plan.shard.count > 1 ? ` (shard ${plan.shard.index + 1}/${plan.shard.count})` : '';
  host.log.info(`${settings.description.target}: ${shape}${shard}, ${plan.workers} worker thread(s) requested`);
  const progressEveryMs = Math.min(5000, Math.max(1000, Math.round((plan.warmUpMs + plan.durationMs) / 10)));
  const result = await cancellable(
    (signal) => host.log.warn(`Received ${signal}: stopping now; requests in flight are discarded`),
    (signal) =>
      runLoad(plan, { signal, progressEveryMs, onProgress: (progress) => host.log.info(progressLine(progress)) }),
  );
  return outcomeOfRun(result);
}

/** The action on the runner (and under `@github/local-action`): the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
