import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { OpsRecord } from '../../src/ops-history/record.js';
import { aggregate, incidentsOf } from '../../src/ops-site/aggregate.js';
import { STATUS_SCHEMA, statusSummary } from '../../src/ops-site/status.js';

const health = (
  t: string,
  checks: Record<string, [number, number]>,
  why: Record<string, string> = {},
  incidents?: Record<string, string>,
): OpsRecord => ({
  t,
  env: 'production',
  action: 'health-check',
  verdict: Object.values(checks).every(([up]) => up === 1) ? 'success' : 'failure',
  figures: { checks, why, ...(incidents ? { incidents } : {}) },
});
const options = (now: string) => ({ now: Date.parse(now), days: 90, environment: 'production', latencyAlertMs: 2000 });

describe('uptime', () => {
  test('is weighted by time, split at UTC midnight, and a silent scheduler is not uptime', () => {
    const records = [
      health('2026-05-01T00:00:00Z', { api: [1, 100] }),
      health('2026-05-01T01:00:00Z', { api: [0, -1] }), // down 01:00–01:30
      health('2026-05-01T01:30:00Z', { api: [1, 100] }),
      health('2026-05-01T02:00:00Z', { api: [1, 100] }), // then nothing until 23:00: held 3 h only
      health('2026-05-01T23:00:00Z', { api: [0, -1] }), // down across midnight to 00:30
      health('2026-05-02T00:30:00Z', { api: [1, 100] }),
    ];
    const data = aggregate(records, options('2026-05-02T01:00:00Z'));
    const api = data.checks[0];
    const on = (day: string) => api.daily[data.days.indexOf(day)];
    // 1 May: up 00:00–01:00, 01:30–05:00 (4.5 h); down 01:00–01:30 and 23:00–24:00 (1.5 h).
    expect(on('2026-05-01')).toBeCloseTo((4.5 / 6) * 100, 2);
    // 2 May: down 00:00–00:30, up 00:30–01:00.
    expect(on('2026-05-02')).toBe(50);
    expect(on('2026-04-30')).toBeNull();
    expect(api.up).toBe(true);
  });
});

describe('incidents', () => {
  test('open at the first failing record, update on a new reason and an incident issue, resolve at recovery', () => {
    const records = [
      health('2026-05-01T10:00:00Z', { api: [1, 90], web: [1, 90] }),
      health('2026-05-01T10:05:00Z', { api: [0, -1], web: [1, 90] }, { api: 'HTTP 502' }),
      health(
        '2026-05-01T10:10:00Z',
        { api: [0, -1] },
        { api: 'HTTP 502' },
        { api: 'https://github.com/threadr/threadr/issues/7' },
      ),
      health('2026-05-01T10:12:00Z', { api: [0, -1] }, { api: 'HTTP 502 (after 230ms)' }),
      health('2026-05-01T10:13:00Z', { api: [0, -1] }, { api: 'HTTP 502 (after 1.5s)' }), // same gist: no update
      health('2026-05-01T10:15:00Z', { api: [0, -1] }, { api: 'connection refused' }),
      health('2026-05-01T10:47:00Z', { api: [1, 120] }),
      health('2026-05-01T11:00:00Z', { web: [0, -1] }, { web: 'timeout' }),
    ];
    const incidents = incidentsOf(records, Date.parse('2026-05-01T11:30:00Z'));
    expect(incidents.map((i) => [i.component, i.started, i.resolved, i.durationMs / 60_000])).toEqual([
      ['web', '2026-05-01T11:00:00Z', undefined, 30],
      ['api', '2026-05-01T10:05:00Z', '2026-05-01T10:47:00Z', 42],
    ]);
    expect(incidents[1].updates.map((u) => [u.status, u.body])).toEqual([
      ['investigating', 'api failed its health check: HTTP 502.'],
      ['identified', 'Tracked in https://github.com/threadr/threadr/issues/7.'],
      ['identified', 'api still down, now: HTTP 502 (after 230ms).'],
      ['identified', 'api still down, now: connection refused.'],
      ['resolved', 'api is answering again; it was down for 42 min.'],
    ]);

    const data = aggregate(records, options('2026-05-01T11:30:00Z'));
    const { summary, incidents: all } = statusSummary(data, { name: 'Threadr', url: 'https://status.example' });
    expect(summary.status.indicator).toBe('major');
    expect(summary.components.map((c) => [c.name, c.status])).toEqual([
      ['api', 'operational'],
      ['web', 'major_outage'],
    ]);
    expect(summary.incidents.map((i) => i.name)).toEqual(['web is down']);
    expect(all.incidents.map((i) => [i.name, i.status, i.resolved_at])).toEqual([
      ['web is down', 'investigating', null],
      ['api is down', 'resolved', '2026-05-01T10:47:00Z'],
    ]);
    // Newest update first, as Statuspage lists them.
    expect(all.incidents[1].incident_updates[0].status).toBe('resolved');
  });

  test('a component answering slower than the alert line is degraded, not down', () => {
    const data = aggregate(
      [health('2026-05-01T10:00:00Z', { api: [1, 2500], web: [1, 100] })],
      options('2026-05-01T10:30:00Z'),
    );
    const { summary } = statusSummary(data, { name: 'Threadr', url: '' });
    expect(summary.status).toEqual({ indicator: 'minor', description: 'Minor Service Outage' });
    expect(summary.components[0].status).toBe('degraded_performance');
  });
});

describe('deploys', () => {
  // deploy-pipeline.yml records 'deployed' from the deploy job before verification; a rollback or a
  // failed verdict later in the same run is what says the deploy was not verified.
  test('a deploy is verified, rolled back or failed as its pipeline run ended', () => {
    const record = (
      t: string,
      action: string,
      run: string,
      verdict: OpsRecord['verdict'],
      status?: string,
    ): OpsRecord => ({
      t,
      env: 'production',
      action,
      verdict,
      run,
      sha: run.padEnd(7, '0'),
      figures: status ? { status } : {},
    });
    const records = [
      record('2026-05-01T10:00:00Z', 'deploy', '1', 'success', 'deployed'),
      record('2026-05-01T10:05:00Z', 'notify', '1', 'success'),
      record('2026-05-01T15:00:00Z', 'deploy', '2', 'success', 'deployed'),
      record('2026-05-01T15:04:00Z', 'rollback', '2', 'success', 'rolled-back'),
      record('2026-05-01T15:05:00Z', 'notify', '2', 'failure'),
      record('2026-05-01T18:00:00Z', 'deploy', '3', 'success', 'deployed'),
      record('2026-05-01T18:05:00Z', 'notify', '3', 'failure'),
      record('2026-05-01T19:00:00Z', 'deploy', '4', 'failure', 'failed'),
    ];
    const data = aggregate(records, options('2026-05-02T00:00:00Z'));
    const i = data.days.indexOf('2026-05-01');
    expect([data.deploys.verified[i], data.deploys.rolledBack[i], data.deploys.failed[i]]).toEqual([1, 1, 2]);
    expect(data.deploys.recent.map((d) => `${d.action} ${d.run} ${d.status}`)).toEqual([
      'deploy 4 failed',
      'deploy 3 failed',
      'rollback 2 rolled-back',
      'deploy 2 rolled-back',
      'deploy 1 deployed',
    ]);
  });
});

describe('spend per day', () => {
  test("a day's spend is the next day's 'yesterday' when there is one, else the day's last 'today'", () => {
    const cost = (t: string, day: string, today: number, yesterday: number): OpsRecord => ({
      t,
      env: 'production',
      action: 'cost-monitor',
      verdict: 'success',
      figures: {
        day,
        spend: {
          openai: { today, yesterday, daily: 50, projected: 900, monthly: 1000, mtd: 300 },
          total: { today, yesterday },
        },
      },
    });
    const data = aggregate(
      [
        cost('2026-05-01T06:00:00Z', '2026-05-01', 5, 20),
        cost('2026-05-01T18:00:00Z', '2026-05-01', 15, 20),
        cost('2026-05-02T00:05:00Z', '2026-05-02', 0.5, 21),
        cost('2026-05-02T12:00:00Z', '2026-05-02', 9, 21),
      ],
      options('2026-05-02T13:00:00Z'),
    );
    const on = (day: string) => data.cost.daily.openai[data.days.indexOf(day)];
    expect(on('2026-04-30')).toBe(20);
    expect(on('2026-05-01')).toBe(21);
    expect(on('2026-05-02')).toBe(9);
    expect(data.cost.providers).toEqual(['openai']);
    expect(data.cost.dailyLimit).toEqual({ openai: 50 });
    expect(data.cost.month).toEqual({
      day: '2026-05-02',
      projected: { openai: 900 },
      monthly: { openai: 1000 },
      mtd: { openai: 300 },
    });
  });
});

describe('status.json schema', () => {
  test('docs/status.schema.json is the schema the site ships', () => {
    expect(JSON.parse(readFileSync(new URL('../../docs/status.schema.json', import.meta.url), 'utf8'))).toEqual(
      STATUS_SCHEMA,
    );
  });
});
