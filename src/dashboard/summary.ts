import { heading, table, FAIL, PASS, WARN } from '../core/markdown.js';
import { formatOutage } from '../ops-site/aggregate.js';
import type { BuiltSite } from '../ops-site/build.js';

const ICON = { none: PASS, minor: WARN, major: FAIL, critical: FAIL } as const;

/** Verdict first (the status page's headline), then components, then what was built. */
export function renderDashboardSummary(
  site: BuiltSite,
  extra: { records: number; skipped: number; buildMs: number; outDir: string },
): string {
  const status = site.status.status;
  const lines = [heading(2, `Dashboard — ${ICON[status.indicator]} ${status.description}`), ''];
  lines.push(
    table(
      ['Component', 'Status', '24 h', '7 d', '90 d'],
      site.data.checks.map((c) => [
        c.name,
        site.status.components.find((s) => s.name === c.name)?.status ?? '',
        pct(c.windows.h24),
        pct(c.windows.d7),
        pct(c.windows.d90),
      ]),
    ),
  );
  const open = site.data.incidents.filter((i) => !i.resolved);
  if (open.length)
    lines.push('', `Open incidents: ${open.map((i) => `${i.name} (for ${formatOutage(i.durationMs)})`).join('; ')}`);
  lines.push(
    '',
    `Built ${site.files.length} files (${(site.bytes / 1024).toFixed(0)} KiB) into \`${extra.outDir}\` from ${extra.records} records${extra.skipped ? ` (${extra.skipped} unreadable line(s) skipped)` : ''} in ${(extra.buildMs / 1000).toFixed(2)} s; ${site.data.incidents.length} incident(s) in ${site.data.days.length} days.`,
  );
  return `${lines.join('\n')}\n`;
}

function pct(value: number | null): string {
  return value === null ? '–' : `${value}%`;
}
