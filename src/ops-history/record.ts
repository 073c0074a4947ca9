import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * One line of the operations history: what one action run concluded, small enough that a year of
 * the whole schedule (hourly smoke checks, six-hourly health and cost, daily suite, weekly load
 * test, monthly scan, every deploy) stays a few megabytes (see __tests__/ops-history/size.test.ts).
 *
 * The figures are taken from the action's own outputs, the contract each action.yml documents,
 * so no action needs to know that a history exists.
 */
export interface OpsRecord {
  /** ISO-8601 UTC time the run ended. */
  t: string;
  env: string;
  action: string;
  /** The run's verdict as the notifier sees it. */
  verdict: 'success' | 'warning' | 'failure';
  /** GITHUB_RUN_ID, to link back to the run. */
  run?: string;
  /** Short commit the run was about (deploy and rollback). */
  sha?: string;
  figures: RecordFigures;
}

/** Per action; every field optional because a failed run may have set few outputs. */
export interface RecordFigures {
  // health-check: per check [up (1/0), last latency ms or -1], the reason of each failed check.
  checks?: Record<string, [number, number]>;
  why?: Record<string, string>;
  p95?: number;
  err?: number;
  unreachable?: boolean;
  /** The incident issue per check, as a URL (or #number when the repository is unknown). */
  incidents?: Record<string, string>;
  // deploy and rollback: the status output.
  status?: string;
  pinned?: boolean;
  // load-test
  requests?: number;
  rps?: number;
  p50?: number;
  p99?: number;
  passed?: boolean;
  // cost-monitor: USD per provider ('total' included) for the evaluation day.
  day?: string;
  spend?: Record<string, CostFigures>;
  severity?: string;
  // security-scan
  high?: number;
  medium?: number;
  low?: number;
}

/** Amounts in USD, numbers to the cent; daily/monthly are the budget lines in force. */
export interface CostFigures {
  today?: number;
  yesterday?: number;
  mtd?: number;
  projected?: number;
  daily?: number;
  monthly?: number;
}

export type OutputMap = Readonly<Record<string, string>>;

/** The record of one run, from the outputs the action set. Never throws on odd outputs. */
export function recordFrom(options: {
  action: string;
  env: string;
  verdict: OpsRecord['verdict'];
  outputs: OutputMap;
  at: Date;
  runId?: string;
  sha?: string;
  /** https://github.com/owner/repo, to turn incident issue numbers into links. */
  repositoryUrl?: string;
}): OpsRecord {
  const { action, outputs } = options;
  const record: OpsRecord = {
    t: options.at.toISOString(),
    env: options.env,
    action,
    verdict: options.verdict,
    figures: figuresOf(action, outputs, options.repositoryUrl),
  };
  if (options.runId) record.run = options.runId;
  if ((action === 'deploy' || action === 'rollback') && options.sha) record.sha = options.sha.slice(0, 7);
  return record;
}

function figuresOf(action: string, outputs: OutputMap, repositoryUrl: string | undefined): RecordFigures {
  switch (action) {
    case 'health-check':
      return healthFigures(outputs, repositoryUrl);
    case 'deploy':
      return compact({ status: outputs.status });
    case 'rollback':
      return compact({ status: outputs.status, pinned: bool(outputs.pinned) });
    case 'load-test':
      return compact({
        requests: num(outputs.requests),
        rps: round(num(outputs.rps), 1),
        p50: round(num(outputs['p50-ms']), 1),
        p95: round(num(outputs['p95-ms']), 1),
        p99: round(num(outputs['p99-ms']), 1),
        err: round(num(outputs['error-rate']), 3),
        passed: bool(outputs.passed),
      });
    case 'cost-monitor':
      return costFigures(outputs);
    case 'security-scan':
      return compact({
        high: num(outputs.high),
        medium: num(outputs.medium),
        low: num(outputs.low),
        passed: bool(outputs.passed),
      });
    default:
      return compact({ status: outputs.status });
  }
}

function healthFigures(outputs: OutputMap, repositoryUrl: string | undefined): RecordFigures {
  const report = json(outputs.report) as
    | { checks?: { name?: unknown; passed?: unknown; reason?: unknown; attempts?: { latencyMs?: unknown }[] }[] }
    | undefined;
  const checks: Record<string, [number, number]> = {};
  const why: Record<string, string> = {};
  for (const check of Array.isArray(report?.checks) ? report.checks : []) {
    if (typeof check.name !== 'string') continue;
    const last = Array.isArray(check.attempts) ? check.attempts.at(-1) : undefined;
    const latency = typeof last?.latencyMs === 'number' ? Math.round(last.latencyMs) : -1;
    checks[check.name] = [check.passed === true ? 1 : 0, latency];
    if (check.passed !== true && typeof check.reason === 'string') why[check.name] = check.reason.slice(0, 160);
  }
  // The `incidents` output: [{check, action: opened|commented|closed, issue}] (src/incidents/tracker.ts).
  const incidents = json(outputs.incidents) as { check?: unknown; issue?: unknown }[] | undefined;
  const links: Record<string, string> = {};
  for (const item of Array.isArray(incidents) ? incidents : []) {
    if (typeof item?.check !== 'string' || typeof item.issue !== 'number') continue;
    links[item.check] = repositoryUrl ? `${repositoryUrl}/issues/${item.issue}` : `#${item.issue}`;
  }
  return compact({
    checks: Object.keys(checks).length ? checks : undefined,
    why: Object.keys(why).length ? why : undefined,
    p95: round(num(outputs['p95-ms']), 1),
    err: round(num(outputs['error-rate']), 3),
    unreachable: outputs.unreachable === 'true' ? true : undefined,
    incidents: Object.keys(links).length ? links : undefined,
  });
}

function costFigures(outputs: OutputMap): RecordFigures {
  type Limit = { dailyLimit?: unknown; monthlyLimit?: unknown };
  type Part = {
    provider?: string;
    status?: string;
    today?: unknown;
    yesterday?: unknown;
    monthToDate?: unknown;
    projectedMonth?: unknown;
    limit?: Limit;
  };
  const report = json(outputs.report) as
    { asOf?: unknown; severity?: unknown; total?: Part; providers?: Part[] } | undefined;
  if (!report) return {};
  const spend: Record<string, CostFigures> = {};
  const add = (name: string, part: Part | undefined) => {
    if (!part) return;
    const figures = compact({
      today: money(part.today),
      yesterday: money(part.yesterday),
      mtd: money(part.monthToDate),
      projected: money(part.projectedMonth),
      daily: money(part.limit?.dailyLimit),
      monthly: money(part.limit?.monthlyLimit),
    });
    if (Object.keys(figures).length) spend[name] = figures;
  };
  for (const provider of Array.isArray(report.providers) ? report.providers : []) {
    if (typeof provider.provider === 'string' && (provider.status === 'ok' || provider.status === 'partial'))
      add(provider.provider, provider);
  }
  add('total', report.total);
  const asOf = typeof report.asOf === 'string' ? report.asOf.slice(0, 10) : undefined;
  return compact({
    day: asOf,
    spend: Object.keys(spend).length ? spend : undefined,
    severity: typeof report.severity === 'string' ? report.severity : undefined,
  });
}

function json(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function num(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function money(value: unknown): number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? round(num(String(value)), 2) : undefined;
}

function bool(text: string | undefined): boolean | undefined {
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

function round(value: number | undefined, digits: number): number | undefined {
  if (value === undefined) return undefined;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Appends one line. The caller decides what a failure means (for an action: a warning only). */
export function appendRecord(path: string, record: OpsRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(record)}\n`);
}

/**
 * Every record in the given files or folders (every *.jsonl inside a folder), oldest first.
 * A line that is not a record (a torn write, a merge marker) is counted and skipped: one bad line
 * must not take the dashboard down.
 */
export function readRecords(paths: string[]): { records: OpsRecord[]; skipped: number; files: number } {
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path, { recursive: true }) as string[]) {
        if (name.endsWith('.jsonl')) files.push(join(path, name));
      }
    } else files.push(path);
  }
  const records: OpsRecord[] = [];
  let skipped = 0;
  for (const file of files.sort()) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const record = parseRecord(line);
      if (record) records.push(record);
      else skipped++;
    }
  }
  records.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return { records, skipped, files: files.length };
}

export function parseRecord(line: string): OpsRecord | undefined {
  const value = json(line) as Partial<OpsRecord> | undefined;
  if (!value || typeof value !== 'object') return undefined;
  if (typeof value.t !== 'string' || Number.isNaN(Date.parse(value.t))) return undefined;
  if (typeof value.action !== 'string' || typeof value.env !== 'string') return undefined;
  if (value.verdict !== 'success' && value.verdict !== 'warning' && value.verdict !== 'failure') return undefined;
  return { ...value, figures: value.figures && typeof value.figures === 'object' ? value.figures : {} } as OpsRecord;
}

/** The history file for a month: one file per month keeps every file small and merges trivial. */
export function monthlyFile(folder: string, at: Date): string {
  return join(folder, `${at.toISOString().slice(0, 7)}.jsonl`);
}
