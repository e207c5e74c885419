/**
 * The kernel's IPv6 address table as Linux prints it in /proc/net/if_inet6
 * (net/ipv6/addrconf.c, if6_seq_show): one line per address,
 *
 *   <32 hex digits> <ifindex hex> <prefix length hex> <scope hex> <flags hex> <interface name>
 *
 * e.g. "2a0104f80c0c1234021122fffe334455 03 40 00 80       eth0". The
 * flags are the low 8 bits of the address's IFA_F_* flags (linux/if_addr.h;
 * MANAGETEMPADDR 0x100 and up are not printed). The scope is the address
 * type's scope bits (0x00 global, 0x10 host/loopback, 0x20 link, 0x40 site).
 * The file shows the network namespace of the process that reads it.
 */
import { addressFromBytes, type IpAddress } from './address.ts';

/** IFA_F_* address flags (linux/if_addr.h). */
export const IFA_F = {
  /** Also IFA_F_SECONDARY for IPv4; for IPv6 a temporary (privacy, RFC 8981) address. */
  TEMPORARY: 0x01,
  NODAD: 0x02,
  OPTIMISTIC: 0x04,
  DADFAILED: 0x08,
  HOMEADDRESS: 0x10,
  DEPRECATED: 0x20,
  TENTATIVE: 0x40,
  PERMANENT: 0x80,
} as const;

/** Address scopes as /proc/net/if_inet6 prints them (IPV6_ADDR_SCOPE_MASK bits of the address type). */
export const IF_INET6_SCOPE = { GLOBAL: 0x00, HOST: 0x10, LINK: 0x20, SITE: 0x40 } as const;

export interface KernelIpv6Address {
  readonly address: IpAddress;
  readonly ifindex: number;
  readonly prefixLength: number;
  readonly scope: number;
  readonly flags: number;
  readonly interface: string;
}

const LINE = /^([0-9a-f]{32})\s+([0-9a-f]+)\s+([0-9a-f]{1,2})\s+([0-9a-f]{1,2})\s+([0-9a-f]{1,2})\s+(\S+)\s*$/i;

/** Every well-formed line of the file's text (other lines are ignored). */
export function parseIfInet6(text: string): KernelIpv6Address[] {
  const out: KernelIpv6Address[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    out.push({
      address: addressFromBytes(Buffer.from(m[1] ?? '', 'hex')),
      ifindex: parseInt(m[2] ?? '', 16),
      prefixLength: parseInt(m[3] ?? '', 16),
      scope: parseInt(m[4] ?? '', 16),
      flags: parseInt(m[5] ?? '', 16),
      interface: m[6] ?? '',
    });
  }
  return out;
}
