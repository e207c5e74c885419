/**
 * A Cloudflare API v4 emulator (the DNS subset zonekeeper uses) over HTTPS
 * on a free 127.0.0.1 port, backed by the REAL BIND of the test bed: every
 * record change is applied to BIND through the rfc2136 provider before it is
 * acknowledged, so it is visible over DNS. Records start as BIND's zone
 * contents (SOA left out, as Cloudflare does).
 *
 * Vendor behaviour reproduced:
 * - envelope `{success, errors: [{code, message}], messages, result, result_info}`;
 * - `Authorization: Bearer <token>`: a malformed header is 400 6003 with
 *   error_chain 6111; an unknown token is 401 10000 "Authentication error";
 *   a read-only token is 403 10000 "Authentication error" on any write
 *   (the emulator's choice for "valid token, missing permission");
 * - GET /zones?name=, GET /zones/:id/dns_records?page=&per_page= (per_page
 *   capped at 5000; the default is `defaultPerPage`, small to test paging),
 *   POST, PATCH, DELETE /zones/:id/dns_records[/:rid];
 * - an identical record is 400 81057 "Record already exists."; an unknown
 *   record id is 404 81044 "Record does not exist.";
 * - `rateLimit(n)`: the next n requests get 429 with `Retry-After: 1` and
 *   Cloudflare's 971 error; every response carries a `Date` header.
 * Faults (faults.ts, `faults`): throttling is HTTP 429 with Retry-After
 * (Cloudflare documents both for its API) and the envelope error 971
 * "Please wait and consider throttling your request speed" (the code as
 * users report it; assumed); a 5xx is the edge's HTML page.
 * Names are absolute without the trailing dot; TXT content is stored as sent.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DnsRecord } from '../../src/core/record.ts';
import type { DnsProvider } from '../../src/providers/types.ts';
import { DAY_MS } from '../../src/http/testing/certs.ts';
import { htmlAnswer, type Fault, type RateLimitedHost, type VendorShapes } from './faults.ts';
import { sharedFields, startHttpsEmulator, type RequestLogEntry } from './https-emulator.ts';

export type { RequestLogEntry } from './https-emulator.ts';

export interface CloudflareEmulatorOptions {
  /** The rfc2136 provider on the bed's primary: where changes land. */
  readonly bind: DnsProvider;
  /** Zones served (absolute, trailing dot). */
  readonly zones: readonly string[];
  /** Tokens allowed to read and write. */
  readonly tokens: readonly string[];
  /** Tokens allowed to read only. */
  readonly readOnlyTokens?: readonly string[];
  /** per_page when the request gives none; Cloudflare's is 100. */
  readonly defaultPerPage?: number;
}

export interface EmulatedRecord {
  id: string;
  zone_id: string;
  zone_name: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  priority?: number;
  proxied: false;
}

export interface CloudflareEmulator extends RateLimitedHost {
  /** API base URL, like https://api.cloudflare.com/client/v4. */
  readonly endpoint: string;
  /** PEM of the root that signed the emulator's certificate. */
  readonly caPem: string;
  /** Every request answered, in order (faulted ones too; status 0 for a reset or a stall). */
  readonly log: RequestLogEntry[];
  /** The same as caPem. */
  readonly rootPem: string;
  /** Requests received per operation (zones.list, dns_records.list|get|create|edit|delete, unknown) since the last reset. */
  readonly requests: Map<string, number>;
  /** Error answers (4xx/5xx from the emulator itself, faults not included) per HTTP status since the last reset. */
  readonly errors: Map<string, number>;
  count(op?: string): number;
  /** Clears the counters and any queued fault (rateLimit's included). */
  reset(): void;
  /** Answer the next `n` requests with 429 and Retry-After: 1. */
  rateLimit(n: number): void;
  /** Zone id of `zone` (absolute). */
  zoneId(zone: string): string;
  records(zone: string): EmulatedRecord[];
  close(): Promise<void>;
}

interface Zone {
  readonly id: string;
  readonly name: string;
  readonly absolute: string;
  readonly records: Map<string, EmulatedRecord>;
}

const BASE = '/client/v4';
const TARGET_TYPES = new Set(['CNAME', 'NS', 'PTR', 'MX']);

class Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const fail = (status: number, code: number, message: string, extra: Record<string, unknown> = {}): Answer =>
  new Answer(status, { success: false, errors: [{ code, message, ...extra }], messages: [], result: null });
const ok = (result: unknown, resultInfo?: unknown): Answer =>
  new Answer(200, { success: true, errors: [], messages: [], result, ...(resultInfo === undefined ? {} : { result_info: resultInfo }) });
const newId = (): string => randomBytes(16).toString('hex');
const undot = (n: string): string => n.replace(/\.$/, '').toLowerCase();

/** The BIND view of an emulated record (presentation data, absolute name). */
function toBind(r: Pick<EmulatedRecord, 'name' | 'type' | 'content' | 'ttl' | 'priority'>): DnsRecord {
  let data = r.content;
  if (r.type === 'MX') data = `${r.priority ?? 0} ${r.content}.`;
  else if (TARGET_TYPES.has(r.type)) data = `${r.content}.`;
  return { name: `${r.name}.`, type: r.type, data, ttl: r.ttl === 1 ? 300 : r.ttl };
}

/** A BIND record as Cloudflare would store it. */
function fromBind(zone: Zone, r: DnsRecord): EmulatedRecord {
  const name = r.name === '@' ? zone.name : `${r.name}.${zone.name}`;
  let content = r.data;
  let priority: number | undefined;
  if (r.type === 'TXT' && !content.startsWith('"')) content = `"${content.replace(/["\\]/g, '\\$&')}"`;
  if (r.type === 'MX') {
    const [p, target] = content.split(/\s+/);
    priority = Number(p);
    content = undot(target ?? '');
  } else if (TARGET_TYPES.has(r.type)) content = undot(content);
  return { id: newId(), zone_id: zone.id, zone_name: zone.name, name, type: r.type, content, ttl: r.ttl ?? 300, ...(priority === undefined ? {} : { priority }), proxied: false };
}

function readInput(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function startCloudflareEmulator(o: CloudflareEmulatorOptions): Promise<CloudflareEmulator> {
  const now = Date.now();

  const zones = new Map<string, Zone>();
  for (const abs of o.zones) {
    const zone: Zone = { id: newId(), name: undot(abs), absolute: abs, records: new Map() };
    for (const r of await o.bind.getRecords(abs)) {
      if (r.type === 'SOA') continue;
      const e = fromBind(zone, r);
      zone.records.set(e.id, e);
    }
    zones.set(zone.id, zone);
  }
  // One change at a time, so the store and BIND move together.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f);
    queue = p.catch(() => undefined);
    return p;
  };

  const recordInput = (zone: Zone, v: Record<string, unknown>, base?: EmulatedRecord): EmulatedRecord | Answer => {
    const str = (k: string): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
    const type = (str('type') ?? base?.type ?? '').toUpperCase();
    const name = undot(str('name') ?? base?.name ?? '');
    const content = typeof v['content'] === 'string' ? v['content'] : base?.content;
    const ttl = typeof v['ttl'] === 'number' ? v['ttl'] : (base?.ttl ?? 1);
    const priority = typeof v['priority'] === 'number' ? v['priority'] : base?.priority;
    if (type === '' || content === undefined) return fail(400, 9000, 'DNS name is invalid.');
    if (name !== zone.name && !name.endsWith(`.${zone.name}`)) return fail(400, 9000, 'DNS name is invalid.');
    if (ttl !== 1 && (ttl < 60 || ttl > 86400)) return fail(400, 9021, 'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.');
    if (type === 'MX' && priority === undefined) return fail(400, 9101, 'Priority must be set for MX records.');
    return { id: base?.id ?? newId(), zone_id: zone.id, zone_name: zone.name, name, type, content: TARGET_TYPES.has(type) ? undot(content) : content, ttl, ...(priority === undefined ? {} : { priority }), proxied: false };
  };
  const identical = (zone: Zone, r: EmulatedRecord): boolean =>
    [...zone.records.values()].some((x) => x.id !== r.id && x.name === r.name && x.type === r.type && x.content === r.content && x.priority === r.priority);

  async function route(req: IncomingMessage, body: Buffer): Promise<Answer> {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer ([A-Za-z0-9_-]+)$/.exec(auth);
    if (m === null) return fail(400, 6003, 'Invalid request headers', { error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] });
    const token = m[1] as string;
    const write = req.method !== 'GET';
    if (!o.tokens.includes(token) && !(o.readOnlyTokens ?? []).includes(token)) return fail(401, 10000, 'Authentication error');
    if (write && !o.tokens.includes(token)) return fail(403, 10000, 'Authentication error');

    const url = new URL(req.url ?? '/', 'https://emulator');
    if (!url.pathname.startsWith(BASE)) return fail(404, 7000, 'No route for that URI');
    const parts = url.pathname.slice(BASE.length).split('/').filter((p) => p !== '');
    if (parts.length === 1 && parts[0] === 'zones' && req.method === 'GET') {
      const name = url.searchParams.get('name');
      const list = [...zones.values()].filter((z) => name === null || z.name === name.toLowerCase()).map((z) => ({ id: z.id, name: z.name, status: 'active' }));
      return ok(list, { page: 1, per_page: 20, count: list.length, total_count: list.length, total_pages: 1 });
    }
    if (parts[0] !== 'zones' || parts[2] !== 'dns_records' || parts.length > 4) return fail(404, 7000, 'No route for that URI');
    const zone = zones.get(parts[1] ?? '');
    if (zone === undefined) return fail(404, 7003, 'Could not route to /zones, perhaps your object identifier is invalid?');
    const rid = parts[3];

    if (rid === undefined && req.method === 'GET') {
      const perPage = Math.min(5000, Math.max(5, Number(url.searchParams.get('per_page') ?? o.defaultPerPage ?? 100) || 100));
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const all = [...zone.records.values()];
      const slice = all.slice((page - 1) * perPage, page * perPage);
      return ok(slice, { page, per_page: perPage, count: slice.length, total_count: all.length, total_pages: Math.max(1, Math.ceil(all.length / perPage)) });
    }
    if (rid === undefined && req.method === 'POST') {
      const v = readInput(body);
      if (v === undefined) return fail(400, 9207, 'Request body is invalid.');
      const r = recordInput(zone, v);
      if (r instanceof Answer) return r;
      return serial(async () => {
        if (identical(zone, r)) return fail(400, 81057, 'Record already exists.');
        await o.bind.appendRecords(zone.absolute, [toBind(r)]);
        zone.records.set(r.id, r);
        return ok(r);
      });
    }
    if (rid === undefined) return fail(405, 10405, 'Method not allowed');
    return serial(async () => {
      const old = zone.records.get(rid);
      if (old === undefined) return fail(404, 81044, 'Record does not exist.');
      if (req.method === 'GET') return ok(old);
      if (req.method === 'DELETE') {
        await o.bind.deleteRecords(zone.absolute, [toBind(old)]);
        zone.records.delete(rid);
        return ok({ id: rid });
      }
      if (req.method === 'PATCH' || req.method === 'PUT') {
        const v = readInput(body);
        if (v === undefined) return fail(400, 9207, 'Request body is invalid.');
        const r = recordInput(zone, v, req.method === 'PATCH' ? old : undefined);
        if (r instanceof Answer) return r;
        if (identical(zone, r)) return fail(400, 81058, 'An identical record already exists.');
        await o.bind.deleteRecords(zone.absolute, [toBind(old)]);
        await o.bind.appendRecords(zone.absolute, [toBind(r)]);
        zone.records.set(rid, { ...r, id: rid });
        return ok({ ...r, id: rid });
      }
      return fail(405, 10405, 'Method not allowed');
    });
  }

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const send = (a: Answer): void => {
      res.writeHead(a.status, { 'content-type': 'application/json', date: new Date().toUTCString(), 'cf-ray': `${randomBytes(8).toString('hex')}-EMU`, ...a.headers });
      res.end(JSON.stringify(a.body));
    };
    route(req, body).then(send, (e: unknown) => send(fail(500, 10001, `emulator: ${e instanceof Error ? e.message : String(e)}`)));
  };
  const base = await startHttpsEmulator({
    rootName: 'Cloudflare emulator root',
    leafName: 'api.cloudflare.test',
    dns: ['localhost'],
    notBefore: now - DAY_MS,
    notAfter: now + 30 * DAY_MS,
    classify: (req) => ({ op: operationOf(req), write: req.method !== 'GET' }),
    shapes: SHAPES,
    handle: (req, res, body) => {
      handle(req, res, body);
      res.once('finish', () => {
        if (res.statusCode >= 400) base.failed(String(res.statusCode));
      });
    },
  });
  let limiter: Fault | undefined;

  return {
    ...sharedFields(base),
    endpoint: `${base.origin}${BASE}`,
    caPem: base.rootPem,
    log: base.log,
    rateLimit: (n) => {
      const i = limiter === undefined ? -1 : base.faults.indexOf(limiter);
      if (i >= 0) base.faults.splice(i, 1);
      limiter = n > 0 ? { kind: 'status', status: 429, retryAfter: 1, times: n } : undefined;
      if (limiter !== undefined) base.faults.unshift(limiter);
    },
    zoneId: (zone) => {
      const z = [...zones.values()].find((x) => x.absolute === zone);
      if (z === undefined) throw new Error(`no zone ${zone}`);
      return z.id;
    },
    records: (zone) => [...[...zones.values()].find((x) => x.absolute === zone)?.records.values() ?? []],
  };
}

/** The API operation a request is, for counting. */
function operationOf(req: IncomingMessage): string {
  const parts = new URL(req.url ?? '/', 'https://emulator').pathname.slice(BASE.length).split('/').filter((p) => p !== '');
  if (parts.length === 1 && parts[0] === 'zones') return 'zones.list';
  if (parts[0] !== 'zones' || parts[2] !== 'dns_records') return 'unknown';
  if (parts[3] === undefined) return req.method === 'GET' ? 'dns_records.list' : req.method === 'POST' ? 'dns_records.create' : 'unknown';
  return req.method === 'GET' ? 'dns_records.get' : req.method === 'DELETE' ? 'dns_records.delete' : req.method === 'PATCH' || req.method === 'PUT' ? 'dns_records.edit' : 'unknown';
}

const headersOf = (extra: Record<string, string> = {}): Record<string, string> => ({ 'content-type': 'application/json', 'cf-ray': `${randomBytes(8).toString('hex')}-EMU`, ...extra });

/** How the Cloudflare API answers, for the faults. */
const SHAPES: VendorShapes = {
  ok: () => ({
    status: 200,
    headers: headersOf(),
    body: JSON.stringify({
      success: true,
      errors: [],
      messages: [],
      result: [
        { id: '372e67954025e0ba6aaa6d586b9e0b59', zone_id: '023e105f4ecef8ad9ca31a8372d0c353', zone_name: 'example.test', name: 'www.example.test', type: 'A', content: '192.0.2.1', ttl: 300, proxied: false },
        { id: '372e67954025e0ba6aaa6d586b9e0b60', zone_id: '023e105f4ecef8ad9ca31a8372d0c353', zone_name: 'example.test', name: 'example.test', type: 'NS', content: 'ns1.example.test', ttl: 86400, proxied: false },
      ],
      result_info: { page: 1, per_page: 100, count: 2, total_count: 2, total_pages: 1 },
    }),
  }),
  busy: (status, retryAfter) =>
    status === 429
      ? {
          status: 429,
          headers: headersOf(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
          body: JSON.stringify({ success: false, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }], messages: [], result: null }),
        }
      : htmlAnswer(status, retryAfter),
};
