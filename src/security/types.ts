/** The vocabulary of a scan: what was fetched (evidence), what each check concluded (outcomes). */

export type SecuritySeverity = 'high' | 'medium' | 'low';
export const SEVERITIES: readonly SecuritySeverity[] = ['high', 'medium', 'low'];

export type SecurityFailOn = SecuritySeverity | 'never';

/** Which part of the deployment a URL stands for: header rules differ between pages and the API. */
export type TargetRole = 'page' | 'api';

export interface FetchedResponse {
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Hop {
  url: string;
  status: number;
  location?: string;
}

/** One scanned URL, redirects followed by hand so each hop can be judged. */
export interface PageEvidence {
  requested: string;
  role: TargetRole;
  chain: Hop[];
  /** Every response of the chain, for cookies set on a redirect. */
  responses: FetchedResponse[];
  /** The last response (not a redirect, or the last hop when the chain was cut). */
  final?: FetchedResponse;
  /** The request produced no response: network failure, TLS refusal, timeout. */
  error?: string;
  /** The error was a TLS verification failure (the certificate check reports the cause). */
  tlsError?: boolean;
  /** The body was over the cap: the host answered, so this fails the scan without being "unreachable". */
  tooLarge?: boolean;
  /** A redirect to outside the scanned origins and allowed-hosts: where it pointed, not requested. */
  notFollowed?: string;
}

/** `http://host/path` fetched for an https target on the default port, to see it redirect. */
export interface RedirectProbe {
  target: string;
  httpUrl: string;
  first?: Hop;
  error?: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Milliseconds until notAfter at probe time (negative once expired). */
  msLeft: number;
  subjectAltName?: string;
}

export type LegacyOutcome =
  | { result: 'refused'; detail: string }
  | { result: 'accepted'; protocol: string }
  | { result: 'untested'; detail: string };

export interface TlsEvidence {
  origin: string;
  host: string;
  port: number;
  cert?: CertificateInfo;
  /** Chain verification against the trusted roots (NODE_EXTRA_CA_CERTS included). */
  chainError?: string;
  /** The certificate does not name the host. */
  hostnameError?: string;
  /** No handshake at all. */
  error?: string;
  legacy?: LegacyOutcome;
}

export interface CorsResponse {
  method: 'GET' | 'OPTIONS';
  status: number;
  allowOrigin?: string;
  allowCredentials?: string;
}

export interface CorsEvidence {
  url: string;
  foreignOrigin: string;
  responses: CorsResponse[];
  error?: string;
}

export interface ExposedProbe {
  path: string;
  url: string;
  /** A well-known file (or an exposed-paths entry), or the source map of a script the pages load. */
  kind: 'file' | 'source-map';
  /** The script whose SourceMap header or sourceMappingURL comment named this map. */
  referencedBy?: string;
  status?: number;
  /** Why the body is judged to be the real file, when it is. */
  exposedBecause?: string;
  error?: string;
}

export interface ExposedEvidence {
  origin: string;
  probes: ExposedProbe[];
}

export interface RateLimitEvidence {
  url: string;
  sent: number;
  statuses: Record<string, number>;
  /** 1-based index of the first request answered 429. */
  first429At?: number;
  retryAfter?: string;
  errors: number;
  error?: string;
}

export interface Evidence {
  pages: PageEvidence[];
  redirects: RedirectProbe[];
  tls: TlsEvidence[];
  cors?: CorsEvidence;
  exposed: ExposedEvidence[];
  rateLimit?: RateLimitEvidence;
  certMinDays: number;
  /** No api-url was given: API-only checks do not apply. */
  hasApi: boolean;
  /** The pages are served by Next.js (X-Powered-By, x-nextjs-* headers or /_next/ assets): fix texts say how there. */
  framework?: 'nextjs';
}

/** `info`: worth knowing, not a weakness (as Mozilla's HTTP Observatory treats a missing Referrer-Policy). */
export type OutcomeStatus = 'pass' | 'fail' | 'info' | 'untested' | 'not-applicable';

/** What one check concluded about one URL. */
export interface CheckOutcome {
  status: OutcomeStatus;
  url: string;
  message: string;
  /** This outcome's severity when it differs from the check's (e.g. a CORS answer without credentials). */
  severity?: SecuritySeverity;
}

export type EvidenceKind = 'pages' | 'redirects' | 'tls' | 'cors' | 'exposed' | 'rate-limit';

export type CheckGroup = 'headers' | 'cookies' | 'transport' | 'cors' | 'exposed-files' | 'rate-limit';

export interface Check {
  id: string;
  group: CheckGroup;
  severity: SecuritySeverity;
  title: string;
  /** One line a developer can act on. */
  fix: string;
  /** The same for a Next.js app, where that differs (next.config, middleware). */
  nextjsFix?: string;
  /** What the check needs fetched; the scan fetches only what the selected checks need. */
  needs: readonly EvidenceKind[];
  evaluate(evidence: Evidence): CheckOutcome[];
}

export interface Finding {
  check: string;
  severity: SecuritySeverity;
  title: string;
  url: string;
  message: string;
  fix: string;
}

export interface IgnoredFinding extends Finding {
  reason: string;
}

export interface SecurityCheckResult {
  check: string;
  severity: SecuritySeverity;
  title: string;
  status: OutcomeStatus;
  url: string;
  message: string;
}

export interface ScanReport {
  verdict: 'pass' | 'fail';
  failOn: SecurityFailOn;
  findings: Finding[];
  ignored: IgnoredFinding[];
  /** Every outcome, passes and the untestable included. */
  results: SecurityCheckResult[];
  counts: Record<SecuritySeverity, number>;
  checksRun: string[];
  /** Scanned URLs that gave no response at all. */
  unreachable: string[];
  /** Scanned URLs whose body was over the cap (max-body-size): each fails the scan. */
  tooLarge: string[];
  /** Redirects not followed because they left the scanned origins and allowed-hosts: from → to. */
  notFollowed: { from: string; to: string }[];
  /** Scanned URLs answered over plain HTTP (no TLS): said once, not per check. */
  plainHttp: string[];
  startedAt: string;
  finishedAt: string;
}
