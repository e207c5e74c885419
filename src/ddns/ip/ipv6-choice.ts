/**
 * Which IPv6 address of an interface to publish, from the kernel's flags:
 *
 * 1. Left out, each with its reason: DAD failed, tentative, optimistic
 *    (DAD still running), temporary (privacy addresses change daily and
 *    exist to not be published), deprecated (preferred lifetime over: the
 *    prefix is going away), any scope but global (link-local, site-local,
 *    host), and, when `requirePublic`, every address classify.ts refuses
 *    (ULA, documentation, ...).
 * 2. With a `suffix`, only the address whose interface identifier (the low
 *    64 bits) equals the suffix's low 64 bits is wanted; others are left
 *    out as 'suffix-mismatch', and none matching is 'no-suffix-match'.
 * 3. Among the rest: a stable EUI-64 address (ff:fe in the middle of the
 *    interface identifier) first, then the lowest address: the same table
 *    always gives the same answer.
 */
import { compareIp, type IpAddress } from './address.ts';
import { publicUnicastReason } from './classify.ts';
import { IF_INET6_SCOPE, IFA_F, type KernelIpv6Address } from './if-inet6.ts';
import type { IpSourceReason } from './reasons.ts';
import type { SkippedAddress } from './types.ts';

export interface Ipv6Choice {
  readonly chosen?: KernelIpv6Address;
  readonly skipped: readonly SkippedAddress[];
  /** Why nothing was chosen. */
  readonly reason?: 'no-usable-address' | 'no-suffix-match';
}

/** The flag or scope that rules the address out, if any. */
export function flagReason(a: KernelIpv6Address): IpSourceReason | undefined {
  if ((a.flags & IFA_F.DADFAILED) !== 0) return 'dadfailed';
  if ((a.flags & IFA_F.TENTATIVE) !== 0) return 'tentative';
  if ((a.flags & IFA_F.OPTIMISTIC) !== 0) return 'optimistic';
  if ((a.flags & IFA_F.TEMPORARY) !== 0) return 'temporary';
  if ((a.flags & IFA_F.DEPRECATED) !== 0) return 'deprecated';
  if (a.scope !== IF_INET6_SCOPE.GLOBAL) return 'not-global-scope';
  return undefined;
}

/** EUI-64 interface identifier: bytes 11 and 12 are ff fe (RFC 4291 appendix A). */
export function isEui64(a: IpAddress): boolean {
  return a.family === 6 && a.bytes[11] === 0xff && a.bytes[12] === 0xfe;
}

function sameInterfaceId(a: IpAddress, suffix: IpAddress): boolean {
  for (let i = 8; i < 16; i++) if (a.bytes[i] !== suffix.bytes[i]) return false;
  return true;
}

/** Choose among one interface's addresses (see the module comment). */
export function chooseIpv6(entries: readonly KernelIpv6Address[], o: { readonly suffix?: IpAddress; readonly requirePublic: boolean }): Ipv6Choice {
  const skipped: SkippedAddress[] = [];
  const usable: KernelIpv6Address[] = [];
  for (const e of entries) {
    const reason = flagReason(e) ?? (o.requirePublic ? publicUnicastReason(e.address, 6) : undefined);
    if (reason !== undefined) skipped.push({ address: e.address.text, reason });
    else if (o.suffix !== undefined && !sameInterfaceId(e.address, o.suffix)) skipped.push({ address: e.address.text, reason: 'suffix-mismatch' });
    else usable.push(e);
  }
  const ranked = usable.sort((x, y) => Number(isEui64(y.address)) - Number(isEui64(x.address)) || compareIp(x.address, y.address));
  const chosen = ranked[0];
  if (chosen !== undefined) return { chosen, skipped };
  return { skipped, reason: o.suffix !== undefined && skipped.some((s) => s.reason === 'suffix-mismatch') ? 'no-suffix-match' : 'no-usable-address' };
}
