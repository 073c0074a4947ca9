import { details, FAIL, heading, PASS, table, WARN } from '../core/markdown.js';
import type { ScanReport } from '../security/types.js';

const BADGE = { high: '🔴 high', medium: '🟠 medium', low: '🟡 low' } as const;

/** One line for the log and the top of the summary. */
export function verdictLine(report: ScanReport): string {
  const counts = `${report.counts.high} high, ${report.counts.medium} medium, ${report.counts.low} low`;
  const bar = report.failOn === 'never' ? 'fail-on never' : `fail-on ${report.failOn}`;
  if (report.unreachable.length) return `could not scan ${report.unreachable.join(', ')} (${counts} elsewhere)`;
  if (report.tooLarge.length)
    return `failed: the body of ${report.tooLarge.join(', ')} is over max-body-size (${counts} elsewhere)`;
  return `${report.verdict === 'pass' ? 'passed' : 'failed'}: ${counts} (${bar})`;
}

/** Verdict first, then the findings with their fixes, then what passed and what could not be tested. */
export function renderScanSummary(report: ScanReport): string {
  const parts: string[] = [];
  parts.push(heading(2, `${report.verdict === 'pass' ? PASS : FAIL} Security scan ${verdictLine(report)}`));
  if (report.plainHttp.length) {
    parts.push(
      `${WARN} Scanned over plain HTTP (${report.plainHttp.join(', ')}): reported once under https-redirect; HSTS is not judged there.`,
    );
  }
  if (report.findings.length) {
    parts.push(heading(3, 'Findings'));
    parts.push(
      table(
        ['Severity', 'Check', 'URL', 'Finding', 'Fix'],
        report.findings.map((f) => [BADGE[f.severity], f.check, f.url, f.message, f.fix]),
      ),
    );
  } else {
    parts.push('No findings.');
  }
  if (report.notFollowed.length) {
    parts.push(heading(3, `Redirects not followed (${report.notFollowed.length})`));
    parts.push(
      'They leave the scanned origins and `allowed-hosts`, so nothing was sent there; list a host in `allowed-hosts` to scan it.',
    );
    parts.push(
      table(
        ['From', 'Points to'],
        report.notFollowed.map((r) => [r.from, r.to]),
      ),
    );
  }
  const passed = report.results.filter((r) => r.status === 'pass');
  if (passed.length) {
    parts.push(heading(3, `Passed (${passed.length})`));
    parts.push(
      table(
        ['Check', 'URL', 'Observed'],
        passed.map((r) => [`${PASS} ${r.check}`, r.url, r.message]),
      ),
    );
  }
  const notes = report.results.filter((r) => r.status === 'info');
  if (notes.length) {
    parts.push(heading(3, `Notes (${notes.length})`));
    parts.push(
      table(
        ['Check', 'URL', 'Note'],
        notes.map((r) => [`ℹ️ ${r.check}`, r.url, r.message]),
      ),
    );
  }
  const untested = report.results.filter((r) => r.status === 'untested');
  if (untested.length) {
    parts.push(heading(3, `Could not test (${untested.length})`));
    parts.push(
      table(
        ['Check', 'URL', 'Why'],
        untested.map((r) => [`${WARN} ${r.check}`, r.url, r.message]),
      ),
    );
  }
  if (report.ignored.length) {
    parts.push(
      details(
        `Ignored findings (${report.ignored.length})`,
        table(
          ['Severity', 'Check', 'URL', 'Finding', 'Reason'],
          report.ignored.map((f) => [BADGE[f.severity], f.check, f.url, f.message, f.reason]),
        ),
      ),
    );
  }
  const notApplicable = report.results.filter((r) => r.status === 'not-applicable');
  if (notApplicable.length) {
    parts.push(
      details(
        `Not applicable (${notApplicable.length})`,
        table(
          ['Check', 'URL', 'Why'],
          notApplicable.map((r) => [r.check, r.url, r.message]),
        ),
      ),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
