import { describe, expect, test } from '@jest/globals';
import { syntheticHistory } from '../../src/ops-history/synthetic.js';

describe('history size', () => {
  test('a year of the full cadence stays under 10 MB', () => {
    const records = syntheticHistory({
      from: '2026-01-01T00:00:00Z',
      days: 365,
      outage: { start: '2026-06-10T14:00:00Z', minutes: 95 },
    });
    const bytes = records.reduce((sum, record) => sum + Buffer.byteLength(JSON.stringify(record)) + 1, 0);
    const counts = new Map<string, number>();
    for (const record of records) counts.set(record.action, (counts.get(record.action) ?? 0) + 1);
    const byAction = [...counts].map(([action, count]) => `${action} ${count}`);
    process.stdout.write(
      `a year of history: ${records.length} records, ${(bytes / 1e6).toFixed(2)} MB (${byAction.join(', ')})\n`,
    );
    // The cadence really is the schedule's: hourly smoke plus the 6-hourly, daily and per-deploy runs.
    expect(records.filter((r) => r.action === 'health-check').length).toBeGreaterThan(365 * 24);
    expect(records.filter((r) => r.action === 'cost-monitor').length).toBe(365 * 4);
    expect(records.filter((r) => r.action === 'deploy').length).toBe(365 * 2);
    expect(bytes).toBeLessThan(10 * 1024 * 1024);
  });
});
