/**
 * Special-purpose address ranges, from the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (and RFC 9637 for 3fff::/20), each with
 * a reason code (texts in cli/reasons.ts). One table serves two users:
 *
 * - lying-resolver detection (`isFakeIp`, `isNonPublic`): the fake-IP pool
 *   of proxy resolvers (Clash, Surge, sing-box: 198.18.0.0/15, the RFC 2544
 *   benchmark range) and addresses that are never a public service's
 *   (private, loopback, link-local, CGNAT, unspecified, unique-local);
 * - DDNS address validation (`specialRangeOf`, used by ddns/ip/classify.ts):
 *   every range here is refused as the address of a public name.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Why an address in a special-purpose range is not a public unicast address. */
export type SpecialRangeReason =
  | 'unspecified'
  | 'this-network'
  | 'private'
  | 'cgnat'
  | 'loopback'
  | 'link-local'
  | 'special-purpose'
  | 'documentation'
  | 'relay-anycast'
  | 'benchmark'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'ipv4-mapped'
  | 'nat64'
  | 'discard'
  | 'teredo'
  | '6to4'
  | 'ula'
  | 'site-local';

export interface SpecialRange {
  readonly net: string;
  readonly bits: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly reason: SpecialRangeReason;
}

const v4 = (net: string, bits: number, reason: SpecialRangeReason): SpecialRange => ({ net, bits, family: 'ipv4', reason });
const v6 = (net: string, bits: number, reason: SpecialRangeReason): SpecialRange => ({ net, bits, family: 'ipv6', reason });

/**
 * The ranges, a more specific one before the range that contains it (the
 * first match gives the reason). IPv6 outside 2000::/3 is not listed here
 * beyond the named ranges: ddns/ip/classify.ts refuses the rest as reserved.
 */
export const SPECIAL_RANGES: readonly SpecialRange[] = [
  v4('0.0.0.0', 32, 'unspecified'),
  v4('0.0.0.0', 8, 'this-network'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'cgnat'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'special-purpose'), // IETF protocol assignments (DS-Lite, NAT64 discovery, ...)
  v4('192.0.2.0', 24, 'documentation'), // TEST-NET-1
  v4('192.88.99.0', 24, 'relay-anycast'), // deprecated 6to4 relays (RFC 7526)
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'benchmark'), // also the fake-IP pool of proxy resolvers
  v4('198.51.100.0', 24, 'documentation'), // TEST-NET-2
  v4('203.0.113.0', 24, 'documentation'), // TEST-NET-3
  v4('224.0.0.0', 4, 'multicast'),
  v4('255.255.255.255', 32, 'broadcast'),
  v4('240.0.0.0', 4, 'reserved'),
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  v6('::ffff:0:0', 96, 'ipv4-mapped'),
  v6('64:ff9b::', 96, 'nat64'), // well-known NAT64 prefix (RFC 6052)
  v6('64:ff9b:1::', 48, 'nat64'), // local-use NAT64 (RFC 8215)
  v6('100::', 64, 'discard'),
  v6('2001::', 32, 'teredo'),
  v6('2001:2::', 48, 'benchmark'),
  v6('2001::', 23, 'special-purpose'), // IETF protocol assignments (ORCHID, AMT, AS112, ...)
  v6('2001:db8::', 32, 'documentation'),
  v6('2002::', 16, '6to4'),
  v6('3fff::', 20, 'documentation'), // RFC 9637
  v6('fc00::', 7, 'ula'),
  v6('fe80::', 10, 'link-local'),
  v6('fec0::', 10, 'site-local'),
  v6('ff00::', 8, 'multicast'),
];

/** Reasons that make an address "non-public" for lying-resolver detection. */
const NON_PUBLIC_REASONS: ReadonlySet<SpecialRangeReason> = new Set(['unspecified', 'this-network', 'private', 'cgnat', 'loopback', 'link-local', 'ula']);

function listOf(ranges: readonly SpecialRange[]): BlockList {
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.net, r.bits, r.family);
  return list;
}

const FAKE_IP = listOf(SPECIAL_RANGES.filter((r) => r.reason === 'benchmark' && r.family === 'ipv4'));
const NON_PUBLIC = listOf(SPECIAL_RANGES.filter((r) => NON_PUBLIC_REASONS.has(r.reason)));
const ONE_BY_ONE = SPECIAL_RANGES.map((range) => ({ range, list: listOf([range]) }));

function family(ip: string): 'ipv4' | 'ipv6' | undefined {
  if (isIPv4(ip)) return 'ipv4';
  return isIPv6(ip) ? 'ipv6' : undefined;
}

/** In 198.18.0.0/15 (also as an IPv4-mapped IPv6 address). */
export function isFakeIp(ip: string): boolean {
  const f = family(ip);
  return f !== undefined && FAKE_IP.check(ip, f);
}

/** Private, loopback, link-local, CGNAT, unspecified or unique-local: never where a public name points. */
export function isNonPublic(ip: string): boolean {
  const f = family(ip);
  return f !== undefined && NON_PUBLIC.check(ip, f);
}

/**
 * The first range of `SPECIAL_RANGES` that holds `ip`, among the ranges of
 * its own family only (an IPv4-mapped IPv6 address is 'ipv4-mapped', not the
 * range of the IPv4 address inside it); undefined for any other address and
 * for text that is not an address.
 */
export function specialRangeOf(ip: string): SpecialRange | undefined {
  const f = family(ip);
  if (f === undefined) return undefined;
  return ONE_BY_ONE.find((e) => e.range.family === f && e.list.check(ip, f))?.range;
}
