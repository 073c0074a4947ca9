/** One kind of request the load is made of (a line of the scenario, or the single target). */
export interface RequestSpec {
  /** For reports: `GET /api/health`. */
  name: string;
  method: string;
  /** Path and query, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Relative share of the load; integers or decimals. */
  weight: number;
  /** Statuses that count as success; empty means any 2xx. */
  expectStatus: readonly number[];
}

/** Where every connection goes. A scenario may only address one origin (one host and port). */
export interface Origin {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
}

/** A request ready for the wire, built once and written as-is for every request. */
export interface RequestTemplate {
  bytes: Uint8Array;
  /** 600 flags: 1 when that status counts as success. */
  expect: Uint8Array;
  /** HEAD responses have no body whatever their headers say. */
  noBody: boolean;
}

const USER_AGENT = 'threadr-ops-load-test';

export function hostHeader(origin: Origin): string {
  const defaultPort = origin.protocol === 'https:' ? 443 : 80;
  const host = origin.hostname.includes(':') ? `[${origin.hostname}]` : origin.hostname;
  return origin.port === defaultPort ? host : `${host}:${origin.port}`;
}

export function buildTemplate(origin: Origin, spec: RequestSpec, common: Record<string, string>): RequestTemplate {
  const headers: Record<string, string> = { host: hostHeader(origin), 'user-agent': USER_AGENT, accept: '*/*' };
  for (const [name, value] of Object.entries(common)) headers[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(spec.headers)) headers[name.toLowerCase()] = value;
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body, 'utf8');
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  delete headers.connection;
  if (body || ['POST', 'PUT', 'PATCH'].includes(spec.method)) headers['content-length'] = String(body?.length ?? 0);
  let head = `${spec.method} ${spec.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += '\r\n';
  const bytes = body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
  return { bytes: new Uint8Array(bytes), expect: expectFlags(spec.expectStatus), noBody: spec.method === 'HEAD' };
}

function expectFlags(statuses: readonly number[]): Uint8Array {
  const flags = new Uint8Array(600);
  if (statuses.length === 0) flags.fill(1, 200, 300);
  for (const status of statuses) if (status >= 100 && status < 600) flags[status] = 1;
  return flags;
}

/**
 * The order in which a connection cycles through the templates: a fixed sequence in which each
 * appears in proportion to its weight, spread out (smooth weighted round-robin) so a short run
 * still sees the mix. Choosing by table lookup keeps randomness and allocation off the hot path.
 */
export function weightWheel(weights: readonly number[], maxLength = 1000): Uint16Array {
  if (weights.length === 1) return Uint16Array.of(0);
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.every((w) => Number.isInteger(w)) && total <= maxLength;
  let integral = exact ? [...weights] : weights.map((w) => Math.max(1, Math.round((w * maxLength) / total)));
  const divisor = integral.reduce(gcd);
  integral = integral.map((w) => w / divisor);
  const length = integral.reduce((a, b) => a + b, 0);
  const wheel = new Uint16Array(length);
  const current = integral.map(() => 0);
  for (let slot = 0; slot < length; slot++) {
    let best = 0;
    for (let i = 0; i < integral.length; i++) {
      current[i] += integral[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= length;
    wheel[slot] = best;
  }
  return wheel;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
