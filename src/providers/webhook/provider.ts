/**
 * The webhook provider: libdns semantics (types.ts) as the user's own HTTP
 * calls, one request per record:
 * - append: the `append` call for each record (the receiver must treat an
 *   existing record as success);
 * - delete: the `delete` call for each record; an empty `data` means the
 *   whole (name, type): with a `list` call every listed value is deleted one
 *   by one, without one the `delete` call is sent once with empty {{data}};
 * - set: per (name, type), the `set` call with the first value and `append`
 *   for the others; without `set`, delete the whole (name, type), then append
 *   (not atomic);
 * - get: the `list` call, answering JSON `[{name, type, data, ttl}]` with
 *   names relative ("@") or absolute with a trailing dot; without a `list`
 *   call, PROVIDER_UNSUPPORTED.
 * Every request carries the bearer token and the HMAC when configured; the
 * HMAC timestamp comes from the trusted clock, and a request the receiver
 * refused for its time is signed again and sent once more (skew.ts).
 * Failures: errors.ts.
 */
import { AppError } from '../../core/errors.ts';
import type { DnsRecord } from '../../core/record.ts';
import type { TrustedClock } from '../../clock/clock.ts';
import { absoluteName, normalizeName, relativeName } from '../../dns/names.ts';
import { invalidResponseError } from '../../http/invalid-response.ts';
import { sendSigned } from '../../http/signed.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/types.ts';
import type { DnsProvider, ProviderCall } from '../types.ts';
import type { WebhookCall, WebhookConfig } from './config.ts';
import { webhookFailure } from './errors.ts';
import { TIMESTAMP_HEADER, hmacSignature, stringToSign } from './hmac.ts';
import { webhookSkewVerdict } from './skew.ts';
import { renderTemplate, type TemplateValues } from './template.ts';
import { checkAborted } from '../record-data.ts';

export interface WebhookProviderOptions {
  readonly config: WebhookConfig;
  readonly http: HttpClient;
  readonly clock: TrustedClock;
}

const bare = (fqdn: string): string => (fqdn === '.' ? '' : fqdn.replace(/\.$/, ''));

export class WebhookProvider implements DnsProvider {
  readonly zone: string;
  readonly #o: WebhookProviderOptions;
  readonly #secrets: string[];

  constructor(o: WebhookProviderOptions) {
    this.#o = o;
    this.zone = normalizeName(o.config.zone);
    this.#secrets = [o.config.bearer, o.config.hmac?.secret].filter((s): s is string => s !== undefined);
  }

  #values(zone: string, r?: DnsRecord): TemplateValues {
    const z = normalizeName(zone);
    if (r === undefined) return { zone: bare(z), name: '', fqdn: '', type: '', data: '', ttl: '' };
    const fqdn = absoluteName(r.name, z);
    return { zone: bare(z), name: relativeName(fqdn, z), fqdn: bare(fqdn), type: r.type.toUpperCase(), data: r.data, ttl: String(r.ttl ?? this.#o.config.ttl) };
  }

  async #send(call: WebhookCall, action: string, values: TemplateValues, signal: AbortSignal | undefined): Promise<HttpResponse> {
    checkAborted(signal);
    const c = this.#o.config;
    const url = renderTemplate(call.url, values, 'url');
    const body = call.body === undefined ? undefined : renderTemplate(call.body, values, 'json');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (const h of call.headers) headers[h.name] = renderTemplate(h.value, values, 'header');
    if (c.bearer !== undefined) headers['authorization'] = `Bearer ${c.bearer}`;
    const request = (signed: Record<string, string>): HttpRequest => ({
      method: call.method,
      url,
      headers: { ...headers, ...signed },
      ...(body === undefined ? {} : { body }),
      ...(signal === undefined ? {} : { signal }),
      ...(c.caPem === undefined ? {} : { trust: { caPem: c.caPem } }),
      timeoutMs: c.timeoutMs,
      secrets: this.#secrets,
    });
    const { hmac } = c;
    let res: HttpResponse;
    if (hmac === undefined) res = await this.#o.http.request(request({}));
    else {
      // Signed at the trusted time; a refusal for the time is corrected once (skew.ts).
      let signedAt = 0;
      const sign = (nowMs: number): HttpRequest => {
        signedAt = nowMs;
        const timestamp = String(Math.floor(nowMs / 1000));
        return request({ [TIMESTAMP_HEADER]: timestamp, [hmac.header]: hmacSignature(hmac.algorithm, hmac.secret, stringToSign(timestamp, call.method, url, body ?? '')) });
      };
      const source = `webhook:${new URL(url).host}`;
      res = (await sendSigned({ http: this.#o.http, clock: this.#o.clock, source, sign, classify: (r) => webhookSkewVerdict(r, signedAt) })).response;
    }
    if (res.status < 200 || res.status >= 300) throw webhookFailure(res, action, this.#secrets);
    return res;
  }

  async getRecords(zone: string, call: ProviderCall = {}): Promise<DnsRecord[]> {
    const list = this.#o.config.list;
    if (list === undefined) throw new AppError('PROVIDER_UNSUPPORTED', { evidence: { provider: 'webhook', operation: 'list', reason: 'no list call is configured' } });
    const res = await this.#send(list, 'list', this.#values(zone), call.signal);
    const z = normalizeName(zone);
    let doc: unknown;
    try {
      doc = JSON.parse(res.body.toString('utf8'));
    } catch {
      doc = undefined;
    }
    const bad = (): AppError => invalidResponseError(res, { action: 'list', reason: 'expected a JSON array of {name, type, data, ttl}', secrets: this.#secrets });
    if (!Array.isArray(doc)) throw bad();
    return doc.map((item: unknown) => {
      if (typeof item !== 'object' || item === null) throw bad();
      const { name, type, data, ttl } = item as Record<string, unknown>;
      if (typeof name !== 'string' || typeof type !== 'string' || typeof data !== 'string') throw bad();
      const record: DnsRecord = { name: relativeName(absoluteName(name, z), z), type: type.toUpperCase(), data };
      return typeof ttl === 'number' ? { ...record, ttl } : record;
    });
  }

  async appendRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    for (const r of records) await this.#send(this.#o.config.append, 'append', this.#values(zone, r), call.signal);
    return [...records];
  }

  async deleteRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const removed: DnsRecord[] = [];
    for (const r of records) {
      if (r.data === '' && this.#o.config.list !== undefined) {
        const key = this.#values(zone, r);
        const listed = (await this.getRecords(zone, call)).filter((l) => {
          const v = this.#values(zone, l);
          return v.fqdn === key.fqdn && v.type === key.type;
        });
        for (const l of listed) await this.#send(this.#o.config.delete, 'delete', this.#values(zone, l), call.signal);
        removed.push(...listed);
      } else {
        await this.#send(this.#o.config.delete, 'delete', this.#values(zone, r), call.signal);
        removed.push(r);
      }
    }
    return removed;
  }

  async setRecords(zone: string, records: readonly DnsRecord[], call: ProviderCall = {}): Promise<DnsRecord[]> {
    const groups = new Map<string, DnsRecord[]>();
    for (const r of records) {
      const v = this.#values(zone, r);
      const key = `${v.fqdn}|${v.type}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const set = this.#o.config.set;
    for (const [, group] of groups) {
      const [first, ...rest] = group;
      if (first === undefined) continue;
      if (set !== undefined) {
        await this.#send(set, 'set', this.#values(zone, first), call.signal);
        await this.appendRecords(zone, rest, call);
      } else {
        await this.deleteRecords(zone, [{ name: first.name, type: first.type, data: '' }], call);
        await this.appendRecords(zone, group, call);
      }
    }
    return [...records];
  }
}
