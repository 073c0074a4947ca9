import { isAbsolute, resolve } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';

export interface DashboardInputs {
  /** Files or folders of records, absolute. */
  history: string[];
  outDir: string;
  siteName: string;
  siteUrl: string;
  environment: string;
  days: number;
  latencyAlertMs: number;
  now: number;
  stripe?: { secretKey: string; baseUrl: string; apiVersion?: string };
  requestTimeoutMs: number;
}

export function getInputs(inputs: InputReader, workspace: string, clock: () => number = Date.now): DashboardInputs {
  const history = inputs.list('history').map((path) => (isAbsolute(path) ? path : resolve(workspace, path)));
  if (!history.length)
    throw new ConfigurationError(
      'history',
      'is required: the records file or folder (for example ops-data/history/), one or more, comma or newline separated',
    );
  const stripeKey = inputs.secret('stripe-secret-key');
  if (stripeKey && !/^(sk|rk)_(live|test)_/.test(stripeKey)) {
    throw new ConfigurationError(
      'stripe-secret-key',
      'must be a Stripe secret or restricted key starting with sk_live_, sk_test_, rk_live_ or rk_test_',
    );
  }
  const outDir = inputs.outputPath('out-dir');
  if (!outDir)
    throw new ConfigurationError('out-dir', 'is required: the folder the site is written to, for example _site');
  const siteUrl = inputs.text('site-url');
  if (siteUrl) inputs.url('site-url');
  const asOf = inputs.text('as-of');
  const now = asOf === '' ? clock() : Date.parse(asOf);
  if (Number.isNaN(now) || (asOf !== '' && !/(Z|[+-]\d{2}:?\d{2})$/.test(asOf))) {
    throw new ConfigurationError(
      'as-of',
      `must be an ISO-8601 UTC date-time such as 2026-03-15T12:00:00Z, got '${asOf}'`,
    );
  }
  return {
    history,
    outDir,
    siteName: inputs.required('site-name', 'Threadr'),
    siteUrl,
    environment: inputs.required('environment', 'production'),
    days: inputs.integer('days', { min: 90, max: 731 }),
    latencyAlertMs: inputs.duration('latency-alert', { min: 1, max: 600_000 }),
    now,
    stripe: stripeKey
      ? {
          secretKey: stripeKey,
          baseUrl: inputs.url('stripe-api-url').toString().replace(/\/+$/, ''),
          apiVersion: inputs.text('stripe-api-version') || undefined,
        }
      : undefined,
    requestTimeoutMs: inputs.duration('request-timeout', { min: 1000, max: 600_000 }),
  };
}
