/**
 * The route53 provider: the libdns capabilities over Route 53's whole
 * RRsets (client.ts).
 *
 * Route 53 changes whole (name, type) sets, so: append = read the set and
 * UPSERT the union; set = UPSERT exactly the given values; delete by value
 * = UPSERT what remains, or DELETE the set (with its current values, as
 * Route 53 requires) when nothing remains. Every write of one call goes in
 * one ChangeResourceRecordSets batch (atomic) where it fits. TXT data is
 * the unquoted text; on the wire it is quoted (values.ts). The zone id is
 * the configured `hostedZoneId`, else found by name (ListHostedZonesByName)
 * and remembered. SOA sets and alias sets are not listed.
 */
import type { DnsRecord } from '../../core/record.ts';
import { absoluteName, normalizeName, relativeName } from '../../dns/names.ts';
import { SerialWrites } from '../serial-writes.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { Route53Change, Route53Client, Route53RRset } from './client.ts';
import { decodeTxt, encodeTxt } from './values.ts';
import { sameData } from '../record-data.ts';

export const DEFAULT_TTL = 300;

export interface Route53ProviderOptions {
  readonly client: Route53Client;
  readonly zone?: string;
  readonly hostedZoneId?: string;
}

function toValue(type: string, data: string): string {
  return type === 'TXT' ? encodeTxt(data) : data.trim().replace(/\s+/g, ' ');
}

function fromValue(type: string, value: string): string {
  return type === 'TXT' ? decodeTxt(value) : value;
}

interface Group {
  readonly name: string;
  readonly type: string;
  readonly ttl: number | undefined;
  readonly data: string[];
}

/** Records grouped by absolute (name, type), in input order. */
function groupsOf(zone: string, records: readonly DnsRecord[]): Group[] {
  const map = new Map<string, Group>();
  for (const r of records) {
    const name = absoluteName(r.name, zone).toLowerCase();
    const type = r.type.toUpperCase();
    const key = `${name}|${type}`;
    const g = map.get(key) ?? { name, type, ttl: r.ttl, data: [] };
    map.set(key, g);
    g.data.push(r.data);
  }
  return [...map.values()];
}

export class Route53Provider implements DnsProvider {
  readonly zone?: string;
  readonly #client: Route53Client;
  readonly #writes = new SerialWrites();
  readonly #ids = new Map<string, string>();

  constructor(o: Route53ProviderOptions) {
    this.#client = o.client;
    if (o.zone !== undefined) {
      this.zone = o.zone;
      if (o.hostedZoneId !== undefined) this.#ids.set(normalizeName(o.zone), o.hostedZoneId.replace(/^\/hostedzone\//, ''));
    }
  }

  async #zoneId(zone: string, signal?: AbortSignal): Promise<string> {
    const z = normalizeName(zone);
    const known = this.#ids.get(z);
    if (known !== undefined) return known;
    const id = await this.#client.findZoneId(z, signal);
    this.#ids.set(z, id);
    return id;
  }

  /** Every hosted zone the key can see, absolute. */
  async listZones(call: ProviderCall = {}): Promise<string[]> {
    return (await this.#client.listZones(call.signal)).map((z) => z.name);
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    const id = await this.#zoneId(zone, call.signal);
    const sets = await this.#client.listRRsets(id, undefined, Infinity, call.signal);
    const z = normalizeName(zone);
    return sets
      .filter((s) => s.type !== 'SOA')
      .flatMap((s) => s.values.map((v) => ({ name: relativeName(s.name, z), type: s.type, data: fromValue(s.type, v), ttl: s.ttl })));
  }

  /** The current sets of `groups`: one read per group, or one listing of the zone for many groups. */
  async #current(id: string, groups: readonly Group[], signal?: AbortSignal): Promise<Map<string, Route53RRset>> {
    const out = new Map<string, Route53RRset>();
    if (groups.length > 3) {
      for (const s of await this.#client.listRRsets(id, undefined, Infinity, signal)) out.set(`${s.name}|${s.type}`, s);
      return out;
    }
    for (const g of groups) {
      const s = await this.#client.getRRset(id, g.name, g.type, signal);
      if (s !== undefined) out.set(`${g.name}|${g.type}`, s);
    }
    return out;
  }

  // Writes read whole sets and write them back: one at a time per zone (serial-writes.ts).
  appendRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    return this.#writes.run(normalizeName(zone), () => this.#appendRecords(zone, records, call));
  }

  setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    return this.#writes.run(normalizeName(zone), () => this.#setRecords(zone, records, call));
  }

  deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    return this.#writes.run(normalizeName(zone), () => this.#deleteRecords(zone, records, call));
  }

  async #appendRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall): Promise<DnsRecord[]> {
    const id = await this.#zoneId(zone, call.signal);
    const groups = groupsOf(zone, records);
    const current = await this.#current(id, groups, call.signal);
    const changes: Route53Change[] = [];
    for (const g of groups) {
      const now = current.get(`${g.name}|${g.type}`);
      const values = [...(now?.values ?? [])];
      let added = false;
      for (const d of g.data) {
        if (values.some((v) => sameData(g.type, fromValue(g.type, v), d))) continue;
        values.push(toValue(g.type, d));
        added = true;
      }
      const ttl = g.ttl ?? now?.ttl ?? DEFAULT_TTL;
      if (added || (now !== undefined && g.ttl !== undefined && now.ttl !== g.ttl)) changes.push({ action: 'UPSERT', rrset: { name: g.name, type: g.type, ttl, values } });
    }
    if (changes.length > 0) await this.#client.change(id, changes, call.signal);
    return [...records];
  }

  async #setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall): Promise<DnsRecord[]> {
    const id = await this.#zoneId(zone, call.signal);
    const changes: Route53Change[] = groupsOf(zone, records).map((g) => {
      const values: string[] = [];
      for (const d of g.data) if (!values.some((v) => sameData(g.type, fromValue(g.type, v), d))) values.push(toValue(g.type, d));
      return { action: 'UPSERT', rrset: { name: g.name, type: g.type, ttl: g.ttl ?? DEFAULT_TTL, values } };
    });
    if (changes.length > 0) await this.#client.change(id, changes, call.signal);
    return [...records];
  }

  async #deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall): Promise<DnsRecord[]> {
    const id = await this.#zoneId(zone, call.signal);
    const z = normalizeName(zone);
    const groups = groupsOf(zone, records);
    const current = await this.#current(id, groups, call.signal);
    const changes: Route53Change[] = [];
    const deleted: DnsRecord[] = [];
    for (const g of groups) {
      const now = current.get(`${g.name}|${g.type}`);
      if (now === undefined) continue;
      const all = g.data.includes('');
      const wanted = g.data.map((d) => (g.type === 'TXT' ? d : d.trim().replace(/\s+/g, ' ')));
      const keep = now.values.filter((v) => !all && !wanted.some((d) => sameData(g.type, fromValue(g.type, v), d)));
      const gone = now.values.filter((v) => !keep.includes(v));
      if (gone.length === 0) continue;
      for (const v of gone) deleted.push({ name: relativeName(now.name, z), type: now.type, data: fromValue(now.type, v), ttl: now.ttl });
      changes.push(keep.length === 0 ? { action: 'DELETE', rrset: now } : { action: 'UPSERT', rrset: { ...now, values: keep } });
    }
    if (changes.length > 0) await this.#client.change(id, changes, call.signal);
    return deleted;
  }
}
