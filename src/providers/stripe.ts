import { errorFromResponse, jsonBody, joinUrl, readErrorObject, unexpectedShape } from './errors.js';
import type { CostHttp } from './cost-http.js';

/** Stripe balance transactions (reference §5): the processing fees of a period. */

export interface StripeBalanceTransaction {
  id: string;
  /** Gross, signed, in the currency's minor unit. */
  amount: number;
  /** Positive when assessed, minor unit. */
  fee: number;
  currency: string;
  /** Unix seconds. */
  created: number;
  type: string;
}

export interface StripeClientOptions {
  http: CostHttp;
  /** https://api.stripe.com, the emulator (`…/stripe`), or a proxy. */
  baseUrl: string;
  secretKey: string;
  /** Optional Stripe-Version header; the account default otherwise. */
  apiVersion?: string;
  timeoutMs?: number;
}

export interface BalanceTransactionsQuery {
  /** Unix seconds, inclusive. */
  createdGte: number;
  /** Unix seconds, exclusive. */
  createdLt: number;
  /** Page size, 1–100. */
  limit?: number;
}

export interface BalanceTransactionsResult {
  transactions: StripeBalanceTransaction[];
  pages: number;
  /** Ids met again on a later page (a list that shifted while paging); counted once. */
  duplicates: number;
}

/** 10 000 pages of 100: a million transactions a month is beyond what this monitor is for. */
const MAX_PAGES = 10_000;

export class StripeClient {
  readonly provider = 'stripe';
  constructor(private readonly options: StripeClientOptions) {}

  /** Every balance transaction created in the range, paginated with starting_after to the end. */
  async balanceTransactions(query: BalanceTransactionsQuery): Promise<BalanceTransactionsResult> {
    const byId = new Map<string, StripeBalanceTransaction>();
    let duplicates = 0;
    let startingAfter: string | undefined;
    for (let pages = 1; pages <= MAX_PAGES; pages++) {
      const page = await this.page(query, startingAfter);
      for (const transaction of page.data) {
        if (byId.has(transaction.id)) duplicates++;
        else byId.set(transaction.id, transaction);
      }
      if (!page.has_more) return { transactions: [...byId.values()], pages, duplicates };
      const last = page.data.at(-1)?.id;
      if (!last || last === startingAfter) {
        throw unexpectedShape(
          this.provider,
          'GET /v1/balance_transactions',
          'has_more is true but the page gives no new cursor',
        );
      }
      startingAfter = last;
    }
    throw unexpectedShape(this.provider, 'GET /v1/balance_transactions', `more than ${MAX_PAGES} pages`);
  }

  private async page(
    query: BalanceTransactionsQuery,
    startingAfter: string | undefined,
  ): Promise<{ data: StripeBalanceTransaction[]; has_more: boolean }> {
    const search = new URLSearchParams();
    search.set('created[gte]', String(query.createdGte));
    search.set('created[lt]', String(query.createdLt));
    search.set('limit', String(query.limit ?? 100));
    if (startingAfter) search.set('starting_after', startingAfter);
    const what = 'GET /v1/balance_transactions';
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.secretKey}`,
      accept: 'application/json',
    };
    if (this.options.apiVersion) headers['stripe-version'] = this.options.apiVersion;
    const response = await this.options.http.request({
      url: `${joinUrl(this.options.baseUrl, '/v1/balance_transactions')}?${search}`,
      headers,
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status !== 200) throw errorFromResponse(this.provider, what, response, readErrorObject);
    const body = jsonBody<Record<string, unknown>>(this.provider, what, response);
    if (!body || !Array.isArray(body.data) || typeof body.has_more !== 'boolean') {
      throw unexpectedShape(this.provider, what, 'expected a list with data and has_more');
    }
    return { data: body.data.map((raw, index) => transaction(raw, `data[${index}]`)), has_more: body.has_more };
  }
}

function transaction(raw: unknown, where: string): StripeBalanceTransaction {
  const value = raw as Record<string, unknown> | null;
  const ok =
    value &&
    typeof value.id === 'string' &&
    Number.isInteger(value.amount) &&
    Number.isInteger(value.fee) &&
    typeof value.currency === 'string' &&
    Number.isInteger(value.created) &&
    typeof value.type === 'string';
  if (!ok)
    throw unexpectedShape(
      'stripe',
      'GET /v1/balance_transactions',
      `${where} needs id, integer amount/fee/created, currency and type`,
    );
  return {
    id: value.id as string,
    amount: value.amount as number,
    fee: value.fee as number,
    currency: (value.currency as string).toLowerCase(),
    created: value.created as number,
    type: value.type as string,
  };
}
