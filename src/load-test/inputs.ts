import { availableParallelism } from 'node:os';
import { formatDuration } from '../core/duration.js';
import { ConfigurationError } from '../core/errors.js';
import { type InputReader, parseHttpUrl } from '../core/inputs.js';
import type { LoadPlan } from '../load/engine.js';
import { globFiles } from '../core/glob.js';
import { hostAllowed, malformedEntry } from '../core/allowed-hosts.js';
import type { Origin, RequestSpec } from '../load/request.js';
import { parseScenario, type ScenarioRequest } from '../load/scenario.js';
import { parseThresholds, type Threshold } from '../load/thresholds.js';
import type { RunDescription } from '../load/report.js';

export interface LoadSettings {
  mode: 'load';
  plan: LoadPlan;
  thresholds: Threshold[];
  description: RunDescription;
  /** Absolute path, when the raw result should be written for a later merge. */
  histogramOut?: string;
}

export interface MergeSettings {
  mode: 'merge';
  pattern: string;
  files: string[];
  thresholds: Threshold[];
  description: RunDescription;
}

export type LoadTestSettings = LoadSettings | MergeSettings;

const MAX_USERS = 10_000;
const MAX_WORKERS = 64;
// Header names whose scenario values are credentials: masked like the `headers` input.
const SECRET_HEADER = /authorization|cookie|token|secret|key|bypass|auth|session|signature/i;

/**
 * Reads and checks every input before any request: a mistake stops the action with a
 * ConfigurationError naming the input. Defaults come from action.yml.
 */
export function getInputs(
  inputs: InputReader,
  env: Readonly<Record<string, string | undefined>>,
  mask: (value: string) => void,
): LoadTestSettings {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const thresholds = parseThresholds(inputs.lines('thresholds'));
  const mergePattern = inputs.text('merge');
  if (mergePattern !== '') {
    if (inputs.text('shard') !== '')
      throw new ConfigurationError(
        'merge',
        `cannot be combined with shard: a merge generates no load, it combines the shards' files`,
      );
    if (inputs.text('histogram-out') !== '')
      throw new ConfigurationError('histogram-out', 'cannot be combined with merge');
    const files = globFiles(mergePattern, workspace);
    if (files.length === 0)
      throw new ConfigurationError(
        'merge',
        `must match at least one result file written by histogram-out, such as shards/*.json; '${mergePattern}' matched none in ${workspace}`,
      );
    return {
      mode: 'merge',
      pattern: mergePattern,
      files,
      thresholds,
      description: { target: `results matching ${mergePattern}` },
    };
  }

  const maxDuration = inputs.duration('max-duration', { min: 1 });
  const durationMs = inputs.duration('duration', { min: 1 });
  if (durationMs > maxDuration) {
    throw new ConfigurationError(
      'duration',
      `must be at most ${formatDuration(maxDuration)} (the max-duration input), got '${inputs.text('duration')}'`,
    );
  }
  const warmUpMs = inputs.duration('warm-up');
  if (warmUpMs + durationMs > maxDuration) {
    throw new ConfigurationError(
      'warm-up',
      `plus duration must be at most ${formatDuration(maxDuration)} (the max-duration input), got '${inputs.text('warm-up')}'`,
    );
  }
  const rampUpMs = inputs.duration('ramp-up');
  if (rampUpMs > durationMs + warmUpMs) {
    throw new ConfigurationError(
      'ramp-up',
      `must not be longer than warm-up plus duration (${formatDuration(durationMs + warmUpMs)}), got '${inputs.text('ramp-up')}'`,
    );
  }
  const requestTimeoutMs = inputs.duration('request-timeout', { min: 1 });
  const users = inputs.integer('users', { min: 1, max: MAX_USERS });
  const rate = readRate(inputs);
  const shard = readShard(inputs.text('shard'));
  if (users < shard.count) {
    throw new ConfigurationError(
      'shard',
      `splits the load into ${shard.count} parts but users is ${users}: each shard needs at least one user (connection)`,
    );
  }
  const workers = readWorkers(inputs.text('workers'));

  const deployment = inputs.text('deployment-url') === '' ? undefined : inputs.url('deployment-url');
  const targetText = inputs.text('target');
  let target: URL | undefined;
  if (targetText.startsWith('/')) {
    if (!deployment)
      throw new ConfigurationError(
        'target',
        `is a path ('${targetText}') but deployment-url is empty; give a full URL such as https://api.example.com/health`,
      );
    target = new URL(targetText, deployment);
  } else if (targetText !== '') target = parseHttpUrl('target', targetText);

  const scenarioValue = inputs.structured('scenario');
  let requests: ScenarioRequest[];
  if (scenarioValue !== undefined) {
    requests = parseScenario(scenarioValue, target ?? deployment);
  } else {
    const url = target ?? deployment;
    if (!url)
      throw new ConfigurationError(
        'target',
        'is required (or scenario, or deployment-url), for example https://api.example.com/health',
      );
    requests = [
      {
        url,
        spec: {
          name: `GET ${url.pathname}`,
          method: 'GET',
          path: `${url.pathname}${url.search}`,
          headers: {},
          weight: 1,
          expectStatus: [],
        },
      },
    ];
  }

  const allowed = inputs.list('allowed-hosts');
  const bad = malformedEntry(allowed);
  if (bad !== undefined)
    throw new ConfigurationError(
      'allowed-hosts',
      `must list hosts such as api.example.com, *.example.com, api.example.com:8443 or a URL, got '${bad}'`,
    );
  for (const { url } of requests) {
    if (!hostAllowed(url, allowed, deployment)) {
      const input = scenarioValue !== undefined && targetText === '' ? 'scenario' : 'target';
      throw new ConfigurationError(
        input,
        `points at host '${url.host}', which is not in allowed-hosts (${allowed.length ? allowed.join(', ') : 'empty'}) nor the deployment-url's host: add it to allowed-hosts, so a typo cannot load-test a stranger`,
      );
    }
  }
  const origin = originOf(requests[0].url);
  for (const { url } of requests) {
    const other = originOf(url);
    if (other.protocol !== origin.protocol || other.hostname !== origin.hostname || other.port !== origin.port) {
      throw new ConfigurationError(
        'scenario',
        `must address one origin (scheme, host and port); it mixes ${requests[0].url.origin} and ${url.origin}`,
      );
    }
  }
  for (const { spec } of requests) {
    for (const [name, value] of Object.entries(spec.headers)) if (SECRET_HEADER.test(name) && value !== '') mask(value);
  }
  const headers = inputs.headers('headers');

  const histogramOut = inputs.outputPath('histogram-out') || undefined;
  const specs: RequestSpec[] = requests.map((r) => r.spec);
  const plan: LoadPlan = {
    origin,
    requests: specs,
    headers,
    users,
    rate,
    durationMs,
    rampUpMs,
    warmUpMs,
    requestTimeoutMs,
    shard,
    workers,
  };
  const first = requests[0].url;
  const target_ =
    requests.length === 1
      ? `${specs[0].method} ${first.origin}${first.pathname}${first.search ? '?…' : ''}`
      : `scenario of ${requests.length} requests to ${first.origin}`;
  return { mode: 'load', plan, thresholds, histogramOut, description: { target: target_, users, rate } };
}

function readRate(inputs: InputReader): number | undefined {
  const text = inputs.text('rate');
  if (text === '') return undefined;
  const value = Number(text.replace(/\s*\/s$/, ''));
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(
      'rate',
      `must be a number of requests per second above 0, such as 50 (or empty for the closed model), got '${text}'`,
    );
  }
  return value;
}

/** `i/n` (1-based) → a 0-based share; empty → the whole load. */
export function readShard(text: string): { index: number; count: number } {
  if (text === '') return { index: 0, count: 1 };
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || index < 1 || count < 1 || index > count || count > 256) {
    throw new ConfigurationError('shard', `must be i/n with 1 <= i <= n <= 256, such as 1/4, got '${text}'`);
  }
  return { index: index - 1, count };
}

/** `auto`: every core this step may use (availableParallelism honours CPU affinity). */
function readWorkers(text: string): number {
  if (text === 'auto') return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_WORKERS) {
    throw new ConfigurationError('workers', `must be auto or a whole number from 1 to ${MAX_WORKERS}, got '${text}'`);
  }
  return Number(text);
}

function originOf(url: URL): Origin {
  const protocol = url.protocol as 'http:' | 'https:';
  return { protocol, hostname: url.hostname, port: url.port ? Number(url.port) : protocol === 'https:' ? 443 : 80 };
}
