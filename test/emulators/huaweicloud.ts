/**
 * A vendor-exact emulator of the Huawei Cloud DNS API v2 behind APIG
 * (dns.myhuaweicloud.com), for tests. HTTPS on 127.0.0.1 (a free port),
 * certificate for IP 127.0.0.1 and DNS localhost / dns.localhost from its
 * own root (`rootPem`). Every answer carries a `Date` header.
 *
 * Authentication, as APIG does for SDK-HMAC-SHA256 (its own verifier, not
 * the project's signer), all failures HTTP 401 `APIGW.0301` in the gateway
 * shape `{error_msg, error_code, request_id}`, checked in this order:
 * - no / malformed Authorization or X-Sdk-Date → "… Authorization format incorrect";
 * - unknown AK → "Incorrect IAM authentication information: ak <AK> not exist";
 * - X-Sdk-Date more than 15 minutes from the real time → "Incorrect IAM
 *   authentication information: calc aksk signature fail:signature expired,
 *   signature time:<X-Sdk-Date>,server time:<now>" (the vendor's exact text);
 * - the signature recomputed over method, the decoded path re-encoded per
 *   segment with a trailing "/", the sorted encoded query, the headers
 *   named in SignedHeaders (lower-case name, trimmed value; host must be
 *   among them) and sha256 of the body bytes (or X-Sdk-Content-Sha256 when
 *   sent) → any difference: "Incorrect IAM authentication information:
 *   verify aksk signature fail".
 * A key marked `denied` can read, but every write answers 403
 * `{"code":"DNS.0030","message":"Insufficient permissions…"}` (the DNS
 * service shape; the exact vendor code for an IAM deny is not documented
 * publicly, DNS.0030 is this emulator's choice). Other DNS errors use the
 * same shape: DNS.0101 zone not found, DNS.0004 record set not found,
 * DNS.0312 record set exists, DNS.0303 bad parameter (emulator's choices).
 *
 * Faults (faults.ts, `faults`): throttling is HTTP 429 in the gateway
 * shape with "The throttling threshold has been reached: policy user over
 * ratelimit,limit:20,time:1 second" (Huawei documents that text with code
 * APIG.0308; the `APIGW.` spelling of the shared gateway, as in APIGW.0301,
 * and the 429 status are assumed), no Retry-After; a 5xx is the gateway's
 * `APIGW.0202` "Backend unavailable" (assumed), with Retry-After when the
 * test asks.
 *
 * Records live in the REAL BIND of the test bed: every change goes through
 * the rfc2136 provider, lists come from an AXFR. Recordset ids are 32 hex
 * digits per (zone, name, type), as Huawei's are.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorrectedClock } from '../../src/clock/corrected-clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import type { DnsRecord } from '../../src/core/record.ts';
import type { DnsProvider } from '../../src/providers/types.ts';
import { rfc2136Manifest } from '../../src/providers/rfc2136/manifest.ts';
import { KEY_FULL, type BindBed } from '../harness/bind.ts';
import type { RateLimitedHost, VendorShapes } from './faults.ts';
import { sharedFields, startHttpsEmulator } from './https-emulator.ts';

export interface HuaweiEmulatorKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Writes answer 403 DNS.0030. */
  readonly denied?: boolean;
}

export interface HuaweiEmulatorOptions {
  readonly bed: BindBed;
  readonly keys: readonly HuaweiEmulatorKey[];
  /** Most recordsets per page whatever `limit` asks (the real cap is 500). */
  readonly pageSize?: number;
  /** Allowed distance between X-Sdk-Date and the real time, seconds. Default 900. */
  readonly windowSeconds?: number;
}

export interface HuaweiEmulator extends RateLimitedHost {
  /** https://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  readonly rootPem: string;
  /** Requests received per operation ("GET recordsets", "POST recordset", …), rejected ones included. */
  readonly requests: Map<string, number>;
  /** Requests answered per error kind: "APIGW.0301 expired", "APIGW.0301 signature", "APIGW.0301 ak", or the code. */
  readonly errors: Map<string, number>;
  /** The "server time:" values reported in expiry answers since the last reset. */
  readonly reportedServerTimes: string[];
  count(op?: string): number;
  /** Clears the counters and any queued fault. */
  reset(): void;
  close(): Promise<void>;
}

const ALGORITHM = 'SDK-HMAC-SHA256';
const AUTH_PREFIX = 'Incorrect IAM authentication information: ';

class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Key for the `errors` map. */
  readonly kind: string;
  readonly gateway: boolean;
  constructor(status: number, code: string, message: string, o: { kind?: string; gateway?: boolean } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.kind = o.kind ?? code;
    this.gateway = o.gateway ?? false;
  }
}

const authError = (kind: string, message: string): ApiError => new ApiError(401, 'APIGW.0301', AUTH_PREFIX + message, { kind: `APIGW.0301 ${kind}`, gateway: true });

/** RFC 3986 encoding of the UTF-8 bytes: only A-Z a-z 0-9 - _ . ~ stay literal. */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function basicDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** APIG's SDK-HMAC-SHA256 check; throws ApiError, returns the key on success. */
function authenticate(req: IncomingMessage, body: Buffer, keys: ReadonlyMap<string, HuaweiEmulatorKey>, windowSeconds: number, serverTimes: string[]): HuaweiEmulatorKey {
  const auth = header(req, 'authorization') ?? '';
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(auth);
  const sdkDate = header(req, 'x-sdk-date') ?? '';
  const dm = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(sdkDate);
  if (m === null || dm === null) throw authError('format', 'Authorization format incorrect');
  const [, ak = '', signedHeaders = '', given = ''] = m;
  const key = keys.get(ak);
  if (key === undefined) throw authError('ak', `ak ${ak} not exist`);
  const signedAt = Date.UTC(Number(dm[1]), Number(dm[2]) - 1, Number(dm[3]), Number(dm[4]), Number(dm[5]), Number(dm[6]));
  // The emulator stands for Huawei's gateway: its clock is the real time.
  const now = Date.now();
  if (!Number.isFinite(signedAt) || Math.abs(now - signedAt) > windowSeconds * 1000) {
    const serverTime = basicDate(now);
    serverTimes.push(serverTime);
    throw authError('expired', `calc aksk signature fail:signature expired, signature time:${sdkDate},server time:${serverTime}`);
  }
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const rawQuery = q < 0 ? '' : raw.slice(q + 1);
  let canonicalUri: string;
  let pairs: [string, string][];
  try {
    canonicalUri = rawPath.split('/').map((s) => enc(decodeURIComponent(s))).join('/');
    pairs = rawQuery === '' ? [] : rawQuery.split('&').map((kv) => {
      const eq = kv.indexOf('=');
      const k = eq < 0 ? kv : kv.slice(0, eq);
      const v = eq < 0 ? '' : kv.slice(eq + 1);
      return [enc(decodeURIComponent(k)), enc(decodeURIComponent(v))];
    });
  } catch {
    throw authError('signature', 'verify aksk signature fail');
  }
  if (!canonicalUri.endsWith('/')) canonicalUri += '/';
  pairs.sort(([ak1, av], [bk, bv]) => (ak1 < bk ? -1 : ak1 > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const names = signedHeaders.split(';');
  if (!names.includes('host') || names.some((n) => n !== n.toLowerCase() || header(req, n) === undefined)) throw authError('signature', 'verify aksk signature fail');
  const canonicalHeaders = names.map((n) => `${n}:${(header(req, n) ?? '').trim()}\n`).join('');
  const bodyHash = header(req, 'x-sdk-content-sha256') ?? createHash('sha256').update(body).digest('hex');
  const canonicalRequest = [req.method ?? '', canonicalUri, pairs.map(([k, v]) => `${k}=${v}`).join('&'), canonicalHeaders, signedHeaders, bodyHash].join('\n');
  const stringToSign = [ALGORITHM, sdkDate, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const expected = Buffer.from(createHmac('sha256', key.secretAccessKey).update(stringToSign).digest('hex'));
  const got = Buffer.from(given);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) throw authError('signature', 'verify aksk signature fail');
  return key;
}

/** Zone-file TXT strings → our unquoted data. */
function untxt(v: string): string {
  const strings = [...v.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) => (s[1] ?? '').replace(/\\(.)/g, '$1'));
  return strings.length === 0 ? v : strings.join('');
}

function totxt(data: string): string {
  return `"${data.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Start the emulator over `bed` (its zones become the account's public zones). */
export async function startHuaweiEmulator(o: HuaweiEmulatorOptions): Promise<HuaweiEmulator> {
  const tsigKey = o.bed.keys[KEY_FULL];
  if (tsigKey === undefined) throw new Error('bed has no full key');
  const config = rfc2136Manifest.parse(
    { server: `${o.bed.primary.host}:${o.bed.primary.port}`, tsig: { name: tsigKey.name, algorithm: tsigKey.algorithm, secret: tsigKey.secret }, timeout: 5000 },
    'emulator',
  );
  const bind: DnsProvider = rfc2136Manifest.create(config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
  const keys = new Map(o.keys.map((k) => [k.accessKeyId, k]));
  const zones = o.bed.zones.map((z) => ({ id: randomBytes(16).toString('hex'), name: `${z.replace(/\.$/, '').toLowerCase()}.` }));
  const pageSize = Math.min(o.pageSize ?? 500, 500);
  const windowSeconds = o.windowSeconds ?? 900;
  const ids = new Map<string, string>();
  const byId = new Map<string, { zone: string; name: string; type: string }>();
  const serverTimes: string[] = [];
  let endpoint = '';

  const rsId = (zone: string, name: string, type: string): string => {
    const k = `${zone}|${name}|${type}`;
    let id = ids.get(k);
    if (id === undefined) {
      id = randomBytes(16).toString('hex');
      ids.set(k, id);
      byId.set(id, { zone, name, type });
    }
    return id;
  };
  const zoneById = (id: string): string => {
    const z = zones.find((x) => x.id === id);
    if (z === undefined) throw new ApiError(404, 'DNS.0101', 'The zone does not exist.');
    return z.name;
  };
  const intParam = (p: URLSearchParams, name: string, dflt: number, min: number, max: number): number => {
    const v = p.get(name);
    if (v === null) return dflt;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new ApiError(400, 'DNS.0303', `Invalid ${name}.`);
    return n;
  };
  /** Recordsets of a zone from BIND (SOA included, as Huawei lists it). */
  const recordsets = async (zone: string): Promise<Record<string, unknown>[]> => {
    const groups = new Map<string, { name: string; type: string; ttl: number; records: string[] }>();
    for (const r of await bind.getRecords(zone)) {
      const name = r.name === '@' ? zone : `${r.name}.${zone}`;
      const k = `${name}|${r.type}`;
      const g = groups.get(k) ?? { name, type: r.type, ttl: r.ttl ?? 300, records: [] };
      g.records.push(r.type === 'TXT' ? totxt(r.data) : r.data);
      groups.set(k, g);
    }
    const zoneId = zones.find((z) => z.name === zone)?.id ?? '';
    return [...groups.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : 1))
      .map((g) => ({ id: rsId(zone, g.name, g.type), name: g.name, type: g.type, ttl: g.ttl, records: g.records, status: 'ACTIVE', zone_id: zoneId, zone_name: zone, default: g.type === 'SOA' || (g.type === 'NS' && g.name === zone) }));
  };
  const rel = (zone: string, name: string): string => (name === zone ? '@' : name.slice(0, -(zone.length + 1)));
  const toRecords = (zone: string, name: string, type: string, ttl: number, values: unknown): DnsRecord[] => {
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) throw new ApiError(400, 'DNS.0303', 'Invalid records.');
    return (values as string[]).map((v) => ({ name: rel(zone, name), type, data: type === 'TXT' ? untxt(v) : v, ttl }));
  };
  const jsonBody = (body: Buffer): Record<string, unknown> => {
    try {
      const doc = JSON.parse(body.toString('utf8')) as unknown;
      if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new ApiError(400, 'DNS.0303', 'Invalid request body.');
  };
  const ttlOf = (v: unknown, dflt: number): number => {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 2147483647) throw new ApiError(400, 'DNS.0303', 'Invalid ttl.');
    return v;
  };

  const route = async (method: string, url: URL, body: Buffer, key: HuaweiEmulatorKey): Promise<[number, Record<string, unknown> | undefined]> => {
    const parts = url.pathname.split('/').filter((s) => s !== '');
    const write = method !== 'GET';
    if (write && key.denied === true) throw new ApiError(403, 'DNS.0030', 'Insufficient permissions. Policy does not allow dns:recordset:' + (method === 'POST' ? 'create' : method === 'PUT' ? 'update' : 'delete') + '.');
    if (method === 'GET' && parts.length === 2 && parts[1] === 'zones') {
      const name = url.searchParams.get('name')?.toLowerCase();
      const type = url.searchParams.get('type');
      const limit = intParam(url.searchParams, 'limit', 500, 0, 500);
      const offset = intParam(url.searchParams, 'offset', 0, 0, 1_000_000);
      const all = zones.filter((z) => (type === null || type === 'public') && (name === undefined || z.name.includes(name.replace(/\.$/, ''))));
      const page = all.slice(offset, offset + limit);
      return [200, { links: { self: `${endpoint}${url.pathname}${url.search}` }, zones: page.map((z) => ({ id: z.id, name: z.name, zone_type: 'public', status: 'ACTIVE', ttl: 300, record_num: 0 })), metadata: { total_count: all.length } }];
    }
    if (parts.length < 4 || parts[1] !== 'zones' || parts[3] !== 'recordsets') throw new ApiError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment', { gateway: true });
    const zone = zoneById(parts[2] ?? '');
    const id = parts[4];
    if (method === 'GET' && id === undefined) {
      const limit = Math.min(intParam(url.searchParams, 'limit', 500, 0, 500), pageSize);
      const offset = intParam(url.searchParams, 'offset', 0, 0, 1_000_000);
      const name = url.searchParams.get('name')?.toLowerCase();
      const type = url.searchParams.get('type')?.toUpperCase();
      // name: fuzzy (substring) match; type: exact.
      const all = (await recordsets(zone)).filter((r) => (name === undefined || String(r['name']).includes(name.replace(/\.$/, ''))) && (type === undefined || r['type'] === type));
      const page = all.slice(offset, offset + limit);
      const links: Record<string, string> = { self: `${endpoint}${url.pathname}${url.search}` };
      if (offset + page.length < all.length) {
        const next = new URLSearchParams(url.searchParams);
        next.set('offset', String(offset + page.length));
        next.set('limit', String(limit));
        links['next'] = `${endpoint}${url.pathname}?${next.toString()}`;
      }
      return [200, { links, recordsets: page, metadata: { total_count: all.length } }];
    }
    if (method === 'POST' && id === undefined) {
      const doc = jsonBody(body);
      const name = typeof doc['name'] === 'string' ? doc['name'].toLowerCase() : '';
      const type = typeof doc['type'] === 'string' ? doc['type'].toUpperCase() : '';
      if (!name.endsWith('.') || !(name === zone || name.endsWith(`.${zone}`)) || type === '' || type === 'SOA') throw new ApiError(400, 'DNS.0303', 'Invalid name or type.');
      if ((await recordsets(zone)).some((r) => r['name'] === name && r['type'] === type)) throw new ApiError(400, 'DNS.0312', 'The record set already exists.');
      const ttl = ttlOf(doc['ttl'], 300);
      await bind.appendRecords(zone, toRecords(zone, name, type, ttl, doc['records']));
      return [202, { id: rsId(zone, name, type), name, type, ttl, records: doc['records'], status: 'PENDING_CREATE', zone_id: parts[2] }];
    }
    if ((method === 'PUT' || method === 'DELETE') && id !== undefined && parts.length === 5) {
      const known = byId.get(id);
      const current = known === undefined || known.zone !== zone ? undefined : (await recordsets(zone)).find((r) => r['id'] === id);
      if (known === undefined || current === undefined) throw new ApiError(404, 'DNS.0004', 'The record set does not exist.');
      if (method === 'DELETE') {
        await bind.deleteRecords(zone, [{ name: rel(zone, known.name), type: known.type, data: '' }]);
        return [202, { ...current, status: 'PENDING_DELETE' }];
      }
      const doc = jsonBody(body);
      const ttl = ttlOf(doc['ttl'], Number(current['ttl']));
      const records = toRecords(zone, known.name, known.type, ttl, doc['records'] ?? current['records']);
      await bind.setRecords(zone, records);
      return [202, { ...current, ttl, records: doc['records'] ?? current['records'], status: 'PENDING_UPDATE' }];
    }
    throw new ApiError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment', { gateway: true });
  };

  const opOf = (method: string, path: string): string => {
    const parts = path.split('/').filter((s) => s !== '');
    if (parts.length === 2) return `${method} zones`;
    return `${method} ${parts.length === 4 ? (method === 'GET' ? 'recordsets' : 'recordset') : 'recordset'}`;
  };

  const base = await startHttpsEmulator({
    rootName: 'zk huawei emulator root',
    leafName: 'dns.localhost',
    dns: ['localhost', 'dns.localhost'],
    classify: (req) => {
      const method = req.method ?? '';
      return { op: opOf(method, new URL(req.url ?? '/', 'https://emulator.invalid').pathname), write: method !== 'GET' };
    },
    shapes: SHAPES,
    handle: (req, res: ServerResponse, body) => {
      const method = req.method ?? '';
      const url = new URL(req.url ?? '/', 'https://emulator.invalid');
      const requestId = randomUUID().replace(/-/g, '');
      Promise.resolve()
        .then(() => route(method, url, body, authenticate(req, body, keys, windowSeconds, serverTimes)))
        .then(
          ([status, doc]) => {
            res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId });
            res.end(doc === undefined ? '' : JSON.stringify(doc));
          },
          (e: unknown) => {
            const err = e instanceof ApiError ? e : new ApiError(500, 'DNS.0005', String(e));
            base.failed(err.kind);
            res.writeHead(err.status, { 'content-type': 'application/json', 'x-request-id': requestId });
            res.end(JSON.stringify(err.gateway ? { error_msg: err.message, error_code: err.code, request_id: requestId } : { code: err.code, message: err.message }));
          },
        );
    },
  });
  endpoint = base.origin;

  return {
    ...sharedFields(base),
    endpoint,
    reportedServerTimes: serverTimes,
    reset: () => {
      base.reset();
      serverTimes.length = 0;
    },
  };
}

/** How Huawei Cloud DNS (behind APIG) answers, for the faults. */
const SHAPES: VendorShapes = {
  ok: () => ({
    status: 200,
    headers: { 'content-type': 'application/json', 'x-request-id': randomUUID().replace(/-/g, '') },
    body: JSON.stringify({
      links: { self: 'https://dns.myhuaweicloud.com/v2/zones/ff8080825b8fc86c015b94bc6f8712c3/recordsets' },
      recordsets: [
        { id: 'ff8080825b8fc86c015b94bc6f8712c4', name: 'example.test.', type: 'NS', ttl: 86400, records: ['ns1.example.test.'], status: 'ACTIVE' },
        { id: 'ff8080825b8fc86c015b94bc6f8712c5', name: 'www.example.test.', type: 'A', ttl: 300, records: ['192.0.2.1'], status: 'ACTIVE' },
      ],
      metadata: { total_count: 2 },
    }),
  }),
  busy: (status, retryAfter) => {
    const requestId = randomUUID().replace(/-/g, '');
    if (status === 429) {
      return { status: 429, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second', error_code: 'APIGW.0308', request_id: requestId }) };
    }
    return {
      status,
      headers: { 'content-type': 'application/json', ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) },
      body: JSON.stringify({ error_msg: 'Backend unavailable', error_code: 'APIGW.0202', request_id: requestId }),
    };
  },
};
