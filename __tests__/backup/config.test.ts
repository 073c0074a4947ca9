/**
 * Acceptance, config: export Vercel and Railway variables into an age archive with the committed
 * backup bundle, decrypt it with the matching identity, restore it with the restore bundle into an
 * empty emulated project and service, and compare. The values must appear in no log, output or summary.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import type { ConfigVarsEmuState } from '../../src/emulator/config-vars.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runBundle, type RunResult } from '../harness/runner.js';

const VERCEL_TOKEN = 'vercel_config_token_0001';
const RAILWAY_TOKEN = 'railway_config_token_0001';
const PROD = {
  vercel: 'prj_threadr_web',
  railway: { projectId: 'rw-proj', environmentId: 'rw-env-prod', serviceId: 'rw-svc-api' },
};
const SCRATCH = {
  vercel: 'prj_scratch',
  railway: { projectId: 'rw-proj', environmentId: 'rw-env-scratch', serviceId: 'rw-svc-api' },
};
const key = (r: typeof PROD.railway) => `${r.projectId}/${r.environmentId}/${r.serviceId}`;

// Values distinctive enough that finding one anywhere is a leak.
const SECRETS = {
  DATABASE_URL: 'postgres://app:Pa55-leak-check-1@db.internal:5432/threadr',
  OPENAI_API_KEY: 'sk-leak-check-openai-000000000000000000000002',
  STRIPE_SECRET_KEY: 'sk_live_leak_check_stripe_000000000003',
  NEXT_PUBLIC_SITE_NAME: 'Threadr leak-check plain 4',
  SESSION_SECRET: 'leak-check-session-secret-5',
};

let emulator: Emulator;
// The job's workspace (GITHUB_WORKSPACE): backups are written inside it, as on a runner.
let workspace: string;
let dir: string;
let identity: string;
let recipient: string;

function vars(): ConfigVarsEmuState {
  return emulator.control.extensionState<ConfigVarsEmuState>('config-vars');
}

const platformInputs = () => ({
  'vercel-token': VERCEL_TOKEN,
  'vercel-project-id': PROD.vercel,
  'vercel-api-url': emulator.urls.vercel,
  'railway-token': RAILWAY_TOKEN,
  'railway-project-id': PROD.railway.projectId,
  'railway-environment-id': PROD.railway.environmentId,
  'railway-service-id': PROD.railway.serviceId,
  'railway-api-url': emulator.urls.railwayGraphql,
});

/** In no log line, output or summary; each is masked (the runner hides it should it ever be printed). */
function expectNoValues(run: RunResult): void {
  const everything = [run.log, run.stderr, run.summary, JSON.stringify(run.outputs)].join('\n');
  for (const value of Object.values(SECRETS)) {
    expect(everything).not.toContain(value);
    expect(run.masks).toContain(value);
  }
  // The only lines of stdout that hold a value are the runner's add-mask commands.
  const withValues = run.stdout
    .split('\n')
    .filter((line) => Object.values(SECRETS).some((value) => line.includes(value)));
  expect(withValues.every((line) => line.startsWith('::add-mask::'))).toBe(true);
}

const vercelView = (projectId: string) =>
  vars()
    .vercelEnv[projectId]!.map(({ key: name, value, type, target }) => ({ name, value, type, target }))
    .sort((a, b) => a.name.localeCompare(b.name));

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  emulator.control.addVercelToken(VERCEL_TOKEN);
  emulator.control.addRailwayAccountToken(RAILWAY_TOKEN);
  const now = Date.now();
  const env = (id: string, name: string, value: string, type: 'plain' | 'encrypted', target = ['production']) => ({
    id,
    key: name,
    value,
    type,
    target,
    createdAt: now,
    updatedAt: now,
  });
  Object.assign(vars(), {
    vercelEnv: {
      [PROD.vercel]: [
        env('env_1', 'OPENAI_API_KEY', SECRETS.OPENAI_API_KEY, 'encrypted'),
        env('env_2', 'STRIPE_SECRET_KEY', SECRETS.STRIPE_SECRET_KEY, 'encrypted'),
        env('env_3', 'NEXT_PUBLIC_SITE_NAME', SECRETS.NEXT_PUBLIC_SITE_NAME, 'plain', ['production', 'preview']),
        env('env_4', 'PREVIEW_ONLY', 'preview-value', 'plain', ['preview']),
      ],
      [SCRATCH.vercel]: [],
    },
    railwayVariables: {
      // A reference variable is kept as written (the query asks for unrendered values).
      [key(PROD.railway)]: {
        DATABASE_URL: SECRETS.DATABASE_URL,
        SESSION_SECRET: SECRETS.SESSION_SECRET,
        PORT: '8080',
        REDIS_URL: '${{Redis.REDIS_URL}}',
      },
      [key(SCRATCH.railway)]: {},
    },
  });
  identity = await generateIdentity();
  recipient = await identityToRecipient(identity);
  workspace = mkdtempSync(join(tmpdir(), 'config-backup-'));
  dir = join(workspace, 'threadr-backups');
});
afterAll(async () => {
  await emulator.stop();
  rmSync(workspace, { recursive: true, force: true });
});

describe('config: export → decrypt → restore into an empty project → identical', () => {
  let archive: string;

  test('backup writes one age archive to output-dir; names are logged, values nowhere', async () => {
    const run = await runBundle('backup', {
      cwd: workspace,
      inputs: { targets: 'config', 'age-recipient': recipient, 'output-dir': dir, ...platformInputs() },
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.status).toBe('ok');
    archive = run.outputs.archive!;
    expect(readdirSync(dir)).toEqual([archive.split('/').pop()]);
    expect(archive).toMatch(/threadr-config-production-\d{8}T\d{6}Z\.json\.age$/);
    expect(run.log).toContain('NEXT_PUBLIC_SITE_NAME, OPENAI_API_KEY, STRIPE_SECRET_KEY');
    expect(run.log).toContain('DATABASE_URL, PORT, REDIS_URL, SESSION_SECRET');
    expect(run.log).not.toContain('PREVIEW_ONLY');
    expectNoValues(run);
    expect(readFileSync(archive, 'utf8')).not.toContain(SECRETS.OPENAI_API_KEY);
  });

  test('the archive decrypts with the matching identity, and only with it', async () => {
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    const content = JSON.parse(await decrypter.decrypt(readFileSync(archive), 'text')) as {
      railway: { variables: Record<string, string> };
      vercel: { variables: { key: string; value: string }[] };
    };
    expect(content.railway.variables).toEqual({
      DATABASE_URL: SECRETS.DATABASE_URL,
      PORT: '8080',
      REDIS_URL: '${{Redis.REDIS_URL}}',
      SESSION_SECRET: SECRETS.SESSION_SECRET,
    });
    expect(content.vercel.variables.map((v) => [v.key, v.value])).toEqual([
      ['NEXT_PUBLIC_SITE_NAME', SECRETS.NEXT_PUBLIC_SITE_NAME],
      ['OPENAI_API_KEY', SECRETS.OPENAI_API_KEY],
      ['STRIPE_SECRET_KEY', SECRETS.STRIPE_SECRET_KEY],
    ]);
    const other = new Decrypter();
    other.addIdentity(await generateIdentity());
    await expect(other.decrypt(readFileSync(archive), 'text')).rejects.toThrow();
  });

  const restoreInputs = (extra: Record<string, string>) => ({
    target: 'config',
    'backup-path': dir,
    'age-identity': identity,
    destination: `vercel=${SCRATCH.vercel}\nrailway=${key(SCRATCH.railway)}`,
    verify: 'DATABASE_URL, OPENAI_API_KEY',
    ...platformInputs(),
    ...extra,
  });

  test('a dry run (the default) lists the names it would add and changes nothing', async () => {
    const before = JSON.stringify(vars());
    const run = await runBundle('restore', { cwd: workspace, inputs: restoreInputs({}) });
    expect(run.errors).toEqual([]);
    expect(run.outputs.status).toBe('dry-run');
    expect(JSON.stringify(vars())).toBe(before);
    expect(emulator.control.requests({ method: 'POST', path: '/env' })).toEqual([]);
    expect(emulator.control.requests({ operation: 'variableCollectionUpsert' })).toEqual([]);
    expect(run.summary).toContain('| Would add | `NEXT_PUBLIC_SITE_NAME`, `OPENAI_API_KEY`, `STRIPE_SECRET_KEY` |');
    expect(run.summary).toContain('| Would add | `DATABASE_URL`, `PORT`, `REDIS_URL`, `SESSION_SECRET` |');
    expect(run.masks).toContain(identity);
    expectNoValues(run);
  });

  test('restore writes them; the scratch project and service then hold identical variables', async () => {
    const run = await runBundle('restore', { cwd: workspace, inputs: restoreInputs({ 'dry-run': 'false' }) });
    expect(run.errors).toEqual([]);
    expect(run.outputs.status).toBe('restored');
    expect(run.outputs['restored-from']).toContain(archive.split('/').pop());
    expect(Number(run.outputs['rto-seconds'])).toBeGreaterThan(0);
    expect(vars().railwayVariables[key(SCRATCH.railway)]).toEqual(vars().railwayVariables[key(PROD.railway)]);
    const production = vercelView(PROD.vercel).filter((v) => v.target.includes('production'));
    expect(vercelView(SCRATCH.vercel)).toEqual(production);
    expect(run.summary).toContain('✅ 2 expected names present');
    expectNoValues(run);

    const again = await runBundle('restore', { cwd: workspace, inputs: restoreInputs({ 'dry-run': 'true' }) });
    expect(again.summary).toContain('| Unchanged | `NEXT_PUBLIC_SITE_NAME`, `OPENAI_API_KEY`, `STRIPE_SECRET_KEY` |');
  });

  test('into production only with confirm: production; a wrong identity is a clear error', async () => {
    const refused = await runBundle('restore', {
      cwd: workspace,
      inputs: restoreInputs({ destination: 'production', 'dry-run': 'false' }),
    });
    expect(refused.errors[0]).toMatch(/^restore: input 'confirm' must be 'production'/);
    const wrong = await runBundle('restore', {
      cwd: workspace,
      inputs: restoreInputs({ 'age-identity': await generateIdentity() }),
    });
    expect(wrong.outputs.status).toBe('failed');
    expect(wrong.errors[0]).toMatch(
      /cannot decrypt threadr-config-production-.*is age-identity the identity of the recipient/,
    );
  });

  test('a sensitive Vercel variable cannot be read: it is named, not kept, and the verdict is warning', async () => {
    const now = Date.now();
    vars().vercelEnv[PROD.vercel]!.push({
      id: 'env_9',
      key: 'WEBHOOK_SIGNING_SECRET',
      value: 'whsec-leak-check-sensitive-9',
      type: 'sensitive',
      target: ['production'],
      createdAt: now,
      updatedAt: now,
    });
    const out = mkdtempSync(join(workspace, 'config-sensitive-'));
    try {
      const run = await runBundle('backup', {
        cwd: workspace,
        inputs: { targets: 'config', 'age-recipient': recipient, 'output-dir': out, ...platformInputs() },
      });
      expect(run.outputs.status).toBe('warning');
      expect(run.exitCode).toBe(0);
      expect(run.summary).toContain('not readable through the API (sensitive), not kept: WEBHOOK_SIGNING_SECRET');
      expect([run.stdout, run.summary, JSON.stringify(run.outputs)].join('\n')).not.toContain(
        'whsec-leak-check-sensitive-9',
      );
    } finally {
      vars().vercelEnv[PROD.vercel]!.pop();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
