import { listedIn, malformedEntry } from '../core/allowed-hosts.js';
import { ConfigurationError } from '../core/errors.js';
import { parseHttpUrl, type InputReader } from '../core/inputs.js';
import { CHECK_IDS, GROUPS, OPT_IN_CHECKS, checksInGroup } from '../security/checks/index.js';
import type { ScanSettings } from '../security/scan.js';
import type { CheckGroup, SecurityFailOn } from '../security/types.js';

export interface SecurityScanSettings extends ScanSettings {
  headers: Record<string, string>;
  requestTimeoutMs: number;
  insecureSkipVerify: boolean;
  allowedHosts: string[];
  /** Absolute path, or undefined when no SARIF is wanted. */
  sarifOut?: string;
  /** Cap of each body read (pages, probes). */
  maxBodyBytes: number;
}

const FAIL_ON: readonly SecurityFailOn[] = ['high', 'medium', 'low', 'never'];

/** `all`, check ids and group names; the rate-limit probe joins when probe-rate-limit is set. */
function selectChecks(items: string[], probing: boolean): string[] {
  const selected = new Set<string>();
  for (const item of items.map((i) => i.toLowerCase())) {
    if (item === 'all') CHECK_IDS.filter((id) => !OPT_IN_CHECKS.has(id)).forEach((id) => selected.add(id));
    else if ((GROUPS as readonly string[]).includes(item))
      checksInGroup(item as CheckGroup).forEach((c) => selected.add(c.id));
    else if (CHECK_IDS.includes(item)) selected.add(item);
    else
      throw new ConfigurationError(
        'checks',
        `names an unknown check '${item}'; known: all, ${GROUPS.join(', ')}, ${CHECK_IDS.join(', ')}`,
      );
  }
  if (probing) selected.add('rate-limit');
  return CHECK_IDS.filter((id) => selected.has(id));
}

/** `check-id: reason` per line. */
function parseIgnore(lines: string[]): Map<string, string> {
  const ignore = new Map<string, string>();
  lines.forEach((line, index) => {
    const match = /^([a-z0-9-]+)\s*:\s*(.+)$/i.exec(line);
    if (!match) {
      throw new ConfigurationError(
        'ignore',
        `must hold one 'check-id: reason' per line, such as 'hsts: handled by the CDN'; line ${index + 1} is '${line}'`,
      );
    }
    const id = match[1].toLowerCase();
    if (!CHECK_IDS.includes(id))
      throw new ConfigurationError(
        'ignore',
        `names an unknown check '${id}' on line ${index + 1}; known: ${CHECK_IDS.join(', ')}`,
      );
    ignore.set(id, match[2].trim());
  });
  return ignore;
}

/** Every input read and validated here, before any request. */
export function getInputs(inputs: InputReader): SecurityScanSettings {
  const urls = inputs.urls('url');
  const apiText = inputs.text('api-url');
  const apiUrl = apiText ? parseHttpUrl('api-url', apiText) : undefined;
  if (urls.length === 0 && !apiUrl)
    throw new ConfigurationError('url', 'is required (or api-url), for example https://threadr.app');
  const headers = inputs.headers('headers');
  const allowedHosts = inputs.list('allowed-hosts').map((h) => h.toLowerCase());
  const bad = malformedEntry(allowedHosts);
  if (bad !== undefined)
    throw new ConfigurationError(
      'allowed-hosts',
      `must list hosts such as api.threadr.app, *.threadr.app or a URL, got '${bad}'`,
    );

  const probeText = inputs.text('probe-rate-limit');
  let rateLimit: SecurityScanSettings['rateLimit'];
  if (probeText) {
    const base = apiUrl ?? urls[0];
    let probeUrl: URL;
    try {
      probeUrl = new URL(probeText, base);
    } catch {
      throw new ConfigurationError(
        'probe-rate-limit',
        `must be a path such as /api/health or an http(s) URL, got '${probeText}'`,
      );
    }
    probeUrl = parseHttpUrl('probe-rate-limit', probeUrl.toString());
    // Stricter than load-test: loopback is not implied, the burst goes only where it is listed.
    if (!listedIn(probeUrl, allowedHosts)) {
      throw new ConfigurationError(
        'probe-rate-limit',
        `targets host '${probeUrl.hostname}', which is not in allowed-hosts; list it there to allow the burst`,
      );
    }
    rateLimit = { url: probeUrl.toString(), requests: inputs.integer('probe-requests', { min: 1, max: 500 }) };
  }

  const checks = selectChecks(inputs.list('checks'), rateLimit !== undefined);
  if (checks.length === 0) throw new ConfigurationError('checks', 'must name at least one check, or all');

  const exposedPaths = inputs.list('exposed-paths');
  const badPath = exposedPaths.find((p) => !p.startsWith('/') || /\s/.test(p));
  if (badPath)
    throw new ConfigurationError(
      'exposed-paths',
      `must list paths starting with /, such as /backup.zip, got '${badPath}'`,
    );

  return {
    urls: urls.map(String),
    apiUrl: apiUrl?.toString(),
    headers,
    checks,
    ignore: parseIgnore(inputs.lines('ignore')),
    failOn: inputs.oneOf('fail-on', FAIL_ON),
    sarifOut: inputs.outputPath('sarif-out') || undefined,
    allowedHosts,
    certMinDays: inputs.integer('cert-min-days', { min: 0, max: 365 }),
    exposedPaths,
    rateLimit,
    requestTimeoutMs: inputs.duration('request-timeout', { min: 100, max: 120_000 }),
    insecureSkipVerify: inputs.boolean('insecure-skip-verify'),
    maxBodyBytes: inputs.bytes('max-body-size', { min: 1024, max: 1024 ** 3 }),
  };
}
