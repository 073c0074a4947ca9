/** Markdown pieces for job summaries; the CLI prints the same text. */

export function escapeCell(value: unknown): string {
  return String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const head = `| ${headers.map(escapeCell).join(' | ')} |`;
  const rule = `| ${headers.map(() => '---').join(' | ')} |`;
  const body = rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

export function heading(level: number, text: string): string {
  return `${'#'.repeat(level)} ${text}`;
}

export function details(summary: string, content: string): string {
  return `<details><summary>${summary}</summary>\n\n${content}\n\n</details>`;
}

export interface Series {
  name: string;
  values: readonly number[];
}

/**
 * A Mermaid xychart (GitHub renders Mermaid in job summaries). Bars for the first series when
 * `bar` is set, lines for the rest.
 */
export function mermaidChart(options: {
  title: string;
  xLabels: readonly string[];
  yLabel: string;
  series: readonly Series[];
  bar?: boolean;
}): string {
  const all = options.series.flatMap((s) => s.values).filter(Number.isFinite);
  const max = all.length ? Math.max(...all) : 1;
  const labels = options.xLabels.map((l) => `"${l.replace(/"/g, "'")}"`).join(', ');
  const lines = options.series.map((s, index) => {
    const kind = options.bar && index === 0 ? 'bar' : 'line';
    return `    ${kind} [${s.values.map((v) => (Number.isFinite(v) ? round(v) : 0)).join(', ')}]`;
  });
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${options.title.replace(/"/g, "'")}"`,
    `    x-axis [${labels}]`,
    `    y-axis "${options.yLabel}" 0 --> ${round(max * 1.1 || 1)}`,
    ...lines,
    '```',
  ].join('\n');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export const PASS = '✅';
export const FAIL = '❌';
export const WARN = '⚠️';
