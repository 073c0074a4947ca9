import { describe, expect, test } from '@jest/globals';
import type { ActionHost } from '../../src/core/host.js';
import { InputReader } from '../../src/core/inputs.js';
import { secrets } from '../../src/core/redact.js';
import { ANNOTATIONS_PER_LEVEL, redactingHost } from '../../src/runtime/redacting-host.js';

/** A host that records what reaches it, as the runner would receive it. */
function recordingHost(inputs: Record<string, string>) {
  const seen = {
    info: [] as string[],
    warn: [] as string[],
    error: [] as string[],
    outputs: {} as Record<string, unknown>,
    summary: '',
    failed: [] as string[],
    masked: [] as string[],
  };
  const host: ActionHost = {
    action: 'test',
    env: {},
    inputs: new InputReader(
      (name) => inputs[name] ?? '',
      (value) => void seen.masked.push(value),
    ),
    log: {
      info: (m) => void seen.info.push(m),
      warn: (m) => void seen.warn.push(m),
      error: (m) => void seen.error.push(m),
      debug: () => {},
      group: (_t, work) => work(),
    },
    setOutput: (name, value) => void (seen.outputs[name] = value),
    setSecret: (value) => void seen.masked.push(value),
    writeSummary: async (markdown) => void (seen.summary += markdown),
    fail: (message) => void seen.failed.push(message),
  };
  return { host, seen };
}

describe('redactingHost', () => {
  test('a secret read from an input is removed from logs, outputs, summary and the failure line', async () => {
    secrets.clear();
    const { host, seen } = recordingHost({ token: 'tok_abcdef123456' });
    const safe = redactingHost(host);
    expect(safe.inputs.secret('token')).toBe('tok_abcdef123456');
    expect(seen.masked).toEqual(['tok_abcdef123456']);
    const b64 = Buffer.from('x:tok_abcdef123456').toString('base64');
    safe.log.info(`echo tok_abcdef123456 and ${b64}`);
    safe.setOutput('report', '{"auth":"Bearer tok_abcdef123456"}');
    await safe.writeSummary('| tok_abcdef123456 |');
    safe.fail('test: failed with https://u:p4ss@host/x?sig=abc');
    const all = JSON.stringify(seen);
    expect(all.replace(/"masked":\[[^\]]*\]/, '')).not.toContain('tok_abcdef123456');
    expect(seen.outputs.report).toBe('{"auth":"Bearer ***"}');
    expect(seen.failed).toEqual(['test: failed with https://***@host/x?sig=***']);
    secrets.clear();
  });

  test('past ten warnings or errors, the rest go to the log and one line says how many', () => {
    const { host, seen } = recordingHost({});
    const safe = redactingHost(host);
    for (let i = 0; i < 14; i++) safe.log.warn(`w${i}`);
    for (let i = 0; i < 12; i++) safe.log.error(`e${i}`);
    safe.reportHiddenAnnotations();
    expect(seen.warn).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(seen.error).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(seen.info).toContain('warning: w13');
    expect(seen.info.at(-1)).toBe(
      '2 more error(s) and 4 more warning(s) not shown as annotations (GitHub shows 10 per step): see the log above and the job summary',
    );
  });
});
