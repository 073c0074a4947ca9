import type { Check, Evidence, CheckOutcome } from '../types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function redirectOutcomes(evidence: Evidence): CheckOutcome[] {
  const outcomes: CheckOutcome[] = [];
  // URLs given as http://: the chain we followed shows whether plain HTTP is served. Every URL
  // served in plaintext has one cause (no TLS in front of the app), so they make one outcome.
  const plain: { url: string; status: number }[] = [];
  for (const page of evidence.pages.filter((p) => p.requested.startsWith('http:'))) {
    if (page.chain.length === 0) {
      outcomes.push({
        status: 'untested',
        url: page.requested,
        message: `could not fetch: ${page.error ?? 'no response'}`,
      });
      continue;
    }
    const first = page.chain[0];
    const isRedirect = first.status >= 300 && first.status < 400 && first.location !== undefined;
    const reachesHttps = page.chain.some((hop) => hop.url.startsWith('https:'));
    if (isRedirect && reachesHttps) {
      outcomes.push({
        status: 'pass',
        url: page.requested,
        message: `${first.status} to ${page.chain.find((h) => h.url.startsWith('https:'))!.url}`,
      });
    } else if (isRedirect) {
      outcomes.push({
        status: 'fail',
        url: page.requested,
        message: `redirects (${first.status}) but never reaches HTTPS`,
      });
    } else {
      plain.push({ url: page.requested, status: first.status });
    }
  }
  if (plain.length) {
    const what =
      plain.length === 1
        ? `serves content over plain HTTP (status ${plain[0].status})`
        : `${plain.length} URLs serve content over plain HTTP (${plain.map((p) => `${p.url}: ${p.status}`).join(', ')})`;
    outcomes.push({
      status: 'fail',
      url: plain[0].url,
      message: `${what} instead of redirecting to HTTPS; the scan ran over plain HTTP, so HSTS is not judged`,
    });
  }
  // https:// targets on port 443: their http:// twin on port 80 was probed.
  for (const probe of evidence.redirects) {
    if (probe.error !== undefined) {
      // Nothing answers in plaintext: nothing can be sniffed there either.
      outcomes.push({ status: 'pass', url: probe.httpUrl, message: `plain HTTP is not served (${probe.error})` });
      continue;
    }
    const first = probe.first!;
    if (first.status >= 300 && first.status < 400 && first.location?.startsWith('https:')) {
      outcomes.push({ status: 'pass', url: probe.httpUrl, message: `${first.status} to ${first.location}` });
    } else {
      outcomes.push({
        status: 'fail',
        url: probe.httpUrl,
        message: `answers ${first.status}${first.location ? ` with Location ${first.location}` : ''} instead of redirecting to HTTPS`,
      });
    }
  }
  // https:// targets on another port have no conventional plaintext twin to test.
  const probed = new Set(evidence.redirects.map((p) => p.target));
  for (const page of evidence.pages.filter((p) => p.requested.startsWith('https:') && !probed.has(p.requested))) {
    outcomes.push({
      status: 'not-applicable',
      url: page.requested,
      message: 'HTTPS on a non-default port has no plain-HTTP twin; list the http:// URL in url to test its redirect',
    });
  }
  return outcomes;
}

const httpsRedirect: Check = {
  id: 'https-redirect',
  group: 'transport',
  severity: 'high',
  title: 'Plain HTTP redirects to HTTPS',
  fix: 'Answer every http:// request with a 301/308 redirect to the same URL on https://.',
  needs: ['pages', 'redirects'],
  evaluate: redirectOutcomes,
};

function perOrigin(evidence: Evidence, judge: (tls: Evidence['tls'][number]) => CheckOutcome): CheckOutcome[] {
  if (evidence.tls.length === 0) {
    return [
      { status: 'not-applicable', url: evidence.pages[0]?.requested ?? '', message: 'no https:// URL was scanned' },
    ];
  }
  return evidence.tls.map((tls) =>
    tls.error ? { status: 'untested', url: tls.origin, message: `no TLS handshake: ${tls.error}` } : judge(tls),
  );
}

const tlsCert: Check = {
  id: 'tls-cert',
  group: 'transport',
  severity: 'high',
  title: 'TLS certificate is trusted and valid for the host',
  fix: 'Serve a certificate from a public CA (e.g. Let’s Encrypt) whose names cover the host, with the full chain.',
  needs: ['tls'],
  evaluate: (evidence) =>
    perOrigin(evidence, (tls) => {
      const problems = [tls.chainError, tls.hostnameError].filter(Boolean);
      if (tls.cert && tls.cert.msLeft <= 0) problems.push(`expired on ${tls.cert.validTo}`);
      if (problems.length) return { status: 'fail', url: tls.origin, message: problems.join('; ') };
      return { status: 'pass', url: tls.origin, message: `issued to ${tls.cert?.subject} by ${tls.cert?.issuer}` };
    }),
};

const tlsExpiry: Check = {
  id: 'tls-expiry',
  group: 'transport',
  severity: 'high',
  title: 'TLS certificate expiry more than cert-min-days away',
  fix: 'Renew the certificate (and check that automatic renewal runs).',
  needs: ['tls'],
  evaluate: (evidence) =>
    perOrigin(evidence, (tls) => {
      if (!tls.cert) return { status: 'untested', url: tls.origin, message: 'the server sent no certificate' };
      const days = tls.cert.msLeft / DAY_MS;
      const shown =
        days >= 0
          ? `${days.toFixed(1)} days left (expires ${tls.cert.validTo})`
          : `expired ${(-days).toFixed(1)} days ago (${tls.cert.validTo})`;
      if (tls.cert.msLeft <= evidence.certMinDays * DAY_MS) {
        return { status: 'fail', url: tls.origin, message: `${shown}; cert-min-days is ${evidence.certMinDays}` };
      }
      return { status: 'pass', url: tls.origin, message: shown };
    }),
};

const tlsLegacy: Check = {
  id: 'tls-legacy',
  group: 'transport',
  severity: 'medium',
  title: 'TLS 1.0 and 1.1 refused',
  fix: 'Set the minimum TLS version to 1.2 on the server or CDN.',
  needs: ['tls'],
  evaluate: (evidence) =>
    perOrigin(evidence, (tls) => {
      const legacy = tls.legacy;
      if (!legacy) return { status: 'untested', url: tls.origin, message: 'not probed' };
      if (legacy.result === 'accepted')
        return { status: 'fail', url: tls.origin, message: `the server completed a ${legacy.protocol} handshake` };
      if (legacy.result === 'refused')
        return { status: 'pass', url: tls.origin, message: `TLS 1.0/1.1 handshake refused (${legacy.detail})` };
      return { status: 'untested', url: tls.origin, message: `could not test: ${legacy.detail}` };
    }),
};

export const transportChecks: readonly Check[] = [httpsRedirect, tlsCert, tlsExpiry, tlsLegacy];
