import { describe, expect, test } from '@jest/globals';
import { hostAllowed, isLoopback, listedIn, malformedEntry } from '../../src/core/allowed-hosts.js';

describe('allowed-hosts', () => {
  const u = (text: string) => new URL(text);
  test('hosts, ports, wildcards and URLs', () => {
    expect(listedIn(u('https://api.threadr.app/x'), ['api.threadr.app'])).toBe(true);
    expect(listedIn(u('https://api.threadr.app:8443/x'), ['api.threadr.app:8443'])).toBe(true);
    expect(listedIn(u('https://api.threadr.app/x'), ['api.threadr.app:8443'])).toBe(false);
    expect(listedIn(u('https://eu.api.threadr.app/'), ['*.threadr.app'])).toBe(true);
    expect(listedIn(u('https://threadr.app/'), ['*.threadr.app'])).toBe(false);
    expect(listedIn(u('https://api.threadr.app/health'), ['https://api.threadr.app'])).toBe(true);
    expect(listedIn(u('http://api.threadr.app/health'), ['https://api.threadr.app'])).toBe(false);
    expect(listedIn(u('https://api.threadr.app.evil.test/'), ['api.threadr.app'])).toBe(false);
  });
  test("load-test's rule adds loopback and the deployment's host; the security probe's does not", () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(hostAllowed(u('http://127.0.0.1:3000/'), [])).toBe(true);
    expect(listedIn(u('http://127.0.0.1:3000/'), [])).toBe(false);
    expect(hostAllowed(u('https://web-abc.vercel.app/api'), [], u('https://web-abc.vercel.app'))).toBe(true);
    expect(hostAllowed(u('https://stranger.example/'), [], u('https://web-abc.vercel.app'))).toBe(false);
  });
  test('malformed entries are found so a typo is an error, not a silent miss', () => {
    expect(
      malformedEntry(['api.threadr.app', '*.threadr.app', 'https://x.test', 'h:8443', '127.0.0.1']),
    ).toBeUndefined();
    expect(malformedEntry(['api.threadr.app/health'])).toBe('api.threadr.app/health');
    expect(malformedEntry(['https://'])).toBe('https://');
  });
});
