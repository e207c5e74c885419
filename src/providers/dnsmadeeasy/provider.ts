/**
 * The dnsmadeeasy provider: the libdns capabilities over the DNS Made Easy
 * REST API v2.0 (client.ts).
 *
 * Mapping: a record's name is DME's `name` relative to the domain ("" for the
 * apex, "@" on our side), its type `type`, its data `value` (TXT values are
 * stored quoted, txt.ts; for MX the preference goes to `mxLevel`), every
 * record written with gtdLocation "DEFAULT". The domain id comes from
 * GET /dns/managed/name and is cached per zone. Appending a record that
 * exists is skipped (checked against one listing per call), deleting one
 * that is gone is not an error (404 on DELETE). Set rewrites existing
 * records in place (PUT) before creating or deleting, so a name is never
 * empty in between when values only change.
 */
import type { DnsRecord } from '../../core/record.ts';
import { AppError } from '../../core/errors.ts';
import { absoluteName, normalizeName, relativeName } from '../../dns/names.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { DmeClient, DmeRecord, DmeRecordInput } from './client.ts';
import { quoteTxt, unquoteTxt } from './txt.ts';
import { sameData } from '../record-data.ts';

export const DEFAULT_TTL = 1800;

export interface DmeProviderOptions {
  readonly client: DmeClient;
  readonly zone?: string;
}

/** DME's domain name: the zone without its trailing dot. */
function domainOf(zone: string): string {
  return normalizeName(zone).slice(0, -1);
}

function nameIn(name: string, zone: string): string {
  const rel = relativeName(absoluteName(name, zone), zone);
  return rel === '@' ? '' : rel;
}

/** Our data of a DME record (TXT unquoted, MX "<pref> <exchange>"). */
function dataOf(rec: DmeRecord): string {
  if (rec.type === 'TXT') return unquoteTxt(rec.value);
  if (rec.type === 'MX' && rec.mxLevel !== undefined) return `${rec.mxLevel} ${rec.value}`;
  return rec.value;
}

function toInput(zone: string, r: DnsRecord): DmeRecordInput {
  const type = r.type.toUpperCase();
  const base = { name: nameIn(r.name, zone), type, ttl: r.ttl ?? DEFAULT_TTL };
  if (type === 'MX') {
    const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(r.data);
    if (m === null) throw new AppError('RECORD_INVALID', { evidence: { type, data: r.data, reason: 'MX data is "<preference> <exchange>"' } });
    return { ...base, value: m[2] as string, mxLevel: Number(m[1]) };
  }
  return { ...base, value: type === 'TXT' ? quoteTxt(r.data) : r.data };
}

function inputData(i: DmeRecordInput): string {
  if (i.type === 'TXT') return unquoteTxt(i.value);
  return i.mxLevel === undefined ? i.value : `${i.mxLevel} ${i.value}`;
}

function fromDme(rec: DmeRecord): DnsRecord {
  return { name: rec.name === '' ? '@' : rec.name.toLowerCase(), type: rec.type, data: dataOf(rec), ttl: rec.ttl };
}

const sameName = (rec: DmeRecord, name: string, type: string): boolean => rec.name.toLowerCase() === name.toLowerCase() && rec.type === type;

export class DmeProvider implements DnsProvider {
  readonly zone?: string;
  readonly #client: DmeClient;
  readonly #ids = new Map<string, number>();

  constructor(o: DmeProviderOptions) {
    this.#client = o.client;
    if (o.zone !== undefined) this.zone = o.zone;
  }

  async #domainId(zone: string, signal?: AbortSignal): Promise<number> {
    const domain = domainOf(zone);
    const known = this.#ids.get(domain);
    if (known !== undefined) return known;
    const id = await this.#client.domainId(domain, signal);
    this.#ids.set(domain, id);
    return id;
  }

  /** Every managed domain of the account, absolute with a trailing dot. */
  async listZones(call: ProviderCall = {}): Promise<string[]> {
    return (await this.#client.listDomains(call.signal)).map((d) => normalizeName(d.name));
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    const id = await this.#domainId(zone, call.signal);
    return (await this.#client.listRecords(id, call.signal)).filter((r) => r.type !== 'SOA').map(fromDme);
  }

  async appendRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const inputs = records.map((r) => toInput(zone, r));
    const id = await this.#domainId(zone, call.signal);
    const existing = await this.#client.listRecords(id, call.signal);
    for (const input of inputs) {
      if (existing.some((e) => sameName(e, input.name, input.type) && sameData(e.type, dataOf(e), inputData(input)))) continue;
      await this.#client.createRecord(id, input, call.signal);
    }
    return [...records];
  }

  async setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const groups = new Map<string, DmeRecordInput[]>();
    for (const r of records) {
      const input = toInput(zone, r);
      const key = `${input.name.toLowerCase()}|${input.type}`;
      groups.set(key, [...(groups.get(key) ?? []), input]);
    }
    const id = await this.#domainId(zone, call.signal);
    const existing = await this.#client.listRecords(id, call.signal);
    for (const wanted of groups.values()) {
      const first = wanted[0] as DmeRecordInput;
      const spare = existing.filter((e) => sameName(e, first.name, first.type));
      const todo: DmeRecordInput[] = [];
      for (const w of wanted) {
        const i = spare.findIndex((e) => sameData(e.type, dataOf(e), inputData(w)) && e.ttl === w.ttl);
        if (i >= 0) spare.splice(i, 1);
        else todo.push(w);
      }
      for (const w of todo) {
        const reuse = spare.shift();
        if (reuse !== undefined) await this.#client.updateRecord(id, reuse.id, w, call.signal);
        else await this.#client.createRecord(id, w, call.signal);
      }
      for (const e of spare) await this.#client.deleteRecord(id, e.id, call.signal);
    }
    return [...records];
  }

  async deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const id = await this.#domainId(zone, call.signal);
    const existing = await this.#client.listRecords(id, call.signal);
    const deleted: DnsRecord[] = [];
    const done = new Set<number>();
    for (const r of records) {
      const type = r.type.toUpperCase();
      const name = nameIn(r.name, zone);
      const want = r.data === '' ? undefined : type === 'TXT' ? r.data : r.data.trim().replace(/\s+/g, ' ');
      for (const e of existing) {
        if (done.has(e.id) || !sameName(e, name, type)) continue;
        if (want !== undefined && !sameData(e.type, dataOf(e), want)) continue;
        done.add(e.id);
        if (await this.#client.deleteRecord(id, e.id, call.signal)) deleted.push(fromDme(e));
      }
    }
    return deleted;
  }
}
