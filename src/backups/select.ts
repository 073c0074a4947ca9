/**
 * Which backup a restore uses, and how old a backup may be. Pure functions: the actions, the CLI
 * and the tests share them.
 */

import type { AlertLevel } from '../core/alert-level.js';

export type BackupVerdict = AlertLevel;

/** Up to `maxAgeMs` old: ok; up to twice that: warning; older, or no backup at all: critical. */
export function ageVerdict(ageMs: number | undefined, maxAgeMs: number): BackupVerdict {
  if (ageMs === undefined) return 'critical';
  if (ageMs <= maxAgeMs) return 'ok';
  if (ageMs <= 2 * maxAgeMs) return 'warning';
  return 'critical';
}

/** `latest`, one backup by its id, or the newest backup of a UTC day. */
export type BackupSelector = { kind: 'latest' } | { kind: 'id'; id: string } | { kind: 'date'; date: string };

export interface Dated {
  id: string;
  /** Epoch ms. */
  createdAt: number;
}

export class NoSuchBackupError extends Error {
  override readonly name = 'NoSuchBackupError';
}

/** The UTC day of an instant, YYYY-MM-DD. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Picks a backup. A day without one, or an unknown id, is an error that lists what there is, so
 * the person at the keyboard can choose again without another tool.
 */
export function selectBackup<T extends Dated>(backups: readonly T[], selector: BackupSelector, what: string): T {
  const newestFirst = [...backups].sort((a, b) => b.createdAt - a.createdAt);
  if (selector.kind === 'latest') {
    const latest = newestFirst[0];
    if (!latest) throw new NoSuchBackupError(`${what} has no backups at all`);
    return latest;
  }
  if (selector.kind === 'id') {
    const found = newestFirst.find((b) => b.id === selector.id);
    if (!found) throw new NoSuchBackupError(`${what} has no backup '${selector.id}'; newest: ${describe(newestFirst)}`);
    return found;
  }
  const found = newestFirst.find((b) => utcDay(b.createdAt) === selector.date);
  if (!found) {
    const days = [...new Set(newestFirst.map((b) => utcDay(b.createdAt)))];
    throw new NoSuchBackupError(
      `${what} has no backup on ${selector.date} (UTC); days with backups: ${days.slice(0, 10).join(', ') || 'none'}`,
    );
  }
  return found;
}

function describe(backups: readonly Dated[]): string {
  return (
    backups
      .slice(0, 5)
      .map((b) => `${b.id} (${new Date(b.createdAt).toISOString()})`)
      .join(', ') || 'none'
  );
}

/** `2026-03-15T04:05:06.789Z` → `20260315T040506Z`, for file names that sort by time. */
export function stamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The inverse of stamp(), or undefined. */
export function parseStamp(text: string): number | undefined {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(text);
  if (!m) return undefined;
  const value = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(value) ? undefined : value;
}

/** Bytes for people. */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Age for people: `10h05m`, `2d03h`. */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}
