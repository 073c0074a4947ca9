import type { RunWorkflowOptions, StepRecord } from './workflow.js';

/** One line per step with the figures that matter, then the step's job summary. */
export function printProgress(
  write: (text: string) => void,
  print: (text: string) => void,
): RunWorkflowOptions['onStep'] {
  return ({ phase, step }) => {
    if (phase === 'start') write(`▶ ${step.job} › ${step.id} (${step.runs})\n`);
    else {
      write(`  ${step.outcome === 'success' ? '✔' : '✘'} ${step.id}: ${headline(step)}\n`);
      if (step.summary) print(`\n${step.summary}\n`);
    }
  };
}

export function headline(step: StepRecord): string {
  const o = step.outputs;
  switch (step.action) {
    case 'health-check':
      return `healthy ${o.healthy}${o.failed ? ` (failed: ${o.failed})` : ''}, p95 ${o['p95-ms'] || '–'} ms, error rate ${o['error-rate']}%`;
    case 'load-test':
      return `passed ${o.passed}, ${o.requests} requests, ${o.rps} rps, p95 ${o['p95-ms']} ms`;
    case 'cost-monitor':
      return `severity ${o.severity}, today $${o['total-today']}, month to date $${o['total-month-to-date']}`;
    case 'security-scan':
      return `passed ${o.passed}: ${o.high} high, ${o.medium} medium, ${o.low} low`;
    case 'notify':
      return `notified ${o.status}`;
    case 'canary':
      return `verdict ${o.verdict}, median ${o['latency-regression'] || '–'} %, errors ${o['error-rate-increase'] || '–'} points`;
    default:
      return o.status ? `status ${o.status}` : (step.detail ?? step.outcome);
  }
}
