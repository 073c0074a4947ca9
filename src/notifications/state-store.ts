import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunOutcomeState } from '../core/outcome.js';

/**
 * The last state per key, kept in a JSON file between runs. The reusable workflows persist that
 * file with actions/cache; without it every run looks like a first run.
 */
export class StateStore {
  constructor(private readonly path: string) {}

  read(key: string): RunOutcomeState | undefined {
    return this.all()[key]?.state;
  }

  write(key: string, state: RunOutcomeState, at: Date): void {
    const all = this.all();
    all[key] = { state, at: at.toISOString() };
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, `${JSON.stringify(all, null, 2)}\n`);
  }

  private all(): Record<string, { state: RunOutcomeState; at: string }> {
    if (!existsSync(this.path)) return {};
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, { state: RunOutcomeState; at: string }>;
    } catch {
      // A corrupt state file must not stop an alert: treat it as a first run.
      return {};
    }
  }
}
