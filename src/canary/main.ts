import { analyseCanary, type CanaryAnalysis } from '../canary-analysis/analysis.js';
import { distribution } from '../canary-analysis/distribution.js';
import { probeCanary } from '../canary-analysis/probe.js';
import type { ActionDefinition } from '../core/host.js';
import { sleep } from '../core/clock.js';
import { HttpClient } from '../core/http.js';
import { runOnRunner } from '../runtime/runner-host.js';
import type { RunOutcome } from '../core/outcome.js';
import { getInputs, type CanaryInputs } from './inputs.js';
import { renderCanarySummary } from './summary.js';

export const definition: ActionDefinition = {
  name: 'canary',
  async run(host) {
    const settings = getInputs(host.inputs);
    // Both targets at once: an open schedule keeps up to rate × timeout requests in flight each.
    const http = new HttpClient({
      timeoutMs: settings.requestTimeoutMs,
      userAgent: 'threadr-ops-canary',
      maxBodyBytes: settings.maxBodyBytes,
    });
    try {
      const samples = await host.log.group(
        `Probing baseline and candidate for ${settings.durationMs / 1000}s at ${settings.rate} requests per second each`,
        () => probeCanary(settings, { http, now: () => performance.now(), sleep }),
      );
      const analysis = analyseCanary(samples, settings);
      const latencies = (target: 'baseline' | 'candidate') =>
        samples.filter((s) => s.target === target && !s.error && s.latencyMs !== undefined).map((s) => s.latencyMs!);
      const chart = distribution(latencies('baseline'), latencies('candidate'));
      await host.writeSummary(
        renderCanarySummary(analysis, chart, { baseline: settings.baseline.href, candidate: settings.candidate.href }),
      );
      host.setOutput('verdict', analysis.verdict);
      host.setOutput('latency-regression', analysis.latency.medianRegression ?? '');
      host.setOutput('error-rate-increase', analysis.errors.increase);
      host.setOutput(
        'report',
        JSON.stringify({
          ...analysis,
          baselineUrl: settings.baseline.href,
          candidateUrl: settings.candidate.href,
          durationMs: settings.durationMs,
          rate: settings.rate,
          paths: settings.paths,
        }),
      );
      host.log.info(`canary: ${analysis.verdict}: ${analysis.reason}`);
      if (analysis.verdict === 'fail') {
        const message = `canary: fail: ${analysis.reason}`;
        if (settings.failOnRegression) host.fail(message);
        else host.log.warn(message);
      } else if (analysis.verdict === 'inconclusive') host.log.warn(`canary: inconclusive: ${analysis.reason}`);
      return outcome(settings, analysis);
    } finally {
      await http.close();
    }
  },
};

function outcome(settings: CanaryInputs, analysis: CanaryAnalysis): RunOutcome {
  return {
    state: analysis.verdict === 'pass' ? 'success' : analysis.verdict === 'fail' ? 'failure' : 'warning',
    title: `canary ${analysis.verdict}: ${settings.candidate.host} against ${settings.baseline.host}`,
    details: [analysis.reason],
    fields: [
      {
        title: 'Median',
        value:
          analysis.latency.medianRegression === null
            ? '–'
            : `${analysis.latency.medianRegression >= 0 ? '+' : ''}${analysis.latency.medianRegression}%`,
      },
      { title: 'Error rate', value: `${analysis.candidate.errorRate}% (baseline ${analysis.baseline.errorRate}%)` },
    ],
    key: `canary:${settings.candidate.host}`,
  };
}

/** The action on the runner: the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
