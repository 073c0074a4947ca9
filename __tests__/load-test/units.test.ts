import { describe, expect, test } from '@jest/globals';
import { runBundle } from '../harness/runner.js';

describe('load-test error_rate thresholds', () => {
  test('error_rate<1 is refused before any request, with the % form shown', async () => {
    const result = await runBundle('load-test', {
      inputs: { target: 'http://127.0.0.1:9/', thresholds: 'p95<500ms\nerror_rate<1' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain("input 'thresholds' has a threshold that does not parse: 'error_rate<1'");
    expect(result.errors[0]).toContain('write error_rate<100% for the fraction 1, or error_rate<1% for 1 percent');
  });
});
