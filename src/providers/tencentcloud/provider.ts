/**
 * The tencentcloud (DNSPod) provider: the libdns capabilities over the
 * DNSPod API (client.ts).
 *
 * Mapping: a record's name is DNSPod's SubDomain ("@" for the apex), its
 * type RecordType, its data Value (TXT values are the unquoted text; for MX
 * the preference goes to the separate MX field), line "默认". SOA is never
 * listed by DNSPod. Appending a record that exists is not an error
 * (`InvalidParameter.DomainRecordExist`), deleting one that is gone neither.
 * Set rewrites existing records in place (ModifyRecord) before creating or
 * deleting, so a name is never empty in between when values only change.
 * A set of many names (more than 3: a DDNS pass) lists the zone once, and
 * A/AAAA/CNAME records whose value alone changes to one common value go in
 * one ModifyRecordBatch job (awaited with DescribeBatchTask) instead of one
 * ModifyRecord each: the API allows 20 calls a second, so 1 000 records
 * take one call instead of 50 seconds.
 */
import type { DnsRecord } from '../../core/record.ts';
import { AppError } from '../../core/errors.ts';
import { absoluteName, normalizeName, relativeName } from '../../dns/names.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { DnspodClient, DnspodRecord, DnspodRecordInput } from './client.ts';
import { RECORD_EXISTS_CODE } from './errors.ts';
import { sameData } from '../record-data.ts';

export const DEFAULT_TTL = 600;

/** ModifyRecordBatch takes at most 5 000 records (API doc 1427/56156). */
const MAX_BATCH = 5000;
const BATCH_TIMEOUT_MS = 60_000;
/** Types whose value alone a batch may change (no MX priority). */
const BATCHABLE = new Set(['A', 'AAAA', 'CNAME']);

export interface TencentProviderOptions {
  readonly client: DnspodClient;
  readonly zone?: string;
}

/** DNSPod's Domain parameter: the zone without its trailing dot. */
function domainOf(zone: string): string {
  return normalizeName(zone).slice(0, -1);
}

function subDomain(name: string, zone: string): string {
  return relativeName(absoluteName(name, zone), zone);
}

function toInput(zone: string, r: DnsRecord): DnspodRecordInput {
  const type = r.type.toUpperCase();
  const base = { subDomain: subDomain(r.name, zone), type, ...(r.ttl === undefined ? {} : { ttl: r.ttl }) };
  if (type === 'MX') {
    const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(r.data);
    if (m === null) throw new AppError('RECORD_INVALID', { evidence: { type, data: r.data, reason: 'MX data is "<preference> <exchange>"' } });
    return { ...base, value: m[2] as string, mx: Number(m[1]) };
  }
  return { ...base, value: r.data };
}

function dataOf(rec: DnspodRecord): string {
  return rec.type === 'MX' && rec.mx !== undefined ? `${rec.mx} ${rec.value}` : rec.value;
}

function fromDnspod(rec: DnspodRecord): DnsRecord {
  return { name: rec.name.toLowerCase(), type: rec.type, data: dataOf(rec), ttl: rec.ttl };
}

export class TencentProvider implements DnsProvider {
  readonly zone?: string;
  readonly #client: DnspodClient;

  constructor(o: TencentProviderOptions) {
    this.#client = o.client;
    if (o.zone !== undefined) this.zone = o.zone;
  }

  /** Every zone the key can see (DescribeDomainList), absolute with a trailing dot. */
  async listZones(call: ProviderCall = {}): Promise<string[]> {
    return (await this.#client.listDomains(call.signal)).map((d) => normalizeName(d));
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    const list = await this.#client.listRecords(domainOf(zone), {}, call.signal);
    return list.filter((r) => r.type !== 'SOA').map(fromDnspod);
  }

  async appendRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const domain = domainOf(zone);
    const inputs = records.map((r) => toInput(zone, r));
    for (const input of inputs) {
      await this.#client.createRecord(domain, { ...input, ttl: input.ttl ?? DEFAULT_TTL }, call.signal, [RECORD_EXISTS_CODE]);
    }
    return [...records];
  }

  async setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const domain = domainOf(zone);
    const groups = new Map<string, DnspodRecordInput[]>();
    for (const r of records) {
      const input = toInput(zone, r);
      const key = `${input.subDomain}|${input.type}`;
      groups.set(key, [...(groups.get(key) ?? []), input]);
    }
    // Many names at once (a DDNS pass): one listing of the zone instead of one per name.
    const whole = groups.size > 3 ? await this.#client.listRecords(domain, {}, call.signal) : undefined;
    const batch = new Map<string, number[]>();
    for (const wanted of groups.values()) {
      const first = wanted[0] as DnspodRecordInput;
      const existing = whole ?? (await this.#client.listRecords(domain, { subDomain: first.subDomain, type: first.type }, call.signal));
      const spare = existing.filter((e) => e.name.toLowerCase() === first.subDomain.toLowerCase() && e.type === first.type);
      const todo: DnspodRecordInput[] = [];
      for (const w of wanted) {
        const data = w.mx === undefined ? w.value : `${w.mx} ${w.value}`;
        const i = spare.findIndex((e) => sameData(e.type, dataOf(e), data) && (w.ttl === undefined || e.ttl === w.ttl));
        if (i >= 0) spare.splice(i, 1);
        else todo.push(w);
      }
      for (const w of todo) {
        const reuse = spare.shift();
        const input = { ...w, ttl: w.ttl ?? DEFAULT_TTL };
        // A value change alone of one record among many: left for one ModifyRecordBatch below.
        if (reuse !== undefined && whole !== undefined && w.mx === undefined && (w.ttl === undefined || w.ttl === reuse.ttl) && reuse.type === w.type && BATCHABLE.has(w.type)) {
          batch.set(w.value, [...(batch.get(w.value) ?? []), reuse.recordId]);
          continue;
        }
        if (reuse !== undefined) await this.#client.modifyRecord(domain, reuse.recordId, input, call.signal);
        else await this.#client.createRecord(domain, input, call.signal, [RECORD_EXISTS_CODE]);
      }
      for (const e of spare) await this.#client.deleteRecord(domain, e.recordId, call.signal);
    }
    // Many records set to one value (a DDNS pass): one batch job per value instead of one call per record.
    for (const [value, ids] of batch) {
      for (let i = 0; i < ids.length; i += MAX_BATCH) {
        const job = await this.#client.modifyRecordValues(ids.slice(i, i + MAX_BATCH), value, call.signal);
        await this.#client.awaitBatch(job, BATCH_TIMEOUT_MS, call.signal);
      }
    }
    return [...records];
  }

  async deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const domain = domainOf(zone);
    const deleted: DnsRecord[] = [];
    for (const r of records) {
      const input = toInput(zone, r.data === '' && r.type.toUpperCase() === 'MX' ? { ...r, data: '0 .' } : r);
      const existing = await this.#client.listRecords(domain, { subDomain: input.subDomain, type: input.type }, call.signal);
      for (const e of existing) {
        if (e.name.toLowerCase() !== input.subDomain.toLowerCase() || e.type !== input.type) continue;
        if (r.data !== '' && !sameData(e.type, dataOf(e), e.type === 'TXT' ? r.data : r.data.trim().replace(/\s+/g, ' '))) continue;
        await this.#client.deleteRecord(domain, e.recordId, call.signal);
        deleted.push(fromDnspod(e));
      }
    }
    return deleted;
  }
}
