import { recordFrom, type OpsRecord } from './record.js';

/**
 * A year (or any span) of records at the full cadence of scheduled-ops.yml and the deploy
 * pipeline, built through recordFrom from outputs shaped like the actions' own, so the size test
 * and the dashboard tests measure what real runs would write. Deterministic (seeded), with one
 * outage of the api check that the tests look for.
 */
export interface SyntheticOptions {
  /** First instant, ISO. */
  from: string;
  days: number;
  seed?: number;
  /** The api check is down from `outage.start` for `outage.minutes`. */
  outage?: { start: string; minutes: number; check?: string };
}

const CHECKS = ['api', 'home', 'auth', 'checkout'];
const PROVIDERS = ['openai', 'railway', 'vercel', 'upstash', 'stripe'];
const DAILY: Record<string, number> = { openai: 50, railway: 10 };
const MONTHLY: Record<string, number> = { openai: 1000, railway: 200 };
const BASE: Record<string, number> = { openai: 28, railway: 6.5, vercel: 2.2, upstash: 0.6, stripe: 4.1 };

export function syntheticHistory(options: SyntheticOptions): OpsRecord[] {
  let state = options.seed ?? 17;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const start = Date.parse(options.from);
  const end = start + options.days * 86_400_000;
  const outageStart = options.outage ? Date.parse(options.outage.start) : Infinity;
  const outageEnd = options.outage ? outageStart + options.outage.minutes * 60_000 : -Infinity;
  const outageCheck = options.outage?.check ?? 'api';
  const records: OpsRecord[] = [];
  const push = (
    at: number,
    action: string,
    verdict: OpsRecord['verdict'],
    outputs: Record<string, string>,
    sha?: string,
  ) =>
    records.push(
      recordFrom({
        action,
        env: 'production',
        verdict,
        outputs,
        at: new Date(at),
        runId: String(9_000_000_000 + records.length),
        sha,
      }),
    );

  const health = (at: number, checks: string[]) => {
    const down = at >= outageStart && at < outageEnd;
    const result = checks.map((name) => {
      const fails = down && name === outageCheck;
      const latencyMs = fails ? undefined : Math.round(80 + random() * 220 + (random() < 0.02 ? 2000 : 0));
      return {
        name,
        passed: !fails,
        reason: fails ? 'connection refused (ECONNREFUSED)' : undefined,
        attempts: [{ at: 0, ok: !fails, latencyMs, status: fails ? undefined : 200 }],
      };
    });
    const p95 = Math.round((250 + random() * 400 + (random() < 0.004 ? 2200 : 0)) * 10) / 10;
    const healthy = result.every((c) => c.passed);
    push(at, 'health-check', healthy ? 'success' : 'failure', {
      healthy: String(healthy),
      failed: result
        .filter((c) => !c.passed)
        .map((c) => c.name)
        .join(','),
      'p95-ms': String(p95),
      'error-rate': healthy ? '0' : '25',
      unreachable: 'false',
      report: JSON.stringify({ healthy, checks: result }),
    });
  };

  const spendToday = new Map<string, number>();
  const cost = (at: number) => {
    const day = new Date(at).toISOString().slice(0, 10);
    const hourShare = (new Date(at).getUTCHours() + 6) / 24;
    const dayOfMonth = new Date(at).getUTCDate();
    const providers = PROVIDERS.map((provider) => {
      const key = `${provider}:${day}`;
      if (!spendToday.has(key))
        spendToday.set(key, BASE[provider] * (0.7 + random() * 0.6) * (random() < 0.01 ? 2.5 : 1));
      const full = spendToday.get(key)!;
      const today = full * hourShare;
      const mtd = full * (dayOfMonth - 1) + today;
      return {
        provider,
        status: 'ok',
        today: today.toFixed(2),
        yesterday: full.toFixed(2),
        monthToDate: mtd.toFixed(2),
        projectedMonth: (full * 30).toFixed(2),
        limit: { dailyLimit: DAILY[provider]?.toFixed(2) ?? null, monthlyLimit: MONTHLY[provider]?.toFixed(2) ?? null },
      };
    });
    const sum = (field: 'today' | 'yesterday' | 'monthToDate' | 'projectedMonth') =>
      providers.reduce((s, p) => s + Number(p[field]), 0).toFixed(2);
    const total = {
      today: sum('today'),
      yesterday: sum('yesterday'),
      monthToDate: sum('monthToDate'),
      projectedMonth: sum('projectedMonth'),
      limit: { dailyLimit: '200.00', monthlyLimit: null },
    };
    push(at, 'cost-monitor', 'success', {
      severity: 'ok',
      report: JSON.stringify({ severity: 'ok', asOf: new Date(at).toISOString(), total, providers }),
    });
  };

  for (let hour = start; hour < end; hour += 3_600_000) {
    const at = new Date(hour);
    const h = at.getUTCHours();
    // Hourly smoke; every 6 hours the full health check and the cost check (scheduled-ops.yml).
    health(hour + 60_000, h % 6 === 0 ? CHECKS : CHECKS.slice(0, 2));
    if (h % 6 === 0) cost(hour + 120_000);
    // The outage is watched closely: the incident workflow re-checks every 5 minutes while down.
    for (let m = 5; m < 60; m += 5) {
      const t = hour + m * 60_000;
      if (t >= outageStart && t < outageEnd + 5 * 60_000) health(t, [outageCheck]);
    }
    if (h === 3) {
      // Daily full suite: one more health check.
      health(hour + 30 * 60_000, CHECKS);
    }
    if (h === 10 || h === 15) {
      // Two deploys a working day; one in twenty fails verification and is rolled back.
      const sha = Math.floor(random() * 0xfffffff)
        .toString(16)
        .padStart(7, '0');
      const bad = random() < 0.05;
      push(
        hour + 20 * 60_000,
        'deploy',
        bad ? 'failure' : 'success',
        { status: bad ? 'rolled-back' : 'deployed' },
        sha,
      );
      if (bad) push(hour + 24 * 60_000, 'rollback', 'success', { status: 'rolled-back', pinned: 'true' }, sha);
    }
    if (at.getUTCDay() === 1 && h === 4) {
      const p95 = 180 + random() * 140;
      push(hour + 10 * 60_000, 'load-test', p95 < 300 ? 'success' : 'failure', {
        requests: String(Math.round(28_000 + random() * 4000)),
        rps: (95 + random() * 10).toFixed(1),
        'p50-ms': (p95 * 0.45).toFixed(3),
        'p95-ms': p95.toFixed(3),
        'p99-ms': (p95 * 1.6).toFixed(3),
        'error-rate': (random() * 0.4).toFixed(3),
        passed: String(p95 < 300),
      });
    }
    if (at.getUTCDate() === 1 && h === 5) {
      const high = random() < 0.2 ? 1 : 0;
      push(hour, 'security-scan', high ? 'failure' : 'success', {
        high: String(high),
        medium: String(Math.floor(random() * 4)),
        low: String(2 + Math.floor(random() * 5)),
        passed: String(!high),
      });
    }
  }
  return records;
}
