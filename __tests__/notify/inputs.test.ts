import { describe, expect, test } from '@jest/globals';
import { ConfigurationError } from '../../src/core/errors.js';
import { InputReader } from '../../src/core/inputs.js';
import { getInputs } from '../../src/notify/inputs.js';
import { renderNotifySummary } from '../../src/notify/summary.js';

/** The notify action's settings (the RunOutcome it sends) and its job summary, without a runner. */
const reader = (values: Record<string, string>) =>
  new InputReader(
    (name) => values[name] ?? '',
    () => undefined,
  );

function problem(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('notify inputs', () => {
  test('status, title, details, links and key become the outcome', () => {
    const outcome = getInputs(
      reader({
        status: 'warning',
        title: 'Deploy held',
        details: 'p50 +30%\ncanary held',
        links: 'Canary | https://example.test/run/1',
        key: 'production',
      }),
    );
    expect(outcome).toEqual({
      state: 'warning',
      title: 'Deploy held',
      details: ['p50 +30%', 'canary held'],
      links: [{ text: 'Canary', url: 'https://example.test/run/1' }],
      key: 'production',
    });
  });

  test('an empty key is no key', () => {
    expect(getInputs(reader({ status: 'success', title: 'ok' })).key).toBeUndefined();
  });

  test('a link line without an http(s) URL names the input and the line', () => {
    expect(
      problem(() => getInputs(reader({ status: 'success', title: 'ok', links: 'Run | https://a.test\nbroken' }))),
    ).toMatch(/links.*line 2 must be 'text \| https:\/\/…', got 'broken'/);
  });

  test('an unknown status and a missing title are refused', () => {
    expect(problem(() => getInputs(reader({ status: 'fine', title: 'ok' })))).toMatch(/status/);
    expect(problem(() => getInputs(reader({ status: 'success' })))).toMatch(/title/);
  });
});

describe('notify summary', () => {
  test('the status and title first, then each detail', () => {
    expect(
      renderNotifySummary({ state: 'failure', title: 'Deploy failed', details: ['backend crashed', 'rolled back'] }),
    ).toBe('## ❌ Deploy failed\n\nbackend crashed\n\nrolled back\n');
    expect(renderNotifySummary({ state: 'success', title: 'Deploy verified' })).toBe('## ✅ Deploy verified\n');
  });
});
