import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBundle } from '../harness/runner.js';

// The job's workspace (GITHUB_WORKSPACE): sites are written inside it, as on a runner.
const work = mkdtempSync(join(tmpdir(), 'threadr-dashboard-action-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('dashboard inputs', () => {
  test.each([
    [{ history: '' }, "dashboard: input 'history' is required"],
    [{ days: '30' }, "dashboard: input 'days' must be at least 90, got '30'"],
    [{ 'latency-alert': 'soon' }, "dashboard: input 'latency-alert' must be a duration"],
    [{ 'as-of': '2026-13-45' }, "dashboard: input 'as-of' must be an ISO-8601 UTC date-time"],
    [
      { 'stripe-secret-key': 'pk_live_notsecret' },
      "dashboard: input 'stripe-secret-key' must be a Stripe secret or restricted key",
    ],
  ])('%j is refused in one line before anything is written', async (inputs, message) => {
    const out = join(work, 'refused');
    const run = await runBundle('dashboard', { cwd: work, inputs: { 'out-dir': out, ...inputs } });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(message);
    expect(run.log).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  test('no history yet: a warning, and a site that says so with a valid status.json', async () => {
    const out = join(work, 'empty');
    const run = await runBundle('dashboard', {
      cwd: work,
      inputs: { history: join(work, 'nothing-here/'), 'out-dir': out },
    });
    expect(run.exitCode).toBe(0);
    expect(run.warnings.join('\n')).toMatch(/no history found/);
    expect(run.outputs).toMatchObject({
      indicator: 'none',
      records: '0',
      'open-incidents': '0',
      'components-down': '',
    });
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/No health-check record yet/);
    expect(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'))).toMatchObject({
      components: [],
      incidents: [],
      scheduled_maintenances: [],
    });
  });
});
