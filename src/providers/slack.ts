import type { HttpClient } from '../core/http.js';
import { NetworkError } from '../core/http.js';
import { redactDeep } from '../core/redact.js';

export interface SlackResult {
  ok: boolean;
  status?: number;
  /** Slack's plain-text error (`no_service`, `channel_is_archived`, …) or the network failure. */
  error?: string;
}

/**
 * Posts to an incoming webhook. 429 is retried after Retry-After by the HTTP layer (Slack did not
 * post the message); other failures are not repeated, since a 5xx may still have posted it.
 */
export async function postToSlack(http: HttpClient, webhookUrl: string, payload: unknown): Promise<SlackResult> {
  try {
    const response = await http.request({
      method: 'POST',
      url: webhookUrl,
      headers: { 'content-type': 'application/json' },
      // Redacted here as well as in runAction's outcome: whoever posts, the message passes the redactor.
      body: JSON.stringify(redactDeep(payload)),
      mutation: true,
      retry: { attempts: 4, maxRetryAfterMs: 30_000 },
    });
    if (response.status === 200) return { ok: true, status: 200 };
    return {
      ok: false,
      status: response.status,
      error: response.body.trim().slice(0, 200) || `HTTP ${response.status}`,
    };
  } catch (error) {
    if (error instanceof NetworkError) return { ok: false, error: error.kind };
    throw error;
  }
}
