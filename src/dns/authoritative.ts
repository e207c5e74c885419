/**
 * The authoritative servers of a zone: the ones configured for it in
 * `dns.nameservers` if any; otherwise the zone's NS set, asked of the
 * recursive resolvers, and each NS host's A and AAAA addresses (port 53),
 * also through the resolvers. NS hosts are looked up in parallel. The result
 * has no duplicate host:port; each entry from an NS lookup names its NS host
 * in `nsName`. NAMESERVERS_NOT_FOUND (evidence `{ zone, reason, ... }`) when
 * no address results.
 */
import { AppError, type EvidenceValue } from '../core/errors.ts';
import { askServers } from './ask-servers.ts';
import { answersFor, rcodeName } from './answers.ts';
import { configuredServersFor, formatServer, type DnsContext, type ServerAddress } from './context.ts';
import { normalizeName } from './names.ts';
import { RCODE, TYPE } from './wire.ts';

function notFound(zone: string, reason: string, extra: Record<string, EvidenceValue> = {}): AppError {
  return new AppError('NAMESERVERS_NOT_FOUND', { evidence: { zone, reason, ...extra } });
}

function dedupe(servers: readonly ServerAddress[]): ServerAddress[] {
  const seen = new Set<string>();
  return servers.filter((s) => {
    const key = formatServer(s).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The IPv4 then IPv6 addresses of a host name, through the resolvers.
 * NXDOMAIN or no data gives no addresses; a transport failure of both
 * lookups is thrown.
 */
export async function addressesOf(host: string, ctx: DnsContext): Promise<string[]> {
  const name = normalizeName(host);
  const results = await Promise.allSettled(
    [TYPE.A, TYPE.AAAA].map(async (type) => {
      const r = await askServers(ctx.resolvers, { name, type }, ctx, { recursionDesired: true });
      return r.rcode === RCODE.NOERROR ? answersFor(r.message, name, type).values : [];
    }),
  );
  const failed = results.filter((r) => r.status === 'rejected');
  const aborted = failed.find((r) => r.reason instanceof AppError && r.reason.code === 'ABORTED');
  if (aborted !== undefined) throw aborted.reason;
  if (failed.length === results.length) throw (failed[0] as PromiseRejectedResult).reason;
  return results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
}

export async function authoritativeServers(zone: string, ctx: DnsContext): Promise<ServerAddress[]> {
  const z = normalizeName(zone);
  const configured = configuredServersFor(ctx, z);
  if (configured !== undefined) {
    if (configured.length === 0) throw notFound(z, 'none-configured');
    return dedupe(configured);
  }
  if (ctx.resolvers.length === 0) throw notFound(z, 'no-resolvers');
  const r = await askServers(ctx.resolvers, { name: z, type: TYPE.NS }, ctx, { recursionDesired: true });
  if (r.rcode !== RCODE.NOERROR) throw notFound(z, 'rcode', { rcode: rcodeName(r.rcode), server: formatServer(r.server) });
  const nsNames = [...new Set(answersFor(r.message, z, TYPE.NS).values)];
  if (nsNames.length === 0) throw notFound(z, 'no-ns-records', { server: formatServer(r.server) });
  const failures: Record<string, EvidenceValue> = {};
  const found = await Promise.all(
    nsNames.map(async (nsName) => {
      try {
        const addrs = await addressesOf(nsName, ctx);
        if (addrs.length === 0) failures[nsName] = 'no address';
        return addrs.map((host): ServerAddress => ({ host, port: 53, nsName }));
      } catch (e) {
        if (e instanceof AppError && e.code === 'ABORTED') throw e;
        failures[nsName] = e instanceof AppError ? e.code : 'INTERNAL';
        return [];
      }
    }),
  );
  const servers = dedupe(found.flat());
  if (servers.length === 0) throw notFound(z, 'unresolvable', { nameservers: nsNames, failures });
  return servers;
}
