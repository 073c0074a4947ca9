import { runOnRunner } from '../runtime/runner-host.js';
import type { ActionDefinition } from '../core/host.js';
import { HttpClient } from '../core/http.js';
import { readRecords } from '../ops-history/record.js';
import { buildSite } from '../ops-site/build.js';
import { stripeRevenue } from '../ops-site/revenue.js';
import { getInputs } from './inputs.js';
import { renderDashboardSummary } from './summary.js';
import { errorText } from '../core/errors.js';

const DAY = 86_400_000;

export const definition: ActionDefinition = {
  name: 'dashboard',
  async run(host) {
    const settings = getInputs(host.inputs, host.env.GITHUB_WORKSPACE ?? process.cwd());
    const started = performance.now();
    const { records, skipped, files } = readRecords(settings.history);
    if (files === 0)
      host.log.warn(`dashboard: no history found at ${settings.history.join(', ')}: the site shows no data yet`);
    if (skipped) host.log.warn(`dashboard: ${skipped} line(s) of the history are not records and were skipped`);

    let revenue: { currency: string; byDay: Record<string, number> } | undefined;
    if (settings.stripe) {
      const http = new HttpClient({ timeoutMs: settings.requestTimeoutMs, userAgent: 'threadr-ops dashboard' });
      try {
        const read = await host.log.group('Reading revenue from Stripe', () =>
          stripeRevenue({
            http,
            ...settings.stripe!,
            timeoutMs: settings.requestTimeoutMs,
            from: settings.now - settings.days * DAY,
            to: settings.now,
          }),
        );
        revenue = read;
        host.log.info(
          `${read.transactions} payment and refund transaction(s) read in ${read.requests} request(s); revenue in ${read.currency.toUpperCase()}`,
        );
        if (read.otherCurrencies.length)
          host.log.warn(
            `dashboard: revenue in ${read.otherCurrencies.join(', ').toUpperCase()} is left out: only ${read.currency.toUpperCase()} is charted`,
          );
      } catch (error) {
        // Revenue is one chart of many: without it the site is still worth publishing.
        host.log.warn(`dashboard: revenue not read from Stripe: ${errorText(error)}`);
      } finally {
        await http.close();
      }
    }

    const site = buildSite(records, {
      out: settings.outDir,
      name: settings.siteName,
      url: settings.siteUrl,
      now: settings.now,
      days: settings.days,
      environment: settings.environment,
      latencyAlertMs: settings.latencyAlertMs,
      revenue,
    });
    const buildMs = performance.now() - started;
    host.log.info(`site built from ${records.length} records in ${(buildMs / 1000).toFixed(2)} s: ${settings.outDir}`);

    const down = site.status.components.filter((c) => c.status === 'major_outage').map((c) => c.name);
    const open = site.data.incidents.filter((i) => !i.resolved);
    host.setOutput('site-dir', settings.outDir);
    host.setOutput('indicator', site.status.status.indicator);
    host.setOutput('components-down', down.join(','));
    host.setOutput('open-incidents', open.length);
    host.setOutput('records', records.length);
    host.setOutput(
      'report',
      JSON.stringify({
        status: site.status.status,
        components: site.status.components.map((c) => ({ name: c.name, status: c.status })),
        incidents: site.data.incidents.length,
        open: open.length,
        records: records.length,
        skipped,
        files: site.files,
        bytes: site.bytes,
        buildMs: Math.round(buildMs),
      }),
    );
    await host.writeSummary(
      renderDashboardSummary(site, { records: records.length, skipped, buildMs, outDir: settings.outDir }),
    );
    // The dashboard's own run succeeds whatever it shows: an outage is news for the page, not a
    // broken build. Slack hears about it through the health checks that saw it.
    return {
      state: 'success',
      title: `Dashboard built: ${site.status.status.description}`,
      key: `dashboard:${settings.environment}`,
    };
  },
};

/** The runner's entry (index.ts), and what @github/local-action calls. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
