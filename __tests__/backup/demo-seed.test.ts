import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { ConfigVarsEmuState } from '../../src/emulator/config-vars.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { UpstashEmuState } from '../../src/emulator/upstash.js';
import { runBundle } from '../harness/runner.js';

/** The seeded emulator (`threadr-ops emulator`, the demo) has backups to try the actions on. */
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  await emulator.control.seedDemo();
});
afterAll(async () => {
  await emulator.stop();
});

test('a week of daily Redis backups and the demo project and service variables', async () => {
  const upstash = emulator.control.extensionState<UpstashEmuState>('upstash');
  expect(upstash.backups).toHaveLength(7);
  expect(Object.keys(emulator.control.extensionState<ConfigVarsEmuState>('config-vars').vercelEnv)).toEqual([
    'prj_threadr_web',
    'prj_threadr_scratch',
  ]);
  const account = upstash.accounts[0]!;
  const run = await runBundle('backup', {
    inputs: {
      targets: 'redis',
      'upstash-email': account.email,
      'upstash-api-key': account.apiKey,
      'upstash-database': 'threadr-cache',
      'upstash-api-url': `${emulator.urls.base}/upstash`,
    },
  });
  expect(run.errors).toEqual([]);
  expect(run.outputs.status).toBe('ok');
  expect(run.outputs['backup-id']).toBe(upstash.backups![6]!.backup_id);
});
