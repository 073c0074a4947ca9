import type { Incident, SiteData } from './aggregate.js';

/**
 * status.json in the shape of Atlassian Statuspage's public `/api/v2/summary.json`, which badge
 * services and status aggregators already read: page, status (indicator + description),
 * components, unresolved incidents with their updates, scheduled maintenances. The fields we
 * cannot know (group ids, postmortems) are present with their empty values so strict readers
 * accept the file. incidents.json carries every incident, resolved ones included, in the shape of
 * `/api/v2/incidents.json`. The schema (STATUS_SCHEMA below, shipped as status.schema.json) is the
 * contract; docs/dashboard.md describes it.
 */
export type ComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage';
export type Indicator = 'none' | 'minor' | 'major' | 'critical';

export interface StatusPage {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface StatusComponent {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
}

export interface StatusIncidentUpdate {
  id: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
}

export interface StatusIncident {
  id: string;
  name: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved' | 'postmortem';
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: 'none' | 'minor' | 'major' | 'critical';
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: StatusIncidentUpdate[];
  components: { id: string; name: string }[];
}

export interface StatusSummary {
  page: StatusPage;
  status: { indicator: Indicator; description: string };
  components: StatusComponent[];
  incidents: StatusIncident[];
  scheduled_maintenances: never[];
}

const DESCRIPTION: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
};

export function componentStatus(check: SiteData['checks'][number], latencyAlertMs: number): ComponentStatus {
  if (!check.up) return 'major_outage';
  if (check.lastLatencyMs !== null && check.lastLatencyMs > latencyAlertMs) return 'degraded_performance';
  return 'operational';
}

export function statusSummary(
  data: SiteData,
  page: { name: string; url: string },
): { summary: StatusSummary; incidents: { page: StatusPage; incidents: StatusIncident[] } } {
  const pageId = slug(page.name) || 'status';
  const statusPage: StatusPage = {
    id: pageId,
    name: page.name,
    url: page.url,
    time_zone: 'Etc/UTC',
    updated_at: data.generatedAt,
  };
  const firstSeen = new Map<string, string>();
  const components = data.checks.map((check, position): StatusComponent => {
    firstSeen.set(check.name, check.lastSeen);
    return {
      id: slug(check.name),
      name: check.name,
      status: componentStatus(check, data.latencyAlertMs),
      created_at: `${data.days[0]}T00:00:00.000Z`,
      updated_at: check.lastSeen,
      position: position + 1,
      description: `Health check "${check.name}" (${data.environment})`,
      showcase: true,
      start_date: data.days[0],
      group_id: null,
      page_id: pageId,
      group: false,
      only_show_if_degraded: false,
    };
  });
  const all = data.incidents.map((incident) => statusIncident(incident, pageId, page.url));
  const down = components.filter((c) => c.status === 'major_outage').length;
  const degraded = components.filter((c) => c.status !== 'operational').length;
  const indicator: Indicator =
    down === 0 ? (degraded ? 'minor' : 'none') : down === components.length ? 'critical' : 'major';
  return {
    summary: {
      page: statusPage,
      status: { indicator, description: DESCRIPTION[indicator] },
      components,
      incidents: all.filter((i) => i.status !== 'resolved'),
      scheduled_maintenances: [],
    },
    incidents: { page: statusPage, incidents: all },
  };
}

function statusIncident(incident: Incident, pageId: string, url: string): StatusIncident {
  const updates = incident.updates.map((update, n): StatusIncidentUpdate => ({
    id: `${incident.id}-${n + 1}`,
    status: update.status,
    body: update.body,
    incident_id: incident.id,
    created_at: update.t,
    updated_at: update.t,
    display_at: update.t,
  }));
  const last = incident.updates.at(-1);
  return {
    id: incident.id,
    name: incident.name,
    status: incident.resolved ? 'resolved' : last?.status === 'identified' ? 'identified' : 'investigating',
    created_at: incident.started,
    updated_at: last?.t ?? incident.started,
    monitoring_at: null,
    resolved_at: incident.resolved ?? null,
    impact: 'major',
    shortlink: `${url.replace(/\/+$/, '')}/status.html#incident-${incident.id}`,
    started_at: incident.started,
    page_id: pageId,
    incident_updates: updates.reverse(),
    components: [{ id: slug(incident.component), name: incident.component }],
  };
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const timestamp = { type: 'string', format: 'date-time' } as const;
const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

/**
 * An object schema whose `required` is every property except those named optional, in the order
 * the properties are written: each field is named once, so required and properties cannot drift.
 */
function objectSchema(properties: Record<string, object>, optional: readonly string[] = []) {
  return { type: 'object', required: Object.keys(properties).filter((key) => !optional.includes(key)), properties };
}

const pageSchema = objectSchema({
  id: { type: 'string' },
  name: { type: 'string' },
  url: { type: 'string' },
  time_zone: { type: 'string' },
  updated_at: timestamp,
});
const updateSchema = objectSchema({
  id: { type: 'string' },
  status: { enum: ['investigating', 'identified', 'monitoring', 'resolved'] },
  body: { type: 'string' },
  incident_id: { type: 'string' },
  created_at: timestamp,
  updated_at: timestamp,
  display_at: timestamp,
});
const incidentSchema = objectSchema(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { enum: ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] },
    created_at: timestamp,
    updated_at: timestamp,
    monitoring_at: nullableTimestamp,
    resolved_at: nullableTimestamp,
    started_at: timestamp,
    impact: { enum: ['none', 'minor', 'major', 'critical'] },
    shortlink: { type: 'string' },
    page_id: { type: 'string' },
    incident_updates: { type: 'array', items: { $ref: '#/$defs/incident_update' } },
    components: { type: 'array', items: objectSchema({ id: { type: 'string' }, name: { type: 'string' } }) },
  },
  ['monitoring_at', 'started_at', 'components'],
);
const componentSchema = objectSchema(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { enum: ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] },
    created_at: timestamp,
    updated_at: timestamp,
    position: { type: 'integer', minimum: 1 },
    description: { type: ['string', 'null'] },
    showcase: { type: 'boolean' },
    start_date: { type: ['string', 'null'], format: 'date' },
    group_id: { type: ['string', 'null'] },
    page_id: { type: 'string' },
    group: { type: 'boolean' },
    only_show_if_degraded: { type: 'boolean' },
  },
  ['start_date'],
);

/** JSON Schema (draft 2020-12) of status.json; incidents.json is { page, incidents: [incident] }. */
export const STATUS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'status.schema.json',
  title: 'threadr-ops status.json (Statuspage summary.json shape)',
  ...objectSchema({
    page: { $ref: '#/$defs/page' },
    status: objectSchema({
      indicator: { enum: ['none', 'minor', 'major', 'critical'] },
      description: { type: 'string' },
    }),
    components: { type: 'array', items: componentSchema },
    incidents: { type: 'array', items: { $ref: '#/$defs/incident' } },
    scheduled_maintenances: { type: 'array', maxItems: 0 },
  }),
  $defs: { page: pageSchema, incident: incidentSchema, incident_update: updateSchema },
} as const;
