/**
 * The `interface` source: the address of a named interface, from the
 * kernel's own view.
 *
 * - IPv6 (Linux): /proc/net/if_inet6, which carries the kernel's address
 *   flags, filtered and chosen by ipv6-choice.ts. It needs no netlink
 *   socket and no helper binary, and it shows the reading process's network
 *   namespace. Where the file does not exist (not Linux) the source refuses
 *   with 'flags-unavailable' rather than guess which address is temporary.
 * - IPv4: os.networkInterfaces() (getifaddrs, the kernel's list in the
 *   kernel's order). IPv4 has no temporary addresses, and the flags that
 *   do exist (secondary) say nothing about what to publish, so no flag
 *   table is read: the first address classify.ts accepts as public wins;
 *   the others are listed as skipped with their reasons.
 */
import { readFile } from 'node:fs/promises';
import { networkInterfaces as osNetworkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { Clock } from '../../clock/clock.ts';
import { parseIp, type IpFamily } from './address.ts';
import { publicUnicastReason } from './classify.ts';
import { parseIfInet6 } from './if-inet6.ts';
import { chooseIpv6 } from './ipv6-choice.ts';
import type { InterfaceSourceConfig, SkippedAddress, SourceAnswer } from './types.ts';

export const DEFAULT_IF_INET6_PATH = '/proc/net/if_inet6';

export interface InterfaceDeps {
  readonly clock: Clock;
  /** The kernel's IPv6 address table; default /proc/net/if_inet6. */
  readonly ifInet6Path?: string;
  /** Default os.networkInterfaces. */
  readonly networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** The text of the IPv6 address table, or the reason it cannot be read. */
export async function readIfInet6(path: string): Promise<{ text: string } | { reason: 'flags-unavailable' | 'read-failed'; detail: string }> {
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    return { reason: code === 'ENOENT' ? 'flags-unavailable' : 'read-failed', detail: `${path}: ${code}` };
  }
}

function interfaceExists(name: string, deps: InterfaceDeps): boolean {
  return (deps.networkInterfaces ?? osNetworkInterfaces)()[name] !== undefined;
}

async function ipv6Of(cfg: InterfaceSourceConfig, deps: InterfaceDeps): Promise<Omit<SourceAnswer, 'elapsedMs'>> {
  const base = { type: 'interface' as const, source: cfg.name };
  const table = await readIfInet6(deps.ifInet6Path ?? DEFAULT_IF_INET6_PATH);
  if ('reason' in table) return { ...base, reason: table.reason, detail: table.detail };
  const entries = parseIfInet6(table.text).filter((e) => e.interface === cfg.name);
  if (entries.length === 0) return { ...base, reason: interfaceExists(cfg.name, deps) ? 'no-usable-address' : 'interface-not-found' };
  const choice = chooseIpv6(entries, { requirePublic: true, ...(cfg.suffix === undefined ? {} : { suffix: cfg.suffix }) });
  if (choice.chosen === undefined) return { ...base, reason: choice.reason ?? 'no-usable-address', skipped: choice.skipped };
  return { ...base, address: choice.chosen.address.text, answer: choice.chosen.address.text, skipped: choice.skipped };
}

function ipv4Of(cfg: InterfaceSourceConfig, deps: InterfaceDeps): Omit<SourceAnswer, 'elapsedMs'> {
  const base = { type: 'interface' as const, source: cfg.name };
  const list = (deps.networkInterfaces ?? osNetworkInterfaces)()[cfg.name];
  if (list === undefined) return { ...base, reason: 'interface-not-found' };
  const skipped: SkippedAddress[] = [];
  for (const info of list) {
    if (info.family !== 'IPv4') continue;
    const p = parseIp(info.address);
    if (!p.ok) continue;
    const reason = publicUnicastReason(p.address, 4);
    if (reason === undefined) return { ...base, address: p.address.text, answer: p.address.text, skipped };
    skipped.push({ address: p.address.text, reason });
  }
  return { ...base, reason: 'no-usable-address', skipped };
}

/** Ask one interface source for the address of `family` (never throws for what the kernel says). */
export async function queryInterface(cfg: InterfaceSourceConfig, family: IpFamily, deps: InterfaceDeps): Promise<SourceAnswer> {
  const start = deps.clock.monotonicMs();
  const answer = family === 6 ? await ipv6Of(cfg, deps) : ipv4Of(cfg, deps);
  return { ...answer, elapsedMs: deps.clock.monotonicMs() - start };
}

/**
 * A local address of `family` on interface `name` to bind sockets to
 * (http `bind: <interface>`): for IPv6 the address ipv6-choice.ts would
 * choose, without requiring it to be public; for IPv4 the first
 * non-link-local one. Undefined when there is none.
 */
export async function bindAddressOf(name: string, family: IpFamily, deps: InterfaceDeps): Promise<string | undefined> {
  if (family === 6) {
    const table = await readIfInet6(deps.ifInet6Path ?? DEFAULT_IF_INET6_PATH);
    if ('text' in table) return chooseIpv6(parseIfInet6(table.text).filter((e) => e.interface === name), { requirePublic: false }).chosen?.address.text;
  }
  const want = family === 6 ? 'IPv6' : 'IPv4';
  for (const info of (deps.networkInterfaces ?? osNetworkInterfaces)()[name] ?? []) {
    const p = info.family === want ? parseIp(info.address) : undefined;
    if (p?.ok === true && publicUnicastReason(p.address) !== 'link-local') return p.address.text;
  }
  return undefined;
}
