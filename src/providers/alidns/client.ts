/**
 * Alibaba Cloud DNS (alidns, version 2015-01-09) over RPC signature v1.
 *
 * Every call is `POST <endpoint>/` with an application/x-www-form-urlencoded
 * body (Format=JSON), signed at the trusted time by signAlibabaRpc with a
 * fresh SignatureNonce per attempt (the server refuses a nonce twice), and
 * sent through sendSigned, which corrects the clock once on HTTP 400
 * `InvalidTimeStamp.Expired` from the response's `Date` header. Answers are
 * flat JSON objects with `RequestId`; errors are `{Code,Message,RequestId,…}`
 * (HTTP 4xx/5xx) and become AppErrors by `Code` (errors.ts). Lists are paged
 * with PageNumber/PageSize until TotalCount is reached, whatever page size
 * the server really uses.
 *
 * Failures on the way: `Throttling.User` / `Throttling` (HTTP 400) are
 * retried by the HTTP client like a 429, within its budget, each attempt
 * with a fresh nonce, then HTTP_RATE_LIMITED; a 503 `ServiceUnavailable`
 * likewise (as a 503). Describe* calls are reads and retried like GETs. An
 * answer that is not Alibaba's JSON is HTTP_STATUS (not 200, e.g. a
 * gateway's HTML page) or PROVIDER_RESPONSE_INVALID (200), with a short
 * excerpt of the body.
 */
import { randomUUID } from 'node:crypto';
import type { TrustedClock } from '../../clock/clock.ts';
import { sendSigned } from '../../http/signed.ts';
import type { HttpClient, HttpResponse } from '../../http/types.ts';
import { signAlibabaRpc } from '../../signing/alibaba-rpc.ts';
import { invalidResponseError } from '../../http/invalid-response.ts';
import { httpStatusError } from '../../http/status-error.ts';
import { SKEW_CODE, alidnsFailure, isThrottling, type AlibabaApiError } from './errors.ts';

export const ALIDNS_VERSION = '2015-01-09';
/** DescribeDomains' largest PageSize. */
export const MAX_DOMAIN_PAGE = 100;
/** DescribeDomainRecords' largest PageSize. */
export const MAX_RECORD_PAGE = 500;

export interface AlidnsClientOptions {
  readonly http: HttpClient;
  readonly clock: TrustedClock;
  /** e.g. "https://alidns.aliyuncs.com" */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** PEM roots for this endpoint only; absent: the default roots. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

/** One entry of DescribeDomainRecords' DomainRecords.Record. */
export interface AlidnsRecord {
  /** A decimal string (the ids exceed 2^53). */
  readonly recordId: string;
  /** Host record relative to the domain, "@" for the apex. */
  readonly rr: string;
  readonly type: string;
  readonly value: string;
  readonly ttl: number;
  readonly priority?: number;
}

/** What AddDomainRecord / UpdateDomainRecord write. */
export interface AlidnsRecordInput {
  readonly rr: string;
  readonly type: string;
  readonly value: string;
  readonly ttl?: number;
  readonly priority?: number;
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

function errorOf(doc: unknown, status: number): AlibabaApiError | undefined {
  if (!isObject(doc) || typeof doc['Code'] !== 'string') return undefined;
  return {
    code: doc['Code'],
    message: typeof doc['Message'] === 'string' ? doc['Message'] : '',
    status,
    ...(typeof doc['RequestId'] === 'string' ? { requestId: doc['RequestId'] } : {}),
  };
}

/** The answer object, or its error; an unreadable answer throws (HTTP_STATUS or PROVIDER_RESPONSE_INVALID). */
function parseAnswer(action: string, response: HttpResponse, secrets: readonly string[]): { ok: Json } | { error: AlibabaApiError } {
  const doc = parseBody(response);
  const error = errorOf(doc, response.status);
  if (error !== undefined) return { error };
  if (response.status !== 200) throw httpStatusError(response, { action, secrets });
  if (!isObject(doc)) throw invalidResponseError(response, { action, reason: doc === undefined ? 'not JSON' : 'not a JSON object', secrets });
  return { ok: doc };
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function toRecord(v: unknown): AlidnsRecord | undefined {
  if (!isObject(v)) return undefined;
  const recordId = text(v['RecordId']);
  const rr = text(v['RR']);
  const type = text(v['Type']);
  const value = text(v['Value']);
  if (recordId === undefined || rr === undefined || type === undefined || value === undefined) return undefined;
  const priority = num(v['Priority']);
  const upper = type.toUpperCase();
  return { recordId, rr, type: upper, value, ttl: num(v['TTL']), ...(upper === 'MX' && Number.isFinite(priority) ? { priority } : {}) };
}

/** `obj.outer.inner` as an array (Alibaba wraps lists: `{Domains:{Domain:[…]}}`). */
function wrapped(obj: Json, outer: string, inner: string): unknown[] {
  const o = obj[outer];
  const list = isObject(o) ? o[inner] : undefined;
  return Array.isArray(list) ? list : [];
}

export class AlidnsClient {
  readonly #o: AlidnsClientOptions;
  readonly #url: URL;

  constructor(o: AlidnsClientOptions) {
    this.#o = o;
    this.#url = new URL(o.endpoint);
  }

  /**
   * One API call. Resolves to the answer object; a vendor error rejects with
   * its mapped AppError, except codes listed in `tolerate`, which resolve to
   * `{ Code }` for the caller to handle.
   */
  async call(action: string, params: Readonly<Record<string, string>>, signal?: AbortSignal, tolerate: readonly string[] = []): Promise<Json> {
    const o = this.#o;
    const url = new URL('/', this.#url).toString();
    const { response } = await sendSigned({
      http: o.http,
      clock: o.clock,
      source: `http:${this.#url.host}`,
      classify: (r) => ({ skew: errorOf(parseBody(r), r.status)?.code === SKEW_CODE }),
      // Throttling.User and friends (HTTP 400): retried by the HTTP client like a 429, each attempt with a fresh nonce.
      throttled: (r) => {
        const code = errorOf(parseBody(r), r.status)?.code;
        return code !== undefined && isThrottling(code) ? code : undefined;
      },
      sign: (nowMs) => {
        const signed = signAlibabaRpc({
          method: 'POST',
          params: { ...params, Action: action, Version: ALIDNS_VERSION, Format: 'JSON' },
          accessKeyId: o.accessKeyId,
          accessKeySecret: o.accessKeySecret,
          timeMs: nowMs,
          // A fresh nonce on every attempt, the retry after a skew answer included.
          signatureNonce: randomUUID(),
        });
        return {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: signed.finalQueryOrFormBody,
          secrets: [o.accessKeySecret],
          // Describe* only read: repeated after a lost connection or a 5xx like a GET.
          ...(action.startsWith('Describe') ? { retry: 'idempotent' as const } : {}),
          ...(o.caPem === undefined ? {} : { trust: { caPem: o.caPem } }),
          ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
          ...(signal === undefined ? {} : { signal }),
        };
      },
    });
    const answer = parseAnswer(action, response, [o.accessKeySecret]);
    if ('ok' in answer) return answer.ok;
    if (tolerate.includes(answer.error.code)) return { Code: answer.error.code };
    throw alidnsFailure(action, answer.error, { endpoint: this.#url.host });
  }

  /**
   * Every record of `domain`, all pages. `filter` narrows on the server
   * (RRKeyWord is a fuzzy match there) and exactly here.
   */
  async listRecords(domain: string, filter: { rr?: string; type?: string } = {}, signal?: AbortSignal): Promise<AlidnsRecord[]> {
    const out: AlidnsRecord[] = [];
    let seen = 0;
    for (let page = 1; ; page++) {
      const params: Record<string, string> = { DomainName: domain, PageNumber: String(page), PageSize: String(MAX_RECORD_PAGE) };
      if (filter.rr !== undefined) params['RRKeyWord'] = filter.rr;
      if (filter.type !== undefined) params['TypeKeyWord'] = filter.type;
      const r = await this.call('DescribeDomainRecords', params, signal);
      const list = wrapped(r, 'DomainRecords', 'Record');
      const total = num(r['TotalCount']);
      seen += list.length;
      for (const item of list) {
        const rec = toRecord(item);
        if (rec === undefined) continue;
        if (filter.rr !== undefined && rec.rr.toLowerCase() !== filter.rr.toLowerCase()) continue;
        if (filter.type !== undefined && rec.type !== filter.type.toUpperCase()) continue;
        out.push(rec);
      }
      // Stop on the total, or on an empty page (a server that does not report one).
      if (list.length === 0 || !Number.isFinite(total) || seen >= total) return out;
    }
  }

  /** AddDomainRecord; resolves to the new RecordId (undefined when a tolerated error answered). */
  async addRecord(domain: string, r: AlidnsRecordInput, signal?: AbortSignal, tolerate: readonly string[] = []): Promise<string | undefined> {
    const res = await this.call('AddDomainRecord', { DomainName: domain, ...recordParams(r) }, signal, tolerate);
    return res['Code'] === undefined ? text(res['RecordId']) : undefined;
  }

  async updateRecord(recordId: string, r: AlidnsRecordInput, signal?: AbortSignal, tolerate: readonly string[] = []): Promise<void> {
    await this.call('UpdateDomainRecord', { RecordId: recordId, ...recordParams(r) }, signal, tolerate);
  }

  async deleteRecord(recordId: string, signal?: AbortSignal): Promise<void> {
    await this.call('DeleteDomainRecord', { RecordId: recordId }, signal);
  }

  /** Names of every domain the key can see (DescribeDomains, all pages), without trailing dots. */
  async listDomains(signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    let seen = 0;
    for (let page = 1; ; page++) {
      const r = await this.call('DescribeDomains', { PageNumber: String(page), PageSize: String(MAX_DOMAIN_PAGE) }, signal);
      const list = wrapped(r, 'Domains', 'Domain');
      seen += list.length;
      for (const d of list) if (isObject(d) && typeof d['DomainName'] === 'string') out.push(d['DomainName']);
      const total = num(r['TotalCount']);
      if (list.length === 0 || !Number.isFinite(total) || seen >= total) return out;
    }
  }
}

function recordParams(r: AlidnsRecordInput): Record<string, string> {
  return {
    RR: r.rr,
    Type: r.type,
    Value: r.value,
    ...(r.ttl === undefined ? {} : { TTL: String(r.ttl) }),
    ...(r.priority === undefined ? {} : { Priority: String(r.priority) }),
  };
}
