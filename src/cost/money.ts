/**
 * Money as integer micro-units (millionths of a currency unit). Every provider's amounts fit
 * without loss: Stripe's minor units (cents, yen, fils), OpenAI's and Upstash's fractional
 * dollars (0.0012), Railway's per-minute prices (0.000463). Sums are integer additions, so a month
 * of thousands of lines adds up to the cent; floats appear only where a provider sends one, and are
 * converted once, from their decimal text.
 */
export type Micros = number;

export const MICROS_PER_UNIT = 1_000_000;

/** ISO 4217 currencies whose minor unit is not the cent (Stripe's list). */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function currencyExponent(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** An amount in the currency's minor unit (Stripe's integers) as micros. */
export function minorToMicros(minor: number, currency: string): Micros {
  return minor * 10 ** (6 - currencyExponent(currency));
}

/**
 * A decimal amount in currency units (0.06, "12.345") as micros, rounded half away from zero at
 * the sixth decimal. Read from the number's shortest decimal text, so 0.1 + 0.2 problems never
 * enter: 0.07 becomes exactly 70 000.
 */
export function decimalToMicros(value: number | string): Micros {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) {
    throw new RangeError(`not a decimal amount: '${text}'`);
  }
  const [, sign, whole, fraction = ''] = match;
  const padded = (fraction + '0000000').slice(0, 7);
  let micros = Number(whole || '0') * MICROS_PER_UNIT + Number(padded.slice(0, 6));
  if (Number(padded[6]) >= 5) micros += 1;
  return sign === '-' && micros !== 0 ? -micros : micros;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Tiny or huge values print in exponent form; toFixed(7) keeps the digit that decides rounding.
  return value.toFixed(7);
}

/** micros × rate (a decimal, e.g. an exchange rate or a unit price), rounded half away from zero. */
export function multiplyMicros(micros: Micros, rate: number | string): Micros {
  const rateMicros = BigInt(decimalToMicros(rate));
  const product = BigInt(micros) * rateMicros;
  const million = BigInt(MICROS_PER_UNIT);
  const half = million / 2n;
  const rounded = product >= 0n ? (product + half) / million : -((-product + half) / million);
  return Number(rounded);
}

/** quantity (a float usage figure) × unit price in micros, rounded once. */
export function priceQuantity(quantity: number, unitPriceMicros: number): Micros {
  return Math.round(quantity * unitPriceMicros);
}

/** Rounds micros to the currency's minor unit (cents), half away from zero; returns minor units. */
export function toMinor(micros: Micros, currency = 'usd'): number {
  const step = 10 ** (6 - currencyExponent(currency));
  const magnitude = Math.floor((Math.abs(micros) + step / 2) / step);
  return micros < 0 ? -magnitude : magnitude;
}

/** `12.35` (no symbol): the figure outputs carry, to the cent. */
export function formatAmount(micros: Micros, currency = 'usd'): string {
  const exponent = currencyExponent(currency);
  const minor = toMinor(micros, currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** `$12.35`, `€8.10`, `1,200 JPY`: for people. */
export function formatMoney(micros: Micros | undefined, currency = 'usd'): string {
  if (micros === undefined) return '—';
  const amount = formatAmount(micros, currency);
  const [whole, fraction] = amount.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  const code = currency.toLowerCase();
  if (code === 'usd') return text.startsWith('-') ? `-$${text.slice(1)}` : `$${text}`;
  if (code === 'eur') return text.startsWith('-') ? `-€${text.slice(1)}` : `€${text}`;
  if (code === 'gbp') return text.startsWith('-') ? `-£${text.slice(1)}` : `£${text}`;
  return `${text} ${code.toUpperCase()}`;
}

export function sumMicros(values: Iterable<Micros>): Micros {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
