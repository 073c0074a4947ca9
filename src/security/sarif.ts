import { createHash } from 'node:crypto';
import type { Check, Finding, IgnoredFinding, ScanReport, SecuritySeverity } from './types.js';

/** SARIF levels and GitHub's security-severity scores (≥7 high, ≥4 medium, >0 low). */
const LEVEL: Record<SecuritySeverity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };
const SECURITY_SEVERITY: Record<SecuritySeverity, string> = { high: '8.0', medium: '5.0', low: '2.0' };

export const TOOL_NAME = 'threadr-ops security-scan';

/**
 * Code scanning rejects a whole upload whose locations are absolute https URIs ("SARIF URI
 * scheme https did not match the checkout URI scheme file", github/codeql-action#754), and a
 * colon in the first path segment is not a valid relative reference. So the location is
 * `host[_port]/path`, relative and scheme-less; the full URL stays in the message and properties.
 */
export function locationFor(url: string): string {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/[[\]:]/g, '_') + (parsed.port ? `_${parsed.port}` : '');
  const path = parsed.pathname.replace(/\/+$/, '');
  return encodeURI(decodeURI(`${host}${path}`));
}

/** Stable across runs: numbers (days left, counts) are left out so an alert keeps its identity. */
function fingerprint(finding: Finding): string {
  const stable = `${finding.check}\n${finding.url}\n${finding.message.replace(/\d+(\.\d+)?/g, '#')}`;
  return createHash('sha256').update(stable).digest('hex');
}

interface SarifOptions {
  version?: string;
  informationUri?: string;
}

export function toSarif(report: ScanReport, checks: readonly Check[], options: SarifOptions = {}): object {
  const ruleIndex = new Map(checks.map((check, index) => [check.id, index]));
  const rules = checks.map((check) => ({
    id: check.id,
    name: check.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: check.title },
    fullDescription: { text: `${check.title}. Fix: ${check.fix}` },
    help: { text: check.fix, markdown: `**Fix:** ${check.fix}` },
    defaultConfiguration: { level: LEVEL[check.severity] },
    properties: {
      tags: ['security', 'web', check.group],
      'security-severity': SECURITY_SEVERITY[check.severity],
      precision: 'high',
      severity: check.severity,
    },
  }));
  const result = (finding: Finding | IgnoredFinding) => ({
    ruleId: finding.check,
    ruleIndex: ruleIndex.get(finding.check) ?? -1,
    level: LEVEL[finding.severity],
    message: { text: `${finding.url}: ${finding.message}. Fix: ${finding.fix}` },
    locations: [
      { physicalLocation: { artifactLocation: { uri: locationFor(finding.url) }, region: { startLine: 1 } } },
    ],
    partialFingerprints: { 'threadrSecurityScan/v1': fingerprint(finding) },
    properties: { url: finding.url, severity: finding.severity },
    ...('reason' in finding ? { suppressions: [{ kind: 'external', justification: finding.reason }] } : {}),
  });
  const untested = report.results.filter((r) => r.status === 'untested');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            ...(options.version ? { version: options.version } : {}),
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: report.unreachable.length === 0,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            toolExecutionNotifications: untested.map((r) => ({
              level: 'warning',
              message: { text: `${r.check} could not be tested on ${r.url}: ${r.message}` },
              descriptor: { id: r.check },
            })),
          },
        ],
        results: [...report.findings.map(result), ...report.ignored.map(result)],
      },
    ],
  };
}
