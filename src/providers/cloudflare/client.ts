/**
 * Cloudflare API v4 over zonekeeper's HTTP client: Bearer API token, the
 * zones lookup and the dns_records endpoints. Every call resolves to the
 * envelope's `result` or rejects with an AppError (errors.ts). Reads retry
 * on 429/5xx with Retry-After (the HTTP client's bounded budget); writes on
 * 429/503 only, which Cloudflare sends before acting.
 */
import { AppError } from '../../core/errors.ts';
import type { HttpClient, HttpResponse } from '../../http/types.ts';
import type { CfRecord, CfRecordInput } from './content.ts';
import { RECORD_EXISTS, RECORD_NOT_FOUND, cloudflareFailure, parseEnvelope, type CfEnvelope } from './errors.ts';

export interface CloudflareClientOptions {
  readonly http: HttpClient;
  /** API base, e.g. "https://api.cloudflare.com/client/v4" (no trailing slash needed). */
  readonly endpoint: string;
  readonly apiToken: string;
  /** Trusted roots for a private endpoint (PEM); absent: the default roots. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
  /** Records per page when listing (Cloudflare allows up to 5000). */
  readonly perPage?: number;
}

export const DEFAULT_PER_PAGE = 5000;

/** What a write found instead of doing its work (idempotency: not errors). */
export type WriteOutcome = 'done' | 'exists' | 'gone';

interface Call {
  readonly method: string;
  readonly path: string;
  readonly action: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
}

export class CloudflareClient {
  readonly #o: CloudflareClientOptions;
  readonly #base: string;

  constructor(o: CloudflareClientOptions) {
    this.#o = o;
    this.#base = o.endpoint.replace(/\/+$/, '');
  }

  async #send(c: Call): Promise<{ res: HttpResponse; env: CfEnvelope<unknown> | undefined }> {
    const res = await this.#o.http.request({
      method: c.method,
      url: `${this.#base}${c.path}`,
      headers: { authorization: `Bearer ${this.#o.apiToken}`, accept: 'application/json', ...(c.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }),
      ...(c.signal === undefined ? {} : { signal: c.signal }),
      ...(this.#o.caPem === undefined ? {} : { trust: { caPem: this.#o.caPem } }),
      ...(this.#o.timeoutMs === undefined ? {} : { timeoutMs: this.#o.timeoutMs }),
      secrets: [this.#o.apiToken],
    });
    return { res, env: parseEnvelope(res) };
  }

  async #call<T>(c: Call): Promise<{ result: T; env: CfEnvelope<T>; res: HttpResponse }> {
    const { res, env } = await this.#send(c);
    if (env === undefined || !env.success || res.status >= 300) throw cloudflareFailure(res, env, c.action, c.method !== 'GET', [this.#o.apiToken]);
    return { result: env.result as T, env: env as CfEnvelope<T>, res };
  }

  /** The id of the zone named `zone` (absolute, trailing dot optional); ZONE_NOT_FOUND when the token sees none. */
  async zoneId(zone: string, signal?: AbortSignal): Promise<string> {
    const name = zone.replace(/\.$/, '');
    const { result } = await this.#call<Array<{ id?: unknown; name?: unknown }>>({ method: 'GET', path: `/zones?name=${encodeURIComponent(name)}`, action: 'zones.list', signal });
    const hit = Array.isArray(result) ? result.find((z) => typeof z.id === 'string' && z.name === name) : undefined;
    if (hit === undefined) throw new AppError('ZONE_NOT_FOUND', { evidence: { zone: name, provider: 'cloudflare', reason: 'the API token sees no zone of that name' } });
    return hit.id as string;
  }

  /** The names of every zone the token can see (GET /zones, 50 a page, following result_info.total_pages). */
  async zoneNames(signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    for (let page = 1; ; page++) {
      const { result, env, res } = await this.#call<Array<{ name?: unknown }>>({ method: 'GET', path: `/zones?page=${page}&per_page=50`, action: 'zones.list', signal });
      if (!Array.isArray(result)) throw cloudflareFailure(res, undefined, 'zones.list', false, [this.#o.apiToken]);
      for (const z of result) if (typeof z.name === 'string') out.push(z.name);
      if (page >= (env.result_info?.total_pages ?? 1) || result.length === 0) return out;
    }
  }

  /** Every DNS record of the zone, following result_info.total_pages. */
  async listRecords(zoneId: string, signal?: AbortSignal): Promise<CfRecord[]> {
    const perPage = this.#o.perPage ?? DEFAULT_PER_PAGE;
    const out: CfRecord[] = [];
    for (let page = 1; ; page++) {
      const { result, env, res } = await this.#call<CfRecord[]>({
        method: 'GET',
        path: `/zones/${encodeURIComponent(zoneId)}/dns_records?page=${page}&per_page=${perPage}`,
        action: 'dns_records.list',
        signal,
      });
      if (!Array.isArray(result)) throw cloudflareFailure(res, undefined, 'dns_records.list', false, [this.#o.apiToken]);
      out.push(...result);
      const total = env.result_info?.total_pages ?? 1;
      if (page >= total || result.length === 0) return out;
    }
  }

  /** Create a record; 'exists' when Cloudflare already has an identical one. */
  async createRecord(zoneId: string, r: CfRecordInput, signal?: AbortSignal): Promise<WriteOutcome> {
    const { res, env } = await this.#send({ method: 'POST', path: `/zones/${encodeURIComponent(zoneId)}/dns_records`, action: 'dns_records.create', body: r, signal });
    if (env?.success === true && res.status < 300) return 'done';
    if (env !== undefined && env.errors.some((e) => RECORD_EXISTS.has(e.code)) && res.status === 400) return 'exists';
    throw cloudflareFailure(res, env, 'dns_records.create', true, [this.#o.apiToken]);
  }

  /** Overwrite the fields of record `id`. */
  async patchRecord(zoneId: string, id: string, r: CfRecordInput, signal?: AbortSignal): Promise<void> {
    await this.#call({ method: 'PATCH', path: `/zones/${encodeURIComponent(zoneId)}/dns_records/${encodeURIComponent(id)}`, action: 'dns_records.edit', body: r, signal });
  }

  /** Delete record `id`; 'gone' when it was not there (idempotent). */
  async deleteRecord(zoneId: string, id: string, signal?: AbortSignal): Promise<WriteOutcome> {
    const { res, env } = await this.#send({ method: 'DELETE', path: `/zones/${encodeURIComponent(zoneId)}/dns_records/${encodeURIComponent(id)}`, action: 'dns_records.delete', signal });
    if (env?.success === true && res.status < 300) return 'done';
    if (res.status === 404 || (env !== undefined && env.errors.some((e) => e.code === RECORD_NOT_FOUND))) return 'gone';
    throw cloudflareFailure(res, env, 'dns_records.delete', true, [this.#o.apiToken]);
  }
}
