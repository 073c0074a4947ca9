/**
 * The suite's error taxonomy. A ConfigurationError is the user's mistake and is reported as one
 * line with no stack trace; a ProviderError is a platform answering badly; anything else is a bug
 * or an environment failure and keeps its stack for the debug log.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly input: string,
    readonly problem: string,
  ) {
    super(`input '${input}' ${problem}`);
  }
}

export interface ProviderErrorDetails {
  provider: string;
  status?: number;
  code?: string;
  requestId?: string;
  retriable?: boolean;
  /** The platform's Retry-After, in milliseconds: no caller may ask again sooner. */
  retryAfterMs?: number;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: string;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly retriable: boolean;
  readonly retryAfterMs?: number;
  constructor(message: string, details: ProviderErrorDetails) {
    super(`${details.provider}: ${message}`);
    this.provider = details.provider;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.retriable = details.retriable ?? false;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * What went wrong, in one line: an Error's message, or the thrown value as text (code may throw
 * a string or a plain object). The one place this is spelled out; logs and reports call it.
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message a failed action reports: `<action>: <what went wrong>`. */
export function failureMessage(action: string, error: unknown): string {
  return `${action}: ${errorText(error)}`;
}
