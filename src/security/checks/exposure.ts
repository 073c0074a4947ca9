import type { Check, CheckOutcome } from '../types.js';

const exposedFiles: Check = {
  id: 'exposed-files',
  group: 'exposed-files',
  severity: 'high',
  title: 'Secrets, repository files and source maps are not served',
  fix: 'Keep .env, .git and source maps out of the deployed output (or block them at the edge) so these paths answer 404; upload source maps to your error tracker instead of serving them.',
  nextjsFix:
    'Leave productionBrowserSourceMaps off in next.config (or delete the .map files from .next/static after uploading them to your error tracker); keep .env* and .git out of public/.',
  needs: ['exposed'],
  evaluate: (evidence) => {
    const outcomes: CheckOutcome[] = [];
    for (const origin of evidence.exposed) {
      const statuses = new Map<string, number>();
      const maps: string[] = [];
      let mapDetail = '';
      for (const probe of origin.probes) {
        if (probe.exposedBecause && probe.kind === 'source-map') {
          // Every served map has one cause (maps shipped with the build): one finding listing them all.
          maps.push(probe.url);
          mapDetail ||= probe.exposedBecause;
        } else if (probe.exposedBecause) {
          outcomes.push({
            status: 'fail',
            url: probe.url,
            message: `answered ${probe.status}: ${probe.exposedBecause}`,
          });
        } else if (probe.error) {
          outcomes.push({ status: 'untested', url: probe.url, message: `could not fetch: ${probe.error}` });
        } else {
          // A 2xx here carried the app's page (a "soft 404"), not the file.
          const key =
            probe.status! >= 200 && probe.status! < 300
              ? `${probe.status} without the file's content`
              : String(probe.status);
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        }
      }
      if (maps.length) {
        const scripts = origin.probes.filter((p) => p.kind === 'source-map').length;
        outcomes.push({
          status: 'fail',
          url: maps[0],
          message: `${maps.length} source map(s) of the ${scripts} script(s) the pages load are served, e.g. ${mapDetail}: ${maps.join(', ')}`,
        });
      }
      if (statuses.size) {
        const served = [...statuses.values()].reduce((a, b) => a + b, 0);
        const how = [...statuses].map(([status, count]) => `${count}× ${status}`).join(', ');
        outcomes.push({
          status: 'pass',
          url: origin.origin,
          message: `none of ${served} probed paths served (${how})`,
        });
      }
    }
    return outcomes;
  },
};

export const exposureChecks: readonly Check[] = [exposedFiles];
