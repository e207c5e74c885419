/**
 * Huawei Cloud DNS API v2 over APIG AK/SK signing (SDK-HMAC-SHA256).
 *
 * Every call is signed at the trusted time by signHuawei (Host, X-Sdk-Date,
 * Content-Type and, when configured, X-Project-Id are signed; the body is
 * hashed exactly as sent) and sent through sendSigned, which corrects the
 * clock once on HTTP 401 APIGW.0301 "signature expired" using the explicit
 * "server time:" of the message (sample source `apig:<host>`), besides the
 * `Date` header the HTTP client samples by itself. Wrong SK / unknown AK
 * are PROVIDER_AUTH, never retried (errors.ts).
 *
 * Calls used: GET /v2/zones?type=public&name=, GET /v2/zones/{id}/recordsets
 * (limit/offset paging until metadata.total_count, or until a page without
 * links.next when the server reports no total), POST /v2/zones/{id}/recordsets,
 * PUT and DELETE /v2/zones/{id}/recordsets/{rid}.
 *
 * Failures on the way: the gateway's throttling (HTTP 429 APIGW.0308 "The
 * throttling threshold has been reached…") is retried by the HTTP client
 * within its budget, each attempt signed anew, then HTTP_RATE_LIMITED.
 * GETs are retried after a lost connection or a 5xx; writes only when
 * Huawei cannot have acted on them. A 2xx whose body is not JSON is
 * PROVIDER_RESPONSE_INVALID; a failure status whose body is neither error
 * shape (a load balancer's HTML page) is HTTP_STATUS, both with a short
 * excerpt of the body.
 */
import type { TrustedClock } from '../../clock/clock.ts';
import { sendSigned } from '../../http/signed.ts';
import type { HttpClient, HttpResponse } from '../../http/types.ts';
import { signHuawei } from '../../signing/huawei.ts';
import { invalidResponseError } from '../../http/invalid-response.ts';
import { httpStatusError } from '../../http/status-error.ts';
import { huaweiFailure, isSkew, isThrottling, serverTimeOf, type HuaweiApiError } from './errors.ts';

/** Largest `limit` the recordset list accepts. */
export const MAX_PAGE = 500;

export interface HuaweiDnsClientOptions {
  readonly http: HttpClient;
  readonly clock: TrustedClock;
  /** e.g. "https://dns.myhuaweicloud.com" */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Sent (and signed) as X-Project-Id when set. */
  readonly projectId?: string;
  readonly caPem?: string;
  readonly timeoutMs?: number;
  /** `limit` asked per recordset page (default MAX_PAGE). */
  readonly pageSize?: number;
}

/** One recordset: every value of a name and type. */
export interface HuaweiRecordset {
  readonly id: string;
  /** Absolute, with the trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  /** Values in zone-file form (TXT quoted). */
  readonly records: readonly string[];
}

export interface HuaweiZone {
  readonly id: string;
  /** Absolute, with the trailing dot. */
  readonly name: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The gateway's `{error_code,error_msg}` or the service's `{code,message}`; undefined on 2xx. */
export function errorOf(doc: unknown, status: number): HuaweiApiError | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (!isObject(doc)) return undefined;
  const code = typeof doc['error_code'] === 'string' ? doc['error_code'] : typeof doc['code'] === 'string' ? doc['code'] : undefined;
  if (code === undefined) return undefined;
  const message = typeof doc['error_msg'] === 'string' ? doc['error_msg'] : typeof doc['message'] === 'string' ? doc['message'] : '';
  const requestId = typeof doc['request_id'] === 'string' ? doc['request_id'] : undefined;
  return { code, message, status, ...(requestId === undefined ? {} : { requestId }) };
}

function toRecordset(v: unknown): HuaweiRecordset | undefined {
  if (!isObject(v)) return undefined;
  const { id, name, type, ttl, records } = v;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof type !== 'string' || !Array.isArray(records)) return undefined;
  return { id, name: name.toLowerCase(), type: type.toUpperCase(), ttl: typeof ttl === 'number' ? ttl : Number(ttl), records: records.filter((r): r is string => typeof r === 'string') };
}

export class HuaweiDnsClient {
  readonly #o: HuaweiDnsClientOptions;
  readonly #url: URL;

  constructor(o: HuaweiDnsClientOptions) {
    this.#o = o;
    this.#url = new URL(o.endpoint);
  }

  /** One API call; resolves to the JSON answer ({} for an empty body), rejects with the mapped AppError. */
  async call(action: string, method: string, path: string, query: Readonly<Record<string, string>> = {}, body?: Json, signal?: AbortSignal): Promise<Json> {
    const o = this.#o;
    const payload = body === undefined ? '' : JSON.stringify(body);
    const { response } = await sendSigned({
      http: o.http,
      clock: o.clock,
      source: `apig:${this.#url.host}`,
      classify: (r) => {
        const err = errorOf(parseBody(r), r.status);
        if (!isSkew(err)) return { skew: false };
        const serverTimeMs = serverTimeOf(err?.message ?? '');
        return serverTimeMs === undefined ? { skew: true } : { skew: true, serverTimeMs };
      },
      // The gateway's APIGW.0308 (HTTP 429): retried by the HTTP client, signed anew.
      throttled: (r) => {
        const code = errorOf(parseBody(r), r.status)?.code;
        return code !== undefined && isThrottling(code) ? code : undefined;
      },
      sign: (nowMs) => {
        const signed = signHuawei({
          ak: o.accessKeyId,
          sk: o.secretAccessKey,
          method,
          host: this.#url.host,
          path,
          query,
          headers: { 'Content-Type': 'application/json', ...(o.projectId === undefined ? {} : { 'X-Project-Id': o.projectId }) },
          body: payload,
          timeMs: nowMs,
        });
        const { Host: _host, ...headers } = signed.headers;
        const qs = signed.canonicalQueryString;
        return {
          method,
          url: new URL(`${signed.requestPath}${qs === '' ? '' : `?${qs}`}`, this.#url).toString(),
          headers: { ...headers, accept: 'application/json' },
          ...(payload === '' ? {} : { body: payload }),
          secrets: [o.secretAccessKey],
          ...(o.caPem === undefined ? {} : { trust: { caPem: o.caPem } }),
          ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
          ...(signal === undefined ? {} : { signal }),
        };
      },
    });
    const doc = parseBody(response);
    const error = errorOf(doc, response.status);
    if (error !== undefined) throw huaweiFailure(action, error, { endpoint: this.#url.host });
    const secrets = [o.secretAccessKey];
    if (response.status < 200 || response.status >= 300) throw httpStatusError(response, { action, secrets });
    if (response.body.length === 0) return {};
    if (!isObject(doc)) throw invalidResponseError(response, { action, reason: doc === undefined ? 'not JSON' : 'not a JSON object', secrets });
    return doc;
  }

  /** Public zones whose name is exactly `name` (absolute), or every public zone when absent. */
  async listZones(name?: string, signal?: AbortSignal): Promise<HuaweiZone[]> {
    const out: HuaweiZone[] = [];
    for (let offset = 0; ; ) {
      const query: Record<string, string> = { type: 'public', limit: '500', offset: String(offset) };
      if (name !== undefined) query['name'] = name;
      const r = await this.call('GET zones', 'GET', '/v2/zones', query, undefined, signal);
      const list = Array.isArray(r['zones']) ? r['zones'] : [];
      for (const z of list) {
        if (!isObject(z) || typeof z['id'] !== 'string' || typeof z['name'] !== 'string') continue;
        const zname = z['name'].toLowerCase();
        // `name` is a fuzzy match on the server: keep exact matches only.
        if (name === undefined || zname === name.toLowerCase()) out.push({ id: z['id'], name: zname });
      }
      offset += list.length;
      if (!morePages(r, list.length, offset)) return out;
    }
  }

  /** Recordsets of a zone, all pages; `filter` narrows on the server (name is fuzzy there) and exactly here. */
  async listRecordsets(zoneId: string, filter: { name?: string; type?: string } = {}, signal?: AbortSignal): Promise<HuaweiRecordset[]> {
    const out: HuaweiRecordset[] = [];
    const limit = String(Math.min(this.#o.pageSize ?? MAX_PAGE, MAX_PAGE));
    for (let offset = 0; ; ) {
      const query: Record<string, string> = { limit, offset: String(offset) };
      if (filter.name !== undefined) query['name'] = filter.name;
      if (filter.type !== undefined) query['type'] = filter.type;
      const r = await this.call('GET recordsets', 'GET', `/v2/zones/${zoneId}/recordsets`, query, undefined, signal);
      const list = Array.isArray(r['recordsets']) ? r['recordsets'] : [];
      for (const item of list) {
        const rs = toRecordset(item);
        if (rs === undefined) continue;
        if (filter.name !== undefined && rs.name !== filter.name.toLowerCase()) continue;
        if (filter.type !== undefined && rs.type !== filter.type.toUpperCase()) continue;
        out.push(rs);
      }
      offset += list.length;
      if (!morePages(r, list.length, offset)) return out;
    }
  }

  async createRecordset(zoneId: string, rs: { name: string; type: string; ttl: number; records: readonly string[] }, signal?: AbortSignal): Promise<void> {
    await this.call('POST recordset', 'POST', `/v2/zones/${zoneId}/recordsets`, {}, { name: rs.name, type: rs.type, ttl: rs.ttl, records: [...rs.records] }, signal);
  }

  async updateRecordset(zoneId: string, id: string, rs: { ttl: number; records: readonly string[] }, signal?: AbortSignal): Promise<void> {
    await this.call('PUT recordset', 'PUT', `/v2/zones/${zoneId}/recordsets/${id}`, {}, { ttl: rs.ttl, records: [...rs.records] }, signal);
  }

  async deleteRecordset(zoneId: string, id: string, signal?: AbortSignal): Promise<void> {
    await this.call('DELETE recordset', 'DELETE', `/v2/zones/${zoneId}/recordsets/${id}`, {}, undefined, signal);
  }
}

/** Another page follows: below metadata.total_count, or (no total) links.next present. */
function morePages(r: Json, got: number, seen: number): boolean {
  if (got === 0) return false;
  const meta = r['metadata'];
  const total = isObject(meta) ? Number(meta['total_count']) : Number.NaN;
  if (Number.isFinite(total)) return seen < total;
  const links = r['links'];
  return isObject(links) && typeof links['next'] === 'string';
}
