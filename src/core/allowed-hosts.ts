import { isIP } from 'node:net';

/** Loopback targets are always allowed: local runs load the machine they run on. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * The `allowed-hosts` inputs of the actions that send more than a health check (load-test,
 * security-scan's rate-limit probe): an entry is a host (`api.example.com`), a host and port
 * (`api.example.com:8443`), a wildcard for subdomains (`*.example.com`, which does not match
 * example.com itself) or a URL (its host and port are used).
 */
export function listedIn(url: URL, allowed: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowed.some((entry) => entryMatches(entry.trim().toLowerCase(), host, port));
}

/** load-test's rule: loopback (local runs) and the deployment's own host need no listing. */
export function hostAllowed(url: URL, allowed: readonly string[], deployment?: URL): boolean {
  if (isLoopback(url.hostname)) return true;
  if (deployment && deployment.host.toLowerCase() === url.host.toLowerCase()) return true;
  return listedIn(url, allowed);
}

/** Entries that are none of the accepted forms, so a typo is reported rather than never matching. */
export function malformedEntry(allowed: readonly string[]): string | undefined {
  return allowed.find((raw) => {
    const entry = raw.trim().toLowerCase();
    if (/^[a-z]+:\/\//.test(entry)) {
      try {
        return new URL(entry).hostname === '';
      } catch {
        return true;
      }
    }
    return !/^(\*\.)?[a-z0-9.-]+(:\d+)?$|^\[?[0-9a-f:.]+\]?$/.test(entry);
  });
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
