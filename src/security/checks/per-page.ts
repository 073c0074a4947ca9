import type { Evidence, FetchedResponse, CheckOutcome, OutcomeStatus, TargetRole } from '../types.js';

/**
 * Runs a judgement over the final response of every scanned URL of the given roles. A URL that
 * gave no response is "untested", never a pass.
 */
export function perPage(
  evidence: Evidence,
  roles: readonly TargetRole[],
  judge: (response: FetchedResponse) => { status: OutcomeStatus; message: string },
): CheckOutcome[] {
  return evidence.pages
    .filter((page) => roles.includes(page.role))
    .map((page) => {
      if (!page.final) {
        const why = page.tlsError ? 'TLS verification failed (see tls-cert)' : (page.error ?? 'no response');
        return { status: 'untested', url: page.requested, message: `could not fetch: ${why}` };
      }
      return { url: page.final.url, ...judge(page.final) };
    });
}

export const pass = (message: string): { status: OutcomeStatus; message: string } => ({ status: 'pass', message });
export const fail = (message: string): { status: OutcomeStatus; message: string } => ({ status: 'fail', message });
export const notApplicable = (message: string): { status: OutcomeStatus; message: string } => ({
  status: 'not-applicable',
  message,
});
export const info = (message: string): { status: OutcomeStatus; message: string } => ({ status: 'info', message });
