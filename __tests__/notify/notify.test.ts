import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runBundle } from '../harness/runner.js';

/** The shared notifier, driven through the notify action's committed bundle against the emulator's Slack. */
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

const HOOK = '/services/T0TEST/B0TEST/notifysecret123';

async function start(): Promise<Emulator> {
  emulator = await startEmulator({ port: 0, slack: { rateLimit: false } });
  return emulator;
}
const messages = (emu: Emulator) =>
  emu.control
    .slackMessages()
    .filter((m) => m.webhook === HOOK)
    .map(
      (m) =>
        m.payload as {
          text: string;
          attachments: {
            color: string;
            title: string;
            title_link?: string;
            fields: { title: string }[];
            footer: string;
          }[];
        },
    );

function notify(emu: Emulator, inputs: Record<string, string>, cwd?: string) {
  return runBundle('notify', {
    cwd,
    inputs: { 'slack-webhook-url': `${emu.urls.slack}${HOOK}`, title: 'Deploy of abc1234 to production', ...inputs },
  });
}

describe('Slack notifications', () => {
  test('severity sets colour and emoji; the run link and the webhook secret are handled', async () => {
    const emu = await start();
    for (const status of ['success', 'warning', 'failure']) {
      const result = await notify(emu, { status, 'notify-on': 'always', links: 'Frontend | https://threadr.app' });
      expect(result.exitCode).toBe(0);
      expect(result.masks).toContain(`${emu.urls.slack}${HOOK}`);
    }
    const sent = messages(emu);
    expect(sent.map((m) => m.attachments[0].color)).toEqual(['good', 'warning', 'danger']);
    expect(sent.map((m) => m.text.split(' ')[0])).toEqual([':white_check_mark:', ':warning:', ':rotating_light:']);
    expect(sent[2].attachments[0].title_link).toBe('https://github.com/threadr/threadr/actions/runs/1001');
    expect(JSON.stringify(sent[2])).toContain('<https://threadr.app|Frontend>');
    expect(sent[2].attachments[0].footer).toBe('threadr-ops notify · threadr/threadr');
  });

  test('notify-on: failure stays quiet on success; never sends nothing', async () => {
    const emu = await start();
    await notify(emu, { status: 'success', 'notify-on': 'failure' });
    await notify(emu, { status: 'failure', 'notify-on': 'never' });
    expect(messages(emu)).toEqual([]);
    await notify(emu, { status: 'failure', 'notify-on': 'failure' });
    expect(messages(emu)).toHaveLength(1);
  });

  test('notify-on: change sends only when the state differs from the recorded previous run', async () => {
    const emu = await start();
    const workspace = mkdtempSync(join(tmpdir(), 'notify-state-'));
    const run = (status: string) => notify(emu, { status, 'notify-on': 'change', key: 'production' }, workspace);
    for (const status of ['success', 'success', 'failure', 'failure', 'success'])
      expect((await run(status)).exitCode).toBe(0);
    // first success is quiet, the change to failure and the recovery are sent, the repeat is not
    expect(messages(emu).map((m) => m.attachments[0].color)).toEqual(['danger', 'good']);
    // a recorded previous state that differs makes the very next run send
    writeFileSync(
      join(workspace, '.threadr-ops', 'notify-state.json'),
      JSON.stringify({ 'notify:production': { state: 'failure', at: '2026-01-01T00:00:00Z' } }),
    );
    await run('success');
    expect(messages(emu)).toHaveLength(3);
  });

  test('notify-on: change records a new state only once Slack has it: a failed send is retried by the next run', async () => {
    const emu = await start();
    const workspace = mkdtempSync(join(tmpdir(), 'notify-state-'));
    const run = (status: string) => notify(emu, { status, 'notify-on': 'change', key: 'production' }, workspace);
    await run('success');
    emu.control.slackDisable(HOOK, 'no_service', 404);
    expect((await run('failure')).warnings).toHaveLength(1);
    emu.control.slackEnable(HOOK);
    await run('failure');
    await run('success');
    expect(messages(emu).map((m) => m.attachments[0].color)).toEqual(['danger', 'good']);
  });

  test('429 is retried after Retry-After, and the message arrives once', async () => {
    const emu = await start();
    emu.control.fault({ provider: 'slack', fault: { kind: 'rate-limit', retryAfterSeconds: 1 }, times: 2 });
    const result = await notify(emu, { status: 'failure' });
    expect(result.exitCode).toBe(0);
    expect(result.warnings).toEqual([]);
    expect(emu.control.requests({ provider: 'slack' }).map((r) => r.outcome)).toEqual([429, 429, 200]);
    expect(messages(emu)).toHaveLength(1);
  });

  test('a Slack failure is a warning, never a failed step, unless notify-required', async () => {
    const emu = await start();
    emu.control.slackDisable(HOOK, 'channel_is_archived', 410);
    const soft = await notify(emu, { status: 'failure' });
    expect(soft.exitCode).toBe(0);
    expect(soft.warnings).toEqual(['notify: could not notify Slack: Slack answered 410: channel_is_archived']);
    const strict = await notify(emu, { status: 'failure', 'notify-required': 'true' });
    expect(strict.exitCode).toBe(1);
    expect(strict.errors).toEqual(['notify: could not notify Slack: Slack answered 410: channel_is_archived']);
    expect(emu.control.requests({ provider: 'slack' })).toHaveLength(2); // a 410 is not retried
  });

  test('a malformed webhook is a configuration error that never echoes the secret', async () => {
    const emu = await start();
    const result = await notify(emu, { status: 'failure', 'slack-webhook-url': 'hooks.slack.com/services/SECRET' });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toBe(
      "notify: input 'slack-webhook-url' must be a Slack incoming-webhook URL such as https://hooks.slack.com/services/T…/B…/… (value not shown: it is a secret)",
    );
    expect(result.stdout.replace(/::add-mask::.*/g, '')).not.toContain('SECRET');
  });
});
