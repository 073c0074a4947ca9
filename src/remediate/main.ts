import { runOnRunner } from '../runtime/runner-host.js';
import { HttpClient } from '../core/http.js';
import type { ActionDefinition } from '../core/host.js';
import type { RunOutcome } from '../core/outcome.js';
import { GitHubIssuesClient } from '../providers/github-issues.js';
import { RemediationRecord } from '../remediation/record.js';
import { remediate } from '../remediation/remediate.js';
import { getInputs } from './inputs.js';
import { renderRemediationSummary } from './summary.js';

export const definition: ActionDefinition = {
  name: 'remediate',
  async run(host): Promise<RunOutcome> {
    const settings = getInputs(host.inputs, host.env);
    const http = new HttpClient({ timeoutMs: settings.requestTimeoutMs, userAgent: 'threadr-ops remediate' });
    let report;
    try {
      const issues = new GitHubIssuesClient({
        http,
        apiUrl: settings.github.apiUrl,
        token: settings.github.token,
        repository: settings.github.repository,
        timeoutMs: settings.requestTimeoutMs,
        warn: (message) => host.log.warn(message),
      });
      const record = await host.log.group('Reading the remediation record', () =>
        RemediationRecord.load(issues, settings.environment),
      );
      host.log.info(
        record.issueNumber === undefined
          ? 'No remediation record yet.'
          : `Record: issue #${record.issueNumber}, ${record.entries.length} entries.`,
      );
      report = await remediate(settings, record, http, host.log);
    } finally {
      await http.close();
    }
    const applied = report.results.filter((r) => r.status === 'applied');
    const skipped = report.results.filter((r) => r.status === 'skipped');
    const failed = report.results.filter((r) => r.status === 'failed');
    host.setOutput('applied', applied.map((r) => r.kind).join(','));
    host.setOutput('skipped', skipped.map((r) => `${r.kind}: ${r.why}`).join('; '));
    host.setOutput('report', JSON.stringify(report));
    await host.writeSummary(renderRemediationSummary(report));
    if (failed.length) host.fail(`remediate: ${failed.map((r) => `${r.kind} failed: ${r.why}`).join('; ')}`);
    const verb = report.revert ? 'reverted' : 'applied';
    return {
      state: failed.length ? 'failure' : applied.length ? 'warning' : 'success',
      title: failed.length
        ? `remediate: ${failed.map((r) => r.kind).join(', ')} failed in ${report.environment}`
        : applied.length
          ? `remediate ${verb} ${applied.map((r) => r.kind).join(', ')} in ${report.environment}`
          : `remediate: nothing done in ${report.environment}${report.dryRun ? ' (dry run)' : ''}`,
      fields: report.results.map((r) => ({
        title: r.kind,
        value:
          r.status === 'applied'
            ? `${JSON.stringify(r.from)} → ${JSON.stringify(r.readBack)}${r.undo ? `; undo: ${r.undo}` : ''}`
            : `${r.status}: ${r.why ?? ''}`,
      })),
      key: `remediate:${report.environment}`,
    };
  },
};

/** The runner's entry (index.ts), and what @github/local-action calls. */
export async function run(): Promise<void> {
  await runOnRunner(definition);
}
