import { startEmulator } from '../../src/emulator/index.js';
import { runBundle } from '../../__tests__/harness/runner.js';

const RUNS = 20;
const BASELINE = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
const CANDIDATE = 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0';

/**
 * Real timing, real bundle (build first): production serves one commit, a staged production build
 * serves another with the same latency distribution and error rate. 1) RUNS canary runs of
 * 3 s at 50 requests per second each: how many say fail (the false-positive count; the promise
 * is at most 1). 2) One run with the defaults (30 s at 10 per second each): its wall time, against
 * the promise of 40 s.
 */
export async function runBenchmark(print: (line: string) => void): Promise<boolean> {
  const emu = await startEmulator({ extensions: [] });
  try {
    const profile = { kind: 'profile' as const, medianMs: 20, spread: 0.3, errorRate: 0.005 };
    emu.control.setApp(BASELINE, profile);
    emu.control.setApp(CANDIDATE, profile);
    const token = emu.control.addVercelToken();
    const project = await emu.control.seedVercelProject({ productionSha: BASELINE });
    const created = (await fetch(`${emu.urls.vercel}/v13/deployments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: project.projectId,
        target: 'production',
        autoAssignCustomDomains: false,
        gitSource: { type: 'vercel', sha: CANDIDATE },
      }),
    }).then((r) => r.json())) as { id: string; url: string };
    for (let i = 0; i < 20; i++) {
      const state = (
        (await fetch(`${emu.urls.vercel}/v13/deployments/${created.id}`, {
          headers: { authorization: `Bearer ${token}` },
        }).then((r) => r.json())) as { readyState: string }
      ).readyState;
      if (state === 'READY') break;
    }
    const inputs = {
      'baseline-url': project.productionUrl,
      'candidate-url': `http://${created.url}`,
      paths: '/api/health',
      'fail-on-regression': 'false',
    };

    const verdicts: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const result = await runBundle('canary', { inputs: { ...inputs, duration: '3s', rate: '50' } });
      verdicts.push(result.outputs.verdict ?? `none (exit ${result.exitCode})`);
      const report = JSON.parse(result.outputs.report ?? '{}') as {
        latency?: { medianRegression: number; pValue: number };
        errors?: { pValue: number };
      };
      print(
        `run ${String(run + 1).padStart(2)}: ${verdicts.at(-1)} (median ${report.latency?.medianRegression}%, latency p=${report.latency?.pValue?.toFixed(3)}, errors p=${report.errors?.pValue?.toFixed(3)})`,
      );
    }
    const falsePositives = verdicts.filter((v) => v === 'fail').length;
    print(
      `false positives: ${falsePositives} of ${RUNS} runs with identical baseline and candidate (promise: at most 1)`,
    );

    const started = performance.now();
    const defaults = await runBundle('canary', { inputs, timeoutMs: 120_000 });
    const seconds = (performance.now() - started) / 1000;
    const report = JSON.parse(defaults.outputs.report ?? '{}') as {
      baseline?: { count: number };
      candidate?: { count: number };
    };
    print(
      `default analysis (30s at 10 rps each): ${defaults.outputs.verdict}, ${report.baseline?.count} + ${report.candidate?.count} requests, ended in ${seconds.toFixed(1)} s (promise: within 40 s)`,
    );
    return falsePositives <= 1 && seconds <= 40 && defaults.outputs.verdict !== undefined;
  } finally {
    await emu.stop();
  }
}
