import { describe, expect, test } from '@jest/globals';
import { parseBytes, parseHttpUrl, parsePercent } from '../../src/core/inputs.js';

describe('one unit for error rates: a percentage with %', () => {
  test.each([
    ['5%', 5],
    ['0.5%', 0.5],
    ['100%', 100],
    ['0 %', 0],
  ])('%s is %d percent', (text, value) => {
    expect(parsePercent('max-error-rate', text)).toBe(value);
  });

  test('a bare fraction is refused, with both readings in % form', () => {
    expect(() => parsePercent('max-error-rate', '0.05')).toThrow(
      "input 'max-error-rate' must be a percentage written with %, such as 5% or 0.5%; got the bare number '0.05' (write 5% if you meant the fraction 0.05, or 0.05% if you meant 0.05 percent)",
    );
    expect(() => parsePercent('max-error-rate', '5')).toThrow("got the bare number '5' (write 5%)");
    expect(() => parsePercent('max-error-rate', '150%')).toThrow('from 0% to 100%');
  });
});

describe('sizes', () => {
  test.each([
    ['1MiB', 1024 ** 2],
    ['512KiB', 512 * 1024],
    ['10MB', 10_000_000],
    ['2048', 2048],
    ['1.5 MiB', 1.5 * 1024 ** 2],
  ])('%s', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });
  test('unknown units are not guessed', () => {
    expect(parseBytes('1 megabyte')).toBeUndefined();
  });
});

describe('URLs with credentials', () => {
  test('user:password@ is refused, and the message does not repeat it', () => {
    let message = '';
    try {
      parseHttpUrl('url', 'https://deploy:s3cr3t-pass@threadr.app/health');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      "input 'url' must not carry a user or password before the host (user:password@); send credentials in headers instead. Got a URL for threadr.app",
    );
  });
});
