import { text, type EmuRequest, type EmuResponse } from './http-kit.js';
import { slackError } from './provider-errors.js';
import type { FaultAnswer, Provider } from './provider.js';
import type { HandlerCtx } from './runtime.js';

export interface SlackSettings {
  /** Token bucket per webhook (~1 msg/s with a small burst, §8); false = unlimited (deterministic tests). */
  rateLimit: false | { perSecond: number; burst: number };
}

export interface SlackMessage {
  /** `/services/T…/B…/…` */
  webhook: string;
  payload: Record<string, unknown>;
  /** Virtual time, ms. */
  at: number;
}

export interface SlackState {
  settings: SlackSettings;
  messages: SlackMessage[];
  /** Scripted permanent answers per webhook path (e.g. 404 `no_service`). */
  disabled: Record<string, { status: number; error: string }>;
  buckets: Record<string, { tokens: number; at: number }>;
}

export function initialSlackState(settings: Partial<SlackSettings> = {}): SlackState {
  return { settings: { rateLimit: { perSecond: 1, burst: 3 }, ...settings }, messages: [], disabled: {}, buckets: {} };
}

/** §8 Slack incoming webhooks: plain-text answers, per-webhook rate limit, messages recorded. */
export const slackProvider: Provider = {
  name: 'slack',
  prefix: '/slack',
  isMutation: (req) => req.method === 'POST',
  faultResponse(answer: FaultAnswer) {
    // The 429 body for webhooks is UNCONFIRMED (§8); `rate_limited` follows Slack's API naming.
    return answer.kind === 'rate-limit'
      ? slackError(answer.status, 'rate_limited', answer.headers)
      : slackError(answer.status, 'rollup_error', answer.headers);
  },
  handle: handleWebhook,
};

function handleWebhook(req: EmuRequest, ctx: HandlerCtx): EmuResponse {
  const state = ctx.root.slack;
  if (!/^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/.test(req.path)) return slackError(404, 'no_service');
  if (req.method !== 'POST') return slackError(405, 'invalid_method');
  const disabled = state.disabled[req.path];
  if (disabled) return slackError(disabled.status, disabled.error);
  const now = ctx.rt.clock.now();
  const limit = state.settings.rateLimit;
  if (limit) {
    const bucket = (state.buckets[req.path] ??= { tokens: limit.burst, at: now });
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return slackError(429, 'rate_limited', { 'retry-after': '1' });
    bucket.tokens -= 1;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(req.body);
  } catch {
    return slackError(400, 'invalid_payload');
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return slackError(400, 'invalid_payload');
  const message = payload as Record<string, unknown>;
  const nonEmpty = (value: unknown) => Array.isArray(value) && value.length > 0;
  const hasText = typeof message['text'] === 'string' && message['text'].trim() !== '';
  // Statuses of no_text and too_many_attachments are UNCONFIRMED (§8).
  if (!hasText && !nonEmpty(message['blocks']) && !nonEmpty(message['attachments'])) return slackError(400, 'no_text');
  if (Array.isArray(message['attachments']) && message['attachments'].length > 100)
    return slackError(400, 'too_many_attachments');
  state.messages.push({ webhook: req.path, payload: message, at: now });
  return text(200, 'ok');
}
