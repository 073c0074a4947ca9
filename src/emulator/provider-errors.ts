import { json, text, type EmuResponse } from './http-kit.js';

/** Vercel (docs/platform-behaviour.md §1.0): `{ error: { code, message, ...extra } }`. */
export function vercelError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): EmuResponse {
  return json(status, { error: { code, message, ...extra } }, headers);
}

export const GITHUB_DOCS = 'https://docs.github.com/rest';

/** GitHub (docs/platform-behaviour.md §3.1): `{ message, documentation_url, errors? }`. */
export function githubError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): EmuResponse {
  return json(status, { message, documentation_url: GITHUB_DOCS, ...extra }, headers);
}

/** Slack (docs/platform-behaviour.md §8): errors are plain-text strings. */
export function slackError(status: number, code: string, headers: Record<string, string> = {}): EmuResponse {
  return text(status, code, headers);
}

/**
 * Thrown by a Railway field resolver; becomes `{ errors: [{ message, path, extensions }], data: null }`
 * with HTTP 200 (docs/platform-behaviour.md §2.0).
 */
export class GraphQLFieldError extends Error {
  override readonly name = 'GraphQLFieldError';
  constructor(
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Railway (docs/platform-behaviour.md §2.0) error envelope. */
export function graphqlErrors(
  errors: {
    message: string;
    path?: (string | number)[];
    locations?: readonly { line: number; column: number }[];
    extensions?: Record<string, unknown>;
  }[],
  status = 200,
  headers: Record<string, string> = {},
): EmuResponse {
  return json(
    status,
    {
      errors: errors.map((error) => ({
        message: error.message,
        ...(error.locations ? { locations: error.locations } : {}),
        ...(error.path ? { path: error.path } : {}),
        extensions: error.extensions ?? {},
      })),
      data: null,
    },
    headers,
  );
}
