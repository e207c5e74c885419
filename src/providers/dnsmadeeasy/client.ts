/**
 * DNS Made Easy REST API v2.0 over its HMAC-SHA1 request-date signature.
 *
 * Every call is signed at the trusted time (signDnsMadeEasy) and sent
 * through sendSigned, which corrects the clock once on the "too far out of
 * sync" answer (errors.ts). Lists (`{data, page, totalPages}`) are fetched
 * page by page (`?page=N`, first page 0) until `totalPages` is reached or a
 * page is empty, whatever page size the server uses. Failures become
 * AppErrors by status (errors.ts); a DELETE answered 404 is "already gone".
 *
 * Failures on the way: DME's rate limit (HTTP 400 "Rate limit exceeded",
 * no Retry-After) is retried by the HTTP client like a 429 with backoff,
 * within its budget, each attempt signed anew (the request date must stay
 * within 30 s), then HTTP_RATE_LIMITED. A 2xx whose body is not JSON is
 * PROVIDER_RESPONSE_INVALID (a write's answer too: it may or may not have
 * been applied); a failure status whose body is not DME's `{"error": […]}`
 * (a gateway's HTML page) is HTTP_STATUS with a short excerpt.
 */
import { AppError } from '../../core/errors.ts';
import type { TrustedClock } from '../../clock/clock.ts';
import { sendSigned } from '../../http/signed.ts';
import type { HttpClient, HttpResponse } from '../../http/types.ts';
import { signDnsMadeEasy } from '../../signing/dnsmadeeasy.ts';
import { invalidResponseError } from '../../http/invalid-response.ts';
import { dmeFailure, skewVerdict, throttleVerdict } from './errors.ts';

export interface DmeClientOptions {
  readonly http: HttpClient;
  readonly clock: TrustedClock;
  /** e.g. "https://api.dnsmadeeasy.com/V2.0" (no trailing slash). */
  readonly endpoint: string;
  readonly apiKey: string;
  readonly secretKey: string;
  /** PEM roots for this endpoint only; absent: the default roots. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

/** One record as DME lists it. */
export interface DmeRecord {
  readonly id: number;
  /** Relative to the domain, "" for the apex. */
  readonly name: string;
  readonly type: string;
  /** As stored: TXT values include their quotes. */
  readonly value: string;
  readonly ttl: number;
  readonly mxLevel?: number;
}

/** What POST / PUT write. */
export interface DmeRecordInput {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly ttl: number;
  readonly mxLevel?: number;
}

export interface DmeDomain {
  readonly id: number;
  /** Without a trailing dot. */
  readonly name: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isJson(res: HttpResponse): boolean {
  try {
    JSON.parse(res.body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function malformed(action: string, reason: string, response: HttpResponse, secrets: readonly string[]): AppError {
  return invalidResponseError(response, { action, reason, secrets });
}

function toRecord(v: unknown): DmeRecord | undefined {
  if (!isObject(v)) return undefined;
  const { id, name, type, value, ttl, mxLevel } = v;
  if (typeof id !== 'number' || typeof name !== 'string' || typeof type !== 'string' || typeof value !== 'string') return undefined;
  return {
    id,
    name,
    type: type.toUpperCase(),
    value,
    ttl: typeof ttl === 'number' ? ttl : 0,
    ...(type.toUpperCase() === 'MX' && typeof mxLevel === 'number' ? { mxLevel } : {}),
  };
}

export class DmeClient {
  readonly #o: DmeClientOptions;
  readonly #host: string;

  constructor(o: DmeClientOptions) {
    this.#o = o;
    this.#host = new URL(o.endpoint).host;
  }

  /**
   * One API call to `path` (below the endpoint). Resolves to the answer when
   * its status is 2xx or listed in `tolerate`; otherwise rejects with the
   * mapped AppError.
   */
  async call(action: string, method: string, path: string, body?: Json, signal?: AbortSignal, tolerate: readonly number[] = []): Promise<HttpResponse> {
    const o = this.#o;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { response } = await sendSigned({
      http: o.http,
      clock: o.clock,
      source: `http:${this.#host}`,
      classify: skewVerdict,
      // "Rate limit exceeded" comes as an HTTP 400: retried by the HTTP client like a 429, signed anew.
      throttled: throttleVerdict,
      sign: (nowMs) => ({
        method,
        url: `${o.endpoint}${path}`,
        headers: {
          ...signDnsMadeEasy({ apiKey: o.apiKey, secretKey: o.secretKey, timeMs: nowMs }).headers,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: payload }),
        secrets: [o.secretKey],
        ...(o.caPem === undefined ? {} : { trust: { caPem: o.caPem } }),
        ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
        ...(signal === undefined ? {} : { signal }),
      }),
    });
    if (response.status >= 200 && response.status < 300) {
      // Every answer DME sends with a body is JSON: anything else was garbled on the way.
      if (response.body.length > 0 && !isJson(response)) throw malformed(action, 'not JSON', response, [o.secretKey]);
      return response;
    }
    if (tolerate.includes(response.status)) return response;
    throw dmeFailure(action, response, { endpoint: this.#host }, [o.secretKey]);
  }

  async #json(action: string, path: string, signal?: AbortSignal): Promise<Json> {
    const res = await this.call(action, 'GET', path, undefined, signal);
    let doc: unknown;
    try {
      doc = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw malformed(action, 'not JSON', res, [this.#o.secretKey]);
    }
    if (!isObject(doc)) throw malformed(action, 'not a JSON object', res, [this.#o.secretKey]);
    return doc;
  }

  /** Every item of a paged list at `path`. */
  async #pages(action: string, path: string, signal?: AbortSignal): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let page = 0; ; page++) {
      const doc = await this.#json(action, `${path}?page=${page}`, signal);
      const data = Array.isArray(doc['data']) ? doc['data'] : [];
      out.push(...data);
      const total = typeof doc['totalPages'] === 'number' ? doc['totalPages'] : Number.NaN;
      if (data.length === 0 || !Number.isFinite(total) || page + 1 >= total) return out;
    }
  }

  /** Every managed domain of the account (GET /dns/managed/, all pages). */
  async listDomains(signal?: AbortSignal): Promise<DmeDomain[]> {
    const out: DmeDomain[] = [];
    for (const d of await this.#pages('listDomains', '/dns/managed/', signal)) {
      if (isObject(d) && typeof d['id'] === 'number' && typeof d['name'] === 'string') out.push({ id: d['id'], name: d['name'] });
    }
    return out;
  }

  /** The id of domain `name` (no trailing dot); ZONE_NOT_FOUND on 404. */
  async domainId(name: string, signal?: AbortSignal): Promise<number> {
    const res = await this.call('domainByName', 'GET', `/dns/managed/name?domainname=${encodeURIComponent(name)}`, undefined, signal, [404]);
    if (res.status === 404) throw new AppError('ZONE_NOT_FOUND', { evidence: { zone: name, provider: 'dnsmadeeasy', reason: 'the API key sees no managed domain of that name' } });
    let doc: unknown;
    try {
      doc = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw malformed('domainByName', 'not JSON', res, [this.#o.secretKey]);
    }
    if (!isObject(doc) || typeof doc['id'] !== 'number') throw malformed('domainByName', 'no id', res, [this.#o.secretKey]);
    return doc['id'];
  }

  /** Every record of domain `domainId`, all pages. */
  async listRecords(domainId: number, signal?: AbortSignal): Promise<DmeRecord[]> {
    const out: DmeRecord[] = [];
    for (const item of await this.#pages('listRecords', `/dns/managed/${domainId}/records`, signal)) {
      const r = toRecord(item);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  async createRecord(domainId: number, r: DmeRecordInput, signal?: AbortSignal): Promise<void> {
    await this.call('createRecord', 'POST', `/dns/managed/${domainId}/records`, recordBody(r), signal);
  }

  async updateRecord(domainId: number, recordId: number, r: DmeRecordInput, signal?: AbortSignal): Promise<void> {
    await this.call('updateRecord', 'PUT', `/dns/managed/${domainId}/records/${recordId}`, { id: recordId, ...recordBody(r) }, signal);
  }

  /** Resolves to false when the record was already gone (404). */
  async deleteRecord(domainId: number, recordId: number, signal?: AbortSignal): Promise<boolean> {
    const res = await this.call('deleteRecord', 'DELETE', `/dns/managed/${domainId}/records/${recordId}`, undefined, signal, [404]);
    return res.status !== 404;
  }
}

function recordBody(r: DmeRecordInput): Json {
  return { name: r.name, type: r.type, value: r.value, ttl: r.ttl, gtdLocation: 'DEFAULT', ...(r.mxLevel === undefined ? {} : { mxLevel: r.mxLevel }) };
}
