import { isIP } from 'node:net';
import { checkServerIdentity, connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { CertificateInfo, LegacyOutcome, TlsEvidence } from '../types.js';

/**
 * Errors raised by this machine's OpenSSL before a ClientHello offering TLS 1.0/1.1 could be
 * sent: the runner cannot test, which is not the same as the server refusing.
 */
const LOCAL_REFUSALS = new Set([
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_NO_CIPHERS_AVAILABLE',
  'ERR_SSL_LIBRARY_HAS_NO_CIPHERS',
  'ERR_INVALID_ARG_VALUE',
  'ERR_TLS_INVALID_PROTOCOL_VERSION',
]);

/** Ways a server says no to an old handshake: an alert, or hanging up mid-handshake. */
const SERVER_REFUSALS =
  /ALERT_PROTOCOL_VERSION|ALERT_HANDSHAKE_FAILURE|UNSUPPORTED_PROTOCOL|WRONG_VERSION_NUMBER|NO_SHARED_CIPHER|ALERT_INSUFFICIENT_SECURITY|ECONNRESET|EPIPE/;

interface Handshake {
  socket?: TLSSocket;
  error?: NodeJS.ErrnoException;
  timedOut?: boolean;
}

function handshake(options: ConnectionOptions, timeoutMs: number): Promise<Handshake> {
  return new Promise((resolve) => {
    let socket: TLSSocket;
    try {
      socket = connect(options);
    } catch (error) {
      resolve({ error: error as NodeJS.ErrnoException });
      return;
    }
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ timedOut: true });
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve({ socket });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ error });
    });
  });
}

function name(entity: PeerCertificate['subject'] | undefined): string {
  if (!entity) return 'unknown';
  const value = entity.CN ?? entity.O;
  if (value === undefined) return JSON.stringify(entity);
  return Array.isArray(value) ? value.join(', ') : value;
}

function certificateInfo(cert: PeerCertificate, now: number): CertificateInfo {
  return {
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    msLeft: Date.parse(cert.valid_to) - now,
    subjectAltName: cert.subjectaltname,
  };
}

/** Offers only TLS 1.0 and 1.1, with the security level lowered so OpenSSL 3 is willing to. */
async function probeLegacy(base: ConnectionOptions, timeoutMs: number): Promise<LegacyOutcome> {
  const result = await handshake(
    { ...base, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
    timeoutMs,
  );
  if (result.socket) {
    const protocol = result.socket.getProtocol() ?? 'TLS 1.0/1.1';
    result.socket.destroy();
    return { result: 'accepted', protocol };
  }
  if (result.timedOut) return { result: 'untested', detail: `no answer within ${timeoutMs}ms` };
  const code = result.error?.code ?? '';
  const detail = `${code} ${result.error?.message ?? ''}`.trim();
  if (LOCAL_REFUSALS.has(code))
    return { result: 'untested', detail: `this runner's OpenSSL will not offer TLS 1.0/1.1 (${code})` };
  if (SERVER_REFUSALS.test(code) || SERVER_REFUSALS.test(result.error?.message ?? ''))
    return { result: 'refused', detail: code || 'connection closed' };
  return { result: 'untested', detail };
}

/**
 * Reads the certificate the server presents (without trusting it, so an untrusted one can still
 * be described) and tries a TLS 1.0/1.1 handshake.
 */
export async function probeTls(
  host: string,
  port: number,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<TlsEvidence> {
  const origin = `https://${isIP(host) === 6 ? `[${host}]` : host}${port === 443 ? '' : `:${port}`}`;
  // SNI must be a DNS name; an IP target gets none.
  const base: ConnectionOptions = {
    host,
    port,
    rejectUnauthorized: false,
    ...(isIP(host) ? {} : { servername: host }),
  };
  const main = await handshake(base, timeoutMs);
  if (!main.socket) {
    const error = main.timedOut
      ? `no TLS handshake within ${timeoutMs}ms`
      : `${main.error?.code ?? ''} ${main.error?.message ?? ''}`.trim();
    return { origin, host, port, error };
  }
  const socket = main.socket;
  const peer = socket.getPeerCertificate();
  const hasCert = peer && Object.keys(peer).length > 0;
  const identity = hasCert ? checkServerIdentity(host, peer) : undefined;
  // Node folds a name mismatch into authorizationError too; keep the two problems apart.
  const authError = socket.authorized ? undefined : String(socket.authorizationError ?? 'not trusted');
  const chainError =
    authError && authError !== 'ERR_TLS_CERT_ALTNAME_INVALID' ? `certificate not trusted: ${authError}` : undefined;
  socket.destroy();
  const evidence: TlsEvidence = {
    origin,
    host,
    port,
    cert: hasCert ? certificateInfo(peer, now()) : undefined,
    chainError,
    hostnameError: identity ? `certificate does not cover ${host}: ${identity.message}` : undefined,
  };
  evidence.legacy = await probeLegacy(base, timeoutMs);
  return evidence;
}
