/** The rfc2136 provider: the libdns capabilities over UPDATE + AXFR. */
import type { DnsRecord } from '../../core/record.ts';
import { CLASS, TYPE, type ResourceRecord } from '../../dns/wire.ts';
import { rdataFromText, rdataToText, typeCode, typeName } from '../../dns/rdata.ts';
import { absoluteName, relativeName } from '../../dns/names.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { Rfc2136Client } from './client.ts';
import { axfr, type AxfrOptions } from './axfr.ts';

export const DEFAULT_TTL = 300;

export interface Rfc2136ProviderOptions {
  readonly client: Rfc2136Client;
  readonly axfr: Omit<AxfrOptions, 'signal'>;
  readonly zone?: string;
}

function toRR(zone: string, r: DnsRecord, cls: number, withData: boolean): ResourceRecord {
  const type = typeCode(r.type);
  return {
    name: absoluteName(r.name, zone),
    type,
    class: cls,
    ttl: cls === CLASS.IN ? (r.ttl ?? DEFAULT_TTL) : 0,
    rdata: withData ? rdataFromText(type, r.data) : new Uint8Array(),
  };
}

function fromRR(zone: string, rr: ResourceRecord): DnsRecord {
  return { name: relativeName(rr.name.toLowerCase(), zone), type: typeName(rr.type), data: rdataToText(rr.type, rr.rdata), ttl: rr.ttl };
}

export class Rfc2136Provider implements DnsProvider {
  readonly zone?: string;
  readonly #o: Rfc2136ProviderOptions;

  constructor(o: Rfc2136ProviderOptions) {
    this.#o = o;
    if (o.zone !== undefined) this.zone = o.zone;
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    const rrs = await axfr(zone, { ...this.#o.axfr, ...(call.signal === undefined ? {} : { signal: call.signal }) });
    return rrs.filter((rr) => rr.type !== TYPE.TSIG).map((rr) => fromRR(zone, rr));
  }

  async appendRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    if (records.length === 0) return [];
    await this.#update(zone, records.map((r) => toRR(zone, r, CLASS.IN, true)), call);
    return [...records];
  }

  async setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    if (records.length === 0) return [];
    const sets = new Map<string, DnsRecord>();
    for (const r of records) sets.set(`${absoluteName(r.name, zone)}|${typeCode(r.type)}`, r);
    // One message: delete each RRset, then add the wanted values; the server applies it atomically.
    const updates = [...sets.values()].map((r) => toRR(zone, r, CLASS.ANY, false));
    for (const r of records) updates.push(toRR(zone, r, CLASS.IN, true));
    await this.#update(zone, updates, call);
    return [...records];
  }

  async deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    if (records.length === 0) return [];
    const updates = records.map((r) => (r.data === '' ? toRR(zone, r, CLASS.ANY, false) : toRR(zone, r, CLASS.NONE, true)));
    await this.#update(zone, updates, call);
    return [...records];
  }

  async #update(zone: string, updates: ResourceRecord[], call: ProviderCall): Promise<void> {
    await this.#o.client.update(zone, updates, call.signal);
  }
}
