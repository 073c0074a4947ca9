import { encodedForms, MASK, providerMessage, Redactor } from '../../src/core/redact.js';

const TOKEN = 'vcp_Sup3rSecretToken_42';

describe('Redactor', () => {
  it('removes a secret as given, URL-encoded, JSON-escaped and in base64 at any offset', () => {
    const redactor = new Redactor();
    const secret = 'p@ss w/rd"+=secret';
    redactor.add(secret);
    const texts = [
      `token ${secret} echoed`,
      `?x=${encodeURIComponent(secret)}`,
      `form x=${encodeURIComponent(secret).replace(/%20/g, '+')}`,
      JSON.stringify({ echoed: secret }),
      `Basic ${Buffer.from(`user:${secret}`).toString('base64')}`,
      `Basic ${Buffer.from(`us:${secret}`).toString('base64')}`,
      `Basic ${Buffer.from(`u:${secret}`).toString('base64')}`,
      Buffer.from(secret).toString('base64url'),
    ];
    for (const text of texts) {
      const out = redactor.redact(text);
      expect(out).toContain(MASK);
      expect(out).not.toContain(secret);
      for (const form of encodedForms(secret)) expect(out).not.toContain(form);
    }
  });

  it('removes URL userinfo and credential query values it was never told about', () => {
    const redactor = new Redactor();
    const out = redactor.redact(
      'see https://deploy:hunter22@api.example.com/x?token=abc123&page=2&sig=s1g&Signature=S&password=p&access_token=t&key=k&secret=s',
    );
    expect(out).toBe(
      `see https://${MASK}@api.example.com/x?token=${MASK}&page=2&sig=${MASK}&Signature=${MASK}&password=${MASK}&access_token=${MASK}&key=${MASK}&secret=${MASK}`,
    );
    // Ordinary text with an @ or a word "key" is left alone.
    expect(redactor.redact('mail ops@threadr.app about the key rotation')).toBe(
      'mail ops@threadr.app about the key rotation',
    );
  });

  it('redacts every string inside a JSON value, keys and non-strings kept', () => {
    const redactor = new Redactor();
    redactor.add(TOKEN);
    expect(redactor.redactDeep({ a: [`x ${TOKEN}`, 3, true, null], b: { c: TOKEN } })).toEqual({
      a: [`x ${MASK}`, 3, true, null],
      b: { c: MASK },
    });
  });

  it('ignores values too short to be secrets, so messages stay readable', () => {
    const redactor = new Redactor();
    redactor.add('on');
    expect(redactor.redact('connection refused')).toBe('connection refused');
  });

  it('cuts provider messages to a sensible length', () => {
    expect(providerMessage('x'.repeat(5_000)).length).toBeLessThanOrEqual(301);
  });
});
