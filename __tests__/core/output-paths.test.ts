import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputReader } from '../../src/core/inputs.js';
import { ROOT, runBundle } from '../harness/runner.js';

/** Every input naming a file the action writes must resolve inside GITHUB_WORKSPACE or RUNNER_TEMP. */

// Every action there is, so one added later is covered without editing this list.
const ACTIONS = readdirSync(join(ROOT, 'actions'));

describe('file-writing inputs', () => {
  const root = mkdtempSync(join(tmpdir(), 'threadr-paths-'));
  const workspace = join(root, 'ws');
  const temp = join(root, 'tmp');
  const outside = join(root, 'elsewhere');
  for (const dir of [workspace, temp, outside]) mkdirSync(dir);
  symlinkSync(outside, join(workspace, 'escape'));
  const reader = (value: string) =>
    new InputReader(
      () => value,
      () => {},
      workspace,
      temp,
    );

  test('inside the workspace or RUNNER_TEMP is accepted, relative paths against the workspace', () => {
    expect(reader('results/out.json').outputPath('histogram-out')).toBe(join(workspace, 'results/out.json'));
    expect(reader(join(temp, 'a', 'b.json')).outputPath('histogram-out')).toBe(join(temp, 'a', 'b.json'));
    expect(reader('').outputPath('histogram-out')).toBe('');
    // A name that merely starts with two dots is still inside.
    expect(reader('..cache/out.json').outputPath('histogram-out')).toBe(join(workspace, '..cache/out.json'));
  });

  test.each([['../elsewhere/x.json'], ['/etc/threadr.json'], ['escape/x.json'], [join(workspace, '..', 'x.json')]])(
    '%s is refused with a message',
    (value) => {
      expect(() => reader(value).outputPath('sarif-out')).toThrow(
        "input 'sarif-out' must be a file inside the workspace or RUNNER_TEMP",
      );
    },
  );

  test.each(ACTIONS)('%s refuses notify-state-file outside the workspace before any request', async (action) => {
    const result = await runBundle(action, { inputs: { 'notify-state-file': '/etc/threadr-ops-state.json' } });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain("input 'notify-state-file' must be a file inside the workspace or RUNNER_TEMP");
  });

  test('every action is covered', () => {
    expect(ACTIONS).toEqual(
      expect.arrayContaining([
        'backup',
        'cost-monitor',
        'dashboard',
        'deploy',
        'health-check',
        'load-test',
        'notify',
        'restore',
        'rollback',
        'security-scan',
      ]),
    );
  });

  test.each(ACTIONS)(
    '%s refuses history-file outside the workspace before any request, and writes nothing there',
    async (action) => {
      const history = join(outside, `history-${action}`);
      const result = await runBundle(action, { cwd: workspace, inputs: { 'history-file': `${history}/` } });
      expect(result.exitCode).toBe(1);
      expect(result.errors[0]).toContain("input 'history-file' must be a file inside the workspace or RUNNER_TEMP");
      expect(existsSync(history)).toBe(false);
    },
  );

  test('backup refuses output-dir outside the workspace before any dump or archive', async () => {
    const result = await runBundle('backup', {
      cwd: workspace,
      inputs: {
        targets: 'postgres',
        'postgres-url': 'postgres://u:p@127.0.0.1:9/threadr',
        'output-dir': '../elsewhere/backups',
      },
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain("input 'output-dir' must be a file inside the workspace or RUNNER_TEMP");
    expect(existsSync(join(outside, 'backups'))).toBe(false);
  });

  test('dashboard refuses out-dir outside the workspace before the site is built', async () => {
    const result = await runBundle('dashboard', { cwd: workspace, inputs: { 'out-dir': 'escape/_site' } });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain("input 'out-dir' must be a file inside the workspace or RUNNER_TEMP");
    expect(existsSync(join(outside, '_site'))).toBe(false);
  });

  test('load-test refuses histogram-out outside the workspace', async () => {
    const result = await runBundle('load-test', {
      inputs: { target: 'http://127.0.0.1:9/', 'histogram-out': '../../shard.json' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain("input 'histogram-out' must be a file inside the workspace or RUNNER_TEMP");
  });

  test('security-scan refuses sarif-out outside the workspace', async () => {
    const result = await runBundle('security-scan', {
      inputs: { url: 'http://127.0.0.1:9/', 'sarif-out': '/tmp/../etc/scan.sarif' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain("input 'sarif-out' must be a file inside the workspace or RUNNER_TEMP");
  });
});
