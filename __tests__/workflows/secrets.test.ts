import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { ROOT } from '../harness/runner.js';
import { json, startServer, type TestServer } from '../harness/servers.js';

/**
 * docs/secrets.md is the one table of secrets: every name the workflows and docs use is in it,
 * under one spelling, and each Railway token is sent the way its kind requires.
 */
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const workflowFiles = readdirSync(join(ROOT, '.github', 'workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join('.github', 'workflows', f));
const actionReadmes = readdirSync(join(ROOT, 'actions'))
  .filter((name) => existsSync(join(ROOT, 'actions', name, 'README.md')))
  .map((name) => join('actions', name, 'README.md'));
const docs = ['README.md', 'docs/workflows.md', ...actionReadmes];
// Guides that show workflow snippets: the same names, no variable spelling.
const guides = ['docs/backups.md', 'docs/dashboard.md'];

/** Rows of the table: name → kind text, where it is defined, who reads it and its least scope. */
function table(): Map<string, { kind: string; where: string; readers: string; scope: string }> {
  const rows = new Map<string, { kind: string; where: string; readers: string; scope: string }>();
  for (const [, name, kind, where, readers, scope] of read('docs/secrets.md').matchAll(
    /^\| `([A-Z][A-Z0-9_]*)` \| (.+?) \| (.+?) \| (.+?) \| (.+) \|$/gm,
  ))
    rows.set(name, { kind, where, readers, scope });
  return rows;
}

const used = (text: string, context: 'secrets' | 'vars') =>
  [...text.matchAll(new RegExp(`\\b${context}\\.([A-Z][A-Z0-9_]*)`, 'g'))].map((m) => m[1]);

/** Where a step sends a Railway token from a secret: the secret and the effective railway-token-type. */
function railwayTokenUses(): { where: string; secret: string; type: string }[] {
  const found: { where: string; secret: string; type: string }[] = [];
  const defaultType = (action: string) =>
    (parse(read(join('actions', action, 'action.yml'))) as { inputs: Record<string, { default?: string }> }).inputs[
      'railway-token-type'
    ]?.default ?? '';
  const consider = (where: string, action: string | undefined, inputs: Record<string, unknown> | undefined) => {
    const secret = /secrets\.([A-Z0-9_]+)/.exec(String(inputs?.['railway-token'] ?? ''))?.[1];
    if (action && secret)
      found.push({ where, secret, type: String(inputs?.['railway-token-type'] ?? defaultType(action)) });
  };
  const actionOf = (uses: unknown) => /actions\/([\w-]+)@/.exec(String(uses ?? ''))?.[1];
  for (const file of workflowFiles) {
    const workflow = parse(read(file)) as {
      jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    for (const [job, spec] of Object.entries(workflow.jobs))
      for (const step of spec.steps ?? []) consider(`${file} ${job}`, actionOf(step.uses), step.with);
  }
  for (const file of docs) {
    for (const [, block] of read(file).matchAll(/```yaml\n([\s\S]*?)```/g)) {
      const own = /^actions\/([\w-]+)\//.exec(file)?.[1];
      const action = actionOf(/uses: (\S+)/.exec(block)?.[1]) ?? own;
      const token = /railway-token: \$\{\{ secrets\.([A-Z0-9_]+) \}\}/.exec(block)?.[1];
      if (token && action)
        consider(`${file}`, action, {
          'railway-token': `secrets.${token}`,
          'railway-token-type': /railway-token-type: (\w+)/.exec(block)?.[1],
        });
    }
  }
  return found;
}

describe('docs/secrets.md, the one table of secrets', () => {
  const rows = table();

  test('lists each secret once, with a kind and where it is defined', () => {
    expect(rows.size).toBeGreaterThan(10);
    for (const [name, row] of rows) {
      expect([name, row.where]).toEqual([name, expect.stringMatching(/^(Repository|Environment)/)]);
      expect([name, row.readers.length > 3, row.scope.length > 3]).toEqual([name, true, true]);
    }
  });

  test.each([...workflowFiles, ...docs, ...guides])(
    '%s uses only names from the table, and no variable spelling of them',
    (file) => {
      const text = read(file);
      const unknown = used(text, 'secrets').filter((name) => name !== 'GITHUB_TOKEN' && !rows.has(name));
      expect(unknown).toEqual([]);
      expect(used(text, 'vars')).toEqual([]);
    },
  );

  test('every secret a workflow declares is in the table, and every row is read somewhere', () => {
    const declared = workflowFiles.flatMap((file) =>
      Object.keys(
        (parse(read(file)) as { on?: { workflow_call?: { secrets?: object } } }).on?.workflow_call?.secrets ?? {},
      ),
    );
    // load-test-distributed.yml's `headers` is a parameter the caller maps explicitly, not a stored secret.
    expect(declared.filter((name) => !rows.has(name) && name !== 'headers')).toEqual([]);
    const everywhere = [...workflowFiles, ...docs].map(read).join('\n');
    expect([...rows.keys()].filter((name) => !everywhere.includes(`secrets.${name}`))).toEqual([]);
  });

  test('README, docs/workflows.md and every action README link to it', () => {
    for (const file of docs)
      expect([file, /\]\((\.\.\/)*(docs\/)?secrets\.md\)/.test(read(file))]).toEqual([file, true]);
  });

  // The 6-hourly cost run sent RAILWAY_TOKEN, a project token, as an account token: 'Not Authorized'.
  test('each Railway token is sent as its kind requires (project token vs account/workspace token)', () => {
    const uses = railwayTokenUses();
    expect(uses.length).toBeGreaterThan(3);
    const wrong = uses.filter(({ secret, type }) => {
      const kind = rows.get(secret)?.kind ?? '';
      return !kind.includes(`railway-token-type: ${type}`);
    });
    expect(wrong).toEqual([]);
  });

  // backup.yml's weekly job read RAILWAY_TOKEN and RAILWAY_ENVIRONMENT_ID without declaring an
  // environment: on GitHub both are empty there, and the config backup would silently lack Railway.
  test('a job reads environment secrets only when it declares an environment', () => {
    const environmentOnly = [...rows].filter(([, row]) => row.where.startsWith('Environment')).map(([name]) => name);
    expect(environmentOnly.length).toBeGreaterThan(1);
    const wrong: string[] = [];
    for (const file of workflowFiles) {
      const workflow = parse(read(file)) as { jobs: Record<string, { environment?: unknown; steps?: unknown[] }> };
      for (const [job, spec] of Object.entries(workflow.jobs)) {
        if (spec.environment) continue;
        for (const name of used(JSON.stringify(spec.steps ?? []), 'secrets'))
          if (environmentOnly.includes(name)) wrong.push(`${file} ${job}: ${name}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('the secrets that differ per environment are environment secrets', () => {
    expect(rows.get('RAILWAY_TOKEN')?.where).toMatch(/^Environment/);
    expect(rows.get('RAILWAY_ENVIRONMENT_ID')?.where).toMatch(/^Environment/);
    expect(rows.get('RAILWAY_API_TOKEN')?.where).toMatch(/^Repository/);
  });
});

describe('scheduled-ops.yml health-cost with the secrets as the table defines them', () => {
  let emulator: Emulator;
  let site: TestServer;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, slack: { rateLimit: false } });
    site = await startServer((_req, res) => json(res, 200, { status: 'ok' }));
  });
  afterAll(async () => {
    await emulator.stop();
    await site.close();
  });

  test('reads Railway usage in full: not partial', async () => {
    const setup = await emulator.control.seedDemo();
    const secrets = {
      RAILWAY_API_TOKEN: setup.railway.accountToken,
      RAILWAY_PROJECT_ID: setup.railway.service.projectId,
      RAILWAY_API_URL: emulator.urls.railwayGraphql,
    };
    const node = process.env.THREADR_TEST_NODE ?? process.execPath;
    const args = [
      '--input',
      'task=health-cost',
      '--input',
      `frontend-url=${site.url}`,
      '--input',
      `api-url=${site.url}`,
      ...Object.keys(secrets).flatMap((name) => ['--secret', name]),
    ];
    const child = spawn(
      node,
      [
        join(ROOT, 'bin', 'threadr-ops.js'),
        'workflow',
        join(ROOT, '.github', 'workflows', 'scheduled-ops.yml'),
        ...args,
      ],
      {
        cwd: mkdtempSync(join(tmpdir(), 'secrets-cost-')),
        env: {
          PATH: process.env.PATH ?? '',
          GITHUB_TOKEN: setup.github.token,
          GITHUB_API_URL: emulator.urls.github,
          GITHUB_REPOSITORY: 'threadr/threadr',
          ...secrets,
        },
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (out += c));
    const code = await new Promise((done) => child.on('close', done));
    expect(out).toMatch(/\| Railway \| \$[\d.]+ \| \$[\d.]+ \|.*✅ ok \|/);
    expect(out).not.toMatch(/partial/i);
    expect(code).toBe(0);
  });
});
