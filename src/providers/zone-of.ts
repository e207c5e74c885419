/**
 * The zone a provider must change for a name (DESIGN.md, "Every provider
 * takes an optional `zone`"):
 * 1. the provider's configured `zone`, when the name is inside it;
 * 2. else, for a provider whose API lists zones, the longest listed zone the
 *    name is inside (the list is fetched once per provider object); a name in
 *    none of them is ZONE_NOT_FOUND with reason `not-in-account`, naming the
 *    zones the credential can see; a credential not permitted to list zones
 *    (a key limited to one zone) goes on to step 3;
 * 3. else the SOA walk of dns/zone.ts.
 * A configured `zone` the name is outside of is NAME_INVALID (`outside-zone`)
 * when `strict`; otherwise steps 2 and 3 decide (a challenge CNAME may lead
 * into another zone the same server serves).
 */
import { errorKind } from '../core/codes.ts';
import { AppError } from '../core/errors.ts';
import type { DnsContext } from '../dns/context.ts';
import { isInZone, normalizeName } from '../dns/names.ts';
import { findZone } from '../dns/zone.ts';
import type { DnsProvider } from './types.ts';

const listed = new WeakMap<DnsProvider, Promise<string[]>>();

/** The zones a provider lists, fetched once per provider object (a failed fetch is retried next time). */
export function zonesOf(provider: DnsProvider, signal?: AbortSignal): Promise<string[]> | undefined {
  if (provider.listZones === undefined) return undefined;
  let zones = listed.get(provider);
  if (zones === undefined) {
    zones = provider.listZones(signal === undefined ? {} : { signal }).then((z) => z.map((n) => normalizeName(n)));
    listed.set(provider, zones);
    zones.catch(() => listed.delete(provider));
  }
  return zones;
}

/** The longest zone in `zones` that `fqdn` is inside, if any. */
export function longestSuffix(fqdn: string, zones: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const z of zones) if (isInZone(fqdn, z) && (best === undefined || z.length > best.length)) best = z;
  return best;
}

export interface ZoneOfOptions {
  /** A configured zone the name is outside of is an error (record commands); default false. */
  readonly strict?: boolean;
  readonly signal?: AbortSignal;
}

export async function zoneOf(fqdn: string, provider: DnsProvider, dns: DnsContext, o: ZoneOfOptions = {}): Promise<string> {
  const name = normalizeName(fqdn);
  if (provider.zone !== undefined) {
    if (isInZone(name, provider.zone)) return provider.zone;
    if (o.strict === true) throw new AppError('NAME_INVALID', { evidence: { reason: 'outside-zone', name, zone: provider.zone } });
  }
  const zones = zonesOf(provider, o.signal);
  const all = zones === undefined ? undefined : await zones.catch((e: unknown) => {
    // A key limited to some zones may not be allowed to list them: ask DNS instead.
    if (e instanceof AppError && errorKind(e.code) === 'permission') return undefined;
    throw e;
  });
  if (all !== undefined) {
    const hit = longestSuffix(name, all);
    if (hit !== undefined) return hit;
    throw new AppError('ZONE_NOT_FOUND', { evidence: { name, reason: 'not-in-account', zones: all.slice(0, 20), zoneCount: all.length } });
  }
  return (await findZone(name, dns)).zone;
}
