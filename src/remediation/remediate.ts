import { randomUUID } from 'node:crypto';
import type { HttpClient } from '../core/http.js';
import type { Logger } from '../core/host.js';
import { guard, lastToRevert } from './guard.js';
import { effectFor, type Effect, type EffectSettings } from './effects.js';
import { rollbackDeployEffect } from './rollback-deploy.js';
import type { RemediationRecord } from './record.js';
import type { RecordEntry, RemediationKind } from './types.js';
import { errorText } from '../core/errors.js';

export interface RemediationSettings extends EffectSettings {
  actions: RemediationKind[];
  reason: string;
  dryRun: boolean;
  /** Undo the last applied action of each kind in `actions`, from the record. */
  revert: boolean;
  cooldownMs: number;
  maxActionsPerHour: number;
  environment: string;
  /** The run's clock (epoch ms): THREADR_OPS_NOW in tests, the wall clock otherwise. */
  now: () => number;
}

export interface ActionResult {
  kind: RemediationKind;
  status: 'applied' | 'skipped' | 'failed';
  /** skipped / failed: why (cooldown, limit, dry run, nothing to change, …). */
  why?: string;
  target?: string;
  from?: unknown;
  to?: unknown;
  /** applied: the value read back after the change. */
  readBack?: unknown;
  /** applied: the command that undoes it. */
  undo?: string;
  revert?: boolean;
}

export interface RemediationReport {
  environment: string;
  dryRun: boolean;
  revert: boolean;
  issue: number | null;
  results: ActionResult[];
}

/** The command an operator runs to undo an action (also what the record comment shows). */
export function undoCommand(kind: RemediationKind, environment: string): string {
  return `npx threadr-ops remediate --actions ${kind} --revert true --confirm true --environment ${environment} --reason "undo ${kind}"`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function remediate(
  settings: RemediationSettings,
  record: RemediationRecord,
  http: Pick<HttpClient, 'request'>,
  log: Logger,
): Promise<RemediationReport> {
  const results: ActionResult[] = [];
  for (const kind of settings.actions) {
    const result = await log.group(`${settings.revert ? 'Reverting' : 'Remediating'}: ${kind}`, () =>
      one(kind, settings, record, http, log),
    );
    const line = `${kind}: ${result.status}${result.why ? ` (${result.why})` : ''}${result.status === 'applied' ? `: ${JSON.stringify(result.from)} -> ${JSON.stringify(result.readBack)}` : ''}`;
    if (result.status === 'failed') log.error(line);
    else log.info(line);
    results.push(result);
  }
  return {
    environment: settings.environment,
    dryRun: settings.dryRun,
    revert: settings.revert,
    issue: record.issueNumber ?? null,
    results,
  };
}

async function one(
  kind: RemediationKind,
  settings: RemediationSettings,
  record: RemediationRecord,
  http: Pick<HttpClient, 'request'>,
  log: Logger,
): Promise<ActionResult> {
  if (kind !== 'rollback_deploy') return act(kind, effectFor(kind, settings, http), settings, record);
  const effect = rollbackDeployEffect(
    settings.deploy!,
    settings.reason || 'remediate rollback_deploy',
    log,
    settings.revert,
  );
  try {
    return await act(kind, effect, settings, record);
  } finally {
    await effect.close();
  }
}

/** The guard rails, the plan, the dry run, the record before and after, the read back: alike for every action. */
async function act(
  kind: RemediationKind,
  effect: Effect,
  settings: RemediationSettings,
  record: RemediationRecord,
): Promise<ActionResult> {
  const now = settings.now();
  let change: { target: string; from: unknown; to: unknown };
  let reverts: string | undefined;
  if (settings.revert) {
    const last = lastToRevert(record.entries, kind, effect.target);
    if (!last)
      return {
        kind,
        status: 'skipped',
        target: effect.target,
        why: `nothing to revert: no applied ${kind} on ${effect.target} in the record`,
        revert: true,
      };
    change = { target: effect.target, from: last.to, to: last.from };
    reverts = last.id;
  } else {
    const verdict = guard(record.entries, kind, effect.target, now, settings);
    if (!verdict.allowed) return { kind, status: 'skipped', target: effect.target, why: verdict.why };
    const planned = await effect.plan(record.entries);
    if ('none' in planned)
      return { kind, status: 'skipped', target: effect.target, why: `nothing to change: ${planned.none}` };
    change = planned;
  }
  if (settings.dryRun) {
    return {
      kind,
      status: 'skipped',
      target: change.target,
      from: change.from,
      to: change.to,
      why: `dry run: would ${reverts ? 'revert' : 'change'} ${change.target} from ${JSON.stringify(change.from)} to ${JSON.stringify(change.to)}`,
      revert: settings.revert,
    };
  }
  const undo = undoCommand(kind, settings.environment);
  const id = randomUUID();
  const base = {
    id,
    kind,
    target: change.target,
    from: change.from,
    to: change.to,
    reason: settings.reason,
    undo,
    ...(reverts ? { reverts } : {}),
  };
  await record.append({ ...base, phase: 'before', at: now } satisfies RecordEntry);
  let after: RecordEntry;
  let result: ActionResult;
  try {
    const readBack = await effect.write(change.to);
    const ok = effect.matches ? effect.matches(readBack, change.to) : same(readBack, change.to);
    after = {
      ...base,
      phase: 'after',
      at: settings.now(),
      ok,
      ...(ok ? {} : { error: `read back ${JSON.stringify(readBack)}, not ${JSON.stringify(change.to)}` }),
    };
    result = ok
      ? {
          kind,
          status: 'applied',
          target: change.target,
          from: change.from,
          to: change.to,
          readBack,
          undo: reverts ? undefined : undo,
          revert: settings.revert,
        }
      : {
          kind,
          status: 'failed',
          target: change.target,
          from: change.from,
          to: change.to,
          readBack,
          why: after.error!,
          revert: settings.revert,
        };
  } catch (error) {
    const message = errorText(error);
    after = { ...base, phase: 'after', at: settings.now(), ok: false, error: message };
    result = {
      kind,
      status: 'failed',
      target: change.target,
      from: change.from,
      to: change.to,
      why: message,
      revert: settings.revert,
    };
  }
  await record.append(after);
  return result;
}
