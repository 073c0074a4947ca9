import type { Check, Outcome } from '../types.js';

const exposedFiles: Check = {
  id: 'exposed-files',
  group: 'exposed-files',
  severity: 'high',
  title: 'Secrets, repository files and source maps are not served',
  fix: 'Keep .env, .git and source maps out of the deployed output (or block them at the edge) so these paths answer 404.',
  needs: ['exposed'],
  evaluate: (evidence) => {
    const outcomes: Outcome[] = [];
    for (const origin of evidence.exposed) {
      const statuses = new Map<string, number>();
      for (const probe of origin.probes) {
        if (probe.exposedBecause) {
          outcomes.push({ status: 'fail', url: probe.url, message: `answered ${probe.status}: ${probe.exposedBecause}` });
        } else if (probe.error) {
          outcomes.push({ status: 'untested', url: probe.url, message: `could not fetch: ${probe.error}` });
        } else {
          // A 2xx here carried the app's page (a "soft 404"), not the file.
          const key = probe.status! >= 200 && probe.status! < 300 ? `${probe.status} without the file's content` : String(probe.status);
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        }
      }
      if (statuses.size) {
        const served = [...statuses.values()].reduce((a, b) => a + b, 0);
        const how = [...statuses].map(([status, count]) => `${count}× ${status}`).join(', ');
        outcomes.push({ status: 'pass', url: origin.origin, message: `none of ${served} probed paths served (${how})` });
      }
    }
    return outcomes;
  },
};

export const exposureChecks: readonly Check[] = [exposedFiles];
