/**
 * Zone apex discovery by an SOA walk.
 *
 * Where the name lies in a zone of config `dns.nameservers` (the longest
 * such zone wins), only those servers are asked, without recursion, and the
 * walk never leaves that zone. Otherwise the recursive resolvers are asked.
 *
 * At each step the walk asks for SOA at the current name:
 * - an SOA owned by the name in the answer: the name is the apex;
 * - a CNAME at the name: whatever SOA the answer carries belongs to the
 *   target's zone, so the walk moves to the parent;
 * - a negative answer (NXDOMAIN or NODATA) with an SOA in the authority
 *   section that owns the name or one of its ancestors: that is the zone;
 * - anything else (no SOA): the walk moves to the parent.
 * SERVFAIL/REFUSED from every server, a referral away from the configured
 * servers, reaching the root, or leaving the configured zone end it with
 * ZONE_NOT_FOUND (evidence `{ name, reason, ... }`). Transport failures of
 * every server are thrown as they are (DNS_TIMEOUT, DNS_NETWORK, ...).
 */
import { AppError, type EvidenceValue } from '../core/errors.ts';
import { askServers } from './ask-servers.ts';
import { authoritySoa, rcodeName, soaOf, type SoaData } from './answers.ts';
import { configuredZoneFor, formatServer, type DnsContext, type ServerAddress } from './context.ts';
import { isInZone, normalizeName, parentName } from './names.ts';
import { CLASS, FLAG, RCODE, TYPE, type DecodedMessage } from './wire.ts';

export interface ZoneInfo {
  /** The apex, lower-case absolute ("example.com."). */
  readonly zone: string;
  readonly soa: SoaData;
  /** The server whose answer named the zone. */
  readonly via: ServerAddress;
}

function notFound(name: string, reason: string, extra: Record<string, EvidenceValue> = {}): AppError {
  return new AppError('ZONE_NOT_FOUND', { evidence: { name, reason, ...extra } });
}

const owned = (rrName: string, name: string): boolean => rrName.toLowerCase() === name;

type Step = { readonly found: SoaData } | { readonly up: true } | { readonly referral: string };

/** What one SOA answer at `name` tells the walk. */
export function readSoaAnswer(m: DecodedMessage, name: string, authoritativeOnly: boolean): Step {
  const answers = m.answers.filter((rr) => rr.class === CLASS.IN);
  const soa = answers.find((rr) => rr.type === TYPE.SOA && owned(rr.name, name));
  if (soa !== undefined) return { found: soaOf(soa) };
  if (answers.some((rr) => rr.type === TYPE.CNAME && owned(rr.name, name))) return { up: true };
  const neg = authoritySoa(m);
  if (neg !== undefined && neg.zone !== '.' && isInZone(name, neg.zone)) return { found: neg };
  if (authoritativeOnly && (m.flags & FLAG.AA) === 0) {
    const ns = m.authorities.find((rr) => rr.type === TYPE.NS && rr.class === CLASS.IN);
    if (ns !== undefined) return { referral: ns.name.toLowerCase() };
  }
  return { up: true };
}

/** The zone that contains `fqdn` (normalised first; NAME_INVALID for bad names). See the module contract. */
export async function findZone(fqdn: string, ctx: DnsContext): Promise<ZoneInfo> {
  const name = normalizeName(fqdn);
  const configured = configuredZoneFor(ctx, name);
  const servers = configured?.servers ?? ctx.resolvers;
  const floor = configured?.zone;
  const where: Record<string, EvidenceValue> = floor === undefined ? {} : { configuredZone: floor };
  if (servers.length === 0) throw notFound(name, 'no-servers', where);
  const walkable = (n: string | undefined): n is string => n !== undefined && n !== '.' && (floor === undefined || isInZone(n, floor));
  for (let candidate: string | undefined = name; walkable(candidate); candidate = parentName(candidate)) {
    const r = await askServers(servers, { name: candidate, type: TYPE.SOA }, ctx, { recursionDesired: floor === undefined });
    if (r.rcode !== RCODE.NOERROR && r.rcode !== RCODE.NXDOMAIN)
      throw notFound(name, 'rcode', { ...where, at: candidate, rcode: rcodeName(r.rcode), server: formatServer(r.server) });
    const step = readSoaAnswer(r.message, candidate, floor !== undefined);
    if ('found' in step) {
      if (floor !== undefined && !isInZone(step.found.zone, floor))
        throw notFound(name, 'outside-configured-zone', { ...where, zone: step.found.zone, server: formatServer(r.server) });
      return { zone: step.found.zone, soa: step.found, via: r.server };
    }
    if ('referral' in step) throw notFound(name, 'delegated', { ...where, delegation: step.referral, server: formatServer(r.server) });
  }
  throw notFound(name, floor === undefined ? 'no-soa' : 'not-served', where);
}
