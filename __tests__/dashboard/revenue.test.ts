import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { HttpClient } from '../../src/core/http.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { StripeEmuState } from '../../src/emulator/stripe.js';
import { stripeRevenue } from '../../src/ops-site/revenue.js';

/**
 * Revenue per day in the account's main currency, read from the emulator's Stripe. Pins how a
 * zero-decimal currency (yen: amounts are whole yen) and a two-decimal one (cents) become major
 * units, now that the zero-decimal list is the one in cost/money.ts.
 */
const KEY = 'sk_test_revenue_units_0001';
const created = (iso: string) => Date.parse(iso) / 1000;
let emulator: Emulator;
let http: HttpClient;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  http = new HttpClient({ timeoutMs: 10_000 });
});
afterAll(async () => {
  await http.close();
  await emulator.stop();
});

function seed(transactions: Partial<StripeEmuState['transactions'][number]>[]): void {
  Object.assign(emulator.control.extensionState<StripeEmuState>('stripe'), { keys: [KEY], transactions });
}

function revenue() {
  return stripeRevenue({
    http,
    baseUrl: `${emulator.urls.base}/stripe`,
    secretKey: KEY,
    from: Date.parse('2026-11-01T00:00:00Z'),
    to: Date.parse('2026-11-03T00:00:00Z'),
  });
}

const txn = (id: string, amount: number, currency: string, at: string, type = 'charge') => ({
  id,
  object: 'balance_transaction' as const,
  amount,
  fee: 0,
  currency,
  created: created(at),
  type,
});

test('yen amounts are whole yen: a zero-decimal currency is not divided by 100', async () => {
  seed([
    txn('txn_j1', 1200, 'jpy', '2026-11-01T10:00:00Z'),
    txn('txn_j2', 800, 'jpy', '2026-11-01T11:00:00Z'),
    txn('txn_j3', -500, 'jpy', '2026-11-02T09:00:00Z', 'refund'),
  ]);
  const read = await revenue();
  expect(read.currency).toBe('jpy');
  expect(read.byDay).toEqual({ '2026-11-01': 2000, '2026-11-02': -500 });
});

test('dollar amounts are cents: a two-decimal currency is divided by 100', async () => {
  seed([txn('txn_u1', 2950, 'usd', '2026-11-01T10:00:00Z'), txn('txn_u2', 1999, 'usd', '2026-11-02T10:00:00Z')]);
  const read = await revenue();
  expect(read.currency).toBe('usd');
  expect(read.byDay).toEqual({ '2026-11-01': 29.5, '2026-11-02': 19.99 });
});

test('dinar amounts are thousandths: a three-decimal currency is divided by 1000', async () => {
  seed([txn('txn_k1', 5124, 'kwd', '2026-11-01T10:00:00Z'), txn('txn_k2', 10, 'kwd', '2026-11-01T12:00:00Z')]);
  const read = await revenue();
  expect(read.currency).toBe('kwd');
  expect(read.byDay).toEqual({ '2026-11-01': 5.134 });
});
