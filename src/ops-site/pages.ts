import { formatOutage, type Incident, type SiteData } from './aggregate.js';
import { componentStatus, type StatusSummary } from './status.js';

/** The two pages, rendered at build time: every table is plain HTML, only the charts need script. */

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const percent = (value: number | null): string => (value === null ? '–' : `${value.toFixed(value === 100 ? 0 : 2)}%`);
const usd = (value: number | undefined): string => (value === undefined ? '–' : `$${value.toFixed(2)}`);
const when = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function layout(title: string, site: string, current: 'dashboard' | 'status', body: string, scripts = ''): string {
  const link = (href: string, label: string, page: string) =>
    `<a href="${href}"${page === current ? ' aria-current="page"' : ''}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'none'">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="assets/style.css">
${current === 'dashboard' ? '<link rel="stylesheet" href="assets/uPlot.min.css">' : ''}
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><nav aria-label="Pages">${link('index.html', 'Operations', 'dashboard')}${link('status.html', 'Status', 'status')}</nav></header>
<main>
${body}
</main>
<footer><p>${escapeHtml(site)} · built ${'{{built}}'} from the runs' own records · <a href="status.json">status.json</a> (<a href="status.schema.json">schema</a>)</p></footer>
${scripts}
</body>
</html>
`;
}

function chart(id: string, title: string, label: string, caption: string): string {
  return `<figure><div class="chart" id="${id}" role="img" aria-label="${escapeHtml(label)}"></div><figcaption>${escapeHtml(caption || title)}</figcaption></figure>`;
}

export function dashboardPage(data: SiteData, site: string): string {
  const sections: string[] = [];
  const from = data.days[0];
  const to = data.days.at(-1);
  sections.push(`<p>${escapeHtml(data.environment)}, ${from} to ${to} (UTC days), ${data.records} run records.</p>`);

  const uptimeRows = data.checks
    .map(
      (c) =>
        `<tr><th scope="row">${escapeHtml(c.name)}</th><td class="${c.up ? 'ok' : 'bad'}">${c.up ? 'up' : 'down'}</td><td class="num">${percent(c.windows.h24)}</td><td class="num">${percent(c.windows.d7)}</td><td class="num">${percent(c.windows.d90)}</td></tr>`,
    )
    .join('');
  sections.push(
    `<section aria-labelledby="h-uptime"><h2 id="h-uptime">Uptime per check</h2>`,
    data.checks.length
      ? `<table><caption class="visually-hidden">Uptime per check</caption><thead><tr><th scope="col">Check</th><th scope="col">Now</th><th scope="col" class="num">24 h</th><th scope="col" class="num">7 d</th><th scope="col" class="num">90 d</th></tr></thead><tbody>${uptimeRows}</tbody></table>` +
          chart(
            'chart-uptime',
            'Uptime per day',
            'Daily uptime per check, percent',
            'Time-weighted uptime per UTC day: a state holds until the next record, at most 3 hours.',
          )
      : '<p>No health-check record yet.</p>',
    '</section>',
  );

  sections.push(
    `<section aria-labelledby="h-latency"><h2 id="h-latency">p95 latency</h2>`,
    chart(
      'chart-latency',
      'p95 latency',
      `p95 latency per day against the ${data.latencyAlertMs} ms alert line`,
      `The health checks' p95 per day (the 95th percentile of the day's runs) and the worst run, against the ${data.latencyAlertMs} ms alert line.`,
    ),
    '</section>',
  );

  const deployRows = data.deploys.recent
    .map(
      (d) =>
        `<tr><td>${when(d.t)}</td><td>${escapeHtml(d.action)}</td><td>${escapeHtml(d.sha ?? '')}</td><td class="${d.status === 'deployed' ? 'ok' : 'bad'}">${escapeHtml(d.status)}</td></tr>`,
    )
    .join('');
  sections.push(
    `<section aria-labelledby="h-deploys"><h2 id="h-deploys">Deploys</h2>`,
    chart(
      'chart-deploys',
      'Deploys per week',
      'Deploys per week, stacked: verified, rolled back, failed',
      'Deploys per week (from Monday, UTC) by outcome, stacked: verified (deployed and healthy) at the bottom, rolled back, failed.',
    ),
    deployRows
      ? `<details><summary>Latest deploys and rollbacks</summary><table><thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Commit</th><th scope="col">Outcome</th></tr></thead><tbody>${deployRows}</tbody></table></details>`
      : '',
    '</section>',
  );

  sections.push(
    `<section aria-labelledby="h-incidents"><h2 id="h-incidents">Incidents</h2>${incidentTable(data.incidents)}</section>`,
  );

  const month = data.cost.month;
  const monthRows = month
    ? Object.keys({ ...month.projected, ...month.mtd })
        .sort((a, b) => (a === 'total' ? 1 : b === 'total' ? -1 : a.localeCompare(b)))
        .map((p) => {
          const over = month.monthly[p] !== undefined && (month.projected[p] ?? 0) > month.monthly[p];
          return `<tr><th scope="row">${escapeHtml(p)}</th><td class="num">${usd(month.mtd[p])}</td><td class="num ${over ? 'bad' : ''}">${usd(month.projected[p])}</td><td class="num">${usd(month.monthly[p])}</td></tr>`;
        })
        .join('')
    : '';
  sections.push(
    `<section aria-labelledby="h-cost"><h2 id="h-cost">Spend per provider</h2>`,
    data.cost.providers.length
      ? chart(
          'chart-cost',
          'Spend per day',
          'Spend per provider per day in US dollars, with daily budget lines',
          'USD per provider per UTC day; dashed: the daily budget.',
        )
      : '<p>No cost-monitor record yet.</p>',
    month
      ? `<table><caption>Month of ${month.day.slice(0, 7)} as of ${month.day}</caption><thead><tr><th scope="col">Provider</th><th scope="col" class="num">Month to date</th><th scope="col" class="num">Projected month</th><th scope="col" class="num">Monthly budget</th></tr></thead><tbody>${monthRows}</tbody></table>`
      : '',
    '</section>',
  );

  if (data.revenue) {
    sections.push(
      `<section aria-labelledby="h-revenue"><h2 id="h-revenue">Revenue</h2>${chart('chart-revenue', 'Revenue per day', 'Revenue per day from Stripe', 'Charges less refunds per UTC day, from Stripe balance transactions.')}</section>`,
    );
  }
  sections.push(
    `<section aria-labelledby="h-security"><h2 id="h-security">Security findings</h2>`,
    data.security.t.length
      ? chart(
          'chart-security',
          'Findings per scan',
          'Security findings per scan by severity',
          'Findings per scan: high, medium, low.',
        )
      : '<p>No security-scan record yet.</p>',
    '</section>',
    `<section aria-labelledby="h-load"><h2 id="h-load">Load tests</h2>`,
    data.loadTests.t.length
      ? chart(
          'chart-load',
          'Load tests',
          'Load test p95 and p99 latency and throughput per run',
          'Per run: p95 and p99 latency (ms) and requests per second.',
        )
      : '<p>No load-test record yet.</p>',
    '</section>',
  );
  const scripts =
    '<script src="assets/uPlot.iife.min.js"></script>\n<script src="data.js"></script>\n<script src="assets/site.js"></script>';
  return layout(`${site} operations`, site, 'dashboard', sections.join('\n'), scripts).replace(
    '{{built}}',
    when(data.generatedAt),
  );
}

function incidentTable(incidents: Incident[]): string {
  if (!incidents.length) return '<p>No incident in the period.</p>';
  const rows = incidents
    .slice(0, 50)
    .map(
      (i) =>
        `<tr><td>${when(i.started)}</td><td>${escapeHtml(i.component)}</td><td class="num">${formatOutage(i.durationMs)}</td><td class="${i.resolved ? 'ok' : 'bad'}">${i.resolved ? `resolved ${when(i.resolved)}` : 'ongoing'}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th scope="col">Started</th><th scope="col">Component</th><th scope="col" class="num">Duration</th><th scope="col">State</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const STATUS_WORDS: Record<string, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};
const STATUS_CLASS: Record<string, string> = {
  operational: 'ok',
  degraded_performance: 'warn',
  partial_outage: 'warn',
  major_outage: 'bad',
};

export function statusPage(data: SiteData, summary: StatusSummary, site: string): string {
  const days = data.days.slice(-90);
  const offset = data.days.length - days.length;
  const incidentDays = new Map<string, number>();
  for (const incident of data.incidents) {
    const key = `${incident.component}:${incident.started.slice(0, 10)}`;
    incidentDays.set(key, (incidentDays.get(key) ?? 0) + 1);
  }
  const components = data.checks
    .map((check) => {
      const status = componentStatus(check, data.latencyAlertMs);
      const bars = days
        .map((day, i) => {
          const value = check.daily[offset + i];
          const kind = value === null ? 'none' : value >= 99.95 ? 'up' : value >= 95 ? 'partial' : 'down';
          const count = incidentDays.get(`${check.name}:${day}`);
          const text = `${day}: ${value === null ? 'no data' : `${percent(value)} up`}${count ? `, ${count} incident(s)` : ''}`;
          return `<li class="${kind}" title="${text}"><span class="visually-hidden">${text}</span></li>`;
        })
        .join('');
      const uptime = percent(check.windows.d90);
      return `<div class="component"><div class="head"><h3>${escapeHtml(check.name)}</h3><span class="${STATUS_CLASS[status]}">${STATUS_WORDS[status]}</span></div><ol class="bars" aria-label="${escapeHtml(check.name)}: the last 90 days">${bars}</ol><div class="axis"><span>90 days ago</span><span>${uptime} uptime</span><span>today</span></div></div>`;
    })
    .join('');
  const open = data.incidents.filter((i) => !i.resolved);
  const past = data.incidents.filter((i) => i.resolved).slice(0, 30);
  const body = [
    `<p class="banner ${summary.status.indicator}" role="status">${escapeHtml(summary.status.description)}</p>`,
    `<section aria-labelledby="h-components"><h2 id="h-components">Components</h2>${components || '<p>No component has been checked yet.</p>'}</section>`,
    `<section aria-labelledby="h-open"><h2 id="h-open">Open incidents</h2>${open.length ? open.map(incidentBlock).join('') : '<p>None.</p>'}</section>`,
    `<section aria-labelledby="h-past"><h2 id="h-past">Past incidents</h2>${past.length ? past.map(incidentBlock).join('') : '<p>None in the period.</p>'}</section>`,
  ].join('\n');
  return layout(`${site} status`, site, 'status', body).replace('{{built}}', when(data.generatedAt));
}

function incidentBlock(incident: Incident): string {
  const updates = [...incident.updates]
    .reverse()
    .map((u) => `<li><strong>${u.status}</strong> <time datetime="${u.t}">${when(u.t)}</time>: ${linkify(u.body)}</li>`)
    .join('');
  const state = incident.resolved
    ? `Resolved after ${formatOutage(incident.durationMs)}`
    : `Ongoing for ${formatOutage(incident.durationMs)}`;
  return `<article class="incident${incident.resolved ? ' resolved' : ''}" id="incident-${escapeHtml(incident.id)}"><h3>${escapeHtml(incident.name)}</h3><p>${state} (from ${when(incident.started)}${incident.resolved ? ` to ${when(incident.resolved)}` : ''}).</p><ol>${updates}</ol></article>`;
}

function linkify(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<]+[^\s<.,)]/g, (url) => `<a href="${url}">${url}</a>`);
}
