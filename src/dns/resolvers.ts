/**
 * The recursive resolvers of config `dns.resolvers`. Entries:
 * - "system": the `nameserver` lines of /etc/resolv.conf, port 53 (none
 *   listed: 127.0.0.1, as the C library does);
 * - "192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]", "[::1]:5353".
 * Hosts must be IP addresses (a resolver found by name would need a resolver).
 * Invalid entries raise CONFIG_INVALID with `{ path, reason, value }`.
 * The result keeps the order of first appearance, without duplicates.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { AppError } from '../core/errors.ts';
import type { ServerAddress } from './context.ts';
import { parseServerAddress } from './server-address.ts';

export const RESOLV_CONF = '/etc/resolv.conf';

/** `nameserver` addresses of a resolv.conf text (comments and other options ignored). */
export function parseResolvConf(text: string): ServerAddress[] {
  const out: ServerAddress[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const host = m?.[1];
    if (host !== undefined && isIP(host.split('%')[0] ?? '') !== 0) out.push({ host, port: 53 });
  }
  return out.length > 0 ? out : [{ host: '127.0.0.1', port: 53 }];
}

function systemResolvers(path: string): ServerAddress[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '';
  }
  return parseResolvConf(text);
}

export interface ResolverListOptions {
  /** Config path for error evidence; default "dns.resolvers". */
  readonly path?: string;
  /** Where "system" reads from; default /etc/resolv.conf. */
  readonly resolvConf?: string;
}

export function parseResolverList(entries: readonly string[], opts: ResolverListOptions = {}): ServerAddress[] {
  const path = opts.path ?? 'dns.resolvers';
  if (entries.length === 0) throw new AppError('CONFIG_INVALID', { evidence: { path, reason: 'at least one resolver is needed', value: [] } });
  const out: ServerAddress[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    const found =
      entry.trim().toLowerCase() === 'system' ? systemResolvers(opts.resolvConf ?? RESOLV_CONF) : [parseServerAddress(entry, 53, at)];
    for (const s of found) {
      if (isIP(s.host.split('%')[0] ?? '') === 0)
        throw new AppError('CONFIG_INVALID', { evidence: { path: at, reason: 'a resolver must be an IP address', value: entry } });
      const key = `${s.host.toLowerCase()}|${s.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(s);
    }
  });
  return out;
}
