/**
 * The one redactor for everything that leaves the process: logs, outputs, the job summary, Slack,
 * incident issues, SARIF, GitHub Deployment records and error messages. The runner masks secrets
 * in its own log only, and only in the exact form it was given; a provider that echoes a request
 * header into its error body, a URL with `user:pass@`, or a signed link with `?sig=` would still
 * reach every other destination. So each of those destinations passes its text through here.
 *
 * Secrets are process-wide, like the runner's `add-mask` list: whatever registers a secret (an
 * input read with `secret()`/`headers()`, `setSecret`) protects every later write, whichever
 * module makes it.
 */

/** Shown in place of a secret, as the runner shows masked values. */
export const MASK = '***';

/** Query parameters whose value is a credential, whatever the host. */
export const CREDENTIAL_PARAMS = ['token', 'key', 'secret', 'sig', 'signature', 'password', 'access_token'] as const;

/**
 * Values shorter than this are not redacted as free text: masking `on` or `1` everywhere would
 * garble every message and protect nothing (a secret that short is guessable anyway).
 */
const MIN_SECRET_LENGTH = 4;
/** Base64 fragments shorter than this could match ordinary words. */
const MIN_ENCODED_LENGTH = 8;

/** How much of a provider's own error text is worth keeping: enough for its code and sentence. */
export const MAX_PROVIDER_MESSAGE = 300;

const CREDENTIAL_QUERY = new RegExp(`([?&;](?:${CREDENTIAL_PARAMS.join('|')})=)[^&#\\s"'<>)\\]]*`, 'gi');
// scheme://user[:password]@host — the userinfo is a credential even when no one masked it.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

export class Redactor {
  /** Every form to remove, longest first so a secret inside another is replaced whole. */
  private forms: string[] = [];
  private readonly secrets = new Set<string>();

  /** Registers a secret: it, its base64 and its URL-encoded forms are removed from now on. */
  add(secret: string): void {
    const value = secret.trim();
    if (value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) return;
    this.secrets.add(value);
    // A multi-line secret (a key file) is masked line by line too, as the runner does.
    const parts = [
      value,
      ...value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length >= MIN_SECRET_LENGTH),
    ];
    const forms = new Set(this.forms);
    for (const part of parts) for (const form of encodedForms(part)) forms.add(form);
    this.forms = [...forms].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.secrets.size;
  }

  /** Text with every known secret, URL userinfo and credential query value replaced by `***`. */
  redact(text: string): string {
    if (text === '') return text;
    let out = text;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(MASK);
    return out.replace(URL_USERINFO, `$1${MASK}@`).replace(CREDENTIAL_QUERY, `$1${MASK}`);
  }

  /** The same for every string inside a JSON-like value (Slack payloads, SARIF, deployment payloads). */
  redactDeep<T>(value: T): T {
    return deep(value, (text) => this.redact(text)) as T;
  }

  /** For tests: forget every registered secret. */
  clear(): void {
    this.secrets.clear();
    this.forms = [];
  }
}

/**
 * The forms a secret can take on the way out: as given, URL-encoded (query strings, form bodies),
 * JSON-escaped, and base64 (Basic auth, tokens in JWT-like blobs). Inside a longer base64 text
 * the secret starts at one of three byte offsets, each giving different characters; the stable
 * middle of each is kept, as the runner's own base64 masking does.
 */
export function encodedForms(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    JSON.stringify(secret).slice(1, -1),
  ]);
  const bytes = Buffer.from(secret, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString('base64').replace(/=+$/, '');
    // Characters that depend on the zero padding before, or on unknown bytes after, are dropped.
    const start = offset === 0 ? 0 : 4;
    const fullGroups = Math.floor(padded.length / 3);
    const end = offset === 0 && padded.length % 3 === 0 ? encoded.length : fullGroups * 4;
    const stable = encoded.slice(start, end);
    if (stable.length >= MIN_ENCODED_LENGTH) {
      forms.add(stable);
      // base64url, as JWTs and signed URLs write it.
      forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function deep(value: unknown, redactText: (text: string) => string): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => deep(item, redactText));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deep(item, redactText)]));
  }
  return value;
}

/** The process's redactor: see the module comment. */
export const secrets = new Redactor();

export function registerSecret(value: string): void {
  secrets.add(value);
}

export function redact(text: string): string {
  return secrets.redact(text);
}

export function redactDeep<T>(value: T): T {
  return secrets.redactDeep(value);
}

/** A provider's error text, redacted and cut to a length a log line, a summary cell and Slack can carry. */
export function providerMessage(text: string, max = MAX_PROVIDER_MESSAGE): string {
  const flat = redact(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
