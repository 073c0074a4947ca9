import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import { checksFromUrls, parseChecks, selectSuite } from './checks.js';
import type { HealthSettings } from './verify.js';
import type { VersionSource } from './version.js';

export interface HealthInputs extends HealthSettings {
  failOnUnhealthy: boolean;
  environment: string;
  /** Set when incident issues are on. */
  incidents?: { token: string; apiUrl: string; repository: string };
}

/** Every input, validated before any request. Defaults come from action.yml. */
export function getInputs(inputs: InputReader): HealthInputs {
  const headers = inputs.headers('headers');
  const urls = inputs.urls('url');
  const checks = [...checksFromUrls(urls), ...parseChecks(inputs.structured('checks'), urls[0])];
  // A check's own header values (a bypass secret in a checks file) are as secret as the input's.
  for (const check of checks) for (const value of Object.values(check.headers)) inputs.markSecret(value);
  if (checks.length === 0) {
    throw new ConfigurationError('url', 'is empty and no checks are given: set url (such as https://threadr.app/api/health) or checks');
  }
  const suite = inputs.required('suite', 'critical, smoke or full');
  if (!/^[\w-]+$/.test(suite)) throw new ConfigurationError('suite', `must be a tag such as critical or smoke, or full; got '${suite}'`);
  const settings: HealthInputs = {
    checks: selectSuite(checks, suite),
    headers,
    // The user's headers go only where the user pointed `url`; a check on another host lists its own.
    headerOrigins: urls.map((url) => url.origin),
    expectVersion: inputs.text('expect-version') || undefined,
    versionSource: versionSource(inputs),
    maxBodyBytes: inputs.bytes('max-body-size', { min: 1024, max: 1024 ** 3 }),
    timeoutMs: inputs.duration('timeout'),
    intervalMs: inputs.duration('interval', { min: 1 }),
    requestTimeoutMs: inputs.duration('request-timeout', { min: 1 }),
    verifyDurationMs: inputs.duration('verify-duration'),
    maxErrorRate: inputs.percent('max-error-rate'),
    maxP95Ms: inputs.duration('max-p95'),
    failOnUnhealthy: inputs.boolean('fail-on-unhealthy'),
    environment: inputs.required('environment', 'production'),
  };
  if (inputs.boolean('incidents')) {
    const repository = inputs.required('repository', 'threadr/threadr');
    if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new ConfigurationError('repository', `must be owner/name such as threadr/threadr, got '${repository}'`);
    settings.incidents = {
      token: inputs.secret('github-token') || missing('github-token'),
      apiUrl: inputs.url('github-api-url').toString(),
      repository,
    };
  }
  return settings;
}

function versionSource(inputs: InputReader): VersionSource {
  const field = inputs.text('version-field');
  const header = inputs.text('version-header');
  if (field && header) throw new ConfigurationError('version-header', `cannot be combined with version-field: the version is read from one place, got both '${field}' and '${header}'`);
  if (field && !/^\$?[.[]?[\w$'"[\].-]+$/.test(field)) throw new ConfigurationError('version-field', `must be a JSON path such as $.version or $.build.commit, got '${field}'`);
  if (header && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw new ConfigurationError('version-header', `must be a header name such as x-app-version, got '${header}'`);
  return { field: field || undefined, header: header || undefined };
}

function missing(input: string): never {
  throw new ConfigurationError(input, 'is required when incidents is true (the workflow token with issues: write)');
}
