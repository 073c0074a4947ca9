import { errorFromResponse, jsonBody, joinUrl, readErrorObject, unexpectedShape } from './errors.js';
import type { CostHttp } from './cost-http.js';

/** OpenAI organization Costs API (reference §4): daily cost buckets, admin key only. */

export interface OpenAICostResult {
  amount: { value: number; currency: string };
  line_item: string | null;
  project_id: string | null;
}

export interface OpenAICostBucket {
  start_time: number;
  end_time: number;
  results: OpenAICostResult[];
}

export interface OpenAICostsQuery {
  /** Unix seconds, inclusive. */
  startTime: number;
  /** Unix seconds, exclusive. */
  endTime: number;
  groupBy?: ('project_id' | 'line_item' | 'api_key_id')[];
  projectIds?: string[];
  /** Buckets per page, 1–180. */
  limit?: number;
}

export interface OpenAIClientOptions {
  http: CostHttp;
  /** https://api.openai.com, the emulator (`…/openai`), or a proxy. */
  baseUrl: string;
  adminKey: string;
  timeoutMs?: number;
}

/** Guard against a server that keeps answering has_more: a year of daily buckets is far below it. */
const MAX_PAGES = 400;

export class OpenAICostsClient {
  readonly provider = 'openai';
  constructor(private readonly options: OpenAIClientOptions) {}

  /** Every bucket of the range, following `next_page` to the end. */
  async costs(query: OpenAICostsQuery): Promise<OpenAICostBucket[]> {
    const buckets: OpenAICostBucket[] = [];
    const seen = new Set<string>();
    let page: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const body = await this.page(query, page);
      buckets.push(...body.data);
      if (!body.has_more) return buckets;
      if (!body.next_page || seen.has(body.next_page)) {
        throw unexpectedShape(
          this.provider,
          'GET /v1/organization/costs',
          `has_more is true but next_page is ${body.next_page ? 'repeated' : 'missing'}`,
        );
      }
      seen.add(body.next_page);
      page = body.next_page;
    }
    throw unexpectedShape(this.provider, 'GET /v1/organization/costs', `more than ${MAX_PAGES} pages`);
  }

  private async page(
    query: OpenAICostsQuery,
    page: string | undefined,
  ): Promise<{ data: OpenAICostBucket[]; has_more: boolean; next_page: string | null }> {
    // Arrays repeat the key (OpenAPI form style); whether `group_by[]=` also works is UNCONFIRMED (§4).
    const search = new URLSearchParams();
    search.set('start_time', String(query.startTime));
    search.set('end_time', String(query.endTime));
    search.set('bucket_width', '1d');
    search.set('limit', String(query.limit ?? 31));
    for (const group of query.groupBy ?? []) search.append('group_by', group);
    for (const id of query.projectIds ?? []) search.append('project_ids', id);
    if (page) search.set('page', page);
    const what = 'GET /v1/organization/costs';
    const response = await this.options.http.request({
      url: `${joinUrl(this.options.baseUrl, '/v1/organization/costs')}?${search}`,
      headers: { authorization: `Bearer ${this.options.adminKey}`, accept: 'application/json' },
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status !== 200) throw errorFromResponse(this.provider, what, response, readErrorObject);
    const body = jsonBody<Record<string, unknown>>(this.provider, what, response);
    if (!body || !Array.isArray(body.data)) throw unexpectedShape(this.provider, what, 'data is not an array');
    const data = body.data.map((bucket, index) => costBucket(bucket, `data[${index}]`));
    const nextPage = typeof body.next_page === 'string' ? body.next_page : null;
    return { data, has_more: body.has_more === true, next_page: nextPage };
  }
}

function costBucket(raw: unknown, where: string): OpenAICostBucket {
  const bucket = raw as Record<string, unknown> | null;
  const what = 'GET /v1/organization/costs';
  if (!bucket || typeof bucket.start_time !== 'number' || typeof bucket.end_time !== 'number') {
    throw unexpectedShape('openai', what, `${where} needs numeric start_time and end_time`);
  }
  if (!Array.isArray(bucket.results)) throw unexpectedShape('openai', what, `${where}.results is not an array`);
  const results = bucket.results.map((item, index) => {
    const result = item as Record<string, unknown> | null;
    const amount = result?.amount as Record<string, unknown> | undefined;
    if (
      !amount ||
      typeof amount.value !== 'number' ||
      !Number.isFinite(amount.value) ||
      typeof amount.currency !== 'string'
    ) {
      throw unexpectedShape('openai', what, `${where}.results[${index}].amount needs a numeric value and a currency`);
    }
    return {
      amount: { value: amount.value, currency: amount.currency.toLowerCase() },
      line_item: typeof result?.line_item === 'string' ? result.line_item : null,
      project_id: typeof result?.project_id === 'string' ? result.project_id : null,
    };
  });
  return { start_time: bucket.start_time, end_time: bucket.end_time, results };
}
