/**
 * The cloudflare provider: libdns semantics (types.ts) over the Cloudflare
 * API v4. Cloudflare has no batch of mixed changes, so each method lists the
 * zone once and then sends one request per record it must change:
 * - append: POST each record not already there (an "identical record" answer
 *   also counts as there);
 * - set: per (name, type), keep the values already there, PATCH unwanted
 *   records into missing values, POST what is still missing, DELETE the rest;
 * - delete: DELETE every record matching name, type and value (all values
 *   when `data` is empty); a record already gone is not an error.
 * Zone ids are looked up once per zone name (GET /zones?name=) and cached.
 */
import type { DnsRecord } from '../../core/record.ts';
import { normalizeName } from '../../dns/names.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { CloudflareClient } from './client.ts';
import { fromCloudflare, setKey, toCloudflare, valueKey, type CfRecord } from './content.ts';
import { checkAborted } from '../record-data.ts';

interface Listed {
  readonly cf: CfRecord;
  readonly record: DnsRecord;
}

export interface CloudflareProviderOptions {
  readonly client: CloudflareClient;
  readonly zone?: string;
}

/** `have` already is `want`: same value, and the TTL and proxied flag where `want` names them. */
function sameRecord(have: DnsRecord, want: DnsRecord): boolean {
  return valueKey(have) === valueKey(want) && (want.ttl === undefined || have.ttl === want.ttl) && (want.proxied === undefined || have.proxied === want.proxied);
}

export class CloudflareProvider implements DnsProvider {
  readonly zone?: string;
  readonly #client: CloudflareClient;
  readonly #zoneIds = new Map<string, Promise<string>>();

  constructor(o: CloudflareProviderOptions) {
    this.#client = o.client;
    if (o.zone !== undefined) this.zone = normalizeName(o.zone);
  }

  async #zoneId(zone: string, signal: AbortSignal | undefined): Promise<string> {
    const z = normalizeName(zone);
    let id = this.#zoneIds.get(z);
    if (id === undefined) {
      id = this.#client.zoneId(z, signal);
      this.#zoneIds.set(z, id);
      id.catch(() => this.#zoneIds.delete(z));
    }
    return id;
  }

  async #list(zone: string, signal: AbortSignal | undefined): Promise<{ id: string; listed: Listed[] }> {
    checkAborted(signal);
    const id = await this.#zoneId(zone, signal);
    const cf = await this.#client.listRecords(id, signal);
    return { id, listed: cf.map((c) => ({ cf: c, record: fromCloudflare(zone, c) })) };
  }

  /** Every zone the token can see, absolute with a trailing dot. */
  async listZones(call: ProviderCall = {}): Promise<string[]> {
    return (await this.#client.zoneNames(call.signal)).map((z) => normalizeName(z));
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    return (await this.#list(zone, call.signal)).listed.map((l) => l.record);
  }

  async appendRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    if (records.length === 0) return [];
    const { id, listed } = await this.#list(zone, call.signal);
    const have = new Set(listed.map((l) => `${setKey(zone, l.record)}|${valueKey(l.record)}`));
    const added: DnsRecord[] = [];
    for (const r of records) {
      const key = `${setKey(zone, r)}|${valueKey(r)}`;
      if (have.has(key)) continue;
      checkAborted(call.signal);
      if ((await this.#client.createRecord(id, toCloudflare(zone, r), call.signal)) === 'done') added.push(r);
      have.add(key);
    }
    return added;
  }

  async setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    if (records.length === 0) return [];
    const { id, listed } = await this.#list(zone, call.signal);
    const wanted = new Map<string, DnsRecord[]>();
    for (const r of records) wanted.set(setKey(zone, r), [...(wanted.get(setKey(zone, r)) ?? []), r]);
    for (const [key, want] of wanted) {
      const present = listed.filter((l) => setKey(zone, l.record) === key);
      const missing = want.filter((w, i) => !present.some((p) => sameRecord(p.record, w)) && want.findIndex((x) => valueKey(x) === valueKey(w)) === i);
      const unwanted = present.filter((p) => !want.some((w) => sameRecord(p.record, w)));
      for (const m of missing) {
        checkAborted(call.signal);
        const reuse = unwanted.shift();
        if (reuse === undefined) await this.#client.createRecord(id, toCloudflare(zone, m), call.signal);
        else await this.#client.patchRecord(id, reuse.cf.id, toCloudflare(zone, m), call.signal);
      }
      for (const u of unwanted) {
        checkAborted(call.signal);
        await this.#client.deleteRecord(id, u.cf.id, call.signal);
      }
    }
    return [...records];
  }

  async deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    if (records.length === 0) return [];
    const { id, listed } = await this.#list(zone, call.signal);
    const removed: DnsRecord[] = [];
    const done = new Set<string>();
    for (const r of records) {
      const key = setKey(zone, r);
      const matches = listed.filter((l) => setKey(zone, l.record) === key && (r.data === '' || valueKey(l.record) === valueKey(r)) && !done.has(l.cf.id));
      for (const m of matches) {
        checkAborted(call.signal);
        done.add(m.cf.id);
        if ((await this.#client.deleteRecord(id, m.cf.id, call.signal)) === 'done') removed.push(m.record);
      }
    }
    return removed;
  }
}
