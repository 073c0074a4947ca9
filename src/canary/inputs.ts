import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import type { Tolerances } from '../canary-analysis/analysis.js';
import type { ProbeSettings } from '../canary-analysis/probe.js';

export interface CanaryInputs extends ProbeSettings, Tolerances {
  failOnRegression: boolean;
}

/** Every input, validated before any request. Defaults come from action.yml. */
export function getInputs(inputs: InputReader): CanaryInputs {
  const baseline = inputs.url('baseline-url');
  const candidate = inputs.url('candidate-url');
  if (baseline.href === candidate.href)
    throw new ConfigurationError('candidate-url', `must differ from baseline-url, both are '${baseline.href}'`);
  const paths = inputs.list('paths');
  for (const path of paths) {
    if (!path.startsWith('/') || path.startsWith('//'))
      throw new ConfigurationError('paths', `must be paths such as /api/health, one per line, got '${path}'`);
  }
  const durationMs = inputs.duration('duration', { min: 1000, max: 30 * 60_000 });
  const rate = inputs.number('rate', { min: 0.1, max: 200, example: '10' });
  const requestTimeoutMs = inputs.duration('request-timeout', { min: 1, max: 60_000 });
  const confidence = inputs.percent('confidence');
  if (confidence < 50 || confidence >= 100)
    throw new ConfigurationError(
      'confidence',
      `must be a percentage from 50% to below 100% such as 95%, got '${inputs.text('confidence')}'`,
    );
  return {
    baseline,
    candidate,
    paths,
    headers: inputs.headers('headers'),
    durationMs,
    rate,
    requestTimeoutMs,
    maxBodyBytes: inputs.bytes('max-body-size', { min: 1024, max: 1024 ** 3 }),
    maxLatencyRegression: inputs.percent('max-latency-regression') / 100,
    maxErrorRateIncrease: inputs.percent('max-error-rate-increase'),
    confidence: confidence / 100,
    failOnRegression: inputs.boolean('fail-on-regression'),
  };
}
