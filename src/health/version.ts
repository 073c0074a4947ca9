import type { HttpResponse } from '../core/http.js';
import { readJsonPath } from './json-path.js';

/** Where the served version is read: a JSON field of the body or one named response header. */
export interface VersionSource {
  /** A JSON path such as `$.build.commit`; unset: the first of DEFAULT_FIELDS that exists. */
  field?: string;
  /** A response header such as `x-app-version`; when set, the body is not read for the version. */
  header?: string;
}

export const DEFAULT_FIELDS = ['$.version', '$.commit', '$.sha'] as const;

/** Below this length a version can match by chance (`2026` is in every Date header this year). */
export const MIN_SAFE_VERSION_LENGTH = 7;

export type VersionVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether the response proves that `expected` (a commit SHA or a version) is what serves. Only
 * the place the user names is read, never "any header" (a Date or an ETag can hold anything), and
 * the value must be a whole token there (`2026` does not match `v20261`). An abbreviated SHA of 7+ hex digits counts for the full one, in either direction.
 */
export function checkVersion(
  response: Pick<HttpResponse, 'body' | 'headers'>,
  expected: string,
  source: VersionSource,
): VersionVerdict {
  const short = expected.slice(0, 12);
  if (source.header) {
    const raw = response.headers[source.header.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (value === undefined)
      return { ok: false, reason: `version ${short} not proven: the response has no ${source.header} header` };
    return hasToken(value, expected)
      ? { ok: true }
      : { ok: false, reason: `version ${short} not found in header ${source.header} (an older build is serving)` };
  }
  let document: unknown;
  try {
    document = JSON.parse(response.body);
  } catch {
    return {
      ok: false,
      reason: `version ${short} not proven: the body is not JSON (set version-header, or check-version: false on this check)`,
    };
  }
  const fields = source.field ? [source.field] : DEFAULT_FIELDS;
  const field = fields.find((path) => readJsonPath(document, path) !== undefined);
  if (!field) return { ok: false, reason: `version ${short} not proven: the body has no ${fields.join(', ')} field` };
  const value = readJsonPath(document, field);
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  return hasToken(text, expected)
    ? { ok: true }
    : {
        ok: false,
        reason: `version ${short} not found in the response (${field} is ${JSON.stringify(text.slice(0, 40))}; an older build is serving)`,
      };
}

function hasToken(text: string, expected: string): boolean {
  const lower = text.toLowerCase();
  const wanted = expected.toLowerCase();
  // A whole token: no letter or digit touching it on either side.
  const bounded = new RegExp(`(?<![a-z0-9])${wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`);
  if (bounded.test(lower)) return true;
  if (!/^[0-9a-f]{7,40}$/.test(wanted)) return false;
  return (lower.match(/(?<![a-z0-9])[0-9a-f]{7,40}(?![a-z0-9])/g) ?? []).some(
    (token) => wanted.startsWith(token) || token.startsWith(wanted),
  );
}
