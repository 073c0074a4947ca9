import {
  decimalToMicros,
  formatAmount,
  formatMoney,
  minorToMicros,
  multiplyMicros,
  toMinor,
} from '../../src/cost/money.js';
import { parseGoTime } from '../../src/providers/upstash.js';
import { costWindow } from '../../src/cost/calendar.js';

describe('money in integer micros', () => {
  it('reads decimals from their text, not through float arithmetic', () => {
    expect(decimalToMicros(0.07)).toBe(70_000);
    expect(decimalToMicros(0.1) + decimalToMicros(0.2)).toBe(300_000);
    expect(decimalToMicros('12.345')).toBe(12_345_000);
    expect(decimalToMicros(0.0000015)).toBe(2);
    expect(decimalToMicros(-1.25)).toBe(-1_250_000);
    expect(decimalToMicros(1e-7)).toBe(0);
    expect(() => decimalToMicros('abc')).toThrow(RangeError);
  });

  it('a thousand float lines add up to the cent', () => {
    let micros = 0;
    let float = 0;
    for (let i = 0; i < 1000; i++) {
      micros += decimalToMicros(0.01);
      float += 0.01;
    }
    expect(formatAmount(micros)).toBe('10.00');
    expect(float).not.toBe(10); // why floats are not used
  });

  it('converts minor units by currency exponent', () => {
    expect(minorToMicros(265, 'usd')).toBe(2_650_000);
    expect(minorToMicros(500, 'jpy')).toBe(500_000_000);
    expect(minorToMicros(1500, 'kwd')).toBe(1_500_000);
  });

  it('rounds half away from zero to the cent and formats', () => {
    expect(toMinor(102_375_000)).toBe(10238);
    expect(formatAmount(102_375_000)).toBe('102.38');
    expect(formatAmount(-5_000)).toBe('-0.01');
    expect(formatAmount(4_999)).toBe('0.00');
    expect(formatMoney(1_281_950_000)).toBe('$1,281.95');
    expect(formatMoney(1_500_000, 'eur')).toBe('€1.50');
    expect(formatMoney(500_000_000, 'jpy')).toBe('500 JPY');
    expect(formatMoney(undefined)).toBe('—');
  });

  it('multiplies by a decimal rate exactly', () => {
    expect(multiplyMicros(1_500_000, 1.08)).toBe(1_620_000);
    expect(multiplyMicros(22_500_000, '1.08')).toBe(24_300_000);
  });
});

describe('Upstash Go timestamps', () => {
  it('parses Go time.Time strings with offsets and zone names', () => {
    expect(parseGoTime('2025-08-31 15:12:52.799480932 +0000 UTC')).toBe(Date.parse('2025-08-31T15:12:52.799Z'));
    expect(parseGoTime('2025-08-31 23:30:00 -0200 -02')).toBe(Date.parse('2025-09-01T01:30:00Z'));
    expect(parseGoTime('2025-08-31T10:00:00Z')).toBe(Date.parse('2025-08-31T10:00:00Z'));
    expect(parseGoTime('2025-08-31')).toBe(Date.parse('2025-08-31T00:00:00Z'));
    expect(parseGoTime('Sunday')).toBeUndefined();
  });
});

describe('the cost window', () => {
  it('covers the month and the 30 trailing days, in UTC', () => {
    const w = costWindow(Date.parse('2026-03-15T12:00:00Z'));
    expect(w).toMatchObject({
      today: '2026-03-15',
      monthStart: '2026-03-01',
      nextMonthStart: '2026-04-01',
      daysInMonth: 31,
      trailingStart: '2026-02-13',
      rangeStart: '2026-02-13',
      rangeEnd: '2026-03-16',
    });
    const late = costWindow(Date.parse('2026-01-31T23:59:59Z'));
    expect(late).toMatchObject({ rangeStart: '2026-01-01', trailingStart: '2026-01-01', rangeEnd: '2026-02-01' });
    expect(costWindow(Date.parse('2028-02-10T00:00:00Z')).daysInMonth).toBe(29);
  });
});
