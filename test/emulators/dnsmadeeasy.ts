/**
 * A vendor-exact emulator of the DNS Made Easy REST API v2.0
 * (api.dnsmadeeasy.com/V2.0), for tests. HTTPS on 127.0.0.1 (a free port),
 * certificate for IP 127.0.0.1 and DNS localhost / dme.localhost from its
 * own root (`rootPem`); the API lives below `/V2.0` as in production.
 *
 * Authentication, as DME does it (vectors README §5), implemented here
 * independently of src/signing:
 * - x-dnsme-apiKey unknown → HTTP 403;
 * - x-dnsme-hmac must be hex HMAC-SHA1(secret, x-dnsme-requestDate) →
 *   otherwise HTTP 403 `{"error": ["Unable to verify HMAC"]}`;
 * - x-dnsme-requestDate must be an IMF-fixdate within ±`windowSeconds`
 *   (default 30; the real window is undocumented, failures seen at 37.7 s)
 *   of the real time → otherwise HTTP 400 `{"error": ["Request sent with
 *   date header too far out of sync.  Difference in times is D, header
 *   value is H"]}`, H the request date in epoch ms and D = H − server time
 *   in ms (that sign is our assumption; the real one is unverified).
 * Every answer carries a `Date` header unless `sendDate: false`.
 *
 * Faults (faults.ts, `faults`): throttling is HTTP 400 `{"error": ["Rate
 * limit exceeded"]}` with `x-dnsme-requestsRemaining: 0` and no
 * Retry-After (undocumented; as users captured it from the real API); a
 * 5xx is a front end's HTML page (assumed).
 *
 * Records live in the REAL BIND of the test bed: every change goes through
 * the rfc2136 provider, and lists come from an AXFR, so what the API says is
 * what DNS serves. Record ids are kept here per (name, type, value).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorrectedClock } from '../../src/clock/corrected-clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import type { DnsRecord } from '../../src/core/record.ts';
import type { DnsProvider } from '../../src/providers/types.ts';
import { rfc2136Manifest } from '../../src/providers/rfc2136/manifest.ts';
import { KEY_FULL, type BindBed } from '../harness/bind.ts';
import { htmlAnswer, type RateLimitedHost, type VendorShapes } from './faults.ts';
import { sharedFields, startHttpsEmulator } from './https-emulator.ts';

export interface DmeEmulatorKey {
  readonly apiKey: string;
  readonly secretKey: string;
}

export interface DmeEmulatorOptions {
  readonly bed: BindBed;
  readonly keys: readonly DmeEmulatorKey[];
  /** Items per list page. Default 100. */
  readonly pageSize?: number;
  /** Allowed distance between x-dnsme-requestDate and the real time, seconds. Default 30. */
  readonly windowSeconds?: number;
  /** Send an HTTP Date header (default true). */
  readonly sendDate?: boolean;
}

export interface DmeEmulator extends RateLimitedHost {
  /** https://127.0.0.1:<port>/V2.0 */
  readonly endpoint: string;
  readonly port: number;
  readonly rootPem: string;
  /** Requests received per operation (listDomains, domainByName, listRecords, createRecord, updateRecord, deleteRecord, unknown). */
  readonly requests: Map<string, number>;
  /** Answers per failure kind: key, hmac, skew, date, notFound, duplicate, invalid. */
  readonly errors: Map<string, number>;
  count(operation?: string): number;
  /** Clears the counters and any queued fault. */
  reset(): void;
  close(): Promise<void>;
}

/** A failure DME answers with `{"error": [message]}`. */
class DmeError extends Error {
  readonly kind: string;
  readonly status: number;
  constructor(kind: string, status: number, message: string) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** An IMF-fixdate → epoch ms; undefined when malformed or the weekday is wrong. */
export function parseImfFixdate(text: string): number | undefined {
  const m = IMF.exec(text);
  if (m === null) return undefined;
  const [, dow, dd, mon, yyyy, hh, mi, ss] = m as unknown as [string, string, string, string, string, string, string, string];
  const ms = Date.UTC(Number(yyyy), MONTHS.indexOf(mon), Number(dd), Number(hh), Number(mi), Number(ss));
  const d = new Date(ms);
  if (d.getUTCDate() !== Number(dd) || d.getUTCHours() !== Number(hh) || d.getUTCMinutes() !== Number(mi) || d.getUTCSeconds() !== Number(ss)) return undefined;
  if (DAYS[d.getUTCDay()] !== dow) return undefined;
  return ms;
}

/** Does `hmac` (hex) equal HMAC-SHA1(secret, requestDate)? */
export function dmeHmacValid(secretKey: string, requestDate: string, hmac: string): boolean {
  if (!/^[0-9a-fA-F]{40}$/.test(hmac)) return false;
  const expected = createHmac('sha1', secretKey).update(requestDate, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(hmac, 'hex'));
}

/** DME's check of the three headers at server time `nowMs`; throws DmeError. */
export function authenticateDme(
  h: { readonly apiKey?: string | undefined; readonly requestDate?: string | undefined; readonly hmac?: string | undefined },
  keys: ReadonlyMap<string, string>,
  nowMs: number,
  windowSeconds = 30,
): void {
  const secret = h.apiKey === undefined ? undefined : keys.get(h.apiKey);
  if (secret === undefined) throw new DmeError('key', 403, 'API key not found');
  const date = h.requestDate ?? '';
  if (!dmeHmacValid(secret, date, h.hmac ?? '')) throw new DmeError('hmac', 403, 'Unable to verify HMAC');
  const at = parseImfFixdate(date);
  if (at === undefined) throw new DmeError('date', 400, 'Invalid date header');
  const diff = at - nowMs;
  if (Math.abs(diff) > windowSeconds * 1000) {
    throw new DmeError('skew', 400, `Request sent with date header too far out of sync.  Difference in times is ${diff}, header value is ${at}`);
  }
}

/** The operation a request is for, by method and path below /V2.0. */
function operationOf(method: string, path: string): string {
  if (method === 'GET' && path === '/dns/managed/') return 'listDomains';
  if (method === 'GET' && path === '/dns/managed/name') return 'domainByName';
  const m = /^\/dns\/managed\/\d+\/records(\/\d+)?$/.exec(path);
  if (m === null) return 'unknown';
  if (m[1] === undefined) return method === 'GET' ? 'listRecords' : method === 'POST' ? 'createRecord' : 'unknown';
  return method === 'PUT' ? 'updateRecord' : method === 'DELETE' ? 'deleteRecord' : 'unknown';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

const quote = (t: string): string => `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const unquote = (v: string): string => (/^".*"$/s.test(v) ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

/** Start the emulator over `bed` (its zones become the account's managed domains). */
export async function startDmeEmulator(o: DmeEmulatorOptions): Promise<DmeEmulator> {
  const key = o.bed.keys[KEY_FULL];
  if (key === undefined) throw new Error('bed has no full key');
  const config = rfc2136Manifest.parse(
    { server: `${o.bed.primary.host}:${o.bed.primary.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 },
    'emulator',
  );
  const bind: DnsProvider = rfc2136Manifest.create(config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
  const keys = new Map(o.keys.map((k) => [k.apiKey, k.secretKey]));
  const domains = o.bed.zones.map((z, i) => ({ id: 870000 + i, name: z.replace(/\.$/, '').toLowerCase() }));
  const pageSize = o.pageSize ?? 100;
  const windowSeconds = o.windowSeconds ?? 30;
  const ids = new Map<string, number>();
  const byId = new Map<number, { domain: string; rec: DnsRecord }>();
  let nextId = 1;

  const idOf = (domain: string, r: DnsRecord): number => {
    const k = `${domain}|${r.name}|${r.type}|${r.data}`;
    let id = ids.get(k);
    if (id === undefined) {
      id = nextId++;
      ids.set(k, id);
    }
    byId.set(id, { domain, rec: r });
    return id;
  };
  const listAll = async (domain: string): Promise<DnsRecord[]> => (await bind.getRecords(`${domain}.`)).filter((r) => r.type !== 'SOA');
  const toApi = (domainId: number, domain: string, r: DnsRecord): Record<string, unknown> => {
    const mx = r.type === 'MX' ? /^(\d+) (.*)$/.exec(r.data) : null;
    return {
      id: idOf(domain, r),
      name: r.name === '@' ? '' : r.name,
      type: r.type,
      value: r.type === 'TXT' ? quote(r.data) : mx === null ? r.data : mx[2],
      ...(mx === null ? {} : { mxLevel: Number(mx[1]) }),
      ttl: r.ttl,
      gtdLocation: 'DEFAULT',
      source: 1,
      sourceId: domainId,
      failover: false,
      monitor: false,
      hardLink: false,
      dynamicDns: false,
      failed: false,
    };
  };
  const paged = (items: readonly unknown[], url: URL): Record<string, unknown> => {
    const page = Math.max(0, Number(url.searchParams.get('page') ?? '0') || 0);
    const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
    return { totalRecords: items.length, totalPages, data: items.slice(page * pageSize, (page + 1) * pageSize), page };
  };
  const input = (body: Buffer): DnsRecord => {
    let p: unknown;
    try {
      p = JSON.parse(body.toString('utf8'));
    } catch {
      throw new DmeError('invalid', 400, 'Invalid JSON');
    }
    if (typeof p !== 'object' || p === null) throw new DmeError('invalid', 400, 'Invalid JSON');
    const { name, type, value, ttl, gtdLocation, mxLevel } = p as Record<string, unknown>;
    if (typeof name !== 'string' || typeof type !== 'string' || typeof value !== 'string' || value === '' || typeof ttl !== 'number') {
      throw new DmeError('invalid', 400, 'name, type, value and ttl are required');
    }
    if (gtdLocation !== 'DEFAULT') throw new DmeError('invalid', 400, 'Invalid gtdLocation');
    const t = type.toUpperCase();
    const data = t === 'TXT' ? unquote(value) : t === 'MX' ? `${typeof mxLevel === 'number' ? mxLevel : 10} ${value}` : value;
    return { name: name === '' ? '@' : name.toLowerCase(), type: t, data, ttl };
  };
  const same = (a: DnsRecord, b: DnsRecord): boolean => a.name === b.name && a.type === b.type && a.data === b.data;

  const route = async (req: IncomingMessage, body: Buffer, url: URL, opName: string): Promise<{ status: number; json?: unknown }> => {
    const path = url.pathname.replace(/^\/V2\.0/, '');
    if (opName === 'listDomains') {
      return { status: 200, json: paged(domains.map((d) => ({ id: d.id, name: d.name, gtdEnabled: false, folderId: 1 })), url) };
    }
    if (opName === 'domainByName') {
      const d = domains.find((x) => x.name === (url.searchParams.get('domainname') ?? '').toLowerCase());
      if (d === undefined) throw new DmeError('notFound', 404, 'Domain not found');
      return { status: 200, json: { id: d.id, name: d.name, gtdEnabled: false } };
    }
    const m = /^\/dns\/managed\/(\d+)\/records(?:\/(\d+))?$/.exec(path);
    if (m === null) throw new DmeError('notFound', 404, 'Not found');
    const d = domains.find((x) => x.id === Number(m[1]));
    const rid = m[2] === undefined ? undefined : Number(m[2]);
    if (d === undefined) throw new DmeError('notFound', 404, 'Domain not found');
    const old = rid === undefined ? undefined : byId.get(rid);
    switch (opName) {
      case 'listRecords':
        return { status: 200, json: paged((await listAll(d.name)).map((r) => toApi(d.id, d.name, r)), url) };
      case 'createRecord': {
        const r = input(body);
        if ((await listAll(d.name)).some((x) => same(x, r))) {
          throw new DmeError('duplicate', 400, `Record with this type (${r.type}), name (${r.name === '@' ? '' : r.name}), and value (${r.data}) already exists.`);
        }
        await bind.appendRecords(`${d.name}.`, [r]);
        return { status: 201, json: toApi(d.id, d.name, r) };
      }
      case 'updateRecord': {
        if (old === undefined || old.domain !== d.name) throw new DmeError('notFound', 404, 'Record not found');
        const r = input(body);
        await bind.deleteRecords(`${d.name}.`, [old.rec]);
        await bind.appendRecords(`${d.name}.`, [r]);
        ids.delete(`${d.name}|${old.rec.name}|${old.rec.type}|${old.rec.data}`);
        ids.set(`${d.name}|${r.name}|${r.type}|${r.data}`, rid as number);
        byId.set(rid as number, { domain: d.name, rec: r });
        return { status: 200 };
      }
      case 'deleteRecord': {
        if (old === undefined || old.domain !== d.name) throw new DmeError('notFound', 404, 'Record not found');
        await bind.deleteRecords(`${d.name}.`, [old.rec]);
        byId.delete(rid as number);
        ids.delete(`${d.name}|${old.rec.name}|${old.rec.type}|${old.rec.data}`);
        return { status: 200 };
      }
      default:
        throw new DmeError('invalid', 405, 'Method not allowed');
    }
  };

  const handle = async (req: IncomingMessage, body: Buffer): Promise<{ status: number; json?: unknown }> => {
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    const op = operationOf(req.method ?? '', url.pathname.replace(/^\/V2\.0/, ''));
    // The emulator stands for DME's servers: their clock is the real time.
    authenticateDme({ apiKey: header(req, 'x-dnsme-apikey'), requestDate: header(req, 'x-dnsme-requestdate'), hmac: header(req, 'x-dnsme-hmac') }, keys, Date.now(), windowSeconds);
    return route(req, body, url, op);
  };

  const base = await startHttpsEmulator({
    rootName: 'zk dnsmadeeasy emulator root',
    leafName: 'dme.localhost',
    dns: ['localhost', 'dme.localhost'],
    ...(o.sendDate === false ? { sendDate: false } : {}),
    classify: (req) => {
      const method = req.method ?? '';
      return { op: operationOf(method, new URL(req.url ?? '/', 'https://emulator.invalid').pathname.replace(/^\/V2\.0/, '')), write: method !== 'GET' };
    },
    shapes: SHAPES,
    handle: (req, res: ServerResponse, body) => {
      handle(req, body).then(
        (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(r.json === undefined ? '' : JSON.stringify(r.json));
        },
        (e: unknown) => {
          const err = e instanceof DmeError ? e : new DmeError('internal', 500, String(e));
          base.failed(err.kind);
          res.writeHead(err.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: [err.message] }));
        },
      );
    },
  });

  return {
    ...sharedFields(base),
    endpoint: `${base.origin}/V2.0`,
  };
}

/** How DNS Made Easy answers, for the faults. */
const SHAPES: VendorShapes = {
  ok: () => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      totalRecords: 2,
      totalPages: 1,
      data: [
        { id: 1, name: '', type: 'NS', value: 'ns1.example.test.', ttl: 86400, gtdLocation: 'DEFAULT', source: 1, sourceId: 870000 },
        { id: 2, name: 'www', type: 'A', value: '192.0.2.1', ttl: 600, gtdLocation: 'DEFAULT', source: 1, sourceId: 870000 },
      ],
      page: 0,
    }),
  }),
  busy: (status, retryAfter) =>
    status === 429
      ? { status: 400, headers: { 'content-type': 'application/json', 'x-dnsme-requestsremaining': '0', 'x-dnsme-requestlimit': '150' }, body: JSON.stringify({ error: ['Rate limit exceeded'] }) }
      : htmlAnswer(status, retryAfter),
};
