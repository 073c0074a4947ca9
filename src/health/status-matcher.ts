import { ConfigurationError } from '../core/errors.js';

/** Accepted statuses: exact codes, ranges (`200-299`) and classes (`2xx`). */
export interface StatusMatcher {
  text: string;
  matches(status: number): boolean;
}

export function parseStatusMatcher(input: string, value: unknown, label = ''): StatusMatcher {
  const parts = (Array.isArray(value) ? value : String(value).split(','))
    .map((part) => String(part).trim())
    .filter(Boolean);
  const ranges: [number, number][] = parts.map((part) => {
    let match: RegExpExecArray | null;
    if ((match = /^([1-5])xx$/i.exec(part))) return [Number(match[1]) * 100, Number(match[1]) * 100 + 99];
    if ((match = /^(\d{3})\s*-\s*(\d{3})$/.exec(part))) return [Number(match[1]), Number(match[2])];
    if (/^\d{3}$/.test(part)) return [Number(part), Number(part)];
    const where = label ? `${label} 'expect-status'` : 'expect-status';
    throw new ConfigurationError(
      input,
      `${where} must be codes, ranges or classes such as 200, 200-299, 2xx or [200, 204]; got '${part}'`,
    );
  });
  if (ranges.length === 0)
    throw new ConfigurationError(input, `${label} 'expect-status' is empty; use a code such as 200`);
  return {
    text: parts.join(', '),
    matches: (status) => ranges.some(([low, high]) => status >= low && status <= high),
  };
}
