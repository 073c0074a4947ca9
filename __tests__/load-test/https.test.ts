import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../harness/certificate.js';
import { runBundle } from '../harness/runner.js';
import { delayed, type Report, startServer, type TestServer } from './servers.js';

// HTTPS targets through the committed bundle: TLS sockets take another path through the generator
// (no onread buffer, SNI, certificate checks), so they get their own runs.

let dir: string;
let server: TestServer;
let certPath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'threadr-load-https-'));
  const cert = makeCertificate(dir, 'load', 2);
  certPath = cert.certPath;
  server = await startServer(
    delayed(() => 5),
    { key: cert.key, cert: cert.cert },
  );
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('load-test over HTTPS', () => {
  it('loads a server whose CA the runner trusts (NODE_EXTRA_CA_CERTS), with no TLS warnings', async () => {
    const before = server.count();
    const run = await runBundle('load-test', {
      inputs: { target: server.url, users: '4', duration: '1s', workers: '2' },
      env: { NODE_EXTRA_CA_CERTS: certPath },
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.outputs.report) as Report;
    expect(report.requests).toBe(server.count() - before);
    expect(report.requests).toBeGreaterThan(50);
    expect(run.outputs['error-rate']).toBe('0.00');
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(5);
    expect(report.firstErrors).toEqual({});
    // An IP target must not be sent as SNI (Node warns, DEP0123).
    expect(run.stderr).not.toMatch(/DEP0123|ServerName/);
  });

  it('an untrusted certificate fails the step and says why', async () => {
    const before = server.count();
    const run = await runBundle('load-test', {
      inputs: { target: server.url, users: '2', duration: '500ms', workers: '1' },
    });
    expect(run.exitCode).toBe(1);
    expect(server.count()).toBe(before); // no request got through the handshake
    const report = JSON.parse(run.outputs.report) as Report;
    expect(report.errorClasses['connection-other']).toBe(report.requests);
    expect(report.firstErrors['connection-other']).toMatch(/self-signed certificate.*NODE_EXTRA_CA_CERTS/);
    expect(run.errors[0]).toMatch(
      /^load-test: none of \d+ requests succeeded \(connection-other: self-signed certificate/,
    );
    expect(run.summary).toContain('First `connection-other` error: self-signed certificate');
  });
});
