import { CHECKS } from './checks/index.js';
import { collectEvidence, type CollectDeps, type Targets } from './collect.js';
import type {
  Check,
  SecurityCheckResult,
  Evidence,
  EvidenceKind,
  SecurityFailOn,
  Finding,
  IgnoredFinding,
  ScanReport,
  SecuritySeverity,
} from './types.js';

export interface ScanSettings extends Targets {
  /** Ids of the checks to run. */
  checks: readonly string[];
  /** Check id → why its findings are accepted. */
  ignore: ReadonlyMap<string, string>;
  failOn: SecurityFailOn;
}

const RANK: Record<SecuritySeverity, number> = { high: 3, medium: 2, low: 1 };

export function atOrAbove(severity: SecuritySeverity, failOn: SecurityFailOn): boolean {
  return failOn !== 'never' && RANK[severity] >= RANK[failOn];
}

/** Runs checks over evidence already fetched: pure, so it is tested without any server. */
export function evaluateChecks(
  checks: readonly Check[],
  evidence: Evidence,
  settings: Pick<ScanSettings, 'ignore' | 'failOn'>,
): Omit<ScanReport, 'startedAt' | 'finishedAt'> {
  const results: SecurityCheckResult[] = [];
  const findings: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  for (const check of checks) {
    const fix = evidence.framework === 'nextjs' && check.nextjsFix ? check.nextjsFix : check.fix;
    for (const outcome of check.evaluate(evidence)) {
      const severity = outcome.severity ?? check.severity;
      results.push({ check: check.id, title: check.title, ...outcome, severity });
      if (outcome.status !== 'fail') continue;
      const finding: Finding = {
        check: check.id,
        severity,
        title: check.title,
        url: outcome.url,
        message: outcome.message,
        fix,
      };
      const reason = settings.ignore.get(check.id);
      if (reason !== undefined) ignored.push({ ...finding, reason });
      else findings.push(finding);
    }
  }
  findings.sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  const counts: Record<SecuritySeverity, number> = { high: 0, medium: 0, low: 0 };
  for (const finding of findings) counts[finding.severity]++;
  // A scanned URL with no answer at all voids the scan of it; TLS refusals are reported by tls-cert instead.
  const unreachable = evidence.pages
    .filter((p) => p.chain.length === 0 && p.error && !p.tlsError)
    .map((p) => p.requested);
  const tooLarge = evidence.pages.filter((p) => p.tooLarge).map((p) => p.requested);
  const notFollowed = evidence.pages
    .filter((p) => p.notFollowed)
    .map((p) => ({ from: p.requested, to: p.notFollowed! }));
  const plainHttp = evidence.pages.filter((p) => p.final?.url.startsWith('http:')).map((p) => p.requested);
  const blocking = findings.some((f) => atOrAbove(f.severity, settings.failOn));
  return {
    verdict: blocking || unreachable.length || tooLarge.length ? 'fail' : 'pass',
    failOn: settings.failOn,
    findings,
    ignored,
    results,
    counts,
    checksRun: checks.map((c) => c.id),
    unreachable,
    tooLarge,
    notFollowed,
    plainHttp,
  };
}

export async function runScan(settings: ScanSettings, deps: CollectDeps & { now?: () => Date }): Promise<ScanReport> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const checks = CHECKS.filter((c) => settings.checks.includes(c.id));
  const needs = new Set<EvidenceKind>(checks.flatMap((c) => c.needs));
  const evidence = await collectEvidence(settings, needs, deps);
  return { ...evaluateChecks(checks, evidence, settings), startedAt, finishedAt: now().toISOString() };
}
