import { ConfigurationError } from '../core/errors.js';
import type { InputReader } from '../core/inputs.js';
import type { RailwayServiceRef } from '../providers/railway-variables.js';
import type { RailwayTokenKind } from '../providers/railway-graphql.js';

/** The platform inputs backup and restore share, read and checked the same way by both. */

export interface UpstashSettings {
  email: string;
  apiKey: string;
  baseUrl: string;
  database: string;
}

export interface BackupVercelSettings {
  token: string;
  teamId?: string;
  baseUrl: string;
  projectId: string;
}

export interface BackupRailwaySettings {
  token: string;
  tokenKind: RailwayTokenKind;
  url: string;
  ref: RailwayServiceRef;
}

function baseUrl(inputs: InputReader, name: string): string {
  return inputs.url(name).toString().replace(/\/+$/, '');
}

/**
 * One Railway service in one environment, with the token that reaches it: backup, restore and
 * remediate (replicas, variables) all address a service this way.
 */
export function readRailwayService(inputs: InputReader, token: string): BackupRailwaySettings {
  return {
    token,
    tokenKind: inputs.oneOf('railway-token-type', ['account', 'project'] as const),
    url: baseUrl(inputs, 'railway-api-url'),
    ref: {
      projectId: inputs.required('railway-project-id', 'the Railway project UUID (with railway-token)'),
      environmentId: inputs.required('railway-environment-id', 'the Railway environment UUID (with railway-token)'),
      serviceId: inputs.required('railway-service-id', 'the Railway service UUID (with railway-token)'),
    },
  };
}

export function readUpstash(inputs: InputReader, mask: (secret: string) => void, purpose: string): UpstashSettings {
  const apiKey = inputs.secret('upstash-api-key');
  const email = inputs.text('upstash-email');
  if (!apiKey)
    throw new ConfigurationError(
      'upstash-api-key',
      `is required ${purpose}, for example \${{ secrets.UPSTASH_API_KEY }}`,
    );
  if (!email)
    throw new ConfigurationError(
      'upstash-email',
      'is required with upstash-api-key: the Developer API authenticates with the account email and the key, for example ops@example.com',
    );
  mask(Buffer.from(`${email}:${apiKey}`).toString('base64'));
  return {
    email,
    apiKey,
    baseUrl: baseUrl(inputs, 'upstash-api-url'),
    database: inputs.required('upstash-database', 'threadr-cache (a database id or name)'),
  };
}

/** Vercel and Railway settings for config; a platform without a token is left out. At least one is needed. */
export function readConfigPlatforms(
  inputs: InputReader,
  purpose: string,
): { vercel?: BackupVercelSettings; railway?: BackupRailwaySettings } {
  const vercelToken = inputs.secret('vercel-token');
  const railwayToken = inputs.secret('railway-token');
  const result: { vercel?: BackupVercelSettings; railway?: BackupRailwaySettings } = {};
  if (vercelToken) {
    result.vercel = {
      token: vercelToken,
      teamId: inputs.text('vercel-team-id') || undefined,
      baseUrl: baseUrl(inputs, 'vercel-api-url'),
      projectId: inputs.required('vercel-project-id', 'prj_… (with vercel-token)'),
    };
  }
  if (railwayToken) result.railway = readRailwayService(inputs, railwayToken);
  if (!result.vercel && !result.railway) {
    throw new ConfigurationError(
      'vercel-token',
      `or railway-token is required ${purpose} (the platforms whose variables are kept)`,
    );
  }
  return result;
}

/** A postgres:// or postgresql:// URL (a secret: it may hold the password). Described, never echoed. */
export function readPostgresUrl(
  inputs: InputReader,
  name: string,
  purpose: string,
  mask: (secret: string) => void,
): string {
  const text = inputs.secret(name);
  if (!text)
    throw new ConfigurationError(
      name,
      `is required ${purpose}, for example \${{ secrets.DATABASE_URL }} (postgres://user:password@host:5432/db)`,
    );
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['postgres:', 'postgresql:'].includes(url.protocol)) {
    throw new ConfigurationError(
      name,
      'must be a postgres://user:password@host:5432/database URL (value not shown: it is a secret)',
    );
  }
  maskPassword(url, mask);
  return text;
}

/** The password of a postgres URL, decoded and raw, so neither form can reach a log. */
export function maskPassword(url: URL, mask: (secret: string) => void): void {
  if (!url.password) return;
  mask(url.password);
  mask(decodeURIComponent(url.password));
}
