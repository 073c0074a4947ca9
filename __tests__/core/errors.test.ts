import { errorText, failureMessage } from '../../src/core/errors.js';

describe('errorText', () => {
  it("gives an Error's message, without its name or stack", () => {
    expect(errorText(new TypeError('no such deployment'))).toBe('no such deployment');
  });

  it('gives a thrown non-Error as text rather than undefined', () => {
    expect(errorText('socket hang up')).toBe('socket hang up');
    expect(errorText(42)).toBe('42');
    expect(errorText(undefined)).toBe('undefined');
  });

  it('is what a failed action reports after its name', () => {
    expect(failureMessage('deploy', new Error('HTTP 500'))).toBe('deploy: HTTP 500');
    expect(failureMessage('deploy', 'bare string')).toBe('deploy: bare string');
  });
});
