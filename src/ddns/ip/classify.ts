/**
 * Is an address one a public name may point at? Public unicast only: every
 * range of dns/ip-ranges.ts `SPECIAL_RANGES` is refused with its reason
 * (private, loopback, link-local, CGNAT, benchmark/fake-IP, documentation,
 * ULA, multicast, unspecified, broadcast, this-network, 240/4, ...), and so
 * is any IPv6 address outside global unicast 2000::/3 ('reserved').
 *
 * Choices worth knowing:
 * - IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96, 64:ff9b:1::/48)
 *   IPv6 addresses are refused: they stand for an IPv4 host, which belongs
 *   in an A record, and a NAT64 address points at a translator.
 * - Teredo (2001::/32) and 6to4 (2002::/16) are refused: both are tunnels
 *   derived from an IPv4 address (which changes with it), 6to4 relays are
 *   deprecated (RFC 7526) and Teredo servers are gone; publish the IPv4
 *   address instead. The rest of 2001::/23 (IETF protocol assignments) is
 *   refused as 'special-purpose'.
 * - A wrong family (an IPv6 answer where IPv4 was asked) is 'wrong-family'.
 */
import { specialRangeOf, type SpecialRangeReason } from '../../dns/ip-ranges.ts';
import { parseIp, type IpAddress, type IpFamily, type IpSyntaxReason } from './address.ts';

/** Why an address is not a public unicast address of the family asked for. */
export type AddressReason = SpecialRangeReason | 'wrong-family';

/** undefined when `a` is public unicast (of `family`, when given), else the reason. */
export function publicUnicastReason(a: IpAddress, family?: IpFamily): AddressReason | undefined {
  if (family !== undefined && a.family !== family) return 'wrong-family';
  const range = specialRangeOf(a.text);
  if (range !== undefined) return range.reason;
  if (a.family === 6 && ((a.bytes[0] ?? 0) & 0xe0) !== 0x20) return 'reserved';
  return undefined;
}

export type PublicCheck = { readonly ok: true; readonly address: IpAddress } | { readonly ok: false; readonly reason: AddressReason | IpSyntaxReason };

/** Parse `text` strictly and check that it is a public unicast address (of `family`, when given). */
export function checkPublicAddress(text: string, family?: IpFamily): PublicCheck {
  const p = parseIp(text);
  if (!p.ok) return p;
  const reason = publicUnicastReason(p.address, family);
  return reason === undefined ? p : { ok: false, reason };
}
