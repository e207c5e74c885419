/**
 * A vendor-exact emulator of the Alibaba Cloud DNS API endpoint
 * (alidns.aliyuncs.com, RPC style, version 2015-01-09), for tests. HTTPS on
 * 127.0.0.1 (a free port), certificate for IP 127.0.0.1 and DNS localhost /
 * alidns.localhost from its own root (`rootPem`).
 *
 * Authentication, as Alibaba does it for RPC signature v1 (checked in this
 * order; its own implementation, not the project's signer):
 * - parameters from the URL query (GET) or the form body (POST);
 *   Format, Version, SignatureMethod=HMAC-SHA1, SignatureVersion=1.0 and the
 *   common parameters are required (`MissingParameter` otherwise);
 * - unknown AccessKeyId → 404 `InvalidAccessKeyId.NotFound`;
 * - Timestamp not `YYYY-MM-DDThh:mm:ssZ` → 400 `InvalidTimeStamp.Format`;
 *   more than 15 minutes from the real time → 400 `InvalidTimeStamp.Expired`;
 * - the signature is recomputed from every parameter but Signature:
 *   sorted RFC 3986 percent-encoded pairs, `METHOD&%2F&` + their encoding,
 *   HMAC-SHA1 keyed with `secret&`, base64; any difference → 400
 *   `SignatureDoesNotMatch`;
 * - a SignatureNonce seen before (on any request, rejected ones included)
 *   → 400 `SignatureNonceUsed`;
 * - a RAM-denied key → 403 `Forbidden.RAM` on every write.
 * Errors are Alibaba's JSON `{RequestId,Message,Recommend,HostId,Code}`;
 * every answer has a `Date` header (the only server time Alibaba gives).
 *
 * Faults (faults.ts, `faults`): throttling is HTTP 400 `Throttling.User`
 * "Request was denied due to user flow control." (code, message and status
 * as Alibaba documents them and users report them); a 5xx is 503
 * `ServiceUnavailable` (in Alibaba DNS's error code list; its message here
 * is assumed), with Retry-After when the test asks (assumed: none is
 * documented).
 *
 * Records live in the REAL BIND of the test bed: every change goes through
 * the rfc2136 provider, and lists come from an AXFR, so what the API says is
 * what DNS serves. RecordIds (decimal strings above 2^53, as Alibaba's are)
 * are kept here per (name, type, value).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorrectedClock } from '../../src/clock/corrected-clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import type { DnsRecord } from '../../src/core/record.ts';
import type { DnsProvider } from '../../src/providers/types.ts';
import { rfc2136Manifest } from '../../src/providers/rfc2136/manifest.ts';
import { KEY_FULL, type BindBed } from '../harness/bind.ts';
import type { RateLimitedHost, VendorShapes } from './faults.ts';
import { sharedFields, startHttpsEmulator } from './https-emulator.ts';

export interface AlidnsEmulatorKey {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** Writes answer 403 Forbidden.RAM. */
  readonly ramDenied?: boolean;
}

export interface AlidnsEmulatorOptions {
  readonly bed: BindBed;
  readonly keys: readonly AlidnsEmulatorKey[];
  /** Most records per DescribeDomainRecords page whatever PageSize asks (the real cap is 500). */
  readonly pageSize?: number;
  /** Allowed distance between Timestamp and the real time, seconds. Default 900. */
  readonly windowSeconds?: number;
}

export interface AlidnsEmulator extends RateLimitedHost {
  /** https://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  /** PEM of the root that signed the server certificate. */
  readonly rootPem: string;
  /** Requests received per Action (every request, rejected ones included). */
  readonly requests: Map<string, number>;
  /** Requests answered per error code. */
  readonly errors: Map<string, number>;
  /** Requests whose SignatureNonce had been seen before (since the last reset). */
  nonceReuses(): number;
  count(action?: string): number;
  /** Clears the counters and any queued fault. */
  reset(): void;
  close(): Promise<void>;
}

const ACTIONS = new Set(['DescribeDomains', 'DescribeDomainRecords', 'AddDomainRecord', 'UpdateDomainRecord', 'DeleteDomainRecord']);
const WRITES = new Set(['AddDomainRecord', 'UpdateDomainRecord', 'DeleteDomainRecord']);
const ID_BASE = 10n ** 17n;

class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** RFC 3986 percent-encoding of the UTF-8 bytes (what Alibaba's servers compute). */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The request's parameters: the query for GET, the form body for POST. */
function paramsOf(req: IncomingMessage, body: Buffer): Map<string, string> {
  const url = new URL(req.url ?? '/', 'https://emulator.invalid');
  const source = req.method === 'POST' && (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
  const out = new Map<string, string>();
  for (const [k, v] of source) out.set(k, v);
  return out;
}

function required(p: ReadonlyMap<string, string>, name: string): string {
  const v = p.get(name);
  if (v === undefined || v === '') throw new ApiError(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
  return v;
}

/** Alibaba's RPC v1 check; throws ApiError, returns the key on success. */
function authenticate(method: string, p: ReadonlyMap<string, string>, keys: ReadonlyMap<string, AlidnsEmulatorKey>, windowSeconds: number, nonceWasSeen: (n: string) => boolean): AlidnsEmulatorKey {
  for (const name of ['Format', 'Version', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp']) required(p, name);
  const key = keys.get(required(p, 'AccessKeyId'));
  if (key === undefined) throw new ApiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  const ts = required(p, 'Timestamp');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(ts) || !Number.isFinite(Date.parse(ts))) throw new ApiError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
  // The emulator stands for Alibaba's servers: their clock is the real time.
  if (Math.abs(Date.now() - Date.parse(ts)) > windowSeconds * 1000) throw new ApiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  if (p.get('SignatureMethod') !== 'HMAC-SHA1') throw new ApiError(400, 'InvalidSignatureMethod', 'Specified signature method is not supported.');
  if (p.get('SignatureVersion') !== '1.0') throw new ApiError(400, 'UnsupportedSignatureVersion', 'Specified signature version is not supported.');
  const canonical = [...p]
    .filter(([k]) => k !== 'Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const stringToSign = `${method}&${rfc3986('/')}&${rfc3986(canonical)}`;
  const expected = Buffer.from(createHmac('sha1', `${key.accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64'));
  const given = Buffer.from(required(p, 'Signature'));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new ApiError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`);
  }
  if (nonceWasSeen(required(p, 'SignatureNonce'))) throw new ApiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  return key;
}

/** Start the emulator over `bed` (its zones become the account's domains). */
export async function startAlidnsEmulator(o: AlidnsEmulatorOptions): Promise<AlidnsEmulator> {
  const tsigKey = o.bed.keys[KEY_FULL];
  if (tsigKey === undefined) throw new Error('bed has no full key');
  const config = rfc2136Manifest.parse(
    { server: `${o.bed.primary.host}:${o.bed.primary.port}`, tsig: { name: tsigKey.name, algorithm: tsigKey.algorithm, secret: tsigKey.secret }, timeout: 5000 },
    'emulator',
  );
  const bind: DnsProvider = rfc2136Manifest.create(config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
  const keys = new Map(o.keys.map((k) => [k.accessKeyId, k]));
  const domains = o.bed.zones.map((z, i) => ({ id: String(100000 + i), name: z.replace(/\.$/, '').toLowerCase() }));
  const pageSize = Math.min(o.pageSize ?? 500, 500);
  const windowSeconds = o.windowSeconds ?? 900;
  const ids = new Map<string, string>();
  const byId = new Map<string, { domain: string; rec: DnsRecord }>();
  let nextId = 1n;
  const nonces = new Set<string>();
  let reuses = 0;

  const idOf = (domain: string, r: DnsRecord): string => {
    const k = `${domain}|${r.name}|${r.type}|${r.data}`;
    let id = ids.get(k);
    if (id === undefined) {
      id = String(ID_BASE + nextId++);
      ids.set(k, id);
    }
    byId.set(id, { domain, rec: r });
    return id;
  };
  const zoneOf = (p: ReadonlyMap<string, string>): string => {
    const name = required(p, 'DomainName').toLowerCase();
    if (!domains.some((d) => d.name === name)) throw new ApiError(400, 'InvalidDomainName.NoExist', 'The specified domain name does not exist. Refresh the page and try again.');
    return name;
  };
  const intParam = (p: ReadonlyMap<string, string>, name: string, dflt: number, min: number, max: number): number => {
    const v = p.get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new ApiError(400, `Invalid${name}`, `The specified parameter "${name}" is not valid.`);
    return n;
  };
  const listAll = async (domain: string): Promise<DnsRecord[]> => (await bind.getRecords(`${domain}.`)).filter((r) => r.type !== 'SOA');
  const recordOf = (p: ReadonlyMap<string, string>): DnsRecord => {
    const type = required(p, 'Type').toUpperCase();
    const value = required(p, 'Value');
    const name = required(p, 'RR').toLowerCase();
    const ttl = intParam(p, 'TTL', 600, 1, 86400);
    const line = p.get('Line') ?? 'default';
    if (line !== 'default') throw new ApiError(400, 'InvalidLine', 'The specified line is not valid.');
    const data = type === 'MX' ? `${intParam(p, 'Priority', 10, 0, 65535)} ${value}` : value;
    return { name, type, data, ttl };
  };
  const toApi = (domain: string, r: DnsRecord): Record<string, unknown> => {
    const mx = r.type === 'MX' ? /^(\d+) (.*)$/.exec(r.data) : null;
    return {
      RR: r.name,
      Line: 'default',
      Status: 'ENABLE',
      Locked: false,
      Type: r.type,
      DomainName: domain,
      Value: mx === null ? r.data : mx[2],
      RecordId: idOf(domain, r),
      TTL: r.ttl,
      ...(mx === null ? {} : { Priority: Number(mx[1]) }),
      Weight: 1,
    };
  };
  const same = (a: DnsRecord, b: DnsRecord): boolean => a.name === b.name && a.type === b.type && a.data === b.data;
  const owned = (p: ReadonlyMap<string, string>): { id: string; domain: string; rec: DnsRecord } => {
    const id = required(p, 'RecordId');
    const old = byId.get(id);
    if (old === undefined) throw new ApiError(400, 'DomainRecordNotBelongToUser', 'The DNS record does not belong to you.');
    return { id, ...old };
  };
  const duplicate = (): ApiError => new ApiError(400, 'DomainRecordDuplicate', 'The DNS record already exists.');

  const actions: Record<string, (p: ReadonlyMap<string, string>) => Promise<Record<string, unknown>>> = {
    DescribeDomains: async (p) => {
      const number = intParam(p, 'PageNumber', 1, 1, 1_000_000);
      const size = intParam(p, 'PageSize', 20, 1, 100);
      const page = domains.slice((number - 1) * size, number * size);
      return {
        TotalCount: domains.length,
        PageNumber: number,
        PageSize: size,
        Domains: { Domain: page.map((d) => ({ DomainId: d.id, DomainName: d.name, RecordCount: 0, VersionCode: 'mianfei', AliDomain: false, DnsServers: { DnsServer: [] } })) },
      };
    },
    DescribeDomainRecords: async (p) => {
      const domain = zoneOf(p);
      const number = intParam(p, 'PageNumber', 1, 1, 1_000_000);
      const size = Math.min(intParam(p, 'PageSize', 20, 1, 500), pageSize);
      let all = await listAll(domain);
      const rr = p.get('RRKeyWord')?.toLowerCase();
      const type = p.get('TypeKeyWord')?.toUpperCase();
      // RRKeyWord is a fuzzy (substring) match; TypeKeyWord exact.
      if (rr !== undefined && rr !== '') all = all.filter((r) => r.name.includes(rr));
      if (type !== undefined && type !== '') all = all.filter((r) => r.type === type);
      const page = all.slice((number - 1) * size, number * size);
      return { TotalCount: all.length, PageNumber: number, PageSize: size, DomainRecords: { Record: page.map((r) => toApi(domain, r)) } };
    },
    AddDomainRecord: async (p) => {
      const domain = zoneOf(p);
      const r = recordOf(p);
      if ((await listAll(domain)).some((x) => same(x, r))) throw duplicate();
      await bind.appendRecords(`${domain}.`, [r]);
      return { RecordId: idOf(domain, r) };
    },
    UpdateDomainRecord: async (p) => {
      const old = owned(p);
      const r = recordOf(p);
      if (same(old.rec, r) && old.rec.ttl === r.ttl) throw duplicate();
      if (!same(old.rec, r) && (await listAll(old.domain)).some((x) => same(x, r))) throw duplicate();
      await bind.deleteRecords(`${old.domain}.`, [old.rec]);
      await bind.appendRecords(`${old.domain}.`, [r]);
      ids.delete(`${old.domain}|${old.rec.name}|${old.rec.type}|${old.rec.data}`);
      ids.set(`${old.domain}|${r.name}|${r.type}|${r.data}`, old.id);
      byId.set(old.id, { domain: old.domain, rec: r });
      return { RecordId: old.id };
    },
    DeleteDomainRecord: async (p) => {
      const old = owned(p);
      await bind.deleteRecords(`${old.domain}.`, [old.rec]);
      byId.delete(old.id);
      ids.delete(`${old.domain}|${old.rec.name}|${old.rec.type}|${old.rec.data}`);
      return { RecordId: old.id };
    },
  };

  const handle = async (req: IncomingMessage, body: Buffer): Promise<Record<string, unknown>> => {
    const p = paramsOf(req, body);
    const action = p.get('Action') ?? '';
    const nonce = p.get('SignatureNonce');
    const reused = nonce !== undefined && nonces.has(nonce);
    if (reused) reuses++;
    // Every nonce counts as used, rejected requests' included: a retry must never repeat one.
    if (nonce !== undefined) nonces.add(nonce);
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'POST') throw new ApiError(400, 'UnsupportedHTTPMethod', 'This http method is not supported.');
    const k = authenticate(method, p, keys, windowSeconds, () => reused);
    if (!ACTIONS.has(action)) throw new ApiError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    if (p.get('Version') !== '2015-01-09') throw new ApiError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    if (p.get('Format') !== 'JSON') throw new ApiError(400, 'InvalidParameter.Format', 'Only Format=JSON is emulated.');
    if (k.ramDenied === true && WRITES.has(action)) throw new ApiError(403, 'Forbidden.RAM', "User not authorized to operate on the specified resource, or this API doesn't support RAM.");
    const run = actions[action];
    if (run === undefined) throw new ApiError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    return run(p);
  };

  const base = await startHttpsEmulator({
    rootName: 'zk alidns emulator root',
    leafName: 'alidns.localhost',
    dns: ['localhost', 'alidns.localhost'],
    classify: (req, body) => {
      const op = paramsOf(req, body).get('Action') ?? '';
      return { op, write: WRITES.has(op) };
    },
    shapes: SHAPES,
    handle: (req, res: ServerResponse, body) => {
      handle(req, body).then(
        (r) => {
          res.writeHead(200, { 'content-type': JSON_TYPE });
          res.end(JSON.stringify({ ...r, RequestId: randomUUID().toUpperCase() }));
        },
        (e: unknown) => {
          const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', String(e));
          base.failed(err.code);
          res.writeHead(err.status, { 'content-type': JSON_TYPE });
          res.end(errorBody(err.code, err.message));
        },
      );
    },
  });

  return {
    ...sharedFields(base),
    endpoint: base.origin,
    nonceReuses: () => reuses,
    reset: () => {
      base.reset();
      reuses = 0;
    },
  };
}

const JSON_TYPE = 'application/json;charset=utf-8';

/** Alibaba's error document. */
function errorBody(code: string, message: string): string {
  return JSON.stringify({ RequestId: randomUUID().toUpperCase(), Message: message, Recommend: `https://api.aliyun.com/troubleshoot?q=${code}&product=Alidns`, HostId: 'alidns.aliyuncs.com', Code: code });
}

/** How Alibaba Cloud DNS answers, for the faults. */
const SHAPES: VendorShapes = {
  ok: () => ({
    status: 200,
    headers: { 'content-type': JSON_TYPE },
    body: JSON.stringify({
      TotalCount: 2,
      PageNumber: 1,
      PageSize: 500,
      DomainRecords: {
        Record: [
          { RR: '@', Line: 'default', Status: 'ENABLE', Locked: false, Type: 'NS', DomainName: 'example.test', Value: 'ns1.example.test.', RecordId: '100000000000000001', TTL: 86400, Weight: 1 },
          { RR: 'www', Line: 'default', Status: 'ENABLE', Locked: false, Type: 'A', DomainName: 'example.test', Value: '192.0.2.1', RecordId: '100000000000000002', TTL: 600, Weight: 1 },
        ],
      },
      RequestId: randomUUID().toUpperCase(),
    }),
  }),
  busy: (status, retryAfter) => ({
    status: status === 429 ? 400 : status,
    headers: { 'content-type': JSON_TYPE, ...(status !== 429 && retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) },
    body: status === 429 ? errorBody('Throttling.User', 'Request was denied due to user flow control.') : errorBody('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'),
  }),
};
