/**
 * Fake Vercel billing charges (reference §7): `GET /vercel/v1/billing/charges?from&to[&teamId]`
 * answering FOCUS v1.3 charges as JSON lines. Runs behind the Vercel emulator's token check.
 */
import { vercelError, type EmuResponse, type EmulatorExtension } from './extension-api.js';
import { demoCostStates } from './fixtures/cost/months.js';

export interface FocusChargeFixture {
  BilledCost: number;
  EffectiveCost: number;
  BillingCurrency: 'USD';
  ChargeCategory: 'Usage' | 'Purchase' | 'Tax' | 'Credit' | 'Adjustment';
  ChargePeriodStart: string;
  ChargePeriodEnd: string;
  ConsumedQuantity: number;
  ConsumedUnit: string;
  PricingCategory: 'Standard' | 'Dynamic' | 'Committed' | 'Other';
  PricingCurrency: 'USD';
  PricingQuantity: number;
  PricingUnit: string;
  ServiceName: string;
  ServiceProviderName: string;
  Tags: Record<string, string>;
}

export interface VercelBillingEmuState extends Record<string, unknown> {
  /** Charges per scope: a team id, or `''` for the token owner's personal scope. */
  charges: Record<string, FocusChargeFixture[]>;
}

const YEAR_MS = 366 * 86_400_000;

export const vercelBillingExtension: EmulatorExtension<VercelBillingEmuState> = {
  name: 'cost-vercel',
  initialState: () => ({ charges: {} }),
  vercelRoutes: [
    {
      method: 'GET',
      path: '/v1/billing/charges',
      handle(req, ctx): EmuResponse {
        const from = Date.parse(req.query.get('from') ?? '');
        const to = Date.parse(req.query.get('to') ?? '');
        if (Number.isNaN(from) || Number.isNaN(to))
          return vercelError(400, 'bad_request', 'Query parameters from and to are required ISO-8601 date-times');
        if (to <= from || to - from > YEAR_MS)
          return vercelError(400, 'bad_request', 'The range from..to must be positive and at most one year');
        const scope = ctx.teamId ?? '';
        const lines = (ctx.state.charges[scope] ?? []).filter((c) => {
          const start = Date.parse(c.ChargePeriodStart);
          return start >= from && start < to;
        });
        const body = lines.map((line) => JSON.stringify(line)).join('\n');
        return { status: 200, headers: { 'content-type': 'application/jsonl' }, body: body ? `${body}\n` : '' };
      },
    },
  ],
  seedDemo(ctx) {
    Object.assign(ctx.state, demoCostStates(ctx.clock.now())['cost-vercel']);
  },
};
