import { ConfigurationError } from '../core/errors.js';
import { parseHttpUrl, type InputReader } from '../core/inputs.js';
import { checksFromUrls, parseChecks, selectSuite } from '../health/checks.js';
import type { WindowSettings } from '../health/verify.js';
import type { VersionSource } from '../health/version.js';

/** The action judges an SLO window (verify-duration 0: the last attempt of each check). */
export interface HealthInputs extends WindowSettings {
  failOnUnhealthy: boolean;
  environment: string;
  /** Set when incident issues are on. */
  incidents?: { token: string; apiUrl: string; repository: string };
  /** Said once in the log: how the inputs were read where that may surprise. */
  notes: { level: 'info' | 'warn'; text: string }[];
}

/** Every input, validated before any request. Defaults come from action.yml. */
export function getInputs(inputs: InputReader): HealthInputs {
  const headers = inputs.headers('headers');
  const named = namedUrls(inputs.lines('url'));
  const urls = named.map((n) => n.url);
  // With `checks`, `url` is the base their relative URLs resolve against (a Fastify API may
  // answer 404 at /), not a check of its own unless named; without them, every url is a check.
  const listed = parseChecks(inputs.structured('checks'), urls[0]);
  if (listed.length === 0 && urls.length === 0) {
    throw new ConfigurationError(
      'url',
      'is empty and no checks are given: set url (such as https://threadr.app/api/health) or checks',
    );
  }
  const suite = inputs.required('suite', 'critical, smoke or full');
  if (!/^[\w-]+$/.test(suite))
    throw new ConfigurationError('suite', `must be a tag such as critical or smoke, or full; got '${suite}'`);
  const notes: HealthInputs['notes'] = [];
  let checks = checksFromUrls(
    urls,
    named.map((n) => n.name),
  );
  if (listed.length) {
    // A named url line is a check someone listed (the pipeline's frontend and backend); a bare one
    // is only the base. Named lines run whatever the suite, as the checks the workflow itself adds.
    const own = checks.filter((_check, index) => named[index].name !== undefined);
    const bare = named.filter((n) => n.name === undefined).map((n) => n.url);
    const unchecked = bare.filter((url) => url !== urls[0]);
    if (unchecked.length) {
      notes.push({
        level: 'warn',
        text: `with checks, url is only the base for relative check URLs (${urls[0]}); ${unchecked.join(', ')} is not checked unless listed in checks or named (name: URL)`,
      });
    }
    const clash = own.find((check) => listed.some((l) => l.name === check.name));
    if (clash)
      throw new ConfigurationError('checks', `repeats the name '${clash.name}' of a url line; names must be unique`);
    checks = [...own, ...selectSuite(listed, suite, own.length > 0)];
  } else if (suite !== 'full') {
    notes.push({
      level: 'info',
      text: `suite '${suite}' selects among tagged checks; the url checks have no tags and all run`,
    });
  }
  // A check's own header values (a bypass secret in a checks file) are as secret as the input's.
  for (const check of checks) for (const value of Object.values(check.headers)) inputs.markSecret(value);
  const settings: HealthInputs = {
    mode: 'window',
    checks,
    notes,
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
    if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
      throw new ConfigurationError('repository', `must be owner/name such as threadr/threadr, got '${repository}'`);
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
  if (field && header)
    throw new ConfigurationError(
      'version-header',
      `cannot be combined with version-field: the version is read from one place, got both '${field}' and '${header}'`,
    );
  if (field && !/^\$?[.[]?[\w$'"[\].-]+$/.test(field))
    throw new ConfigurationError(
      'version-field',
      `must be a JSON path such as $.version or $.build.commit, got '${field}'`,
    );
  if (header && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header))
    throw new ConfigurationError('version-header', `must be a header name such as x-app-version, got '${header}'`);
  return { field: field || undefined, header: header || undefined };
}

/**
 * `url` lines are URLs, optionally named: `frontend: https://threadr.app/api/health` (the pipeline
 * names its two checks so). A bare URL's colon is never followed by a space, so the forms differ.
 */
export function namedUrls(lines: readonly string[]): { name?: string; url: URL }[] {
  return lines.map((line) => {
    const match = /^([A-Za-z][\w.-]*):\s+(\S+)$/.exec(line);
    return match ? { name: match[1], url: parseHttpUrl('url', match[2]) } : { url: parseHttpUrl('url', line) };
  });
}

function missing(input: string): never {
  throw new ConfigurationError(input, 'is required when incidents is true (the workflow token with issues: write)');
}
