/**
 * Certificate path validation at a chosen instant, with node:crypto's
 * X509Certificate: what OpenSSL does during the TLS handshake, except that
 * the time is ours (the trusted clock) instead of the system clock's.
 *
 * `verifyChainAt(presented, roots, host, atMs)` succeeds when a path exists
 * from `presented[0]` (the peer's leaf) through certificates in `presented`
 * (any order; extra certificates are ignored) to a certificate in `roots`,
 * such that:
 * - each certificate is issued by the next (`checkIssued`: names, key
 *   identifiers, and keyCertSign when the issuer has a key usage) and its
 *   signature verifies with that one's public key;
 * - every issuer that is not a root has the CA flag (basicConstraints cA),
 *   and no CA's pathLenConstraint is exceeded;
 * - no certificate has a critical extension this code does not process,
 *   and no CA has name constraints (not implemented here: refused, never
 *   ignored);
 * - the leaf matches `host` (a DNS name by subjectAltName, or by CN when it
 *   has no DNS names; an IP address only by IP subjectAltName; no partial or
 *   multi-label wildcards) and, if it has an extended key usage, allows
 *   serverAuth;
 * - every certificate of the path, the root included, is valid at `atMs`
 *   (notBefore <= atMs <= notAfter).
 * Any certificate in `roots` is a trust anchor. Reported in this order: no
 * acceptable path ('untrusted', 'bad-signature', 'not-a-ca',
 * 'path-too-long', 'unsupported-extension'),
 * then 'hostname-mismatch', 'not-server-auth', then time. So 'expired' or
 * 'not-yet-valid' means a path exists that is sound except for validity at
 * `atMs`. Among several paths, one valid at `atMs` is preferred.
 *
 * Not checked (documented limits): certificate policies, revocation (Node
 * does not check revocation either).
 */
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { certExtensions, pathLenConstraint } from './cert-extensions.ts';

export type ChainFailureReason =
  | 'hostname-mismatch'
  | 'not-server-auth'
  | 'untrusted'
  | 'bad-signature'
  | 'not-a-ca'
  | 'path-too-long'
  | 'unsupported-extension'
  | 'expired'
  | 'not-yet-valid';

/** Why no acceptable path exists; `subject`/`issuer` name the certificate at fault. */
export interface ChainFailure {
  readonly ok: false;
  readonly reason: ChainFailureReason;
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
}

export interface ChainSuccess {
  readonly ok: true;
  /** Leaf first, trust anchor last. */
  readonly path: readonly X509Certificate[];
}

export type ChainResult = ChainSuccess | ChainFailure;

/** Longest path considered, certificates (leaf and anchor included). */
const MAX_DEPTH = 10;
/** Most candidate paths examined. */
const MAX_PATHS = 32;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EKU = '2.5.29.37.0';

/** A distinguished name as one line: "CN=a, O=b". */
export function oneLineName(name: string): string {
  return name.split('\n').filter((s) => s !== '').join(', ');
}

export function failureOf(reason: ChainFailureReason, cert: X509Certificate): ChainFailure {
  return {
    ok: false,
    reason,
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    validFrom: cert.validFromDate.toISOString(),
    validTo: cert.validToDate.toISOString(),
  };
}

function same(a: X509Certificate, b: X509Certificate): boolean {
  return a.fingerprint256 === b.fingerprint256;
}

/** `host` without IPv6 brackets, trailing dot, or upper case. */
export function normalizeHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return (h.endsWith('.') ? h.slice(0, -1) : h).toLowerCase();
}

/** Does the leaf name `host`? */
export function leafMatchesHost(leaf: X509Certificate, host: string): boolean {
  const h = normalizeHost(host);
  if (isIP(h) !== 0) return leaf.checkIP(h) !== undefined;
  return leaf.checkHost(h, { subject: 'default', wildcards: true, partialWildcards: false, multiLabelWildcards: false, singleLabelSubdomains: false }) !== undefined;
}

function allowsServerAuth(leaf: X509Certificate): boolean {
  // node:crypto names the extended key usage OIDs `keyUsage`; undefined when the extension is absent.
  const eku = leaf.keyUsage as string[] | undefined;
  return eku === undefined || eku.includes(SERVER_AUTH) || eku.includes(ANY_EKU);
}

/** The first certificate of `path` not valid at `atMs`, with the reason; undefined if all are. */
function timeFailure(path: readonly X509Certificate[], atMs: number): ChainFailure | undefined {
  for (const c of path) {
    if (atMs < c.validFromDate.getTime()) return failureOf('not-yet-valid', c);
    if (atMs > c.validToDate.getTime()) return failureOf('expired', c);
  }
  return undefined;
}

/** Extensions whose meaning is enforced here or is informational; a critical extension not listed refuses the certificate. */
const UNDERSTOOD = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage (issuers: checkIssued requires keyCertSign)
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.32', // certificatePolicies
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.37', // extKeyUsage
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '1.3.6.1.4.1.11129.2.4.2', // embedded SCTs
]);
const NAME_CONSTRAINTS = '2.5.29.30';

/** Time-independent problems of a complete path (leaf first, anchor last), or undefined. */
function pathFailure(path: readonly X509Certificate[]): ChainFailure | undefined {
  for (const [i, c] of path.entries()) {
    let exts;
    try {
      exts = certExtensions(c.raw);
    } catch {
      return failureOf('unsupported-extension', c);
    }
    if (exts.some((e) => e.critical && !UNDERSTOOD.has(e.oid) && !(i > 0 && e.oid === NAME_CONSTRAINTS))) return failureOf('unsupported-extension', c);
    if (i === 0) continue;
    if (exts.some((e) => e.oid === NAME_CONSTRAINTS)) return failureOf('unsupported-extension', c);
    // Certificates between this CA and the leaf: the intermediates below it.
    const limit = pathLenConstraint(exts);
    if (limit !== undefined && i - 1 > limit) return failureOf('path-too-long', c);
  }
  return undefined;
}

interface Search {
  readonly pool: readonly X509Certificate[];
  readonly roots: readonly X509Certificate[];
  readonly paths: X509Certificate[][];
  /** The first structural failure met, reported when no path exists. */
  failure?: ChainFailure;
}

/** Depth-first: every path from `path`'s last certificate up to a root, into `s.paths`. */
function extend(path: X509Certificate[], s: Search): void {
  if (s.paths.length >= MAX_PATHS) return;
  const cur = path[path.length - 1] as X509Certificate;
  if (s.roots.some((r) => same(r, cur))) {
    s.paths.push(path);
    return;
  }
  // A self-signed certificate outside the trust set ends the path: an unknown root.
  if (cur.checkIssued(cur) && cur.verify(cur.publicKey)) {
    s.failure ??= failureOf('untrusted', cur);
    return;
  }
  const fromRoots = s.roots.filter((r) => cur.checkIssued(r));
  const fromPool = s.pool.filter((p) => cur.checkIssued(p) && !path.some((q) => same(q, p)) && !fromRoots.some((r) => same(r, p)));
  if (fromRoots.length + fromPool.length === 0) {
    s.failure ??= failureOf('untrusted', cur);
    return;
  }
  for (const issuer of fromRoots) {
    if (cur.verify(issuer.publicKey)) s.paths.push([...path, issuer]);
    else s.failure ??= failureOf('bad-signature', cur);
  }
  for (const issuer of fromPool) {
    if (!cur.verify(issuer.publicKey)) {
      s.failure ??= failureOf('bad-signature', cur);
      continue;
    }
    if (!issuer.ca) {
      s.failure ??= failureOf('not-a-ca', issuer);
      continue;
    }
    if (path.length + 1 >= MAX_DEPTH) {
      s.failure ??= failureOf('untrusted', issuer);
      continue;
    }
    extend([...path, issuer], s);
  }
}

/** Verify the peer's certificates for `host` at `atMs` against `roots`; see the module comment. */
export function verifyChainAt(presented: readonly X509Certificate[], roots: readonly X509Certificate[], host: string, atMs: number): ChainResult {
  const leaf = presented[0];
  if (leaf === undefined) throw new TypeError('verifyChainAt: no certificate presented');
  const s: Search = { pool: presented.slice(1), roots, paths: [] };
  extend([leaf], s);
  const sound: X509Certificate[][] = [];
  let pathFault: ChainFailure | undefined;
  for (const path of s.paths) {
    const f = pathFailure(path);
    if (f === undefined) sound.push(path);
    else pathFault ??= f;
  }
  if (sound.length === 0) return pathFault ?? s.failure ?? failureOf('untrusted', leaf);
  if (!leafMatchesHost(leaf, host)) return failureOf('hostname-mismatch', leaf);
  if (!allowsServerAuth(leaf)) return failureOf('not-server-auth', leaf);
  let firstTimeFailure: ChainFailure | undefined;
  for (const path of sound) {
    const t = timeFailure(path, atMs);
    if (t === undefined) return { ok: true, path };
    firstTimeFailure ??= t;
  }
  return firstTimeFailure ?? failureOf('untrusted', leaf);
}
