/**
 * CAA pre-flight (RFC 8659): before ordering, find the relevant CAA RRset of
 * every name on its authoritative servers (climbing towards the root) and
 * refuse with ACME_CAA when it forbids the CA, so the user gets the cause
 * before a failed order counts against rate limits. The CA still checks;
 * this only catches what can be decided here: an RRset whose issue
 * properties name none of the CA's `caaIdentities`, or forbid every CA.
 */
import { AppError } from '../core/errors.ts';
import type { DnsContext } from '../dns/context.ts';
import { authoritativeServers } from '../dns/authoritative.ts';
import { parentName } from '../dns/names.ts';
import { answersFor, query } from '../dns/transport.ts';
import { TYPE } from '../dns/wire.ts';
import { findZone } from '../dns/zone.ts';

export interface CaaRecord {
  readonly critical: boolean;
  readonly tag: string;
  readonly value: string;
}

export function parseCaa(text: string): CaaRecord | undefined {
  const m = /^(\d+)\s+(\S+)\s+"(.*)"$/.exec(text);
  if (m === null) return undefined;
  return { critical: (Number(m[1]) & 128) !== 0, tag: (m[2] as string).toLowerCase(), value: m[3] as string };
}

/** The issuer domain of an issue/issuewild value ("" means no CA may issue). */
function issuerOf(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Whether `records` (the relevant RRset) let a CA with `identities` issue
 * for the name; `undefined` when it cannot be decided here (the CA did not
 * publish its identities and the RRset does not forbid every CA).
 */
export function caaAllows(records: readonly CaaRecord[], wildcard: boolean, identities: readonly string[] | undefined): boolean | undefined {
  if (records.some((r) => r.critical && !['issue', 'issuewild', 'iodef', 'issuemail'].includes(r.tag))) return false;
  const issueWild = records.filter((r) => r.tag === 'issuewild');
  const relevant = wildcard && issueWild.length > 0 ? issueWild : records.filter((r) => r.tag === 'issue');
  if (relevant.length === 0) return true;
  const issuers = relevant.map((r) => issuerOf(r.value)).filter((i) => i !== '');
  if (issuers.length === 0) return false;
  if (identities === undefined || identities.length === 0) return undefined;
  const ids = identities.map((i) => i.toLowerCase());
  return issuers.some((i) => ids.includes(i));
}

/** The relevant CAA RRset for `domain`: at the name or the closest ancestor that has one. */
export async function relevantCaa(domain: string, dns: DnsContext): Promise<{ at: string; records: CaaRecord[] } | undefined> {
  let name: string | undefined = `${domain.replace(/^\*\./, '').replace(/\.$/, '')}.`.toLowerCase();
  while (name !== undefined && name !== '.') {
    const { zone } = await findZone(name, dns);
    const server = (await authoritativeServers(zone, dns))[0];
    if (server === undefined) return undefined;
    const r = await query(server, { name, type: TYPE.CAA }, { timeoutMs: dns.timeoutMs, recursionDesired: false });
    const values = answersFor(r.message, name, TYPE.CAA).values;
    const records = values.map(parseCaa).filter((x) => x !== undefined);
    if (records.length > 0) return { at: name, records };
    name = parentName(name);
  }
  return undefined;
}

export async function checkCaa(domains: readonly string[], dns: DnsContext, identities: readonly string[] | undefined, directoryUrl: string): Promise<void> {
  for (const domain of domains) {
    const found = await relevantCaa(domain, dns).catch(() => undefined);
    if (found === undefined) continue;
    if (caaAllows(found.records, domain.startsWith('*.'), identities) === false) {
      throw new AppError('ACME_CAA', {
        evidence: {
          identifier: domain,
          detail: `CAA at ${found.at} allows ${found.records.map((r) => `${r.tag} "${r.value}"`).join(', ')}`,
          caaIdentities: identities === undefined ? null : [...identities],
          directory: directoryUrl,
          checkedBy: 'zonekeeper',
        },
      });
    }
  }
}
