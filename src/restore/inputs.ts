import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import { sameDatabase } from '../backups/postgres.js';
import { maskPassword, readConfigPlatforms, readPostgresUrl, readUpstash } from '../backups/provider-inputs.js';
import { UNCONFIRMED_PRODUCTION, type RestorePlan } from '../backups/restore.js';
import type { BackupSelector } from '../backups/select.js';
import type { RailwayServiceRef } from '../providers/railway-variables.js';

export type RestoreInputs = RestorePlan;

function selector(inputs: InputReader): BackupSelector {
  const date = inputs.text('date');
  const id = inputs.text('backup-id');
  if (date !== '') {
    if (id !== '' && id !== 'latest')
      throw new ConfigurationError('date', `cannot be combined with backup-id '${id}': give one of them`);
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
    if (!valid)
      throw new ConfigurationError('date', `must be a UTC day as YYYY-MM-DD, such as 2026-03-14, got '${date}'`);
    return { kind: 'date', date };
  }
  return id === '' || id === 'latest' ? { kind: 'latest' } : { kind: 'id', id };
}

/** `vercel=prj_…` and `railway=<project>/<environment>/<service>`, one per line or comma. */
function configDestination(lines: string[]): { vercel?: string; railway?: RailwayServiceRef } {
  const result: { vercel?: string; railway?: RailwayServiceRef } = {};
  for (const line of lines) {
    const [platform, value = ''] = line.split('=', 2).map((part) => part.trim());
    const parts = value.split('/');
    if (platform === 'vercel' && value) result.vercel = value;
    else if (platform === 'railway' && parts.length === 3 && parts.every(Boolean))
      result.railway = { projectId: parts[0]!, environmentId: parts[1]!, serviceId: parts[2]! };
    else
      throw new ConfigurationError(
        'destination',
        `for config must be 'production' or lines such as 'vercel=prj_scratch' and 'railway=<project>/<environment>/<service>', got '${line}'`,
      );
  }
  return result;
}

export function getInputs(inputs: InputReader, mask: (secret: string) => void): RestoreInputs {
  const target = inputs.oneOf('target', ['redis', 'config', 'postgres'] as const);
  const raw = inputs.text('destination');
  if (raw === '')
    throw new ConfigurationError(
      'destination',
      'is required: a scratch database, project or connection to restore into, or production (with confirm: production)',
    );
  if (target === 'postgres' && raw !== 'production') mask(raw);
  const named = raw === 'production';
  const settings: RestoreInputs = {
    target,
    selector: selector(inputs),
    production: named,
    confirmed: inputs.text('confirm') === 'production',
    dryRun: inputs.boolean('dry-run'),
    verify: inputs.lines('verify').flatMap((line) =>
      target === 'postgres'
        ? [line]
        : line
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean),
    ),
    backupPath: inputs.path('backup-path'),
    environment: inputs.required('environment', 'production'),
    requestTimeoutMs: inputs.duration('request-timeout', { min: 1000, max: 600_000 }),
    pgBinDir: inputs.path('pg-bin-dir'),
  };
  if (target === 'redis') {
    const upstash = readUpstash(inputs, mask, 'to restore redis');
    const destination = named ? upstash.database : raw;
    settings.production = named || destination === upstash.database;
    const restUrl = inputs.text('redis-rest-url');
    const restToken = inputs.secret('redis-rest-token');
    if (restUrl && !restToken)
      throw new ConfigurationError(
        'redis-rest-token',
        'is required with redis-rest-url (the destination database REST token)',
      );
    if (settings.verify.length && !restUrl)
      throw new ConfigurationError(
        'redis-rest-url',
        "is required with verify for redis: the destination database's REST URL, for example https://scratch-12345.upstash.io",
      );
    settings.redis = {
      upstash,
      destination,
      rest: restUrl ? { url: inputs.url('redis-rest-url').toString(), token: restToken } : undefined,
    };
  } else if (target === 'config') {
    const identity = inputs.secret('age-identity');
    if (!/^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(identity))
      throw new ConfigurationError(
        'age-identity',
        'must be the age identity (AGE-SECRET-KEY-1…) whose recipient the archive was written to (value not shown: it is a secret)',
      );
    const platforms = readConfigPlatforms(inputs, 'to restore config');
    const wanted = named ? {} : configDestination(inputs.list('destination').map((item) => item));
    settings.config = { identity };
    if (platforms.vercel && (named || wanted.vercel)) {
      const destinationProjectId = named ? platforms.vercel.projectId : wanted.vercel!;
      if (destinationProjectId === platforms.vercel.projectId) settings.production = true;
      settings.config.vercel = { ...platforms.vercel, destinationProjectId };
    }
    if (platforms.railway && (named || wanted.railway)) {
      const destination = named ? platforms.railway.ref : wanted.railway!;
      if (
        destination.serviceId === platforms.railway.ref.serviceId &&
        destination.environmentId === platforms.railway.ref.environmentId
      )
        settings.production = true;
      settings.config.railway = { ...platforms.railway, destination };
    }
    if (!settings.config.vercel && !settings.config.railway)
      throw new ConfigurationError(
        'destination',
        'names no platform that has a token (vercel-token with vercel=…, railway-token with railway=…)',
      );
  } else {
    const production = inputs.text('postgres-url')
      ? readPostgresUrl(inputs, 'postgres-url', 'with destination: production', mask)
      : '';
    if (named && !production)
      throw new ConfigurationError(
        'postgres-url',
        'is required with destination: production (the production database URL)',
      );
    const destinationUrl = named ? production : raw;
    if (!named && !/^postgres(ql)?:\/\/[^\s]+$/.test(raw))
      throw new ConfigurationError(
        'destination',
        'for postgres must be a postgres://user:password@host:5432/scratch URL or production (value not shown: it may hold a password)',
      );
    if (!named) maskPassword(new URL(raw), mask);
    settings.production = named || (production !== '' && sameDatabase(destinationUrl, production));
    settings.postgres = { destinationUrl };
  }
  if (target !== 'redis' && !settings.backupPath)
    throw new ConfigurationError(
      'backup-path',
      'is required for config and postgres: the folder holding the backups (a downloaded artifact), for example threadr-backups',
    );
  if (settings.production && !settings.dryRun && !settings.confirmed)
    throw new ConfigurationError('confirm', UNCONFIRMED_PRODUCTION);
  return settings;
}
