/** The alert rules' actions (docs/remediation.md), as health-check and cost-monitor name them in their outputs. */
export const REMEDIATIONS = [
  'scale_backend',
  'scale_down',
  'rollback_deploy',
  'rate_limit',
  'rate_limit_tightening',
  'lockdown',
  'lockdown_off',
] as const;
export type RemediationKind = (typeof REMEDIATIONS)[number];

/**
 * One line of the record (a comment on the remediation issue): written before an action is
 * attempted and again after it, with what changed from what to what. The guard rails read these
 * back; `revert: true` restores `from` of the last `after` entry of a kind.
 */
export interface RecordEntry {
  /** Shared by the before and after entries of one action. */
  id: string;
  kind: RemediationKind;
  /** What was changed: `railway:<service>@<environment>`, `openai:<project>`, `vercel:<project>`, `edge-config:<id>/<key>`. */
  target: string;
  phase: 'before' | 'after';
  /** Epoch ms (the run's clock). */
  at: number;
  from: unknown;
  to: unknown;
  /** This entry undoes the action with this id. */
  reverts?: string;
  /** after: whether the change was made and read back. */
  ok?: boolean;
  error?: string;
  reason: string;
  /** The command that undoes it. */
  undo: string;
}
