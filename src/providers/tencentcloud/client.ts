/**
 * DNSPod API 3.0 (version 2021-03-23) over TC3-HMAC-SHA256.
 *
 * Every call is `POST <endpoint>/` with a JSON body, signed at the trusted
 * time (signTc3) and sent through sendSigned, which corrects the clock once
 * on `AuthFailure.SignatureExpire`. Answers are `{Response:{…,RequestId}}`;
 * errors `{Response:{Error:{Code,Message},RequestId}}` (HTTP 200) become
 * AppErrors by `Code` (errors.ts). Lists are paged with Offset/Limit until
 * the reported total is reached, whatever page size the server uses.
 *
 * Failures on the way: `RequestLimitExceeded` (in an HTTP 200) is retried
 * by the HTTP client like a 429, within its budget, each attempt signed
 * anew, then HTTP_RATE_LIMITED. Describe* calls are reads and retried like
 * GETs (a lost connection, a 5xx); writes only when Tencent cannot have
 * acted on them. An answer that is not JSON or has no `Response` is
 * PROVIDER_RESPONSE_INVALID (HTTP 200) or HTTP_STATUS (any other status,
 * e.g. a gateway's HTML page), with a short excerpt of the body.
 */
import type { TrustedClock } from '../../clock/clock.ts';
import { AppError } from '../../core/errors.ts';
import { sendSigned } from '../../http/signed.ts';
import type { HttpClient, HttpResponse } from '../../http/types.ts';
import { signTc3 } from '../../signing/tc3.ts';
import { invalidResponseError } from '../../http/invalid-response.ts';
import { httpStatusError } from '../../http/status-error.ts';
import { NO_RECORDS_CODE, SKEW_CODE, isThrottling, tencentFailure, type TencentApiError } from './errors.ts';

export const DNSPOD_VERSION = '2021-03-23';
export const DNSPOD_SERVICE = 'dnspod';
/** DescribeRecordList's largest Limit. */
export const MAX_LIMIT = 3000;
const CONTENT_TYPE = 'application/json';

export interface DnspodClientOptions {
  readonly http: HttpClient;
  readonly clock: TrustedClock;
  /** e.g. "https://dnspod.tencentcloudapi.com" */
  readonly endpoint: string;
  readonly secretId: string;
  readonly secretKey: string;
  /** PEM roots for this endpoint only; absent: the default roots. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

/** One entry of DescribeRecordList's RecordList. */
export interface DnspodRecord {
  readonly recordId: number;
  /** Subdomain relative to the domain, "@" for the apex. */
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly ttl: number;
  readonly line: string;
  readonly mx?: number;
}

/** What CreateRecord / ModifyRecord write. */
export interface DnspodRecordInput {
  readonly subDomain: string;
  readonly type: string;
  readonly value: string;
  readonly ttl?: number;
  readonly mx?: number;
}

/** RecordLine for every record we write: the default line. */
export const DEFAULT_LINE = '默认';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `Response` object of an answer, or its `Error`; an unreadable answer throws (HTTP_STATUS or PROVIDER_RESPONSE_INVALID). */
function parseAnswer(action: string, response: HttpResponse, secrets: readonly string[]): { ok: Json } | { error: TencentApiError } {
  let doc: unknown;
  try {
    doc = JSON.parse(response.body.toString('utf8'));
  } catch {
    if (response.status !== 200) throw httpStatusError(response, { action, secrets });
    throw invalidResponseError(response, { action, reason: 'not JSON', secrets });
  }
  const inner = isObject(doc) ? doc['Response'] : undefined;
  if (!isObject(inner)) throw response.status !== 200 ? httpStatusError(response, { action, secrets }) : invalidResponseError(response, { action, reason: 'no Response object', secrets });
  const requestId = typeof inner['RequestId'] === 'string' ? inner['RequestId'] : undefined;
  const err = inner['Error'];
  if (isObject(err)) {
    const code = typeof err['Code'] === 'string' ? err['Code'] : 'unknown';
    const message = typeof err['Message'] === 'string' ? err['Message'] : '';
    return { error: { code, message, ...(requestId === undefined ? {} : { requestId }) } };
  }
  return { ok: inner };
}

/** The `Response.Error.Code` of an answer, if it is one. */
function errorCode(response: HttpResponse): string | undefined {
  try {
    const doc = JSON.parse(response.body.toString('utf8')) as unknown;
    const inner = isObject(doc) ? doc['Response'] : undefined;
    const err = isObject(inner) ? inner['Error'] : undefined;
    return isObject(err) && typeof err['Code'] === 'string' ? err['Code'] : undefined;
  } catch {
    return undefined;
  }
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** One RecordList entry; undefined when it lacks an id, name, type or value. */
function toRecord(v: unknown): DnspodRecord | undefined {
  if (!isObject(v)) return undefined;
  const recordId = num(v['RecordId']);
  const name = text(v['Name']);
  const type = text(v['Type']);
  const value = text(v['Value']);
  if (!Number.isFinite(recordId) || name === undefined || type === undefined || value === undefined) return undefined;
  const mx = num(v['MX']);
  return {
    recordId,
    name,
    type: type.toUpperCase(),
    value,
    ttl: num(v['TTL']),
    line: text(v['Line']) ?? '',
    ...(Number.isFinite(mx) && mx > 0 ? { mx } : {}),
  };
}

export class DnspodClient {
  readonly #o: DnspodClientOptions;
  readonly #url: URL;

  constructor(o: DnspodClientOptions) {
    this.#o = o;
    this.#url = new URL(o.endpoint);
  }

  /**
   * One API call. Resolves to the `Response` object (RequestId included);
   * a vendor error rejects with its mapped AppError, except codes listed in
   * `tolerate`, which resolve to `{ Error: { Code } }` for the caller to handle.
   */
  async call(action: string, params: Json, signal?: AbortSignal, tolerate: readonly string[] = []): Promise<Json> {
    const body = JSON.stringify(params);
    const o = this.#o;
    const url = new URL('/', this.#url).toString();
    const { response } = await sendSigned({
      http: o.http,
      clock: o.clock,
      source: `http:${this.#url.host}`,
      classify: (r) => ({ skew: errorCode(r) === SKEW_CODE }),
      // RequestLimitExceeded comes in an HTTP 200: retried by the HTTP client like a 429, signed anew.
      throttled: (r) => {
        const code = errorCode(r);
        return code !== undefined && isThrottling(code) ? code : undefined;
      },
      sign: (nowMs) => {
        // Host is signed without a port, as the SDK does (the API is always on 443).
        const signed = signTc3({
          secretId: o.secretId,
          secretKey: o.secretKey,
          service: DNSPOD_SERVICE,
          host: this.#url.hostname,
          action,
          version: DNSPOD_VERSION,
          method: 'POST',
          query: '',
          contentType: CONTENT_TYPE,
          payload: body,
          timeMs: nowMs,
        });
        const { Host: _host, ...headers } = signed.headers;
        return {
          method: 'POST',
          url,
          headers,
          body,
          secrets: [o.secretKey],
          // Describe* only read: repeated after a lost connection or a 5xx like a GET.
          ...(action.startsWith('Describe') ? { retry: 'idempotent' as const } : {}),
          ...(o.caPem === undefined ? {} : { trust: { caPem: o.caPem } }),
          ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
          ...(signal === undefined ? {} : { signal }),
        };
      },
    });
    const answer = parseAnswer(action, response, [o.secretKey]);
    if ('ok' in answer) return answer.ok;
    if (tolerate.includes(answer.error.code)) return { Error: { Code: answer.error.code } };
    throw tencentFailure(action, answer.error, { endpoint: this.#url.host });
  }

  /** Every record of `domain` (optionally only one subdomain and/or type), all pages. */
  async listRecords(domain: string, filter: { subDomain?: string; type?: string } = {}, signal?: AbortSignal): Promise<DnspodRecord[]> {
    const out: DnspodRecord[] = [];
    for (;;) {
      const params: Json = { Domain: domain, Offset: out.length, Limit: MAX_LIMIT };
      if (filter.subDomain !== undefined) params['Subdomain'] = filter.subDomain;
      if (filter.type !== undefined) params['RecordType'] = filter.type;
      const r = await this.call('DescribeRecordList', params, signal, [NO_RECORDS_CODE]);
      if (r['Error'] !== undefined) return out;
      const list = Array.isArray(r['RecordList']) ? r['RecordList'] : [];
      const info = r['RecordCountInfo'];
      const total = isObject(info) ? num(info['TotalCount']) : Number.NaN;
      for (const item of list) {
        const rec = toRecord(item);
        if (rec !== undefined) out.push(rec);
      }
      // Stop on the total, or on an empty page (a server that does not report one).
      if (list.length === 0 || !Number.isFinite(total) || out.length >= total) return out;
    }
  }

  /** CreateRecord; resolves to the new RecordId. */
  async createRecord(domain: string, r: DnspodRecordInput, signal?: AbortSignal, tolerate: readonly string[] = []): Promise<number | undefined> {
    const res = await this.call('CreateRecord', { Domain: domain, ...recordParams(r) }, signal, tolerate);
    return res['Error'] === undefined ? num(res['RecordId']) : undefined;
  }

  async modifyRecord(domain: string, recordId: number, r: DnspodRecordInput, signal?: AbortSignal): Promise<void> {
    await this.call('ModifyRecord', { Domain: domain, RecordId: recordId, ...recordParams(r) }, signal);
  }

  /**
   * ModifyRecordBatch (Change "value", at most MAX_BATCH records): starts an
   * asynchronous job setting every record's value to `value`; resolves to
   * its JobId. DescribeBatchTask tells when it is done.
   */
  async modifyRecordValues(recordIds: readonly number[], value: string, signal?: AbortSignal): Promise<number> {
    const res = await this.call('ModifyRecordBatch', { RecordIdList: [...recordIds], Change: 'value', ChangeTo: value }, signal);
    const job = num(res['JobId']);
    if (!Number.isFinite(job)) throw new AppError('PROVIDER_RESPONSE_INVALID', { evidence: { action: 'ModifyRecordBatch', reason: 'no JobId in the answer' } });
    return job;
  }

  /** DescribeBatchTask: how many records of the job are done, and how many failed. */
  async batchTask(jobId: number, signal?: AbortSignal): Promise<{ total: number; success: number; fail: number }> {
    const res = await this.call('DescribeBatchTask', { JobId: jobId }, signal);
    return { total: num(res['TotalCount']), success: num(res['SuccessCount']), fail: num(res['FailCount']) };
  }

  /**
   * Wait for a batch job: DescribeBatchTask at once, then every 200 ms × 1.5
   * up to 2 s, for at most `timeoutMs`. PROVIDER_REJECTED when records
   * failed; HTTP_TIMEOUT-like PROVIDER_REJECTED (reason "still running")
   * when the job outlives the limit.
   */
  async awaitBatch(jobId: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const clock = this.#o.clock;
    const start = clock.monotonicMs();
    for (let wait = 200; ; wait = Math.min(2000, wait * 1.5)) {
      const t = await this.batchTask(jobId, signal);
      if (t.fail > 0) throw new AppError('PROVIDER_REJECTED', { evidence: { action: 'ModifyRecordBatch', jobId, failed: t.fail, total: t.total } });
      if (Number.isFinite(t.total) && t.success >= t.total) return;
      if (clock.monotonicMs() - start > timeoutMs) throw new AppError('PROVIDER_REJECTED', { evidence: { action: 'ModifyRecordBatch', jobId, reason: 'still running', done: t.success, total: t.total }, retryable: true });
      await clock.sleep(wait, signal);
    }
  }

  async deleteRecord(domain: string, recordId: number, signal?: AbortSignal, tolerate: readonly string[] = []): Promise<void> {
    await this.call('DeleteRecord', { Domain: domain, RecordId: recordId }, signal, tolerate);
  }

  /** Names of every domain the key can see (DescribeDomainList, all pages), without trailing dots. */
  async listDomains(signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const r = await this.call('DescribeDomainList', { Offset: out.length, Limit: MAX_LIMIT }, signal);
      const list = Array.isArray(r['DomainList']) ? r['DomainList'] : [];
      for (const d of list) if (isObject(d) && typeof d['Name'] === 'string') out.push(d['Name']);
      const info = r['DomainCountInfo'];
      const total = isObject(info) ? num(info['AllTotal'] ?? info['DomainTotal']) : Number.NaN;
      if (list.length === 0 || !Number.isFinite(total) || out.length >= total) return out;
    }
  }
}

function recordParams(r: DnspodRecordInput): Json {
  return {
    SubDomain: r.subDomain,
    RecordType: r.type,
    RecordLine: DEFAULT_LINE,
    Value: r.value,
    ...(r.ttl === undefined ? {} : { TTL: r.ttl }),
    ...(r.mx === undefined ? {} : { MX: r.mx }),
  };
}
