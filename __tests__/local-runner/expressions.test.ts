import { describe, expect, test } from '@jest/globals';
import { condition, evaluate, interpolate, type ExpressionContext } from '../../src/local-runner/expressions.js';

const ctx = (over: Partial<ExpressionContext['contexts']> = {}, success = true): ExpressionContext => ({
  contexts: {
    inputs: { environment: 'production', ref: '', 'verify-timeout': '5s' },
    needs: {
      deploy: { result: 'success', outputs: { status: 'deployed', 'rollback-plan': '{"a":1}' } },
      verify: { result: 'success', outputs: { verified: 'false', unreachable: 'false' } },
    },
    github: { sha: 'abc123' },
    secrets: { TOKEN: '' },
    ...over,
  },
  status: { success, failure: !success },
});

describe('GitHub expressions, as the runner evaluates them', () => {
  test('property access, hyphenated names, missing properties are null', () => {
    expect(evaluate('needs.deploy.outputs.rollback-plan', ctx())).toBe('{"a":1}');
    expect(evaluate("needs.deploy.outputs['status']", ctx())).toBe('deployed');
    expect(evaluate('needs.nothing.outputs.x', ctx())).toBeNull();
  });
  test('|| and && return operands; == is case-insensitive for strings', () => {
    expect(evaluate('inputs.ref || github.sha', ctx())).toBe('abc123');
    expect(evaluate("inputs.environment == 'PRODUCTION'", ctx())).toBe(true);
    expect(evaluate("secrets.TOKEN && 'yes' || 'no'", ctx())).toBe('no');
    expect(evaluate("needs.verify.outputs.verified == 'true' && 'success' || 'failure'", ctx())).toBe('failure');
  });
  test('mixed types coerce to numbers', () => {
    expect(evaluate("'1' == 1", ctx())).toBe(true);
    expect(evaluate("'' == 0", ctx())).toBe(true);
    expect(evaluate('null == 0', ctx())).toBe(true);
  });
  test('functions', () => {
    expect(evaluate("format('{0} to {1}', github.sha, inputs.environment)", ctx())).toBe('abc123 to production');
    expect(evaluate("contains('a,b', 'B')", ctx())).toBe(true);
    expect(evaluate('fromJSON(needs.deploy.outputs.rollback-plan).a', ctx())).toBe(1);
    expect(evaluate("hashFiles('no-such-file.sarif')", ctx())).toBe('');
    expect(() => evaluate("hashFiles('**/*.sarif')", ctx())).toThrow(
      'hashFiles() with a glob is not supported by the local runner',
    );
    expect(() => evaluate('toUpper(github.sha)', ctx())).toThrow(
      'function toUpper() is not supported by the local runner',
    );
  });
  test('if: adds an implicit success() unless a status function is used', () => {
    expect(condition("needs.deploy.outputs.status == 'deployed'", ctx({}, false))).toBe(false);
    expect(condition("always() && needs.deploy.outputs.status == 'deployed'", ctx({}, false))).toBe(true);
    expect(condition('${{ failure() }}', ctx({}, false))).toBe(true);
    expect(condition(undefined, ctx({}, false))).toBe(false);
  });
  test('interpolation', () => {
    expect(interpolate('deploy ${{ inputs.ref || github.sha }} (${{ inputs.verify-timeout }})', ctx())).toBe(
      'deploy abc123 (5s)',
    );
  });
  test('unknown contexts and syntax errors are errors, never a silent false', () => {
    expect(() => evaluate('vars.X', ctx())).toThrow("unknown context 'vars'");
    expect(() => evaluate('inputs.ref == ', ctx())).toThrow();
  });
});
