/** The guard rails and the record format as pure logic (the bundle tests drive them end to end). */
import { describe, expect, test } from '@jest/globals';
import { guard, HOUR_MS, lastToRevert } from '../../src/remediation/guard.js';
import { parseEntry, renderEntry } from '../../src/remediation/record.js';
import type { RecordEntry } from '../../src/remediation/types.js';

const T = Date.parse('2026-12-01T03:00:00Z');
const MIN = 60_000;
const entry = (over: Partial<RecordEntry>): RecordEntry => ({
  id: 'a',
  kind: 'scale_backend',
  target: 'railway:s@e',
  phase: 'before',
  at: T,
  from: 1,
  to: 2,
  reason: 'r',
  undo: 'u',
  ...over,
});
const rails = { cooldownMs: 30 * MIN, maxActionsPerHour: 3 };

describe('guard', () => {
  test('cooldown is per action and target, measured from the last attempt', () => {
    const entries = [entry({})];
    expect(guard(entries, 'scale_backend', 'railway:s@e', T + 29 * MIN, rails)).toMatchObject({
      allowed: false,
      why: expect.stringMatching(/^cooldown: .* 1 min of the cooldown left$/),
    });
    expect(guard(entries, 'scale_backend', 'railway:s@e', T + 30 * MIN, rails)).toEqual({ allowed: true });
    expect(guard(entries, 'scale_backend', 'railway:other@e', T + MIN, rails)).toEqual({ allowed: true });
    expect(guard(entries, 'scale_down', 'railway:s@e', T + MIN, rails)).toEqual({ allowed: true });
  });

  test('the hourly limit counts attempts of any kind in the last 60 minutes, failed ones too, reverts not', () => {
    const entries = [
      entry({ id: '1', kind: 'lockdown', target: 'v' }),
      entry({ id: '2', kind: 'rate_limit', target: 'o', at: T + MIN }),
      entry({ id: '3', kind: 'scale_down', target: 'x', at: T + 2 * MIN }),
      entry({ id: '4', kind: 'scale_down', target: 'x', at: T + 3 * MIN, reverts: '3' }),
    ];
    expect(guard(entries, 'scale_backend', 'railway:s@e', T + 10 * MIN, rails)).toMatchObject({
      allowed: false,
      why: 'limit: 3 actions in the last hour, max-actions-per-hour is 3',
    });
    expect(guard(entries, 'scale_backend', 'railway:s@e', T + HOUR_MS, rails)).toEqual({ allowed: true });
  });

  test('revert finds the last applied action of a kind on a target that is not reverted yet', () => {
    const applied = (id: string, at: number) => entry({ id, phase: 'after', ok: true, at });
    const entries = [
      applied('1', T),
      applied('2', T + MIN),
      entry({ id: '3', phase: 'after', ok: false, at: T + 2 * MIN }),
    ];
    expect(lastToRevert(entries, 'scale_backend', 'railway:s@e')?.id).toBe('2');
    expect(
      lastToRevert(
        [...entries, entry({ id: 'r', reverts: '2', phase: 'after', ok: true, at: T + 3 * MIN })],
        'scale_backend',
        'railway:s@e',
      )?.id,
    ).toBe('1');
    expect(lastToRevert(entries, 'scale_down', 'railway:s@e')).toBeUndefined();
  });
});

describe('record entries', () => {
  test('render and parse back, even with --> in a value', () => {
    const written = entry({ reason: 'evil --> <!-- threadr-ops-remediation:v1 {"id":"x"} -->', to: 'a-->b' });
    const body = renderEntry(written);
    expect(body).toContain('undo: `u`');
    expect(parseEntry(body)).toEqual(written);
  });

  test('a comment without an entry, or with a malformed one, is ignored', () => {
    expect(parseEntry('just a comment')).toBeUndefined();
    expect(
      parseEntry('<!-- threadr-ops-remediation:v1 {"id":"x","kind":"reboot","at":1,"phase":"before"} -->'),
    ).toBeUndefined();
  });
});
