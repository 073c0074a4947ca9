import type { OpsRecord } from '../ops-history/record.js';

/**
 * The history reduced to what the pages show, per UTC day, at build time: a year of records
 * becomes a few hundred numbers per chart, so the pages load fast and never see raw records.
 */
export interface SiteData {
  generatedAt: string;
  environment: string;
  /** UTC days covered, oldest first; every per-day series is aligned with it. */
  days: string[];
  latencyAlertMs: number;
  checks: CheckSummary[];
  latency: { p95: (number | null)[]; max: (number | null)[] };
  deploys: { verified: number[]; rolledBack: number[]; failed: number[]; recent: DeployEntry[] };
  incidents: Incident[];
  cost: {
    providers: string[];
    /** USD per provider per day (null: not read that day). */
    daily: Record<string, (number | null)[]>;
    /** Daily budget line per provider (the latest limit read), when one is set. */
    dailyLimit: Record<string, number>;
    /** Month-end projection and monthly budget from the latest cost record. */
    month: {
      day: string;
      projected: Record<string, number>;
      monthly: Record<string, number>;
      mtd: Record<string, number>;
    } | null;
  };
  revenue: { currency: string; daily: (number | null)[] } | null;
  security: { t: string[]; high: number[]; medium: number[]; low: number[] };
  loadTests: {
    t: string[];
    p95: (number | null)[];
    p99: (number | null)[];
    rps: (number | null)[];
    err: (number | null)[];
    passed: boolean[];
  };
  records: number;
}

export interface CheckSummary {
  name: string;
  /** Up or down at the latest record, and when that was. */
  up: boolean;
  lastSeen: string;
  lastLatencyMs: number | null;
  /** Time-weighted uptime percent per day (null: no record that day). */
  daily: (number | null)[];
  windows: { h24: number | null; d7: number | null; d90: number | null };
}

export interface DeployEntry {
  t: string;
  action: string;
  sha?: string;
  status: string;
  run?: string;
}

export interface IncidentUpdate {
  t: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  body: string;
}

export interface Incident {
  id: string;
  component: string;
  name: string;
  started: string;
  /** Absent while the component is still down. */
  resolved?: string;
  durationMs: number;
  updates: IncidentUpdate[];
  links: string[];
}

const DAY = 86_400_000;
/** A state is believed until the next record, at most this long: a silent scheduler is not uptime. */
const MAX_HOLD_MS = 3 * 3_600_000;

/**
 * What became of the deploys in deploy-pipeline.yml runs, by run id. The deploy action records
 * `deployed` as soon as the new build is live; verification comes later, in other jobs of the same
 * run: a rollback record there (`rolled-back`, or any other status: failed) or a failed notify
 * (the pipeline's verdict) says the deploy was not verified.
 */
function pipelineOutcomes(records: OpsRecord[]): Map<string, string> {
  const outcomes = new Map<string, string>();
  for (const r of records) {
    if (!r.run) continue;
    if (r.action === 'rollback') outcomes.set(r.run, r.figures.status === 'rolled-back' ? 'rolled-back' : 'failed');
    else if (r.action === 'notify' && r.verdict === 'failure' && !outcomes.has(r.run)) outcomes.set(r.run, 'failed');
  }
  return outcomes;
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface AggregateOptions {
  /** The end of the picture, epoch ms (the build time, or the time given). */
  now: number;
  /** Days shown. */
  days: number;
  environment: string;
  latencyAlertMs: number;
  revenue?: { currency: string; byDay: Record<string, number> };
}

export function aggregate(all: OpsRecord[], options: AggregateOptions): SiteData {
  const records = all.filter((r) => r.env === options.environment && Date.parse(r.t) <= options.now);
  const lastDay = Date.parse(`${dayOf(options.now)}T00:00:00Z`);
  const days: string[] = [];
  for (let i = options.days - 1; i >= 0; i--) days.push(dayOf(lastDay - i * DAY));
  const index = new Map(days.map((d, i) => [d, i]));
  const firstMs = Date.parse(`${days[0]}T00:00:00Z`);
  const empty = <T>(value: T): T[] => days.map(() => value);

  const health = records.filter((r) => r.action === 'health-check');
  const checks = checkSummaries(health, days, index, firstMs, options.now);

  // p95 latency: the 95th percentile of the day's health-check p95 readings, and their maximum.
  const p95ByDay = new Map<number, number[]>();
  for (const r of health) {
    const i = index.get(r.t.slice(0, 10));
    if (i === undefined || typeof r.figures.p95 !== 'number') continue;
    (p95ByDay.get(i) ?? p95ByDay.set(i, []).get(i)!).push(r.figures.p95);
  }
  const latency = { p95: empty<number | null>(null), max: empty<number | null>(null) };
  for (const [i, values] of p95ByDay) {
    values.sort((a, b) => a - b);
    latency.p95[i] = values[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)];
    latency.max[i] = values[values.length - 1];
  }

  const deploys = { verified: empty(0), rolledBack: empty(0), failed: empty(0), recent: [] as DeployEntry[] };
  const outcomes = pipelineOutcomes(records);
  for (const r of records) {
    if (r.action !== 'deploy' && r.action !== 'rollback') continue;
    const own = r.figures.status ?? (r.verdict === 'success' ? 'deployed' : 'failed');
    const status = r.action === 'deploy' && own === 'deployed' ? (outcomes.get(r.run ?? '') ?? own) : own;
    deploys.recent.push({ t: r.t, action: r.action, sha: r.sha, status, run: r.run });
    const i = index.get(r.t.slice(0, 10));
    if (i === undefined || r.action !== 'deploy') continue;
    if (status === 'deployed') deploys.verified[i]++;
    else if (status === 'rolled-back') deploys.rolledBack[i]++;
    else if (status !== 'dry-run') deploys.failed[i]++;
  }
  deploys.recent = deploys.recent.slice(-25).reverse();

  const security = { t: [] as string[], high: [] as number[], medium: [] as number[], low: [] as number[] };
  for (const r of records) {
    if (r.action !== 'security-scan' || Date.parse(r.t) < firstMs) continue;
    security.t.push(r.t);
    security.high.push(r.figures.high ?? 0);
    security.medium.push(r.figures.medium ?? 0);
    security.low.push(r.figures.low ?? 0);
  }
  const loadTests: SiteData['loadTests'] = { t: [], p95: [], p99: [], rps: [], err: [], passed: [] };
  for (const r of records) {
    if (r.action !== 'load-test' || Date.parse(r.t) < firstMs) continue;
    loadTests.t.push(r.t);
    loadTests.p95.push(r.figures.p95 ?? null);
    loadTests.p99.push(r.figures.p99 ?? null);
    loadTests.rps.push(r.figures.rps ?? null);
    loadTests.err.push(r.figures.err ?? null);
    loadTests.passed.push(r.figures.passed ?? r.verdict === 'success');
  }

  return {
    generatedAt: new Date(options.now).toISOString(),
    environment: options.environment,
    days,
    latencyAlertMs: options.latencyAlertMs,
    checks,
    latency,
    deploys,
    incidents: incidentsOf(health, options.now),
    cost: costOf(
      records.filter((r) => r.action === 'cost-monitor'),
      days,
      index,
    ),
    revenue: options.revenue
      ? { currency: options.revenue.currency, daily: days.map((d) => options.revenue!.byDay[d] ?? 0) }
      : null,
    security,
    loadTests,
    records: records.length,
  };
}

type Sample = { ms: number; up: boolean; latency: number };

function samplesByCheck(health: OpsRecord[]): Map<string, Sample[]> {
  const byCheck = new Map<string, Sample[]>();
  for (const r of health) {
    const ms = Date.parse(r.t);
    for (const [name, [up, latency]] of Object.entries(r.figures.checks ?? {})) {
      (byCheck.get(name) ?? byCheck.set(name, []).get(name)!).push({ ms, up: up === 1, latency });
    }
  }
  return byCheck;
}

function checkSummaries(
  health: OpsRecord[],
  days: string[],
  index: Map<string, number>,
  firstMs: number,
  now: number,
): CheckSummary[] {
  const result: CheckSummary[] = [];
  for (const [name, samples] of samplesByCheck(health)) {
    const up = days.map(() => 0);
    const down = days.map(() => 0);
    const windows = { h24: [0, 0], d7: [0, 0], d90: [0, 0] };
    const starts = { h24: now - DAY, d7: now - 7 * DAY, d90: now - 90 * DAY };
    for (let k = 0; k < samples.length; k++) {
      const from = samples[k].ms;
      const to = Math.min(samples[k + 1]?.ms ?? now, from + MAX_HOLD_MS, now);
      if (to <= from) continue;
      const bucket = samples[k].up ? up : down;
      // Split the interval at UTC midnights.
      for (let a = Math.max(from, firstMs); a < to;) {
        const midnight = Math.floor(a / DAY) * DAY + DAY;
        const b = Math.min(to, midnight);
        const i = index.get(dayOf(a));
        if (i !== undefined) bucket[i] += b - a;
        a = b;
      }
      for (const key of ['h24', 'd7', 'd90'] as const) {
        const overlap = to - Math.max(from, starts[key]);
        if (overlap > 0) windows[key][samples[k].up ? 0 : 1] += overlap;
      }
    }
    const percent = ([u, d]: number[]): number | null =>
      u + d === 0 ? null : Math.round((u / (u + d)) * 100_000) / 1000;
    const last = samples[samples.length - 1];
    result.push({
      name,
      up: last.up,
      lastSeen: new Date(last.ms).toISOString(),
      lastLatencyMs: last.latency >= 0 ? last.latency : null,
      daily: days.map((_, i) => percent([up[i], down[i]])),
      windows: { h24: percent(windows.h24), d7: percent(windows.d7), d90: percent(windows.d90) },
    });
  }
  return result.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * An incident per outage of a check: it opens at the first record that finds the check down and
 * resolves at the first that finds it up again. Its updates are what the records said on the way:
 * the first reason, every change of reason, the incident issue when one was opened, the recovery.
 */
export function incidentsOf(health: OpsRecord[], now: number): Incident[] {
  const incidents: Incident[] = [];
  const open = new Map<string, Incident>();
  const lastReason = new Map<string, string>();
  for (const r of health) {
    for (const [name, [up]] of Object.entries(r.figures.checks ?? {})) {
      let incident = open.get(name);
      if (up === 1) {
        if (!incident) continue;
        incident.resolved = r.t;
        incident.durationMs = Date.parse(r.t) - Date.parse(incident.started);
        incident.updates.push({
          t: r.t,
          status: 'resolved',
          body: `${name} is answering again; it was down for ${formatOutage(incident.durationMs)}.`,
        });
        open.delete(name);
        continue;
      }
      const reason = r.figures.why?.[name] ?? 'the check failed';
      // Timings inside a reason ("still failing after 206ms") change on every run: not news.
      const gist = reason.replace(/\d+(\.\d+)?\s?(ms|s|m|h)\b/g, '#');
      if (!incident) {
        incident = {
          id: `${name}-${r.t.replace(/[^0-9]/g, '').slice(0, 12)}`,
          component: name,
          name: `${name} is down`,
          started: r.t,
          durationMs: 0,
          updates: [],
          links: [],
        };
        incident.updates.push({ t: r.t, status: 'investigating', body: `${name} failed its health check: ${reason}.` });
        open.set(name, incident);
        incidents.push(incident);
      } else if (lastReason.get(name) !== gist) {
        incident.updates.push({ t: r.t, status: 'identified', body: `${name} still down, now: ${reason}.` });
      }
      lastReason.set(name, gist);
      const link = r.figures.incidents?.[name];
      if (link && !incident.links.includes(link)) {
        incident.links.push(link);
        incident.updates.push({ t: r.t, status: 'identified', body: `Tracked in ${link}.` });
      }
    }
  }
  for (const incident of open.values()) incident.durationMs = now - Date.parse(incident.started);
  return incidents.reverse();
}

function costOf(records: OpsRecord[], days: string[], index: Map<string, number>): SiteData['cost'] {
  const daily: Record<string, (number | null)[]> = {};
  const dailyLimit: Record<string, number> = {};
  const series = (provider: string) => (daily[provider] ??= days.map(() => null));
  // What a day cost: the last reading of `today` taken that day, replaced by the `yesterday` of
  // the next day's first reading, which saw the whole day.
  const settled = new Set<string>();
  for (const r of records) {
    const day = r.figures.day ?? r.t.slice(0, 10);
    for (const [provider, figures] of Object.entries(r.figures.spend ?? {})) {
      if (provider === 'total') continue;
      const i = index.get(day);
      if (i !== undefined && figures.today !== undefined && !settled.has(`${provider}:${day}`))
        series(provider)[i] = figures.today;
      const previous = index.get(dayOf(Date.parse(`${day}T00:00:00Z`) - DAY));
      if (previous !== undefined && figures.yesterday !== undefined) {
        series(provider)[previous] = figures.yesterday;
        settled.add(`${provider}:${days[previous]}`);
      }
      if (figures.daily !== undefined) dailyLimit[provider] = figures.daily;
    }
  }
  const last = records.at(-1);
  let month: SiteData['cost']['month'] = null;
  if (last?.figures.spend) {
    const projected: Record<string, number> = {};
    const monthly: Record<string, number> = {};
    const mtd: Record<string, number> = {};
    for (const [provider, figures] of Object.entries(last.figures.spend)) {
      if (figures.projected !== undefined) projected[provider] = figures.projected;
      if (figures.monthly !== undefined) monthly[provider] = figures.monthly;
      if (figures.mtd !== undefined) mtd[provider] = figures.mtd;
    }
    month = { day: last.figures.day ?? last.t.slice(0, 10), projected, monthly, mtd };
  }
  return { providers: Object.keys(daily).sort(), daily, dailyLimit, month };
}

export function formatOutage(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
