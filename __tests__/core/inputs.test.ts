import { describe, expect, test } from '@jest/globals';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { InputReader } from '../../src/core/inputs.js';

function reader(values: Record<string, string>) {
  const masked: string[] = [];
  return {
    r: new InputReader(
      (name) => values[name] ?? '',
      (s) => masked.push(s),
    ),
    masked,
  };
}
function problem(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('durations', () => {
  test.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['0s', 0],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  test.each(['30', 'soon', '5 m', '-1s', '1d', ''])('rejects %p', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
  test('formats', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(245_000)).toBe('4m05s');
  });
});

describe('InputReader', () => {
  test('typed values', () => {
    const { r } = reader({
      t: '5m',
      b: 'True',
      i: '10',
      p: '2.5%',
      l: 'a, b\nc',
      u: 'https://x.test/a\nhttp://y.test',
    });
    expect(r.duration('t')).toBe(300_000);
    expect(r.boolean('b')).toBe(true);
    expect(r.integer('i', { min: 1 })).toBe(10);
    expect(r.percent('p')).toBe(2.5);
    expect(r.list('l')).toEqual(['a', 'b', 'c']);
    expect(r.urls('u').map(String)).toEqual(['https://x.test/a', 'http://y.test/']);
  });
  test('errors name the input and the expected form', () => {
    const { r } = reader({ t: 'soon', b: 'yes', i: '1.5', n: '0', o: 'sideways', u: 'x.test' });
    expect(problem(() => r.duration('t'))).toBe("input 't' must be a duration such as 30s, 5m or 1h, got 'soon'");
    expect(problem(() => r.boolean('b'))).toBe("input 'b' must be true or false, got 'yes'");
    expect(problem(() => r.integer('i'))).toBe("input 'i' must be a whole number such as 10, got '1.5'");
    expect(problem(() => r.integer('n', { min: 1 }))).toBe("input 'n' must be at least 1, got '0'");
    expect(problem(() => r.oneOf('o', ['up', 'down']))).toBe("input 'o' must be one of up, down, got 'sideways'");
    expect(problem(() => r.url('u'))).toContain("input 'u' must be an http(s) URL");
    expect(problem(() => r.required('missing', 'production'))).toBe(
      "input 'missing' is required, for example production",
    );
  });
  test('secrets and header values are masked as they are read', () => {
    const { r, masked } = reader({ token: ' tok-123 ', headers: 'Authorization: Bearer abc\nX-Bypass: zzz' });
    expect(r.secret('token')).toBe('tok-123');
    expect(r.headers('headers')).toEqual({ authorization: 'Bearer abc', 'x-bypass': 'zzz' });
    expect(masked).toEqual(['tok-123', 'Bearer abc', 'zzz']);
  });
  test('a malformed header line is named by position, never echoed', () => {
    const { r } = reader({ headers: 'ok: 1\nsecret-without-colon' });
    const message = problem(() => r.headers('headers'));
    expect(message).toContain('line 2 is not');
    expect(message).not.toContain('secret-without-colon');
  });
  test('structured values: YAML, JSON, and syntax errors with a position', () => {
    const { r } = reader({ y: '- a: 1\n- b: 2', j: '[{"a":1}]', bad: 'a: [1, 2\nb: 3' });
    expect(r.structured('y')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.structured('j')).toEqual([{ a: 1 }]);
    expect(problem(() => r.structured('bad'))).toMatch(
      /^input 'bad' is not valid YAML or JSON \(inline value at line \d+, column \d+\)/,
    );
    expect(problem(() => reader({ f: 'nope.yml' }).r.structured('f'))).toBe(
      "input 'f' names a file that does not exist: nope.yml",
    );
  });
});
