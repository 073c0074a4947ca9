import { errorFromResponse, joinUrl, query, requestIdOf } from './errors.js';
import { readVercelError } from './vercel-rest.js';
import { ProviderError } from '../core/errors.js';
import type { CostHttp } from './cost-http.js';

/** Vercel billing charges (reference §7): FOCUS v1.3 charges as JSON lines. */

export interface FocusCharge {
  BilledCost: number;
  BillingCurrency: string;
  ChargeCategory?: string;
  /** ISO-8601 UTC. */
  ChargePeriodStart: string;
  ServiceName?: string;
  Tags?: Record<string, string>;
}

export interface VercelBillingClientOptions {
  http: CostHttp;
  /** https://api.vercel.com, the emulator (`…/vercel`), or a proxy. */
  baseUrl: string;
  token: string;
  teamId?: string;
  timeoutMs?: number;
}

export class VercelBillingClient {
  readonly provider = 'vercel';
  constructor(private readonly options: VercelBillingClientOptions) {}

  /** Charges with ChargePeriodStart in [from, to) (ISO-8601 UTC), every line parsed and checked. */
  async charges(from: string, to: string): Promise<FocusCharge[]> {
    const what = 'GET /v1/billing/charges';
    const response = await this.options.http.request({
      url: joinUrl(this.options.baseUrl, `/v1/billing/charges${query({ from, to, teamId: this.options.teamId })}`),
      // No Accept-Encoding: gzip is only sent when asked for, and undici does not inflate it.
      headers: { authorization: `Bearer ${this.options.token}`, accept: 'application/jsonl' },
      timeoutMs: this.options.timeoutMs,
    });
    if (response.status !== 200) throw errorFromResponse(this.provider, what, response, readVercelError);
    const charges: FocusCharge[] = [];
    const lines = response.body.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index].trim();
      if (line === '') continue;
      charges.push(focusCharge(line, index + 1, response));
    }
    return charges;
  }
}

function focusCharge(line: string, lineNumber: number, response: Parameters<typeof requestIdOf>[0]): FocusCharge {
  const malformed = (problem: string): ProviderError =>
    new ProviderError(`GET /v1/billing/charges: line ${lineNumber} ${problem}`, {
      provider: 'vercel',
      code: 'malformed_response',
      requestId: requestIdOf(response),
      retriable: true,
    });
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw malformed('is not JSON (a truncated or non-JSONL answer)');
  }
  if (!value || typeof value.BilledCost !== 'number' || !Number.isFinite(value.BilledCost))
    throw malformed('has no numeric BilledCost');
  if (typeof value.ChargePeriodStart !== 'string' || Number.isNaN(Date.parse(value.ChargePeriodStart)))
    throw malformed('has no ISO-8601 ChargePeriodStart');
  if (typeof value.BillingCurrency !== 'string') throw malformed('has no BillingCurrency');
  return {
    BilledCost: value.BilledCost,
    BillingCurrency: value.BillingCurrency.toLowerCase(),
    ChargeCategory: typeof value.ChargeCategory === 'string' ? value.ChargeCategory : undefined,
    ChargePeriodStart: value.ChargePeriodStart,
    ServiceName: typeof value.ServiceName === 'string' ? value.ServiceName : undefined,
    Tags: value.Tags && typeof value.Tags === 'object' ? (value.Tags as Record<string, string>) : undefined,
  };
}
