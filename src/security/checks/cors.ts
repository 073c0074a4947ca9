import type { Check, CorsEvidence, Evidence, CheckOutcome } from '../types.js';

function perApi(evidence: Evidence, judge: (cors: CorsEvidence) => CheckOutcome): CheckOutcome[] {
  if (!evidence.hasApi || !evidence.cors) {
    return [{ status: 'not-applicable', url: evidence.pages[0]?.requested ?? '', message: 'no api-url was given' }];
  }
  const cors = evidence.cors;
  if (cors.responses.length === 0)
    return [{ status: 'untested', url: cors.url, message: `could not fetch: ${cors.error ?? 'no response'}` }];
  return [judge(cors)];
}

const credentialsAllowed = (value: string | undefined): boolean => value?.trim().toLowerCase() === 'true';

/**
 * Browsers refuse a credentialed response whose Access-Control-Allow-Origin is `*`, so the pair
 * exposes nothing; it is a misconfiguration that a later "fix" (reflecting the origin) turns into
 * a hole. Low, as Mozilla's HTTP Observatory rates it.
 */
const wildcardWithCredentials: Check = {
  id: 'cors-wildcard-credentials',
  group: 'cors',
  severity: 'low',
  title: 'No Access-Control-Allow-Origin: * together with credentials',
  fix: 'Answer CORS with an explicit allow-list of origins when Access-Control-Allow-Credentials is true, never *.',
  needs: ['cors'],
  evaluate: (evidence) =>
    perApi(evidence, (cors) => {
      const bad = cors.responses.filter((r) => r.allowOrigin?.trim() === '*' && credentialsAllowed(r.allowCredentials));
      if (bad.length)
        return {
          status: 'fail',
          url: cors.url,
          message: `${bad.map((r) => r.method).join(' and ')} answered Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true`,
        };
      return { status: 'pass', url: cors.url, message: 'no wildcard origin with credentials' };
    }),
};

const reflectedOrigin: Check = {
  id: 'cors-reflect-origin',
  group: 'cors',
  severity: 'high',
  title: 'A foreign Origin is not reflected',
  fix: 'Compare Origin against an allow-list before echoing it in Access-Control-Allow-Origin; never allow the null origin.',
  needs: ['cors'],
  evaluate: (evidence) =>
    perApi(evidence, (cors) => {
      const bad = cors.responses.filter(
        (r) => r.allowOrigin?.trim() === cors.foreignOrigin || r.allowOrigin?.trim().toLowerCase() === 'null',
      );
      if (bad.length) {
        const withCredentials = bad.some((r) => credentialsAllowed(r.allowCredentials));
        const how = bad.map((r) => `${r.method} → Access-Control-Allow-Origin: ${r.allowOrigin}`).join('; ');
        // Without credentials a reflected origin is as open as `*`: public data only.
        return withCredentials
          ? {
              status: 'fail',
              url: cors.url,
              message: `the foreign origin ${cors.foreignOrigin} is allowed (${how}), with credentials: any site can read signed-in users’ data`,
            }
          : {
              status: 'fail',
              url: cors.url,
              severity: 'low',
              message: `the foreign origin ${cors.foreignOrigin} is allowed (${how}), without credentials: as open as *, public data only`,
            };
      }
      return { status: 'pass', url: cors.url, message: `${cors.foreignOrigin} is not allowed` };
    }),
};

export const corsChecks: readonly Check[] = [wildcardWithCredentials, reflectedOrigin];
