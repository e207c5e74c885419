/**
 * The powerdns provider: libdns semantics (types.ts) over PowerDNS's whole
 * RRsets (client.ts), like Route 53:
 * - append: read the zone, REPLACE each touched (name, type) with the union
 *   of its values and the new ones (nothing sent when all are there);
 * - set: REPLACE each (name, type) with exactly the given values;
 * - delete by value: REPLACE with the remaining values, or DELETE the set
 *   when none remain; an empty `data` deletes the whole set.
 * All changes of one call go in one PATCH (atomic). Disabled records are
 * not listed; SOA is listed (the apex comes back as "@"). The zone's URL id
 * is looked up by name once and remembered.
 */
import type { DnsRecord } from '../../core/record.ts';
import { absoluteName, normalizeName, relativeName } from '../../dns/names.ts';
import { SerialWrites } from '../serial-writes.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { PdnsChange, PdnsRRset, PdnsZone, PowerDnsClient } from './client.ts';
import { fromContent, toContent, valueKey } from './content.ts';
import { checkAborted } from '../record-data.ts';

export const DEFAULT_TTL = 300;

export interface PowerDnsProviderOptions {
  readonly client: PowerDnsClient;
  readonly zone?: string;
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
    const name = absoluteName(r.name, zone);
    const type = r.type.toUpperCase();
    const key = `${name}|${type}`;
    const g = map.get(key) ?? { name, type, ttl: r.ttl, data: [] };
    map.set(key, g);
    g.data.push(r.data);
  }
  return [...map.values()];
}

/** The enabled values of a set as DnsRecord data. */
const valuesOf = (s: PdnsRRset | undefined): string[] => (s?.records ?? []).filter((r) => !r.disabled).map((r) => fromContent(s?.type ?? '', r.content));

/** Distinct values (by valueKey), first spelling kept. */
function distinct(type: string, data: readonly string[]): string[] {
  const seen = new Set<string>();
  return data.filter((d) => {
    const k = valueKey(type, d);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const replace = (g: Group, ttl: number, data: readonly string[]): PdnsChange => ({
  name: g.name,
  type: g.type,
  ttl,
  changetype: 'REPLACE',
  records: data.map((d) => ({ content: toContent(g.type, d), disabled: false })),
});

export class PowerDnsProvider implements DnsProvider {
  readonly zone?: string;
  readonly #client: PowerDnsClient;
  readonly #writes = new SerialWrites();
  readonly #zones = new Map<string, PdnsZone>();

  constructor(o: PowerDnsProviderOptions) {
    this.#client = o.client;
    if (o.zone !== undefined) this.zone = normalizeName(o.zone);
  }

  /** Every zone of the server, absolute with a trailing dot. */
  async listZones(call: ProviderCall = {}): Promise<string[]> {
    return (await this.#client.zoneNames(call.signal)).map((z) => normalizeName(z));
  }

  async #zone(zone: string, signal: AbortSignal | undefined): Promise<PdnsZone> {
    checkAborted(signal);
    const z = normalizeName(zone);
    const known = this.#zones.get(z);
    if (known !== undefined) return known;
    const found = await this.#client.findZone(z, signal);
    this.#zones.set(z, found);
    return found;
  }

  async #sets(zone: string, signal: AbortSignal | undefined): Promise<{ z: PdnsZone; sets: Map<string, PdnsRRset> }> {
    const z = await this.#zone(zone, signal);
    const sets = new Map<string, PdnsRRset>();
    for (const s of await this.#client.rrsets(z, signal)) sets.set(`${s.name.toLowerCase()}|${s.type.toUpperCase()}`, s);
    return { z, sets };
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    const { z, sets } = await this.#sets(zone, call.signal);
    return [...sets.values()].flatMap((s) => valuesOf(s).map((data) => ({ name: relativeName(s.name, z.name), type: s.type.toUpperCase(), data, ttl: s.ttl })));
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
    if (records.length === 0) return [];
    const { z, sets } = await this.#sets(zone, call.signal);
    const changes: PdnsChange[] = [];
    for (const g of groupsOf(z.name, records)) {
      const now = sets.get(`${g.name}|${g.type}`);
      const have = valuesOf(now);
      const union = distinct(g.type, [...have, ...g.data]);
      const ttl = g.ttl ?? now?.ttl ?? DEFAULT_TTL;
      if (union.length > have.length || (now !== undefined && ttl !== now.ttl)) changes.push(replace(g, ttl, union));
    }
    checkAborted(call.signal);
    await this.#client.patch(z, changes, call.signal);
    return [...records];
  }

  async #setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall): Promise<DnsRecord[]> {
    if (records.length === 0) return [];
    const z = await this.#zone(zone, call.signal);
    const changes = groupsOf(z.name, records).map((g) => replace(g, g.ttl ?? DEFAULT_TTL, distinct(g.type, g.data)));
    checkAborted(call.signal);
    await this.#client.patch(z, changes, call.signal);
    return [...records];
  }

  async #deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall): Promise<DnsRecord[]> {
    if (records.length === 0) return [];
    const { z, sets } = await this.#sets(zone, call.signal);
    const changes: PdnsChange[] = [];
    const removed: DnsRecord[] = [];
    for (const g of groupsOf(z.name, records)) {
      const now = sets.get(`${g.name}|${g.type}`);
      if (now === undefined) continue;
      const have = valuesOf(now);
      const all = g.data.some((d) => d === '');
      const drop = new Set(g.data.map((d) => valueKey(g.type, d)));
      const rest = all ? [] : have.filter((d) => !drop.has(valueKey(g.type, d)));
      if (rest.length === have.length && !all) continue;
      const name = relativeName(g.name, z.name);
      for (const d of have) if (!rest.includes(d)) removed.push({ name, type: g.type, data: d, ttl: now.ttl });
      changes.push(rest.length === 0 ? { name: g.name, type: g.type, changetype: 'DELETE' } : replace(g, now.ttl, rest));
    }
    checkAborted(call.signal);
    await this.#client.patch(z, changes, call.signal);
    return removed;
  }
}
