/**
 * Address ranges that tell a lying resolver apart: the fake-IP pool of
 * proxy resolvers (Clash, Surge, sing-box: 198.18.0.0/15, the RFC 2544
 * benchmark range) and addresses that are never a public service's
 * (private, loopback, link-local, CGNAT, unspecified, unique-local).
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const FAKE_IP = new BlockList();
FAKE_IP.addSubnet('198.18.0.0', 15, 'ipv4');

const NON_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  NON_PUBLIC.addSubnet(net, bits, 'ipv6');

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
