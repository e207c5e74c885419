/**
 * Pure classification of what a recursive resolver answered for a name,
 * against what the zone's authoritative servers serve. No I/O.
 *
 * Order of the rules (the first that applies wins):
 * 1. rcode other than NOERROR/NXDOMAIN: the resolver did not answer, not a
 *    lie: DNS_REFUSED or DNS_SERVFAIL, severity 'info'.
 * 2. the same set of values as the authoritative servers: honest, no finding.
 * 3. A values in 198.18.0.0/15 that the authoritative servers do not serve:
 *    RESOLVER_FAKE_IP (a proxy's fake-IP resolver).
 * 4. A/AAAA values in private/loopback/link-local/CGNAT/ULA ranges while the
 *    authoritative servers serve no such address: RESOLVER_LYING
 *    (reason 'non-public-address').
 * 5. any other difference (other values, missing values, NXDOMAIN/NODATA for
 *    a name that exists, values for one that does not) is explainable by
 *    caching only if the TTL counts down:
 *    - `ttlCountingDown` true: RESOLVER_STALE; false: RESOLVER_LYING ('static-answer');
 *    - not measured: RESOLVER_STALE when 0 < ttl <= maxCacheTtl (default
 *      604800 s, BIND's max-cache-ttl), else RESOLVER_LYING ('ttl-not-from-a-cache').
 * Every finding's evidence: `{ resolver, name, type, rcode, answered,
 * authoritative, reason }` plus `ttl`, `ttlLater`, `cnameChain` when known.
 */
import type { EvidenceValue } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import { rcodeName } from './answers.ts';
import { isFakeIp, isNonPublic } from './ip-ranges.ts';
import { canonicalValue, typeName } from './rdata.ts';
import { RCODE, TYPE } from './wire.ts';

export interface ResolverObservation {
  /** 'host:port' of the resolver. */
  readonly resolver: string;
  readonly fqdn: string;
  readonly type: number;
  readonly rcode: number;
  /** Presentation values at the end of the CNAME chain; empty for NXDOMAIN/NODATA. */
  readonly values: readonly string[];
  /** TTL of the answered RRset, or the negative TTL (authority SOA) when there are no values. */
  readonly ttl?: number | undefined;
  /** TTL seen when asked again a little later, with the same values. */
  readonly ttlLater?: number | undefined;
  readonly cnameChain?: readonly string[] | undefined;
  /** Did the TTL count down between two looks? undefined: not measured. */
  readonly ttlCountingDown?: boolean | undefined;
}

export interface AuthoritativeView {
  /** What every authoritative server serves at the name (empty: nothing / NXDOMAIN). */
  readonly values: readonly string[];
}

export interface ClassifyOptions {
  /** Longest TTL a cache plausibly holds (s); default 604800. */
  readonly maxCacheTtl?: number;
}

export const DEFAULT_MAX_CACHE_TTL = 604800;

function canon(type: number, v: string): string {
  try {
    return canonicalValue(type, v);
  } catch {
    return v;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function finding(code: Finding['code'], severity: Finding['severity'], obs: ResolverObservation, auth: readonly string[], reason: string): Finding {
  const evidence: Record<string, EvidenceValue> = {
    resolver: obs.resolver,
    name: obs.fqdn,
    type: typeName(obs.type),
    rcode: rcodeName(obs.rcode),
    answered: obs.values.map((v) => canon(obs.type, v)),
    authoritative: [...auth],
    reason,
  };
  if (obs.ttl !== undefined) evidence['ttl'] = obs.ttl;
  if (obs.ttlLater !== undefined) evidence['ttlLater'] = obs.ttlLater;
  if (obs.cnameChain !== undefined && obs.cnameChain.length > 0) evidence['cnameChain'] = [...obs.cnameChain];
  return { code, severity, evidence };
}

export function classifyResolverAnswer(obs: ResolverObservation, authoritative: AuthoritativeView, o: ClassifyOptions = {}): Finding | undefined {
  const auth = authoritative.values.map((v) => canon(obs.type, v));
  if (obs.rcode !== RCODE.NOERROR && obs.rcode !== RCODE.NXDOMAIN)
    return finding(obs.rcode === RCODE.REFUSED ? 'DNS_REFUSED' : 'DNS_SERVFAIL', 'info', obs, auth, 'no-answer');
  const answered = obs.values.map((v) => canon(obs.type, v));
  if (sameSet(answered, auth)) return undefined;
  const foreign = answered.filter((v) => !auth.includes(v));
  const isAddress = obs.type === TYPE.A || obs.type === TYPE.AAAA;
  if (obs.type === TYPE.A && foreign.some(isFakeIp)) return finding('RESOLVER_FAKE_IP', 'warning', obs, auth, 'fake-ip-range');
  if (isAddress && foreign.some(isNonPublic) && !auth.some(isNonPublic))
    return finding('RESOLVER_LYING', 'warning', obs, auth, 'non-public-address');
  const kind = answered.length === 0 ? 'negative' : 'values';
  if (obs.ttlCountingDown === true) return finding('RESOLVER_STALE', 'warning', obs, auth, `cached-old-${kind}`);
  if (obs.ttlCountingDown === false) return finding('RESOLVER_LYING', 'warning', obs, auth, 'static-answer');
  const max = o.maxCacheTtl ?? DEFAULT_MAX_CACHE_TTL;
  if (obs.ttl !== undefined && obs.ttl > 0 && obs.ttl <= max) return finding('RESOLVER_STALE', 'warning', obs, auth, `cached-old-${kind}`);
  return finding('RESOLVER_LYING', 'warning', obs, auth, 'ttl-not-from-a-cache');
}

/** Would measuring whether the TTL counts down change the verdict? */
export function ttlDecides(obs: ResolverObservation, authoritative: AuthoritativeView, o: ClassifyOptions = {}): boolean {
  const a = classifyResolverAnswer({ ...obs, ttlCountingDown: true }, authoritative, o);
  const b = classifyResolverAnswer({ ...obs, ttlCountingDown: false }, authoritative, o);
  return a?.code !== b?.code;
}

/**
 * A random name the authoritative servers answered NXDOMAIN for, as the
 * resolver answered it. Addresses for it: RESOLVER_FAKE_IP when all are in
 * 198.18.0.0/15, else RESOLVER_NXDOMAIN_REWRITE (an ISP's or router's "search
 * assist" page). NXDOMAIN or NODATA: honest.
 */
export function classifyCanaryAnswer(obs: ResolverObservation): Finding | undefined {
  if (obs.rcode !== RCODE.NOERROR || obs.values.length === 0) return undefined;
  const values = obs.values.map((v) => canon(obs.type, v));
  if (obs.type === TYPE.A && values.every(isFakeIp)) return finding('RESOLVER_FAKE_IP', 'warning', obs, [], 'fake-ip-for-nonexistent-name');
  return finding('RESOLVER_NXDOMAIN_REWRITE', 'warning', obs, [], 'address-for-nonexistent-name');
}
