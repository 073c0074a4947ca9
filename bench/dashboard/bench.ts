import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { launchBrowser, serveStatic } from '../../__tests__/dashboard/browser.js';
import { appendRecord, monthlyFile } from '../../src/ops-history/record.js';
import { syntheticHistory } from '../../src/ops-history/synthetic.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

export async function runDashboardBenchmark(print: (line: string) => void): Promise<boolean> {
  const work = mkdtempSync(join(tmpdir(), 'threadr-bench-dashboard-'));
  try {
    const history = join(work, 'history');
    const records = syntheticHistory({
      from: '2025-12-01T00:00:00Z',
      days: 365,
      outage: { start: '2026-11-03T14:00:00Z', minutes: 95 },
    });
    for (const record of records) appendRecord(monthlyFile(history, new Date(record.t)), record);
    const out = join(work, 'site');
    const env = {
      ...process.env,
      INPUT_HISTORY: `${history}/`,
      'INPUT_OUT-DIR': out,
      INPUT_DAYS: '365',
      'INPUT_AS-OF': '2026-12-01T00:00:00Z',
      'INPUT_SITE-NAME': 'Threadr',
      INPUT_ENVIRONMENT: 'production',
      'INPUT_LATENCY-ALERT': '2s',
      'INPUT_REQUEST-TIMEOUT': '30s',
      'INPUT_STRIPE-API-URL': 'https://api.stripe.com',
      'INPUT_NOTIFY-ON': 'never',
      'INPUT_NOTIFY-REQUIRED': 'false',
    };
    const started = performance.now();
    const build = spawnSync(process.execPath, [join(ROOT, 'dist', 'dashboard', 'index.js')], { env, encoding: 'utf8' });
    const buildMs = performance.now() - started;
    if (build.status !== 0) {
      print(`dashboard bundle failed (${build.status}): ${build.stdout}${build.stderr}`);
      return false;
    }
    print(
      `records: ${records.length}; site built by the bundle in ${(buildMs / 1000).toFixed(2)} s (acceptance: < 10 s)`,
    );
    const server = await serveStatic(out);
    const browser = await launchBrowser();
    try {
      for (const page of ['index.html', 'status.html']) {
        const opened = await browser.open(`${server.url}/${page}`);
        const load = await opened.evaluate(
          () =>
            (
              globalThis as unknown as { performance: { getEntriesByType(t: string): { loadEventEnd: number }[] } }
            ).performance.getEntriesByType('navigation')[0].loadEventEnd,
        );
        print(`${page}: loaded in Chromium in ${load.toFixed(0)} ms (acceptance: < 1000 ms)`);
      }
      print(`blocked non-loopback requests: ${browser.blocked.length}; console errors: ${browser.errors.length}`);
      return browser.blocked.length === 0 && browser.errors.length === 0;
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
