import type { BackupVerdict } from './select.js';

/** One row per target of a backup run: the figures the summary and the `report` output carry. Names, never values. */
export interface TargetReport {
  target: 'redis' | 'config' | 'postgres';
  verdict: BackupVerdict;
  ageMs?: number;
  sizeBytes?: number;
  backupId?: string;
  archive?: string;
  sha256?: string;
  durationMs?: number;
  notes: string[];
  /** Variable names (config). */
  names?: Record<string, string[]>;
}
