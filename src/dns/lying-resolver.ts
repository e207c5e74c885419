/**
 * Lying-resolver detection: ask a recursive resolver about a name whose
 * authoritative answer we know, and about a random name that does not exist
 * (`zk-canary-<hex>.<zone>`), and report what it does wrong as findings
 * (see resolver-classify.ts for the rules). An honest resolver gives no
 * findings. A resolver that does not answer gives one finding with the
 * transport error's code (DNS_TIMEOUT, DNS_NETWORK, DNS_MALFORMED) or
 * DNS_SERVFAIL/DNS_REFUSED, severity 'info': unreachable is not lying.
 *
 * When only the TTL's behaviour can tell a stale cache from a static lie,
 * the resolver is asked again after `ttlRecheckMs` (default 1100 ms): a
 * cached answer's TTL has dropped by then, a rewritten one's has not.
 *
 * Asking a resolver caches the answer there: call this only once the
 * authoritative servers serve `authoritativeValues` (never before an
 * `_acme-challenge` record exists). The canary name is random each time.
 * Rejects only with ABORTED (from `signal`).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError, type EvidenceValue } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import { answersFor, negativeTtl } from './answers.ts';
import { askServers } from './ask-servers.ts';
import { formatServer, type ServerAddress } from './context.ts';
import { normalizeName } from './names.ts';
import { typeCode, typeName } from './rdata.ts';
import {
  classifyCanaryAnswer,
  classifyResolverAnswer,
  ttlDecides,
  type ClassifyOptions,
  type ResolverObservation,
} from './resolver-classify.ts';
import { DEFAULT_TIMEOUT_MS, query } from './transport.ts';
import { RCODE, TYPE } from './wire.ts';

export { classifyCanaryAnswer, classifyResolverAnswer, type ResolverObservation, type AuthoritativeView } from './resolver-classify.ts';

export interface ResolverProbe {
  readonly fqdn: string;
  readonly type: number | string;
  /** What every authoritative server serves at fqdn/type (empty: nothing). */
  readonly authoritativeValues: readonly string[];
  /** The zone of fqdn (the canary goes under it). */
  readonly zone: string;
  /** The zone's authoritative servers (asked, without recursion, about the canary). */
  readonly authoritative: readonly ServerAddress[];
}

export interface CheckResolverOptions extends ClassifyOptions {
  /** Per-exchange budget, ms; default 5000. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Delay before asking again to see whether the TTL counts down; default 1100 ms. 0 disables the second look. */
  readonly ttlRecheckMs?: number | undefined;
  /** How to wait (tests pass a fake clock's sleep); default a timer. */
  readonly sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Ask about a random nonexistent name too; default true. */
  readonly canary?: boolean | undefined;
}

const DEFAULT_TTL_RECHECK_MS = 1100;

type Look = { readonly obs: ResolverObservation } | { readonly error: AppError };

async function look(resolver: ServerAddress, fqdn: string, type: number, o: CheckResolverOptions): Promise<Look> {
  try {
    const r = await query(resolver, { name: fqdn, type }, { timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: o.signal, recursionDesired: true });
    const a = answersFor(r.message, fqdn, type);
    const ttl = a.values.length > 0 ? a.ttl : negativeTtl(r.message);
    return {
      obs: { resolver: formatServer(resolver), fqdn, type, rcode: r.rcode, values: a.values, ttl, cnameChain: a.cnameChain },
    };
  } catch (e) {
    if (e instanceof AppError && e.code === 'ABORTED') throw e;
    if (o.signal?.aborted === true) throw new AppError('ABORTED', { cause: o.signal.reason });
    return { error: e instanceof AppError ? e : new AppError('INTERNAL', { cause: e }) };
  }
}

function unreachable(resolver: ServerAddress, fqdn: string, type: number, e: AppError): Finding {
  const evidence: Record<string, EvidenceValue> = { ...e.diagnosis.evidence, resolver: formatServer(resolver), name: fqdn, type: typeName(type) };
  return { code: e.code, severity: 'info', evidence };
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** Ask again after a pause: did the TTL count down (or the stale entry expire)? */
async function recheck(resolver: ServerAddress, first: ResolverObservation, auth: readonly string[], o: CheckResolverOptions): Promise<ResolverObservation> {
  const ms = o.ttlRecheckMs ?? DEFAULT_TTL_RECHECK_MS;
  if (ms <= 0 || first.ttl === undefined || first.ttl < 1) return first;
  const sleep = o.sleep ?? ((t: number, signal?: AbortSignal) => delay(t, undefined, signal === undefined ? {} : { signal }));
  try {
    await sleep(ms, o.signal);
  } catch (e) {
    throw new AppError('ABORTED', { cause: e });
  }
  const again = await look(resolver, first.fqdn, first.type, o);
  if ('error' in again) return first;
  const second = again.obs;
  const withLater = second.ttl === undefined ? first : { ...first, ttlLater: second.ttl };
  const authCanon = classifyResolverAnswer({ ...second, ttlCountingDown: true }, { values: auth }) === undefined;
  if (authCanon) return { ...withLater, ttlCountingDown: true }; // the old entry expired meanwhile
  if (!sameValues(second.values, first.values) || second.ttl === undefined) return first;
  return { ...withLater, ttlCountingDown: second.ttl < first.ttl };
}

async function canaryFindings(resolver: ServerAddress, probe: ResolverProbe, o: CheckResolverOptions): Promise<Finding[]> {
  if (o.canary === false || probe.authoritative.length === 0) return [];
  const name = `zk-canary-${randomBytes(6).toString('hex')}.${normalizeName(probe.zone)}`;
  const ctx = { timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: o.signal };
  try {
    const auth = await askServers(probe.authoritative, { name, type: TYPE.A }, ctx, { recursionDesired: false });
    if (auth.rcode !== RCODE.NXDOMAIN) return []; // a wildcard, or a broken zone: the canary proves nothing
  } catch (e) {
    if (e instanceof AppError && e.code === 'ABORTED') throw e;
    return [];
  }
  const seen = await look(resolver, name, TYPE.A, o);
  if ('error' in seen) return [];
  const f = classifyCanaryAnswer(seen.obs);
  return f === undefined ? [] : [f];
}

export async function checkResolver(resolver: ServerAddress, probe: ResolverProbe, opts: CheckResolverOptions = {}): Promise<Finding[]> {
  const fqdn = normalizeName(probe.fqdn);
  const type = typeof probe.type === 'number' ? probe.type : typeCode(probe.type);
  const auth = { values: probe.authoritativeValues };
  const first = await look(resolver, fqdn, type, opts);
  if ('error' in first) return [unreachable(resolver, fqdn, type, first.error)];
  let obs = first.obs;
  if (classifyResolverAnswer(obs, auth, opts) !== undefined && ttlDecides(obs, auth, opts)) obs = await recheck(resolver, obs, probe.authoritativeValues, opts);
  const findings: Finding[] = [];
  const main = classifyResolverAnswer(obs, auth, opts);
  if (main !== undefined) findings.push(main);
  for (const f of await canaryFindings(resolver, probe, opts)) if (!findings.some((x) => x.code === f.code)) findings.push(f);
  return findings;
}
