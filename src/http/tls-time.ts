/**
 * Verifying a TLS peer at the trusted time.
 *
 * OpenSSL verifies certificates at the system time, and Node cannot ask it
 * to use another instant. When the handshake fails only because a
 * certificate is outside its validity at the system time, tls-connect.ts
 * opens an inspection connection (no request bytes are ever written on it
 * before it is accepted here) and calls `acceptAtTrustedTime`, which
 * re-verifies the whole chain with verify-chain.ts at `clock.now()`:
 *
 * - a structural failure (unknown issuer, bad signature, an issuer that is
 *   not a CA) → TLS_UNTRUSTED; a wrong host → TLS_HOSTNAME_MISMATCH;
 * - otherwise, if the clock is not trusted → CLOCK_UNTRUSTED (we cannot
 *   tell a wrong clock from an expired certificate; nothing was skipped);
 * - otherwise a certificate outside its validity at the trusted time →
 *   TLS_CERT_EXPIRED / TLS_CERT_NOT_YET_VALID;
 * - otherwise the connection is accepted.
 *
 * Note: OpenSSL keeps verifying after the first error and reports the last
 * one, which is the validity check; so CERT_HAS_EXPIRED does not mean the
 * chain is otherwise sound. That is why everything is checked again here.
 */
import { X509Certificate } from 'node:crypto';
import { getCACertificates, type TLSSocket } from 'node:tls';
import type { TrustedClock } from '../clock/clock.ts';
import { AppError } from '../core/errors.ts';
import { failureOf, oneLineName, verifyChainAt, type ChainFailure } from './verify-chain.ts';

/** OpenSSL verification results that only say "outside the validity period". */
export const VALIDITY_ERRORS: ReadonlySet<string> = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** Where a connection goes, as errors describe it. */
export interface TlsTarget {
  /** URL for evidence (already stripped of secrets). */
  readonly url: string;
  /** Host name or IP the certificate must name. */
  readonly host: string;
  readonly caPem?: string;
  readonly secrets?: readonly string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The trust anchors of a request: its PEM bundle, else Node's default CA certificates. */
export function trustRoots(caPem: string | undefined): X509Certificate[] {
  const pems = caPem === undefined ? getCACertificates('default') : (caPem.match(PEM_BLOCK) ?? []);
  const out: X509Certificate[] = [];
  for (const pem of pems) {
    try {
      out.push(new X509Certificate(pem));
    } catch {
      // An unparsable entry trusts nothing; OpenSSL would have refused the bundle already.
    }
  }
  return out;
}

/**
 * The certificates the peer presented, leaf first. Node links each to its
 * issuer (searching the whole presented chain, then the trust store), so the
 * walk yields the peer's chain plus, possibly, a root from the store.
 */
export function peerChain(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let c: { raw?: Buffer; fingerprint256?: string; issuerCertificate?: unknown } | undefined = socket.getPeerCertificate(true);
  while (c?.raw !== undefined && c.fingerprint256 !== undefined && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(new X509Certificate(c.raw));
    c = c.issuerCertificate as typeof c;
  }
  return out;
}

function certEvidence(f: ChainFailure): { subject: string; issuer: string; validFrom: string; validTo: string } {
  return { subject: f.subject, issuer: f.issuer, validFrom: f.validFrom, validTo: f.validTo };
}

/** The error for a peer whose chain OpenSSL or verify-chain.ts refused for a reason other than time. */
export function untrustedError(t: TlsTarget, chain: readonly X509Certificate[], verifyError: string, atFault?: ChainFailure): AppError {
  const leaf = chain[0];
  const leafEvidence = leaf === undefined ? { subject: '?', issuer: '?' } : { subject: oneLineName(leaf.subject), issuer: oneLineName(leaf.issuer) };
  const secrets = t.secrets ?? [];
  if (verifyError === 'hostname-mismatch' || verifyError === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = leaf?.subjectAltName;
    return new AppError('TLS_HOSTNAME_MISMATCH', {
      evidence: { url: t.url, host: t.host, ...leafEvidence, ...(names === undefined ? {} : { names }), verifyError },
      secrets,
    });
  }
  const fault = atFault !== undefined && atFault.subject !== leafEvidence.subject ? { certificateAtFault: atFault.subject } : {};
  return new AppError('TLS_UNTRUSTED', { evidence: { url: t.url, host: t.host, ...leafEvidence, verifyError, ...fault }, secrets });
}

/**
 * Decide on an inspection connection whose OpenSSL verification failed with
 * a validity error (see the module comment). Resolves when the peer is
 * acceptable at the trusted time; otherwise throws (the caller destroys
 * the socket).
 */
export function acceptAtTrustedTime(chain: readonly X509Certificate[], t: TlsTarget, clock: TrustedClock, opensslError: string): void {
  if (chain.length === 0) throw untrustedError(t, chain, opensslError);
  const roots = trustRoots(t.caPem);
  const trustedNow = clock.now();
  const systemNow = clock.system.now();
  const r = verifyChainAt(chain, roots, t.host, trustedNow);
  if (r.ok && clock.trusted) return;
  if (!r.ok && r.reason !== 'expired' && r.reason !== 'not-yet-valid') throw untrustedError(t, chain, r.reason, r);
  const times = { systemTime: new Date(systemNow).toISOString(), trustedTime: new Date(trustedNow).toISOString() };
  if (!clock.trusted) {
    // Name the certificate that is outside its validity by the system clock.
    const bySystem = verifyChainAt(chain, roots, t.host, systemNow);
    const at = bySystem.ok ? failureOf('expired', chain[0] as X509Certificate) : bySystem;
    throw new AppError('CLOCK_UNTRUSTED', {
      evidence: { url: t.url, host: t.host, ...certEvidence(at), ...times, clockTrusted: false, verificationSkipped: false, opensslError },
      secrets: t.secrets ?? [],
    });
  }
  const f = r as ChainFailure;
  throw new AppError(f.reason === 'expired' ? 'TLS_CERT_EXPIRED' : 'TLS_CERT_NOT_YET_VALID', {
    evidence: { url: t.url, host: t.host, ...certEvidence(f), ...times, clockTrusted: true },
    secrets: t.secrets ?? [],
  });
}
