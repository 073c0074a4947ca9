import { redact } from '../core/redact.js';
import type { GitHubIssuesClient } from '../providers/github-issues.js';
import { REMEDIATIONS, type RecordEntry } from './types.js';

/**
 * Where the guard rails' state lives (docs/remediation.md "Where the record lives"): comments on
 * one open GitHub issue per environment, labelled `threadr-ops-remediation`. Each comment is
 * readable by a person (what changed, from what to what, the command that undoes it) and carries
 * the entry as JSON in an HTML comment, which the next run reads back. Unlike an actions/cache
 * entry it is not evicted after a week unused, is shared by every branch and by a run by hand,
 * and is an audit trail the team already watches.
 */
export const REMEDIATION_LABEL = 'threadr-ops-remediation';
const MARKER = 'threadr-ops-remediation:v1';
// The entry is the comment's last line, so text in the reason or a value that imitates one (earlier
// in the body) is never read as the entry; `--` inside the JSON is escaped when it is written.
const ENTRY = new RegExp(`<!-- ${MARKER} (\\{[^\\n]*\\}) -->\\s*$`);

export function remediationTitle(environment: string): string {
  return `threadr-ops remediation log: ${environment}`;
}

export function parseEntry(body: string): RecordEntry | undefined {
  const match = ENTRY.exec(body);
  if (!match) return undefined;
  try {
    const entry = JSON.parse(match[1]!) as RecordEntry;
    if (
      typeof entry.id !== 'string' ||
      !(REMEDIATIONS as readonly string[]).includes(entry.kind) ||
      typeof entry.at !== 'number' ||
      (entry.phase !== 'before' && entry.phase !== 'after')
    )
      return undefined;
    return entry;
  } catch {
    return undefined;
  }
}

const show = (value: unknown): string =>
  value === undefined || value === null ? '(not set)' : typeof value === 'string' ? value : JSON.stringify(value);

export function renderEntry(entry: RecordEntry): string {
  const verb =
    entry.phase === 'before'
      ? entry.reverts
        ? 'Reverting'
        : 'About to apply'
      : entry.ok
        ? entry.reverts
          ? 'Reverted'
          : 'Applied'
        : 'FAILED';
  const lines = [
    `**${verb}: \`${entry.kind}\`** on \`${entry.target}\` at ${new Date(entry.at).toISOString()}`,
    '',
    `- from: \`${show(entry.from)}\``,
    `- to: \`${show(entry.to)}\``,
    `- reason: ${entry.reason || '(none given)'}`,
    ...(entry.error ? [`- error: ${entry.error}`] : []),
    ...(entry.reverts ? [`- undoes: ${entry.reverts}`] : [`- undo: \`${entry.undo}\``]),
    '',
    // The JSON is escaped so that `-->` in a value cannot end the HTML comment early.
    `<!-- ${MARKER} ${JSON.stringify(entry).replace(/--/g, '\\u002d\\u002d')} -->`,
  ];
  return lines.join('\n');
}

export class RemediationRecord {
  private issue: number | undefined;

  private constructor(
    private readonly issues: GitHubIssuesClient,
    private readonly environment: string,
    readonly entries: RecordEntry[],
    issue: number | undefined,
  ) {
    this.issue = issue;
  }

  /** Reads the record (GET requests only). */
  static async load(issues: GitHubIssuesClient, environment: string): Promise<RemediationRecord> {
    const open = (await issues.listOpen(REMEDIATION_LABEL)).filter(
      (issue) => issue.title === remediationTitle(environment),
    );
    const issue = open.sort((a, b) => a.number - b.number)[0];
    const entries = issue
      ? (await issues.comments(issue.number))
          .map((comment) => parseEntry(comment.body ?? ''))
          .filter((entry): entry is RecordEntry => Boolean(entry))
      : [];
    return new RemediationRecord(issues, environment, entries, issue?.number);
  }

  get issueNumber(): number | undefined {
    return this.issue;
  }

  /** Writes one entry (opening the issue on the first one) and keeps it for the rest of the run's guard rails. */
  async append(entry: RecordEntry): Promise<void> {
    if (this.issue === undefined) {
      const created = await this.issues.create(
        remediationTitle(this.environment),
        redact(
          `Actions threadr-ops remediate took in **${this.environment}**, one comment before and one after each, with the command that undoes it. The guard rails (cooldown, max-actions-per-hour) and \`revert: true\` read these comments back: keep the issue open while they matter.`,
        ),
        [REMEDIATION_LABEL],
      );
      this.issue = created.number;
    }
    await this.issues.comment(this.issue, redact(renderEntry(entry)));
    this.entries.push(entry);
  }
}
