import type { Check, Evidence } from '../types.js';

const rateLimit: Check = {
  id: 'rate-limit',
  group: 'rate-limit',
  severity: 'medium',
  title: 'A short burst to the API is rate limited (429)',
  fix: 'Rate-limit the endpoint per client (answer 429 with Retry-After) at the edge or in the API.',
  needs: ['rate-limit'],
  evaluate: (evidence: Evidence) => {
    const probe = evidence.rateLimit;
    if (!probe) return [{ status: 'not-applicable', url: '', message: 'probe-rate-limit is not set' }];
    const statuses = Object.entries(probe.statuses)
      .map(([status, count]) => `${count}× ${status}`)
      .join(', ');
    if (probe.first429At !== undefined) {
      return [
        {
          status: 'pass',
          url: probe.url,
          message: `429 at request ${probe.first429At} of ${probe.sent}${probe.retryAfter ? ` (Retry-After: ${probe.retryAfter})` : ' (no Retry-After)'}`,
        },
      ];
    }
    if (probe.sent === probe.errors)
      return [{ status: 'untested', url: probe.url, message: `every request failed: ${probe.error ?? 'no response'}` }];
    return [
      {
        status: 'fail',
        url: probe.url,
        message: `no 429 after ${probe.sent} requests (${statuses}${probe.errors ? `, ${probe.errors} failed` : ''})`,
      },
    ];
  },
};

export const rateLimitChecks: readonly Check[] = [rateLimit];
