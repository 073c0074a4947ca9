import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { readActionMetadata } from '../../src/core/action-metadata.js';
import { InputReader } from '../../src/core/inputs.js';
import { getInputs as backupInputs } from '../../src/backup/inputs.js';
import { getInputs as restoreInputs } from '../../src/restore/inputs.js';
import { ROOT } from '../harness/runner.js';

/** Inputs as the runner gives them: action.yml defaults, then the step's `with:`. */
function reader(action: string, given: Record<string, string>, masked: string[] = []): InputReader {
  const { inputs } = readActionMetadata(join(ROOT, 'actions', action, 'action.yml'));
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, spec.default])),
    ...given,
  };
  return new InputReader(
    (name) => values[name] ?? '',
    (secret) => masked.push(secret),
    '/work/space',
  );
}

const upstash = {
  'upstash-email': 'ops@threadr.test',
  'upstash-api-key': 'key-123456',
  'upstash-database': 'threadr-cache',
};

describe('backup inputs: one line naming the input and the expected form', () => {
  test.each([
    [
      { targets: '' },
      "input 'targets' is required: any of redis, config, postgres, comma-separated, for example redis,postgres",
    ],
    [{ targets: 'redis,mysql' }, "input 'targets' must list only redis, config, postgres, got 'mysql'"],
    [
      { targets: 'redis', 'upstash-database': 'x', 'upstash-api-key': '' },
      "input 'upstash-api-key' is required for the redis target, for example ${{ secrets.UPSTASH_API_KEY }}",
    ],
    [
      { targets: 'redis', ...upstash, 'max-age': 'a day' },
      "input 'max-age' must be a duration such as 30s, 5m or 1h, got 'a day'",
    ],
    [
      { targets: 'config', 'vercel-token': 't', 'vercel-project-id': 'prj_1', 'age-recipient': 'ssh-ed25519 AAAA' },
      "input 'age-recipient' must be an age public key such as age1",
    ],
    [{ targets: 'config' }, "input 'vercel-token' or railway-token is required for the config target"],
    [
      { targets: 'postgres', 'postgres-url': 'mysql://u:p@h/db' },
      "input 'postgres-url' must be a postgres://user:password@host:5432/database URL (value not shown: it is a secret)",
    ],
  ])('%j', (given, message) => {
    expect(() => backupInputs(reader('backup', given), () => {})).toThrow(message);
  });

  test('a postgres URL and its password are masked; the defaults parse', () => {
    const masked: string[] = [];
    const settings = backupInputs(
      reader(
        'backup',
        { targets: 'postgres, redis', ...upstash, 'postgres-url': 'postgres://app:p%40ss@db:5432/threadr' },
        masked,
      ),
      (s) => masked.push(s),
    );
    expect(settings.targets).toEqual(['postgres', 'redis']);
    expect(settings.maxAgeMs).toBe(26 * 3_600_000);
    expect(settings.outputDir).toBe('/work/space/threadr-backups');
    expect(masked).toEqual(
      expect.arrayContaining(['postgres://app:p%40ss@db:5432/threadr', 'p%40ss', 'p@ss', 'key-123456']),
    );
  });
});

describe('restore inputs', () => {
  const redis = { target: 'redis', destination: 'threadr-scratch', ...upstash };
  test.each([
    [
      { ...redis, date: '2026-02-30' },
      "input 'date' must be a UTC day as YYYY-MM-DD, such as 2026-03-14, got '2026-02-30'",
    ],
    [
      { ...redis, date: '2026-02-03', 'backup-id': 'bkp-1' },
      "input 'date' cannot be combined with backup-id 'bkp-1': give one of them",
    ],
    [{ ...redis, destination: '' }, "input 'destination' is required"],
    [{ ...redis, destination: 'production', 'dry-run': 'false' }, "input 'confirm' must be 'production'"],
    [{ ...redis, destination: 'threadr-cache', 'dry-run': 'false' }, "input 'confirm' must be 'production'"],
    [{ ...redis, verify: '10' }, "input 'redis-rest-url' is required with verify for redis"],
    [
      {
        target: 'config',
        destination: 'netlify=x',
        'age-identity': 'AGE-SECRET-KEY-1ABC',
        'vercel-token': 't',
        'vercel-project-id': 'prj_1',
      },
      "input 'destination' for config must be 'production' or lines such as 'vercel=prj_scratch'",
    ],
    [
      {
        target: 'config',
        destination: 'vercel=prj_2',
        'age-identity': 'not-an-identity',
        'vercel-token': 't',
        'vercel-project-id': 'prj_1',
      },
      "input 'age-identity' must be the age identity (AGE-SECRET-KEY-1…)",
    ],
    [
      { target: 'postgres', destination: 'scratch-db' },
      "input 'destination' for postgres must be a postgres://user:password@host:5432/scratch URL or production",
    ],
    [
      { target: 'postgres', destination: 'production' },
      "input 'postgres-url' is required with destination: production",
    ],
    [
      {
        target: 'postgres',
        destination: 'postgresql://other:pw@LOCALHOST/threadr',
        'postgres-url': 'postgres://app:secret@127.0.0.1:5432/threadr',
        'dry-run': 'false',
      },
      "input 'confirm' must be 'production'",
    ],
  ])('%j', (given, message) => {
    expect(() => restoreInputs(reader('restore', given), () => {})).toThrow(message);
  });

  test('dry-run is the default; production is allowed when confirmed', () => {
    expect(restoreInputs(reader('restore', redis), () => {})).toMatchObject({
      dryRun: true,
      production: false,
      selector: { kind: 'latest' },
    });
    expect(
      restoreInputs(
        reader('restore', {
          ...redis,
          destination: 'production',
          confirm: 'production',
          'dry-run': 'false',
          date: '2026-03-14',
        }),
        () => {},
      ),
    ).toMatchObject({
      dryRun: false,
      production: true,
      selector: { kind: 'date', date: '2026-03-14' },
      redis: { destination: 'threadr-cache' },
    });
  });
});
