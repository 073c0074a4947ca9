import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActionDefinition } from '../core/host.js';
import { HttpClient } from '../core/http.js';
import { redactDeep } from '../core/redact.js';
import { Agent } from '../core/undici-lean.js';
import type { RunOutcome } from '../core/outcome.js';
import { CHECKS } from '../security/checks/index.js';
import { Fetcher } from '../security/probes/fetcher.js';
import { toSarif } from '../security/sarif.js';
import { runScan } from '../security/scan.js';
import { renderScanSummary, verdictLine } from './summary.js';
import type { ScanReport } from '../security/types.js';
import { getInputs } from './inputs.js';
import { runOnRunner } from '../runtime/runner-host.js';

function setOutputs(set: (name: string, value: string | number | boolean) => void, report: ScanReport): void {
  set('findings', JSON.stringify(report.findings));
  set('high', report.counts.high);
  set('medium', report.counts.medium);
  set('low', report.counts.low);
  set('passed', report.verdict === 'pass');
  set(
    'report',
    JSON.stringify({
      verdict: report.verdict,
      failOn: report.failOn,
      counts: report.counts,
      unreachable: report.unreachable,
      tooLarge: report.tooLarge,
      notFollowed: report.notFollowed,
      plainHttp: report.plainHttp,
      results: report.results,
      ignored: report.ignored,
    }),
  );
}

export const definition: ActionDefinition = {
  name: 'security-scan',
  async run(host) {
    const settings = getInputs(host.inputs);
    host.log.info(`Checks: ${settings.checks.join(', ')}`);
    if (settings.insecureSkipVerify)
      host.log.warn('insecure-skip-verify is on: HTTP checks accept any certificate (tls-cert still reports it)');
    // Verification stays on by default: the user's headers may carry a bypass secret, and an
    // unverified connection could hand it to whoever answers. The tls-cert check reads the
    // certificate on its own connection either way.
    const dispatcher = new Agent({
      connect: { rejectUnauthorized: !settings.insecureSkipVerify },
      keepAliveTimeout: 4_000,
    });
    const http = new HttpClient({
      dispatcher,
      timeoutMs: settings.requestTimeoutMs,
      userAgent: 'threadr-ops-security-scan',
      maxBodyBytes: settings.maxBodyBytes,
    });
    const scanned = new Set(
      [...settings.urls, ...(settings.apiUrl ? [settings.apiUrl] : [])].map((u) => new URL(u).origin),
    );
    let report: ScanReport;
    try {
      report = await host.log.group('Scanning', () =>
        runScan(settings, {
          fetcher: new Fetcher(http, settings.headers, scanned, settings.allowedHosts),
          timeoutMs: settings.requestTimeoutMs,
          log: host.log,
        }),
      );
    } finally {
      await http.close();
      await dispatcher.close();
    }

    // High severity is an error annotation, the rest warnings; the redacting host caps each at ten.
    for (const finding of report.findings)
      (finding.severity === 'high' ? host.log.error : host.log.warn)(
        `[${finding.severity}] ${finding.check} ${finding.url}: ${finding.message}`,
      );
    if (report.plainHttp.length) host.log.warn(`scanned over plain HTTP: ${report.plainHttp.join(', ')}`);
    for (const skipped of report.notFollowed)
      host.log.info(
        `redirect not followed (outside the scanned origins and allowed-hosts): ${skipped.from} -> ${skipped.to}`,
      );
    for (const result of report.results.filter((r) => r.status === 'untested'))
      host.log.info(`could not test ${result.check} on ${result.url}: ${result.message}`);
    setOutputs((name, value) => host.setOutput(name, value), report);

    if (settings.sarifOut) {
      mkdirSync(dirname(settings.sarifOut), { recursive: true });
      // SARIF is uploaded to code scanning: it passes the redactor like every other report.
      const sarif = redactDeep(
        toSarif(
          report,
          CHECKS.filter((c) => report.checksRun.includes(c.id)),
        ),
      );
      writeFileSync(settings.sarifOut, `${JSON.stringify(sarif, null, 2)}\n`);
      host.log.info(`SARIF written to ${settings.sarifOut}`);
    }
    await host.writeSummary(renderScanSummary(report));
    host.log.info(`security-scan ${verdictLine(report)}`);
    if (report.verdict === 'fail') host.fail(`security-scan: ${verdictLine(report)}`);
    return scanOutcome(report);
  },
};

function scanOutcome(report: ScanReport): RunOutcome {
  const { high, medium, low } = report.counts;
  return {
    state: report.verdict === 'fail' ? 'failure' : high + medium + low > 0 ? 'warning' : 'success',
    title: `Security scan: ${verdictLine(report)}`,
    details: report.findings.slice(0, 10).map((f) => `[${f.severity}] ${f.check} ${f.url}: ${f.message}`),
    fields: [
      { title: 'High', value: String(high) },
      { title: 'Medium', value: String(medium) },
      { title: 'Low', value: String(low) },
    ],
  };
}

/** The action on the runner (and under `@github/local-action`): the bundle's entry calls this. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
