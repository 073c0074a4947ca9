import { isIP } from 'node:net';

/** Loopback targets are always allowed: local runs load the machine they run on. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * Whether a URL may be loaded: its host is loopback, the deployment's, or listed. An entry is a
 * host (`api.example.com`), a host and port (`api.example.com:8443`), a wildcard for subdomains
 * (`*.example.com`, which does not match example.com itself) or a URL (its host is used).
 */
export function hostAllowed(url: URL, allowed: readonly string[], deployment?: URL): boolean {
  if (isLoopback(url.hostname)) return true;
  if (deployment && deployment.host.toLowerCase() === url.host.toLowerCase()) return true;
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowed.some((entry) => entryMatches(entry.trim().toLowerCase(), host, port));
}

function entryMatches(entry: string, host: string, port: string): boolean {
  let pattern = entry;
  if (/^[a-z]+:\/\//.test(pattern)) {
    try {
      const url = new URL(pattern);
      return url.hostname === host && (url.port || (url.protocol === 'https:' ? '443' : '80')) === port;
    } catch {
      return false;
    }
  }
  let wantPort: string | undefined;
  const withPort = /^(.*):(\d+)$/.exec(pattern);
  if (withPort && !pattern.includes('::')) {
    pattern = withPort[1];
    wantPort = withPort[2];
  }
  if (wantPort !== undefined && wantPort !== port) return false;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern.replace(/^\[|\]$/g, '') === host.replace(/^\[|\]$/g, '');
}
