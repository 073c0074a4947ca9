import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpsRecord } from '../ops-history/record.js';
import { aggregate, type SiteData } from './aggregate.js';
import { dashboardPage, statusPage } from './pages.js';
import { STATUS_SCHEMA, statusSummary, type StatusSummary } from './status.js';

/**
 * The files the site is made of besides the pages. uPlot's built file is copied from
 * node_modules; in the bundle, ncc's asset relocator sees these `new URL(…, import.meta.url)`
 * reads, copies each file next to dist/dashboard/index.js and rewrites the URL, so the action
 * ships them with no CDN and no install step.
 */
const ASSETS: Record<string, URL> = {
  'uPlot.iife.min.js': new URL('../../node_modules/uplot/dist/uPlot.iife.min.js', import.meta.url),
  'uPlot.min.css': new URL('../../node_modules/uplot/dist/uPlot.min.css', import.meta.url),
  'site.js': new URL('./assets/site.js', import.meta.url),
  'style.css': new URL('./assets/style.css', import.meta.url),
};

export interface SiteOptions {
  out: string;
  name: string;
  url: string;
  now: number;
  days: number;
  environment: string;
  latencyAlertMs: number;
  revenue?: { currency: string; byDay: Record<string, number> };
}

export interface BuiltSite {
  data: SiteData;
  status: StatusSummary;
  files: string[];
  bytes: number;
}

export function buildSite(records: OpsRecord[], options: SiteOptions): BuiltSite {
  const data = aggregate(records, options);
  const { summary, incidents } = statusSummary(data, { name: options.name, url: options.url });
  const files: Record<string, string | Buffer> = {
    'index.html': dashboardPage(data, options.name),
    'status.html': statusPage(data, summary, options.name),
    'data.js': `window.OPS_DATA = ${JSON.stringify(data)};\n`,
    'status.json': `${JSON.stringify(summary, null, 2)}\n`,
    'incidents.json': `${JSON.stringify(incidents, null, 2)}\n`,
    'status.schema.json': `${JSON.stringify(STATUS_SCHEMA, null, 2)}\n`,
  };
  for (const [name, url] of Object.entries(ASSETS)) files[`assets/${name}`] = readFileSync(url);
  mkdirSync(join(options.out, 'assets'), { recursive: true });
  let bytes = 0;
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(options.out, name), content);
    bytes += Buffer.byteLength(content);
  }
  return { data, status: summary, files: Object.keys(files).sort(), bytes };
}
