/** Reading response headers the way browsers do: case-insensitive, repeated headers joined. */

export type HeaderBag = Record<string, string | string[] | undefined>;

export function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

export function headerList(headers: HeaderBag, name: string): string[] {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export interface Cookie {
  name: string;
  attributes: Map<string, string>;
  raw: string;
}

/** One Set-Cookie line: `name=value; Secure; HttpOnly; SameSite=Lax`. Attribute names lower-cased. */
export function parseSetCookie(line: string): Cookie {
  const [pair, ...parts] = line.split(';');
  const eq = pair.indexOf('=');
  const name = (eq >= 0 ? pair.slice(0, eq) : pair).trim();
  const attributes = new Map<string, string>();
  for (const part of parts) {
    const at = part.indexOf('=');
    const key = (at >= 0 ? part.slice(0, at) : part).trim().toLowerCase();
    if (key) attributes.set(key, at >= 0 ? part.slice(at + 1).trim() : '');
  }
  return { name, attributes, raw: line };
}

/** Content-Security-Policy directives; only the first policy of several counts for each directive. */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(/[;,]/)) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const name = tokens[0].toLowerCase();
    if (!directives.has(name)) directives.set(name, tokens.slice(1));
  }
  return directives;
}

/** `max-age=31536000; includeSubDomains` → seconds, or undefined when absent or malformed. */
export function hstsMaxAge(value: string): number | undefined {
  const match = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** The few entities React and templating engines write into attribute values. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
