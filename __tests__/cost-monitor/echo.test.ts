import { afterEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import {
  BASE_AS_OF,
  COST_CREDENTIALS as C,
  baseMonth,
  buildCostMonth,
} from '../../src/emulator/fixtures/cost/months.js';
import { startEchoProxy, type EchoProxy } from '../harness/echo-proxy.js';
import { runBundle } from '../harness/runner.js';

/**
 * Providers whose error bodies echo the request headers, in front of the emulator: OpenAI's
 * admin key (Bearer), Upstash's key (inside Basic base64 of email:key) and the Railway token must
 * reach neither Slack nor the outputs, the summary or the log.
 */

const SLACK_PATH = '/services/T0ECHO/B0ECHO/costechowebhook0009';
let emulator: Emulator | undefined;
let proxy: EchoProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await emulator?.stop();
  proxy = emulator = undefined;
});

function forms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [secret, encodeURIComponent(secret), base64.slice(0, base64.length - 4)];
}

describe('cost-monitor against providers echoing request headers', () => {
  it('no key in Slack, outputs, summary or log', async () => {
    emulator = await startEmulator({ port: 0, slack: { rateLimit: false } });
    const control = emulator.control;
    control.addVercelTeam(C.vercelTeamId);
    control.addVercelToken(C.vercelToken, { teams: [C.vercelTeamId] });
    control.addRailwayAccountToken(C.railwayToken);
    for (const [name, state] of Object.entries(buildCostMonth(baseMonth())))
      Object.assign(control.extensionState(name), state);
    const echoed = ['/openai', '/upstash', '/railway'];
    proxy = await startEchoProxy(
      emulator.urls.base,
      (req) => echoed.some((prefix) => req.url?.startsWith(prefix)),
      (_headers, echo) => ({
        status: 401,
        body: {
          error: { code: 'invalid_credentials', message: `rejected: ${echo}` },
          errors: [{ message: `rejected: ${echo}` }],
        },
      }),
    );
    const base = proxy.url;
    const result = await runBundle('cost-monitor', {
      inputs: {
        'as-of': BASE_AS_OF,
        'openai-admin-key': C.openaiAdminKey,
        'openai-api-url': `${base}/openai`,
        'railway-token': C.railwayToken,
        'railway-project-id': C.railwayProjectId,
        'railway-api-url': `${base}/railway/graphql/v2`,
        'vercel-token': C.vercelToken,
        'vercel-team-id': C.vercelTeamId,
        'vercel-api-url': `${base}/vercel`,
        'upstash-email': C.upstashEmail,
        'upstash-api-key': C.upstashKey,
        'upstash-api-url': `${base}/upstash`,
        'upstash-marketplace-databases': 'threadr-kv',
        'stripe-secret-key': C.stripeKey,
        'stripe-api-url': `${base}/stripe`,
        'slack-webhook-url': `${emulator.urls.slack}${SLACK_PATH}`,
        'notify-on': 'always',
      },
    });
    expect(proxy.echoed).toBeGreaterThan(0);
    const slack = control.slackMessages().filter((m) => m.webhook === SLACK_PATH);
    expect(slack.length).toBe(1);
    // The echoes were reported (so there was something to leak), redacted.
    expect(result.outputs.report).toContain('rejected: request was');
    const exits: Record<string, string> = {
      slack: JSON.stringify(slack),
      outputs: JSON.stringify(result.outputs),
      summary: result.summary,
      log: result.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
    };
    for (const [where, text] of Object.entries(exits)) {
      for (const secret of [C.openaiAdminKey, C.upstashKey, C.railwayToken, C.stripeKey, C.vercelToken]) {
        for (const form of forms(secret))
          expect({ where, secret: secret.slice(0, 4), leaked: text.includes(form) }).toEqual({
            where,
            secret: secret.slice(0, 4),
            leaked: false,
          });
      }
    }
  });
});
