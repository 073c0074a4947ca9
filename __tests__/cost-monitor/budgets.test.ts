import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigurationError } from '../../src/core/errors.js';
import { parseExchangeRates, parseLimits } from '../../src/cost/budgets.js';
import { actionDefaults, ROOT } from '../harness/runner.js';

describe('limits', () => {
  it("the action's default is the seed's cost controls", () => {
    const limits = parseLimits(parse(actionDefaults('cost-monitor').limits));
    expect(limits.providers.openai).toEqual({
      dailyLimit: 50_000_000,
      monthlyLimit: 1_000_000_000,
      action: 'rate_limit',
    });
    expect(limits.providers.railway).toEqual({
      dailyLimit: 10_000_000,
      monthlyLimit: 200_000_000,
      action: 'scale_down',
    });
    expect(limits.total).toEqual({ alertThreshold: 100_000_000, dailyLimit: 200_000_000, action: 'rate_limit' });
    expect(limits.spikeFactor).toBe(2);
    expect(readFileSync(join(ROOT, 'actions', 'cost-monitor', 'action.yml'), 'utf8')).toContain("default: 'critical'");
  });

  it('accepts amounts as numbers, strings and $-prefixed text', () => {
    const limits = parseLimits({
      vercel: { 'daily-limit': '12.50', 'monthly-limit': '$300' },
      'spike-factor': '3x',
      'spike-floor': 5,
    });
    expect(limits.providers.vercel).toEqual({ dailyLimit: 12_500_000, monthlyLimit: 300_000_000 });
    expect(limits.spikeFactor).toBe(3);
    expect(limits.spikeFloor).toBe(5_000_000);
  });

  it('empty limits mean no limits, with the default spike test', () => {
    const limits = parseLimits(undefined);
    expect(limits.providers).toEqual({});
    expect(limits.spikeFactor).toBe(2);
  });

  const bad: [string, unknown, RegExp][] = [
    [
      'negative amount',
      { openai: { 'daily-limit': -5 } },
      /input 'limits' field 'openai\.daily-limit' must not be negative, got '-5'/,
    ],
    [
      'unknown provider',
      { aws: { 'daily-limit': 5 } },
      /input 'limits' field 'aws' is not a known provider or setting: expected one of openai, railway, vercel, upstash, stripe/,
    ],
    [
      'action not a word',
      { railway: { action: 'scale down; rm -rf /' } },
      /input 'limits' field 'railway\.action' must be one word/,
    ],
    ['unknown field', { openai: { 'daily-limt': 5 } }, /field 'openai\.daily-limt' is not a known field/],
    [
      'text amount',
      { openai: { 'monthly-limit': 'lots' } },
      /field 'openai\.monthly-limit' must be an amount in US dollars such as 50/,
    ],
    ['spike factor', { 'spike-factor': 1 }, /field 'spike-factor' must be a number above 1/],
    ['negative threshold', { total: { 'alert-threshold': -1 } }, /field 'total\.alert-threshold' must not be negative/],
    ['not a mapping', ['openai'], /must be a YAML mapping/],
    ['provider not a mapping', { openai: 50 }, /field 'openai' must be a mapping/],
  ];
  it.each(bad)('refuses %s, naming the field', (_name, raw, message) => {
    expect(() => parseLimits(raw)).toThrow(ConfigurationError);
    expect(() => parseLimits(raw)).toThrow(message);
  });
});

describe('exchange rates', () => {
  it('reads currency → USD rates', () => {
    expect(parseExchangeRates({ EUR: 1.08, gbp: '1.27' })).toEqual({ eur: 1.08, gbp: 1.27 });
    expect(() => parseExchangeRates({ euro: 1 })).toThrow(/field 'euro' must be a three-letter currency code/);
    expect(() => parseExchangeRates({ eur: 0 })).toThrow(/field 'eur' must be a positive rate/);
  });
});
