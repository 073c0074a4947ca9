import { afterEach, describe, expect, it } from '@jest/globals';
import { runBundle, type RunResult } from '../harness/runner.js';
import { startEchoProxy, type EchoProxy } from '../harness/echo-proxy.js';
import { Fixture, NEW } from './fixture.js';

/**
 * A provider whose error body echoes the request headers (the token among them), in front of the
 * emulator: deploy and rollback must not let the token out through Slack, GitHub Deployment
 * records, outputs, the summary or the log.
 */

let fx: Fixture | undefined;
let proxy: EchoProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await fx?.stop();
  proxy = fx = undefined;
});

const railwayEcho = (operation: string) => (req: { url?: string }, body: string) =>
  Boolean(req.url?.includes('/railway/') && body.includes(operation));
const graphqlError = (_headers: unknown, echo: string) => ({
  status: 200,
  body: { data: null, errors: [{ message: `Problem processing request: ${echo}` }] },
});

function forms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [secret, encodeURIComponent(secret), base64.slice(0, base64.length - 4)];
}

function exits(result: RunResult, p: EchoProxy): Record<string, string> {
  return {
    slack: p.sent
      .filter((r) => r.path.startsWith('/slack'))
      .map((r) => r.body)
      .join('\n'),
    github: p.sent
      .filter((r) => r.path.startsWith('/github') && r.method !== 'GET')
      .map((r) => r.body)
      .join('\n'),
    outputs: JSON.stringify(result.outputs),
    summary: result.summary,
    log: result.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
  };
}

function expectNoToken(result: RunResult, p: EchoProxy, tokens: string[]): void {
  for (const [where, text] of Object.entries(exits(result, p))) {
    for (const token of tokens)
      for (const form of forms(token)) expect({ where, leaked: text.includes(form) }).toEqual({ where, leaked: false });
  }
}

function through(p: EchoProxy, f: Fixture, extra: Record<string, string>): Record<string, string> {
  return f.inputs({
    'vercel-api-url': `${p.url}/vercel`,
    'railway-api-url': `${p.url}/railway/graphql/v2`,
    'github-api-url': `${p.url}/github`,
    'slack-webhook-url': `${p.url}/slack/services/T0ECHO/B0ECHO/echowebhooksecret0001`,
    ...extra,
  });
}

describe('a provider echoing request headers into its error', () => {
  it('deploy: the Railway token reaches no exit', async () => {
    fx = await Fixture.start();
    proxy = await startEchoProxy(fx.emulator.urls.base, railwayEcho('serviceInstanceDeploy'), graphqlError);
    const result = await runBundle('deploy', {
      inputs: through(proxy, fx, { ref: NEW, strategy: 'direct' }),
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(1);
    expect(proxy.echoed).toBeGreaterThan(0);
    // The echo made it into the reports (so there was something to leak), redacted.
    expect(result.errors.join('\n')).toContain('Problem processing request');
    expect(proxy.sent.some((r) => r.path.startsWith('/slack'))).toBe(true);
    expectNoToken(result, proxy, [fx.tokens.railway, fx.tokens.vercel, fx.tokens.github]);
  });

  it('rollback: the Railway token reaches no exit', async () => {
    fx = await Fixture.start();
    const deployed = await runBundle('deploy', { inputs: fx.inputs({ ref: NEW, strategy: 'direct' }) });
    expect(deployed.outputs.status).toBe('deployed');
    proxy = await startEchoProxy(fx.emulator.urls.base, railwayEcho('deploymentRollback'), graphqlError);
    const result = await runBundle('rollback', {
      inputs: through(proxy, fx, { 'rollback-plan': deployed.outputs['rollback-plan'], reason: 'echo test' }),
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(1);
    expect(proxy.echoed).toBeGreaterThan(0);
    expect(proxy.sent.some((r) => r.path.startsWith('/slack'))).toBe(true);
    expectNoToken(result, proxy, [fx.tokens.railway, fx.tokens.vercel, fx.tokens.github]);
  });

  it('deploy: a build log that prints the token, a database URL and a signed link is redacted everywhere', async () => {
    fx = await Fixture.start();
    const buildLog = [
      'step 1',
      `RAILWAY_TOKEN=${fx.tokens.railway}`,
      'DATABASE_URL=postgres://threadr:db-pass-0042@db.internal:5432/threadr',
      'fetching https://cdn.example.com/asset.tgz?sig=sig-value-0042&v=2',
      'ERROR: build failed',
    ];
    fx.control.setCommit(NEW, { railway: { outcome: 'failed-build', buildLog } });
    proxy = await startEchoProxy(fx.emulator.urls.base, () => false, graphqlError);
    const result = await runBundle('deploy', {
      inputs: through(proxy, fx, { ref: NEW, strategy: 'direct' }),
      timeoutMs: 30_000,
    });
    expect(result.outputs.status).toBe('failed');
    // The excerpt is shown (its harmless lines), with the secrets gone.
    expect(result.summary).toContain('ERROR: build failed');
    expect(result.summary).toContain('postgres://***@db.internal:5432/threadr');
    expect(result.summary).toContain('asset.tgz?sig=***&v=2');
    expectNoToken(result, proxy, [fx.tokens.railway]);
    for (const [where, text] of Object.entries(exits(result, proxy))) {
      for (const secret of ['db-pass-0042', 'sig-value-0042'])
        expect({ where, secret, leaked: text.includes(secret) }).toEqual({ where, secret, leaked: false });
    }
  });
});
