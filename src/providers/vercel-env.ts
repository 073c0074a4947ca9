import { jsonBody, query, unexpectedShape } from './errors.js';
import { vercelRequest, type VercelRestOptions } from './vercel-rest.js';

/**
 * Vercel project environment variables (docs/backups.md, "Vercel"), as the Vercel CLI calls them:
 * `GET /v10/projects/{id}/env?target=…&decrypt=true` to read, `POST /v10/projects/{id}/env?upsert=true`
 * to write one. Values pass through this module and are never logged.
 */

export interface VercelEnvVar {
  key: string;
  /** null when Vercel does not return it (a `sensitive` variable can be written, never read). */
  value: string | null;
  type: string;
  target: string[];
  gitBranch?: string;
}

export type VercelEnvClientOptions = VercelRestOptions;

export class VercelEnvClient {
  readonly provider = 'vercel';
  constructor(private readonly options: VercelEnvClientOptions) {}

  /** The project's variables for one target (production, preview, development), values decrypted. */
  async list(projectId: string, target: string): Promise<VercelEnvVar[]> {
    const what = `list environment variables of ${projectId}`;
    const body = await this.send<{ envs?: unknown }>(
      'GET',
      `/v10/projects/${encodeURIComponent(projectId)}/env${query({ target, decrypt: 'true', source: 'threadr-ops:backup', teamId: this.options.teamId })}`,
      what,
    );
    if (!Array.isArray(body.envs)) throw unexpectedShape(this.provider, what, 'no envs array');
    return body.envs.map((raw, index) => {
      const env = raw as Record<string, unknown> | null;
      if (!env || typeof env.key !== 'string') throw unexpectedShape(this.provider, what, `envs[${index}] has no key`);
      return {
        key: env.key,
        value: typeof env.value === 'string' && env.type !== 'sensitive' ? env.value : null,
        type: typeof env.type === 'string' ? env.type : 'encrypted',
        target: Array.isArray(env.target)
          ? env.target.filter((t): t is string => typeof t === 'string')
          : typeof env.target === 'string'
            ? [env.target]
            : [target],
        gitBranch: typeof env.gitBranch === 'string' ? env.gitBranch : undefined,
      };
    });
  }

  /** Creates or overwrites one variable. */
  async upsert(projectId: string, variable: VercelEnvVar & { value: string }): Promise<void> {
    const body = {
      key: variable.key,
      value: variable.value,
      type: variable.type,
      target: variable.target,
      gitBranch: variable.gitBranch,
    };
    await this.send(
      'POST',
      `/v10/projects/${encodeURIComponent(projectId)}/env${query({ upsert: 'true', teamId: this.options.teamId })}`,
      `write variable ${variable.key} of ${projectId}`,
      body,
    );
  }

  private async send<T>(method: string, path: string, what: string, body?: unknown): Promise<T> {
    return jsonBody<T>(this.provider, what, await vercelRequest(this.options, method, path, what, { body }));
  }
}
