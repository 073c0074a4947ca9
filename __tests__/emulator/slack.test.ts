import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { call } from './helpers.js';

let emu: Emulator;
let hook: string;

beforeEach(async () => {
  emu = await startEmulator({ extensions: [], clock: { speed: 0 }, slack: { rateLimit: false } });
  hook = `${emu.urls.slack}/services/T0001/B0001/secret1`;
});
afterEach(async () => emu.stop());

describe('Slack incoming webhook', () => {
  it('accepts a message with 200 text "ok" and records it', async () => {
    const reply = await call(hook, {
      body: { text: 'Deploy rolled back', attachments: [{ color: 'danger', text: 'frontend' }] },
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('ok');
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(emu.control.slackMessages(hook)).toEqual([
      expect.objectContaining({
        webhook: '/services/T0001/B0001/secret1',
        payload: { text: 'Deploy rolled back', attachments: [{ color: 'danger', text: 'frontend' }] },
      }),
    ]);
  });

  it('answers 400 no_text and invalid_payload as plain text', async () => {
    const empty = await call(hook, { body: { username: 'bot' } });
    expect([empty.status, empty.text]).toEqual([400, 'no_text']);
    const blocksOnly = await call(hook, { body: { blocks: [{ type: 'divider' }] } });
    expect(blocksOnly.status).toBe(200);
    const broken = await call(hook, { body: '{"text":' });
    expect([broken.status, broken.text]).toEqual([400, 'invalid_payload']);
    expect(emu.control.slackMessages()).toHaveLength(1);
  });

  it('answers scripted errors for a disabled webhook and 404 no_service for a malformed path', async () => {
    emu.control.slackDisable(hook);
    const gone = await call(hook, { body: { text: 'x' } });
    expect([gone.status, gone.text]).toEqual([404, 'no_service']);
    emu.control.slackDisable(hook, 'channel_is_archived', 410);
    expect((await call(hook, { body: { text: 'x' } })).status).toBe(410);
    emu.control.slackEnable(hook);
    expect((await call(hook, { body: { text: 'x' } })).status).toBe(200);
    const bad = await call(`${emu.urls.slack}/services/nope`, { body: { text: 'x' } });
    expect([bad.status, bad.text]).toEqual([404, 'no_service']);
  });

  it('rate-limits per webhook with a token bucket: burst, then 429 + Retry-After: 1, refilled by time', async () => {
    emu.control.configure({ slack: { rateLimit: { perSecond: 1, burst: 2 } } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(hook, { body: { text: `m${i}` } })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await call(hook, { body: { text: 'again' } });
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.text).toBe('rate_limited');
    const otherHook = await call(`${emu.urls.slack}/services/T0001/B0002/secret2`, { body: { text: 'other' } });
    expect(otherHook.status).toBe(200);
    emu.control.advance(1_000);
    expect((await call(hook, { body: { text: 'later' } })).status).toBe(200);
    expect(emu.control.slackMessages(hook).map((m) => m.payload['text'])).toEqual(['m0', 'm1', 'later']);
  });
});
