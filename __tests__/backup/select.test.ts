import { describe, expect, test } from '@jest/globals';
import { diffNames } from '../../src/backups/config.js';
import { worstLevel } from '../../src/core/alert-level.js';
import { ageVerdict, formatAge, parseStamp, selectBackup, stamp } from '../../src/backups/select.js';

const H = 3_600_000;

describe('backup age verdicts (max-age 26h)', () => {
  test.each([
    [10 * H, 'ok'],
    [26 * H, 'ok'],
    [26 * H + 1, 'warning'],
    [30 * H, 'warning'],
    [52 * H, 'warning'],
    [52 * H + 1, 'critical'],
    [60 * H, 'critical'],
    [undefined, 'critical'],
  ])('%p → %s', (age, verdict) => {
    expect(ageVerdict(age, 26 * H)).toBe(verdict);
  });

  test('the worst verdict wins', () => {
    expect(worstLevel([])).toBe('ok');
    expect(worstLevel(['ok', 'warning', 'ok'])).toBe('warning');
    expect(worstLevel(['warning', 'critical', 'ok'])).toBe('critical');
  });
});

describe('choosing the backup to restore', () => {
  const backups = [
    { id: 'a', createdAt: Date.parse('2026-11-27T23:59:59Z') },
    { id: 'b', createdAt: Date.parse('2026-11-28T00:00:00Z') },
    { id: 'c', createdAt: Date.parse('2026-11-28T23:59:59Z') },
    { id: 'd', createdAt: Date.parse('2026-11-29T05:00:00Z') },
  ];

  test('latest, by id, and the newest of a UTC day', () => {
    expect(selectBackup(backups, { kind: 'latest' }, 'db').id).toBe('d');
    expect(selectBackup(backups, { kind: 'id', id: 'b' }, 'db').id).toBe('b');
    expect(selectBackup(backups, { kind: 'date', date: '2026-11-28' }, 'db').id).toBe('c');
    expect(selectBackup(backups, { kind: 'date', date: '2026-11-27' }, 'db').id).toBe('a');
  });

  test('a day without a backup, an unknown id and no backups at all are clear errors', () => {
    expect(() => selectBackup(backups, { kind: 'date', date: '2026-11-30' }, 'Upstash database x')).toThrow(
      'Upstash database x has no backup on 2026-11-30 (UTC); days with backups: 2026-11-29, 2026-11-28, 2026-11-27',
    );
    expect(() => selectBackup(backups, { kind: 'id', id: 'zz' }, 'db')).toThrow(
      "db has no backup 'zz'; newest: d (2026-11-29T05:00:00.000Z)",
    );
    expect(() => selectBackup([], { kind: 'latest' }, 'db')).toThrow('db has no backups at all');
  });

  test('file-name stamps round-trip', () => {
    const at = Date.parse('2026-03-15T04:05:06.789Z');
    expect(stamp(at)).toBe('20260315T040506Z');
    expect(parseStamp(`threadr-pg-${stamp(at)}.dump`)).toBe(Date.parse('2026-03-15T04:05:06Z'));
    expect(parseStamp('threadr-pg-latest.dump')).toBeUndefined();
    expect(formatAge(30 * H)).toBe('30h00m');
    expect(formatAge(60 * H)).toBe('2d12h');
  });
});

describe('config diff: names only', () => {
  test('add, change, same, and what the destination has beyond the archive', () => {
    expect(diffNames({ A: '1', B: '2', C: '3' }, { B: '2', C: 'x', D: '4' })).toEqual({
      add: ['A'],
      change: ['C'],
      same: ['B'],
      extra: ['D'],
    });
  });
});
