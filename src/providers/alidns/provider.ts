/**
 * The alidns (Alibaba Cloud DNS) provider: the libdns capabilities over the
 * alidns API (client.ts).
 *
 * Mapping: a record's name is Alibaba's RR ("@" for the apex), its type
 * Type, its data Value (TXT values are the unquoted text; for MX the
 * preference goes to the separate Priority field), line "default" (never
 * sent: it is the server's default). Appending a record that exists is not
 * an error (`DomainRecordDuplicate`), deleting one that is gone neither.
 * Set rewrites existing records in place (UpdateDomainRecord) before adding
 * or deleting, so a name is never empty in between when values only change.
 */
import type { DnsRecord } from '../../core/record.ts';
import { AppError } from '../../core/errors.ts';
import { absoluteName, normalizeName, relativeName } from '../../dns/names.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { AlidnsClient, AlidnsRecord, AlidnsRecordInput } from './client.ts';
import { RECORD_EXISTS_CODE } from './errors.ts';
import { sameData } from '../record-data.ts';

export const DEFAULT_TTL = 600;

export interface AlidnsProviderOptions {
  readonly client: AlidnsClient;
  readonly zone?: string;
}

/** Alibaba's DomainName parameter: the zone without its trailing dot. */
function domainOf(zone: string): string {
  return normalizeName(zone).slice(0, -1);
}

function rrOf(name: string, zone: string): string {
  return relativeName(absoluteName(name, zone), zone);
}

function toInput(zone: string, r: DnsRecord): AlidnsRecordInput {
  const type = r.type.toUpperCase();
  const base = { rr: rrOf(r.name, zone), type, ...(r.ttl === undefined ? {} : { ttl: r.ttl }) };
  if (type === 'MX') {
    const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(r.data);
    if (m === null) throw new AppError('RECORD_INVALID', { evidence: { type, data: r.data, reason: 'MX data is "<preference> <exchange>"' } });
    return { ...base, value: m[2] as string, priority: Number(m[1]) };
  }
  return { ...base, value: r.data };
}

function dataOf(rec: { type: string; value: string; priority?: number }): string {
  return rec.type === 'MX' && rec.priority !== undefined ? `${rec.priority} ${rec.value}` : rec.value;
}

function fromAlidns(rec: AlidnsRecord): DnsRecord {
  return { name: rec.rr.toLowerCase(), type: rec.type, data: dataOf(rec), ttl: rec.ttl };
}

export class AlidnsProvider implements DnsProvider {
  readonly zone?: string;
  readonly #client: AlidnsClient;

  constructor(o: AlidnsProviderOptions) {
    this.#client = o.client;
    if (o.zone !== undefined) this.zone = o.zone;
  }

  /** Every zone the key can see (DescribeDomains), absolute with a trailing dot. */
  async listZones(call: ProviderCall = {}): Promise<string[]> {
    return (await this.#client.listDomains(call.signal)).map((d) => normalizeName(d));
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    const list = await this.#client.listRecords(domainOf(zone), {}, call.signal);
    return list.filter((r) => r.type !== 'SOA').map(fromAlidns);
  }

  async appendRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const domain = domainOf(zone);
    const inputs = records.map((r) => toInput(zone, r));
    for (const input of inputs) {
      await this.#client.addRecord(domain, { ...input, ttl: input.ttl ?? DEFAULT_TTL }, call.signal, [RECORD_EXISTS_CODE]);
    }
    return [...records];
  }

  async setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const domain = domainOf(zone);
    const groups = new Map<string, AlidnsRecordInput[]>();
    for (const r of records) {
      const input = toInput(zone, r);
      const key = `${input.rr}|${input.type}`;
      groups.set(key, [...(groups.get(key) ?? []), input]);
    }
    for (const wanted of groups.values()) {
      const first = wanted[0] as AlidnsRecordInput;
      const spare = await this.#client.listRecords(domain, { rr: first.rr, type: first.type }, call.signal);
      const todo: AlidnsRecordInput[] = [];
      for (const w of wanted) {
        const i = spare.findIndex((e) => sameData(e.type, dataOf(e), dataOf(w)) && (w.ttl === undefined || e.ttl === w.ttl));
        if (i >= 0) spare.splice(i, 1);
        else todo.push(w);
      }
      for (const w of todo) {
        // Prefer the record holding the same data (a TTL change), else any spare one.
        const same = spare.findIndex((e) => sameData(e.type, dataOf(e), dataOf(w)));
        const [reuse] = spare.splice(same >= 0 ? same : 0, 1);
        const input = { ...w, ttl: w.ttl ?? DEFAULT_TTL };
        if (reuse !== undefined) await this.#client.updateRecord(reuse.recordId, input, call.signal, [RECORD_EXISTS_CODE]);
        else await this.#client.addRecord(domain, input, call.signal, [RECORD_EXISTS_CODE]);
      }
      for (const e of spare) await this.#client.deleteRecord(e.recordId, call.signal);
    }
    return [...records];
  }

  async deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const domain = domainOf(zone);
    const deleted: DnsRecord[] = [];
    for (const r of records) {
      const input = toInput(zone, r.data === '' && r.type.toUpperCase() === 'MX' ? { ...r, data: '0 .' } : r);
      const existing = await this.#client.listRecords(domain, { rr: input.rr, type: input.type }, call.signal);
      for (const e of existing) {
        if (r.data !== '' && !sameData(e.type, dataOf(e), e.type === 'TXT' ? r.data : r.data.trim().replace(/\s+/g, ' '))) continue;
        await this.#client.deleteRecord(e.recordId, call.signal);
        deleted.push(fromAlidns(e));
      }
    }
    return deleted;
  }
}
