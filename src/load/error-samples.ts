import type { ErrorClass } from './tally.js';

/** Failures without a response, whose counts alone do not say what went wrong. */
export type ConnectionErrorClass = Exclude<ErrorClass, 'status'>;

/** The first message seen for each kind of failure, so "100 % errors" comes with a reason. */
export type ErrorSamples = Partial<Record<ConnectionErrorClass, string>>;

export function describeError(error: NodeJS.ErrnoException | undefined, kind: ConnectionErrorClass): string {
  if (kind === 'timeout') return 'no complete response within request-timeout';
  if (error === undefined) return 'the server closed the connection before a complete response';
  const code = typeof error.code === 'string' && !error.message.includes(error.code) ? ` (${error.code})` : '';
  // Node's TLS errors name the certificate problem but not the remedy.
  const hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(error.code ?? '')
    ? '; a private CA can be trusted with NODE_EXTRA_CA_CERTS'
    : '';
  return `${error.message}${code}${hint}`;
}

/** Keeps the first sample of each kind: `into` wins. */
export function addErrorSamples(into: ErrorSamples, from: ErrorSamples | undefined): void {
  for (const [kind, message] of Object.entries(from ?? {}) as [ConnectionErrorClass, string][]) into[kind] ??= message;
}
