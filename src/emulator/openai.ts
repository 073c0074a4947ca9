/**
 * Fake OpenAI organization Costs API (docs/platform-behaviour.md §4) for the cost monitor: daily buckets from
 * fixture lines, `group_by`, `limit`, `page`/`next_page`/`has_more`, admin-key auth.
 */
import { bearerToken, json, type EmuRequest, type EmuResponse, type EmulatorExtension } from './extension-api.js';
import { demoCostStates } from './fixtures/cost/months.js';

export interface OpenAICostLine {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  line_item: string;
  project_id: string;
  /** Dollars (float, as OpenAI sends). */
  value: number;
  currency?: string;
}

export interface OpenAIEmuState extends Record<string, unknown> {
  adminKeys: string[];
  /** Ordinary project keys: refused on admin endpoints (403 here; the real status is UNCONFIRMED, docs/platform-behaviour.md §4). */
  projectKeys: string[];
  costs: OpenAICostLine[];
  /** Project id → its per-model rate limits (organization admin API, remediate's rate_limit). */
  rateLimits?: Record<string, OpenAIRateLimit[]>;
  /** Server-side cap on buckets per page, below the client's `limit` (forces pagination in tests). */
  maxBucketsPerPage?: number;
}

export interface OpenAIRateLimit {
  object: 'project.rate_limit';
  id: string;
  model: string;
  max_requests_per_1_minute: number;
  max_tokens_per_1_minute: number;
}

const DAY_S = 86_400;
const RATE_LIMIT_FIELDS = [
  'max_requests_per_1_minute',
  'max_tokens_per_1_minute',
  'max_images_per_1_minute',
  'max_audio_megabytes_per_1_minute',
  'max_requests_per_1_day',
  'batch_1_day_max_input_tokens',
];

/** GET /v1/organization/projects/{id}/rate_limits and POST …/rate_limits/{rate_limit_id} (admin key). */
function rateLimits(
  req: EmuRequest,
  state: OpenAIEmuState,
  projectId: string,
  limitId: string | undefined,
): EmuResponse {
  const key = bearerToken(req);
  if (!key || !state.adminKeys.includes(key))
    return openaiError(
      state.projectKeys.includes(key ?? '') ? 403 : 401,
      'This operation needs an admin key.',
      'invalid_request_error',
      state.projectKeys.includes(key ?? '') ? 'insufficient_permissions' : 'invalid_api_key',
    );
  const limits = state.rateLimits?.[projectId];
  if (!limits) return openaiError(404, `No such project: ${projectId}`, 'invalid_request_error');
  if (limitId === undefined) {
    if (req.method !== 'GET')
      return openaiError(405, `Invalid method for URL (${req.method} ${req.path})`, 'invalid_request_error');
    return json(200, {
      object: 'list',
      data: limits,
      first_id: limits[0]?.id ?? null,
      last_id: limits.at(-1)?.id ?? null,
      has_more: false,
    });
  }
  if (req.method !== 'POST')
    return openaiError(405, `Invalid method for URL (${req.method} ${req.path})`, 'invalid_request_error');
  const limit = limits.find((candidate) => candidate.id === limitId);
  if (!limit) return openaiError(404, `No such rate limit: ${limitId}`, 'invalid_request_error');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(req.body.trim() || '{}') as Record<string, unknown>;
  } catch {
    return openaiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  }
  for (const [field, value] of Object.entries(body)) {
    if (!RATE_LIMIT_FIELDS.includes(field))
      return openaiError(400, `Unknown parameter: '${field}'.`, 'invalid_request_error', 'unknown_parameter', field);
    if (!Number.isInteger(value) || (value as number) < 0)
      return openaiError(
        400,
        `Invalid '${field}': expected a non-negative integer.`,
        'invalid_request_error',
        'invalid_value',
        field,
      );
  }
  Object.assign(limit, body);
  return json(200, limit);
}
const GROUPS = new Set(['project_id', 'line_item', 'api_key_id']);

function openaiError(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
): EmuResponse {
  return json(status, { error: { message, type, param, code } });
}

function costs(req: EmuRequest, state: OpenAIEmuState, now: number): EmuResponse {
  const key = bearerToken(req);
  if (!key)
    return openaiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
      'invalid_request_error',
    );
  if (state.projectKeys.includes(key)) {
    return openaiError(
      403,
      'You have insufficient permissions for this operation: the costs API needs an admin key.',
      'invalid_request_error',
      'insufficient_permissions',
    );
  }
  if (!state.adminKeys.includes(key))
    return openaiError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  const q = req.query;
  const start = Number(q.get('start_time'));
  if (!q.has('start_time') || !Number.isInteger(start))
    return openaiError(
      400,
      'start_time is required and must be an integer',
      'invalid_request_error',
      null,
      'start_time',
    );
  const end = q.has('end_time') ? Number(q.get('end_time')) : Math.floor(now / 1000 / DAY_S + 1) * DAY_S;
  if (!Number.isInteger(end) || end <= start)
    return openaiError(400, 'end_time must be an integer after start_time', 'invalid_request_error', null, 'end_time');
  if ((q.get('bucket_width') ?? '1d') !== '1d')
    return openaiError(400, "bucket_width must be '1d' for costs", 'invalid_request_error', null, 'bucket_width');
  const limit = q.has('limit') ? Number(q.get('limit')) : 7;
  if (!Number.isInteger(limit) || limit < 1 || limit > 180)
    return openaiError(400, 'limit must be between 1 and 180', 'invalid_request_error', null, 'limit');
  // The official client sends arrays as `group_by[]=…` (docs/platform-behaviour.md "OpenAI costs"); both forms are read.
  const groupBy = [...q.getAll('group_by'), ...q.getAll('group_by[]')];
  if (groupBy.some((g) => !GROUPS.has(g)))
    return openaiError(400, `invalid group_by: ${groupBy.join(',')}`, 'invalid_request_error', null, 'group_by');
  const projects = [...q.getAll('project_ids'), ...q.getAll('project_ids[]')];
  let from = Math.floor(start / DAY_S) * DAY_S;
  const page = q.get('page');
  if (page) {
    const decoded = /^page_(\d+)$/.exec(Buffer.from(page, 'base64url').toString('utf8'));
    if (!decoded) return openaiError(400, 'invalid page cursor', 'invalid_request_error', null, 'page');
    from = Number(decoded[1]);
  }
  const perPage = Math.min(limit, state.maxBucketsPerPage ?? limit);
  const data: unknown[] = [];
  let t = from;
  for (; t < end && data.length < perPage; t += DAY_S) {
    const day = new Date(t * 1000).toISOString().slice(0, 10);
    const groups = new Map<
      string,
      { line_item: string | null; project_id: string | null; currency: string; micros: number }
    >();
    for (const line of state.costs) {
      if (line.day !== day || (projects.length && !projects.includes(line.project_id))) continue;
      const lineItem = groupBy.includes('line_item') ? line.line_item : null;
      const projectId = groupBy.includes('project_id') ? line.project_id : null;
      const currency = line.currency ?? 'usd';
      const key = JSON.stringify([lineItem, projectId, currency]);
      const group = groups.get(key) ?? { line_item: lineItem, project_id: projectId, currency, micros: 0 };
      group.micros += Math.round(line.value * 1e6);
      groups.set(key, group);
    }
    data.push({
      object: 'bucket',
      start_time: t,
      end_time: t + DAY_S,
      results: [...groups.values()].map((g) => ({
        object: 'organization.costs.result',
        amount: { value: g.micros / 1e6, currency: g.currency },
        line_item: g.line_item,
        project_id: g.project_id,
        api_key_id: null,
        quantity: null,
        quantity_unit: null,
      })),
    });
  }
  const hasMore = t < end;
  return json(200, {
    object: 'page',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(`page_${t}`).toString('base64url') : null,
  });
}

export const openaiExtension: EmulatorExtension<OpenAIEmuState> = {
  name: 'openai',
  prefix: '/openai',
  initialState: () => ({ adminKeys: [], projectKeys: [], costs: [] }),
  handle(req, ctx) {
    if (req.path === '/v1/organization/costs') {
      if (req.method !== 'GET')
        return openaiError(
          405,
          `Invalid method for URL (${req.method} /v1/organization/costs)`,
          'invalid_request_error',
        );
      return costs(req, ctx.state, ctx.clock.now());
    }
    const limits = /^\/v1\/organization\/projects\/([^/]+)\/rate_limits(?:\/([^/]+))?$/.exec(req.path);
    if (limits)
      return rateLimits(
        req,
        ctx.state,
        decodeURIComponent(limits[1]!),
        limits[2] === undefined ? undefined : decodeURIComponent(limits[2]),
      );
    return openaiError(404, `Invalid URL (${req.method} ${req.path})`, 'invalid_request_error');
  },
  errorResponse(status, code, message, headers) {
    const type = status === 429 ? 'requests' : 'server_error';
    return json(
      status,
      { error: { message, type, param: null, code: status === 429 ? 'rate_limit_exceeded' : code } },
      headers,
    );
  },
  seedDemo(ctx) {
    Object.assign(ctx.state, demoCostStates(ctx.clock.now()).openai);
  },
};
