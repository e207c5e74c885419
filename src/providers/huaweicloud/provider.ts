/**
 * The huaweicloud (Huawei Cloud DNS) provider: the libdns capabilities over
 * the DNS v2 API (client.ts).
 *
 * Mapping: a recordset holds every value of one name and type; its name is
 * absolute with a trailing dot, TXT values are quoted (txt.ts), other
 * values are zone-file data as ours are (MX "10 mx.example."). Hence
 * append = PUT the union (POST when no recordset exists), set = PUT the
 * wanted values (POST when none), delete by value = PUT the rest, or DELETE
 * the recordset when nothing is left. SOA is never listed. The zone id is
 * looked up once per zone (GET /v2/zones?name=) and cached.
 */
import type { DnsRecord } from '../../core/record.ts';
import { AppError } from '../../core/errors.ts';
import { absoluteName, normalizeName, relativeName } from '../../dns/names.ts';
import { SerialWrites } from '../serial-writes.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { HuaweiDnsClient, HuaweiRecordset } from './client.ts';
import { quoteTxt, unquoteTxt } from './txt.ts';
import { sameData } from '../record-data.ts';

export const DEFAULT_TTL = 300;

export interface HuaweiProviderOptions {
  readonly client: HuaweiDnsClient;
  readonly zone?: string;
}

function toValue(type: string, data: string): string {
  return type === 'TXT' ? quoteTxt(data) : data.trim().replace(/\s+/g, ' ');
}

function fromValue(type: string, value: string): string {
  return type === 'TXT' ? unquoteTxt(value) : value;
}

interface Group {
  readonly name: string;
  readonly type: string;
  readonly records: DnsRecord[];
}

function groupsOf(zone: string, records: readonly DnsRecord[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of records) {
    const name = absoluteName(r.name, zone);
    const type = r.type.toUpperCase();
    const key = `${name}|${type}`;
    const g = groups.get(key) ?? { name, type, records: [] };
    g.records.push(r);
    groups.set(key, g);
  }
  return [...groups.values()];
}

export class HuaweiProvider implements DnsProvider {
  readonly zone?: string;
  readonly #client: HuaweiDnsClient;
  readonly #writes = new SerialWrites();
  readonly #zoneIds = new Map<string, string>();

  constructor(o: HuaweiProviderOptions) {
    this.#client = o.client;
    if (o.zone !== undefined) this.zone = o.zone;
  }

  /** Every public zone the key can see, absolute with a trailing dot. */
  async listZones(call: ProviderCall = {}): Promise<string[]> {
    return (await this.#client.listZones(undefined, call.signal)).map((z) => z.name);
  }

  async #zoneId(zone: string, signal?: AbortSignal): Promise<string> {
    const name = normalizeName(zone);
    const known = this.#zoneIds.get(name);
    if (known !== undefined) return known;
    const [found] = await this.#client.listZones(name, signal);
    if (found === undefined) throw new AppError('PROVIDER_REJECTED', { evidence: { action: 'GET zones', zone: name, reason: 'no public zone of this name is visible to the key' } });
    this.#zoneIds.set(name, found.id);
    return found.id;
  }

  async #existing(zoneId: string, g: Group, signal?: AbortSignal): Promise<HuaweiRecordset | undefined> {
    const [rs] = await this.#client.listRecordsets(zoneId, { name: g.name, type: g.type }, signal);
    return rs;
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    const z = normalizeName(zone);
    const sets = await this.#client.listRecordsets(await this.#zoneId(z, call.signal), {}, call.signal);
    const out: DnsRecord[] = [];
    for (const rs of sets) {
      if (rs.type === 'SOA') continue;
      for (const v of rs.records) out.push({ name: relativeName(rs.name, z), type: rs.type, data: fromValue(rs.type, v), ttl: rs.ttl });
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
    const z = normalizeName(zone);
    const zoneId = await this.#zoneId(z, call.signal);
    for (const g of groupsOf(z, records)) {
      const rs = await this.#existing(zoneId, g, call.signal);
      const ttl = g.records.find((r) => r.ttl !== undefined)?.ttl;
      if (rs === undefined) {
        const values = [...new Set(g.records.map((r) => toValue(g.type, r.data)))];
        await this.#client.createRecordset(zoneId, { name: g.name, type: g.type, ttl: ttl ?? DEFAULT_TTL, records: values }, call.signal);
        continue;
      }
      const have = rs.records.map((v) => fromValue(g.type, v));
      const add = g.records.filter((r) => !have.some((h) => sameData(g.type, h, fromValue(g.type, toValue(g.type, r.data)))));
      if (add.length === 0) continue;
      const union = [...rs.records, ...new Set(add.map((r) => toValue(g.type, r.data)))];
      await this.#client.updateRecordset(zoneId, rs.id, { ttl: ttl ?? rs.ttl, records: union }, call.signal);
    }
    return [...records];
  }

  async #setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall): Promise<DnsRecord[]> {
    const z = normalizeName(zone);
    const zoneId = await this.#zoneId(z, call.signal);
    for (const g of groupsOf(z, records)) {
      const values = [...new Set(g.records.map((r) => toValue(g.type, r.data)))];
      const ttl = g.records.find((r) => r.ttl !== undefined)?.ttl ?? DEFAULT_TTL;
      const rs = await this.#existing(zoneId, g, call.signal);
      if (rs === undefined) await this.#client.createRecordset(zoneId, { name: g.name, type: g.type, ttl, records: values }, call.signal);
      else await this.#client.updateRecordset(zoneId, rs.id, { ttl, records: values }, call.signal);
    }
    return [...records];
  }

  async #deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall): Promise<DnsRecord[]> {
    const z = normalizeName(zone);
    const zoneId = await this.#zoneId(z, call.signal);
    const deleted: DnsRecord[] = [];
    for (const g of groupsOf(z, records)) {
      const rs = await this.#existing(zoneId, g, call.signal);
      if (rs === undefined) continue;
      const all = g.records.some((r) => r.data === '');
      const drop = (v: string): boolean => all || g.records.some((r) => sameData(g.type, fromValue(g.type, v), fromValue(g.type, toValue(g.type, r.data))));
      const rest = rs.records.filter((v) => !drop(v));
      if (rest.length === rs.records.length) continue;
      if (rest.length === 0) await this.#client.deleteRecordset(zoneId, rs.id, call.signal);
      else await this.#client.updateRecordset(zoneId, rs.id, { ttl: rs.ttl, records: rest }, call.signal);
      for (const v of rs.records) if (drop(v)) deleted.push({ name: relativeName(rs.name, z), type: rs.type, data: fromValue(rs.type, v), ttl: rs.ttl });
    }
    return deleted;
  }
}
