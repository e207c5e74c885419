/**
 * What the DNS layer needs to know about its surroundings: which recursive
 * resolvers to ask (zone discovery, NS address lookup; never trusted for
 * propagation), which servers to treat as a zone's authoritative ones
 * (config `dns.nameservers`), and how long to wait.
 */
import { isIPv6 } from 'node:net';
import { isInZone, normalizeName } from './names.ts';

/** A DNS server. `host` is an IP address literal (IPv4 or IPv6, no brackets). */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** The NS host name this address was found for (authoritative servers only). */
  readonly nsName?: string;
}

export interface DnsContext {
  /** Recursive resolvers, asked in order until one answers. */
  readonly resolvers: readonly ServerAddress[];
  /** Zone (any spelling: "example.test" or "Example.Test.") → its authoritative servers. */
  readonly nameservers: ReadonlyMap<string, readonly ServerAddress[]>;
  /** Per-attempt timeout of one exchange, ms. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** "host:port", with brackets around IPv6 hosts: "192.0.2.1:53", "[::1]:53". The form every evidence uses. */
export function formatServer(s: { readonly host: string; readonly port: number }): string {
  return isIPv6(s.host) ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/** The configured zone (normalised) with the longest name that contains `fqdn`, and its servers. */
export function configuredZoneFor(
  ctx: Pick<DnsContext, 'nameservers'>,
  fqdn: string,
): { zone: string; servers: readonly ServerAddress[] } | undefined {
  let best: { zone: string; servers: readonly ServerAddress[] } | undefined;
  for (const [key, servers] of ctx.nameservers) {
    const zone = normalizeName(key);
    if (isInZone(fqdn, zone) && (best === undefined || zone.length > best.zone.length)) best = { zone, servers };
  }
  return best;
}

/** The servers configured for exactly this zone, if any. */
export function configuredServersFor(ctx: Pick<DnsContext, 'nameservers'>, zone: string): readonly ServerAddress[] | undefined {
  const z = normalizeName(zone);
  for (const [key, servers] of ctx.nameservers) if (normalizeName(key) === z) return servers;
  return undefined;
}
