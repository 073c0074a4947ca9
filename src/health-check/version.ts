import type { HttpResponse } from '../core/http.js';

/**
 * Whether a response proves that `expected` (a commit SHA or version) is what serves. The version
 * may be in the body or in any header; an abbreviated SHA of 7+ hex digits counts for a full one.
 */
export function containsVersion(response: Pick<HttpResponse, 'body' | 'headers'>, expected: string): boolean {
  const haystacks = [response.body, ...Object.values(response.headers).flat().filter((v): v is string => typeof v === 'string')];
  const wanted = expected.toLowerCase();
  const isSha = /^[0-9a-f]{7,40}$/.test(wanted);
  return haystacks.some((text) => {
    const lower = text.toLowerCase();
    if (lower.includes(wanted)) return true;
    if (!isSha) return false;
    return (lower.match(/[0-9a-f]{7,40}/g) ?? []).some((token) => wanted.startsWith(token));
  });
}
