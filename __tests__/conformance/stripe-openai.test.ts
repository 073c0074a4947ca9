import OpenAI from 'openai';
import Stripe from 'stripe';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { COST_CREDENTIALS as C, baseMonth, buildCostMonth } from '../../src/emulator/fixtures/cost/months.js';

/**
 * Conformance: the official Stripe and OpenAI clients against the emulator's cost endpoints, as the
 * cost monitor uses them. Stripe's client is pointed with host/port/protocol only (it has no base
 * path); OpenAI's sends arrays as `group_by[]=…`. Any error either client raises fails the test.
 */

let emu: Emulator;
const DAY = 86_400;

beforeEach(async () => {
  emu = await startEmulator({ port: 0 });
  for (const [name, state] of Object.entries(buildCostMonth(baseMonth())))
    Object.assign(emu.control.extensionState(name), state);
});
afterEach(async () => emu.stop());

describe('stripe (stripe-node)', () => {
  const client = (key: string = C.stripeKey) => {
    const { hostname, port } = new URL(emu.urls.base);
    return new Stripe(key, { host: hostname, port: Number(port), protocol: 'http', maxNetworkRetries: 0 });
  };

  it('lists balance transactions of a period, every page, reaching the emulator by host and port only', async () => {
    // Before: Stripe was served under /stripe only, so this client got the emulator's 404.
    const start = Math.floor(Date.parse('2026-03-01T00:00:00Z') / 1000);
    const seen: Stripe.BalanceTransaction[] = [];
    for await (const transaction of client().balanceTransactions.list({
      created: { gte: start, lt: start + 15 * DAY },
      limit: 7,
    }))
      seen.push(transaction);
    expect(seen.length).toBeGreaterThan(7);
    expect(new Set(seen.map((t) => t.id)).size).toBe(seen.length);
    for (const transaction of seen) {
      expect(transaction).toMatchObject({
        object: 'balance_transaction',
        currency: expect.any(String),
        fee: expect.any(Number),
        created: expect.any(Number),
      });
      expect(transaction.created).toBeGreaterThanOrEqual(start);
    }
  });

  it("an unknown key is the client's authentication error", async () => {
    await expect(client('sk_test_nope').balanceTransactions.list({ limit: 1 })).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
  });
});

describe('openai (openai-node admin costs)', () => {
  const client = (key: string = C.openaiAdminKey) =>
    new OpenAI({ adminAPIKey: key, apiKey: 'unused', baseURL: `${emu.urls.base}/openai/v1`, maxRetries: 0 });

  it('reads grouped daily costs with group_by[] as the client sends it', async () => {
    // Before: the emulator read only `group_by=`, so the client's `group_by[]=` came back ungrouped.
    const start = Math.floor(Date.parse('2026-03-01T00:00:00Z') / 1000);
    const page = await client().admin.organization.usage.costs({
      start_time: start,
      end_time: start + 3 * DAY,
      bucket_width: '1d',
      group_by: ['line_item', 'project_id'],
      limit: 3,
    });
    const sent = emu.control.requests({ provider: 'openai' }).at(-1)!;
    expect(sent.fullPath).toBe('/openai/v1/organization/costs');
    expect(Object.keys(sent.query).some((key) => key.startsWith('group_by'))).toBe(true);
    expect(page.data).toHaveLength(3);
    const results = page.data.flatMap((bucket) => bucket.results);
    expect(results.length).toBeGreaterThan(0);
    for (const result of results as { object: string; line_item?: string | null; project_id?: string | null }[]) {
      expect(result).toMatchObject({
        object: 'organization.costs.result',
        amount: { value: expect.any(Number), currency: 'usd' },
      });
      expect(result.line_item).toEqual(expect.any(String));
      expect(result.project_id).toEqual(expect.any(String));
    }
  });

  it('a project key is refused as the API refuses it', async () => {
    await expect(client(C.openaiProjectKey).admin.organization.usage.costs({ start_time: 0 })).rejects.toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );
  });
});
