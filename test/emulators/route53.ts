/**
 * A vendor-exact emulator of the Amazon Route 53 API (REST/XML 2013-04-01),
 * for tests. HTTPS on 127.0.0.1 (a free port), certificate for IP 127.0.0.1
 * and DNS localhost / route53.localhost from its own root (`rootPem`).
 *
 * Authentication, as AWS does SigV4 for route53 (its own implementation,
 * not the project's signer), in this order:
 * - no Authorization header → 403 `MissingAuthenticationToken`;
 * - malformed Authorization → 400 `IncompleteSignature`;
 * - unknown access key (or a session key without its token) → 403
 *   `InvalidClientTokenId`;
 * - scope not `<date>/us-east-1/route53/aws4_request`, or the date not the
 *   X-Amz-Date's → 403 `SignatureDoesNotMatch` (the AWS wording);
 * - X-Amz-Date more than 5 minutes from the real time → 403
 *   `SignatureDoesNotMatch` "Signature expired: T is now earlier than X
 *   (NOW - 5 min.)" / "Signature not yet current: T is still later than X
 *   (NOW + 5 min.)";
 * - the signature recomputed over the canonical request (the wire path
 *   normalised and encoded again, the query decoded and RFC 3986 encoded,
 *   sorted; the signed headers from the raw headers, trimmed and collapsed;
 *   sha256 of the body) differs → 403 `SignatureDoesNotMatch` "The request
 *   signature we calculated does not match …";
 * - a denied key → 403 `AccessDenied` on ChangeResourceRecordSets.
 * Errors are `<ErrorResponse>` XML (InvalidChangeBatch its own shape);
 * every answer has a `Date` header.
 *
 * Faults (faults.ts, `faults`): throttling is HTTP 400 `<ErrorResponse>`
 * with `Throttling` "Rate exceeded" on reads and `PriorRequestNotComplete`
 * on ChangeResourceRecordSets (codes, message and status as AWS documents
 * them; no Retry-After); a 5xx is `ServiceUnavailable` (AWS's common error;
 * its Retry-After, when the test asks for one, is assumed).
 *
 * Records live in the REAL BIND of the test bed: changes go through the
 * rfc2136 provider and lists come from an AXFR.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorrectedClock } from '../../src/clock/corrected-clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import type { DnsRecord } from '../../src/core/record.ts';
import type { DnsProvider } from '../../src/providers/types.ts';
import { rfc2136Manifest } from '../../src/providers/rfc2136/manifest.ts';
import { KEY_FULL, type BindBed } from '../harness/bind.ts';
import type { RateLimitedHost, VendorShapes } from './faults.ts';
import { sharedFields, startHttpsEmulator } from './https-emulator.ts';

export interface Route53EmulatorKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials: requests must carry this x-amz-security-token. */
  readonly sessionToken?: string;
  /** ChangeResourceRecordSets answers 403 AccessDenied. */
  readonly denied?: boolean;
}

export interface Route53EmulatorOptions {
  readonly bed: BindBed;
  readonly keys: readonly Route53EmulatorKey[];
  /** Most RRsets per ListResourceRecordSets page whatever maxitems asks (the real cap is 300). */
  readonly pageSize?: number;
}

export interface Route53Emulator extends RateLimitedHost {
  /** https://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  readonly rootPem: string;
  /** Hosted zone ids by absolute zone name. */
  readonly zoneIds: ReadonlyMap<string, string>;
  /** Requests received per action (every request, rejected ones included). */
  readonly requests: Map<string, number>;
  /** Requests answered per error code. */
  readonly errors: Map<string, number>;
  /** The server NOW of every skew answer sent (epoch ms, whole seconds). */
  readonly skewNows: number[];
  count(action?: string): number;
  /** Clears the counters and any queued fault. */
  reset(): void;
  close(): Promise<void>;
}

const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const WINDOW_MS = 5 * 60_000;

class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** InvalidChangeBatch messages (its own XML shape). */
  readonly batch?: string[];
  constructor(status: number, code: string, message: string, batch?: string[]) {
    super(message);
    this.status = status;
    this.code = code;
    if (batch !== undefined) this.batch = batch;
  }
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hex = (d: string | Buffer): string => createHash('sha256').update(d).digest('hex');
const amz = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
const mismatch = (): ApiError =>
  new ApiError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');

function parseAmz(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (m === null) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The canonical URI AWS computes for non-S3 services: normalised, then every segment encoded (again). */
function canonicalUri(wirePath: string): string {
  const segs: string[] = [];
  for (const s of wirePath.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segs.pop();
    else segs.push(s);
  }
  const trailing = segs.length > 0 && wirePath.endsWith('/') ? '/' : '';
  return `/${segs.map(rfc3986).join('/')}${trailing}`;
}

function canonicalQuery(raw: string): string {
  if (raw === '') return '';
  return raw
    .split('&')
    .filter((kv) => kv !== '')
    .map((kv) => {
      const eq = kv.indexOf('=');
      const k = eq < 0 ? kv : kv.slice(0, eq);
      const v = eq < 0 ? '' : kv.slice(eq + 1);
      return [rfc3986(decodeURIComponent(k)), rfc3986(decodeURIComponent(v))] as const;
    })
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** SigV4 verification; throws ApiError, returns the key. */
function authenticate(req: IncomingMessage, body: Buffer, keys: ReadonlyMap<string, Route53EmulatorKey>, onSkew: (now: number) => void): Route53EmulatorKey {
  const auth = req.headers.authorization;
  if (auth === undefined) throw new ApiError(403, 'MissingAuthenticationToken', 'Missing Authentication Token');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (m === null) throw new ApiError(400, 'IncompleteSignature', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${auth.split(' ')[0] ?? ''}`);
  const [, akid, scope, signedHeaders, signature] = m as unknown as [string, string, string, string, string];
  const key = keys.get(akid);
  const token = req.headers['x-amz-security-token'];
  if (key === undefined || (key.sessionToken !== undefined && token !== key.sessionToken) || (key.sessionToken === undefined && token !== undefined)) {
    throw new ApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  const names = signedHeaders.split(';');
  const dateName = names.includes('x-amz-date') ? 'x-amz-date' : 'date';
  const amzDate = typeof req.headers[dateName] === 'string' ? (req.headers[dateName] as string) : '';
  const t = parseAmz(amzDate) ?? (dateName === 'date' ? Date.parse(amzDate) : NaN);
  if (!Number.isFinite(t)) throw new ApiError(403, 'IncompleteSignature', 'Date must be in ISO-8601 \'basic format\'. Got \'' + amzDate + '\'.');
  const [date, region, service, term] = scope.split('/');
  if (date !== amz(t).slice(0, 8)) throw new ApiError(403, 'SignatureDoesNotMatch', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date ?? ''}' != '${amz(t).slice(0, 8)}', from '${amzDate}'.`);
  if (region !== 'us-east-1') throw new ApiError(403, 'SignatureDoesNotMatch', `Credential should be scoped to a valid region. `);
  if (service !== 'route53') throw new ApiError(403, 'SignatureDoesNotMatch', "Credential should be scoped to correct service: 'route53'. ");
  if (term !== 'aws4_request') throw new ApiError(403, 'SignatureDoesNotMatch', "Credential should be scoped with a valid terminator: 'aws4_request'. ");
  if (!names.includes('host')) throw new ApiError(403, 'SignatureDoesNotMatch', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  // The emulator stands for AWS: its clock is the real time.
  const now = Math.floor(Date.now() / 1000) * 1000;
  if (t < now - WINDOW_MS) {
    onSkew(now);
    throw new ApiError(403, 'SignatureDoesNotMatch', `Signature expired: ${amz(t)} is now earlier than ${amz(now - WINDOW_MS)} (${amz(now)} - 5 min.)`);
  }
  if (t > now + WINDOW_MS) {
    onSkew(now);
    throw new ApiError(403, 'SignatureDoesNotMatch', `Signature not yet current: ${amz(t)} is still later than ${amz(now + WINDOW_MS)} (${amz(now)} + 5 min.)`);
  }
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const n = (req.rawHeaders[i] as string).toLowerCase();
    values.set(n, [...(values.get(n) ?? []), (req.rawHeaders[i + 1] as string).trim().replace(/[ \t]+/g, ' ')]);
  }
  const canonicalHeaders = names.map((n) => `${n}:${(values.get(n) ?? []).join(',')}\n`).join('');
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const canonicalRequest = [req.method ?? '', canonicalUri(q < 0 ? url : url.slice(0, q)), canonicalQuery(q < 0 ? '' : url.slice(q + 1)), canonicalHeaders, signedHeaders, hex(body)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonicalRequest)].join('\n');
  let k: Buffer = createHmac('sha256', `AWS4${key.secretAccessKey}`).update(date).digest();
  for (const part of [region, service, term]) k = createHmac('sha256', k).update(part).digest();
  const expected = Buffer.from(createHmac('sha256', k).update(stringToSign).digest('hex'));
  if (!timingSafeEqual(expected, Buffer.from(signature))) throw mismatch();
  return key;
}

/** Route 53's order: names compared label by label from the root, then type. */
function order(a: { name: string; type: string }, b: { name: string; type: string }): number {
  const ka = a.name.split('.').toReversed().join('.');
  const kb = b.name.split('.').toReversed().join('.');
  return ka < kb ? -1 : ka > kb ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

interface RRset {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

/** Route 53's own presentation of a name: `*` and other specials as `\NNN`. */
function showName(name: string): string {
  return name.replace(/[^a-z0-9._-]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

function txtOut(data: string): string {
  const bytes = Buffer.from(data, 'utf8');
  const parts: string[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += 255) {
    let s = '';
    for (const b of bytes.subarray(i, i + 255)) s += b === 0x22 || b === 0x5c ? `\\${String.fromCharCode(b)}` : b < 0x20 || b > 0x7e ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b);
    parts.push(`"${s}"`);
  }
  return parts.join(' ');
}

function txtIn(value: string): string {
  const out: number[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    const s = m[1] ?? m[2] ?? '';
    for (let i = 0; i < s.length; i++) {
      const oct = s[i] === '\\' ? /^[0-7]{3}/.exec(s.slice(i + 1, i + 4)) : null;
      if (oct !== null) {
        out.push(parseInt(oct[0], 8));
        i += 3;
      } else {
        if (s[i] === '\\') i++;
        out.push(...Buffer.from(s[i] ?? '', 'utf8'));
      }
    }
  }
  return Buffer.from(out).toString('utf8');
}

/** Start the emulator over `bed` (its zones become the account's hosted zones). */
export async function startRoute53Emulator(o: Route53EmulatorOptions): Promise<Route53Emulator> {
  const tsigKey = o.bed.keys[KEY_FULL];
  if (tsigKey === undefined) throw new Error('bed has no full key');
  const config = rfc2136Manifest.parse({ server: `${o.bed.primary.host}:${o.bed.primary.port}`, tsig: { name: tsigKey.name, algorithm: tsigKey.algorithm, secret: tsigKey.secret }, timeout: 5000 }, 'emulator');
  const bind: DnsProvider = rfc2136Manifest.create(config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
  const keys = new Map(o.keys.map((k) => [k.accessKeyId, k]));
  // In Route 53's order (labels reversed), which ListHostedZonesByName pages through.
  const zones = [...o.bed.zones].map((z) => z.toLowerCase().replace(/\.?$/, '.')).sort((a, b) => order({ name: a, type: '' }, { name: b, type: '' }));
  const zoneIds = new Map(zones.map((z, i) => [z, `Z0${String(i + 1).padStart(4, '0')}ZKEMULATOR${createHash('sha1').update(z).digest('hex').slice(0, 6).toUpperCase()}`]));
  const byId = new Map([...zoneIds].map(([z, id]) => [id, z]));
  const pageSize = Math.min(o.pageSize ?? 300, 300);
  const skewNows: number[] = [];

  const rrsetsOf = async (zone: string): Promise<RRset[]> => {
    const sets = new Map<string, RRset>();
    for (const r of await bind.getRecords(zone)) {
      const name = (r.name === '@' ? zone : `${r.name}.${zone}`).toLowerCase();
      const key = `${name}|${r.type}`;
      const set = sets.get(key) ?? { name, type: r.type, ttl: r.ttl ?? 300, values: [] };
      sets.set(key, set);
      set.values.push(r.type === 'TXT' ? txtOut(r.data) : r.data);
    }
    return [...sets.values()].sort(order);
  };
  const setXml = (s: RRset): string =>
    `<ResourceRecordSet><Name>${esc(showName(s.name))}</Name><Type>${s.type}</Type><TTL>${s.ttl}</TTL><ResourceRecords>${s.values.map((v) => `<ResourceRecord><Value>${esc(v)}</Value></ResourceRecord>`).join('')}</ResourceRecords></ResourceRecordSet>`;
  const zoneOf = (id: string): string => {
    const z = byId.get(id);
    if (z === undefined) throw new ApiError(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${id}`);
    return z;
  };
  const maxItems = (q: URLSearchParams, dflt: number): number => {
    const v = q.get('maxitems');
    if (v === null) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new ApiError(400, 'InvalidInput', '1 validation error detected: Value at \'maxItems\' failed to satisfy constraint');
    return Number(v);
  };
  const absName = (n: string): string => {
    const lower = txtIn(n.replace(/"/g, '\\"')).toLowerCase();
    return lower.endsWith('.') ? lower : `${lower}.`;
  };

  const listHostedZonesByName = (q: URLSearchParams): string => {
    const max = Math.min(maxItems(q, 100), 100);
    const from = q.get('dnsname');
    const start = from === null ? 0 : zones.findIndex((z) => order({ name: z, type: '' }, { name: absName(from), type: '' }) >= 0);
    const rest = start < 0 ? [] : zones.slice(start);
    const page = rest.slice(0, max);
    const next = rest[max];
    return `<ListHostedZonesByNameResponse xmlns="${XMLNS}"><HostedZones>${page
      .map((z) => `<HostedZone><Id>/hostedzone/${zoneIds.get(z) ?? ''}</Id><Name>${esc(z)}</Name><CallerReference>zk-${z}</CallerReference><Config><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>`)
      .join('')}</HostedZones>${from === null ? '' : `<DNSName>${esc(from)}</DNSName>`}<IsTruncated>${next !== undefined}</IsTruncated>${next === undefined ? '' : `<NextDNSName>${esc(next)}</NextDNSName><NextHostedZoneId>${zoneIds.get(next) ?? ''}</NextHostedZoneId>`}<MaxItems>${max}</MaxItems></ListHostedZonesByNameResponse>`;
  };

  const listRRsets = async (zone: string, q: URLSearchParams): Promise<string> => {
    const max = Math.min(maxItems(q, 300), pageSize);
    const name = q.get('name');
    const type = q.get('type');
    if (type !== null && name === null) throw new ApiError(400, 'InvalidInput', 'The input is not valid: type requires name');
    const all = await rrsetsOf(zone);
    const start = name === null ? 0 : all.findIndex((s) => order(s, { name: absName(name), type: type ?? '' }) >= 0);
    const rest = start < 0 ? [] : all.slice(start);
    const page = rest.slice(0, max);
    const next = rest[max];
    return `<ListResourceRecordSetsResponse xmlns="${XMLNS}"><ResourceRecordSets>${page.map(setXml).join('')}</ResourceRecordSets><IsTruncated>${next !== undefined}</IsTruncated>${next === undefined ? '' : `<NextRecordName>${esc(showName(next.name))}</NextRecordName><NextRecordType>${next.type}</NextRecordType>`}<MaxItems>${max}</MaxItems></ListResourceRecordSetsResponse>`;
  };

  const change = async (zone: string, body: string): Promise<string> => {
    const changes = [...body.matchAll(/<Change>([\s\S]*?)<\/Change>/g)].map((m) => {
      const c = m[1] as string;
      const tag = (t: string): string | undefined => new RegExp(`<${t}>([\\s\\S]*?)</${t}>`).exec(c)?.[1];
      const unesc = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
      const values = [...c.matchAll(/<Value>([\s\S]*?)<\/Value>/g)].map((v) => unesc(v[1] as string));
      return { action: tag('Action') ?? '', name: absName(unesc(tag('Name') ?? '')), type: (tag('Type') ?? '').toUpperCase(), ttl: Number(tag('TTL') ?? 'NaN'), values };
    });
    if (changes.length === 0) throw new ApiError(400, 'InvalidInput', 'Invalid XML ; cvc-complex-type.2.4.b: The content of element \'Changes\' is not complete.');
    const current = new Map((await rrsetsOf(zone)).map((s) => [`${s.name}|${s.type}`, s]));
    const problems: string[] = [];
    for (const c of changes) {
      const what = `[name='${c.name}', type='${c.type}']`;
      if (!['CREATE', 'DELETE', 'UPSERT'].includes(c.action) || !Number.isInteger(c.ttl) || c.values.length === 0) throw new ApiError(400, 'InvalidInput', 'Invalid XML ; the change is incomplete');
      if (c.name !== zone && !c.name.endsWith(`.${zone}`)) problems.push(`RRSet with DNS name ${c.name} is not permitted in zone ${zone}`);
      const cur = current.get(`${c.name}|${c.type}`);
      if (c.action === 'CREATE' && cur !== undefined) problems.push(`Tried to create resource record set ${what} but it already exists`);
      if (c.action === 'DELETE' && cur === undefined) problems.push(`Tried to delete resource record set ${what} but it was not found`);
      if (c.action === 'DELETE' && cur !== undefined && (cur.ttl !== c.ttl || [...cur.values].sort().join('\n') !== [...c.values].sort().join('\n'))) {
        problems.push(`Tried to delete resource record set ${what} but the values provided do not match the current values`);
      }
    }
    if (problems.length > 0) throw new ApiError(400, 'InvalidChangeBatch', problems.join('; '), problems);
    for (const c of changes) {
      const rel = c.name === zone ? '@' : c.name.slice(0, -zone.length - 1);
      const records: DnsRecord[] = c.values.map((v) => ({ name: rel, type: c.type, data: c.type === 'TXT' ? txtIn(v) : v, ttl: c.ttl }));
      if (c.action === 'DELETE') await bind.deleteRecords(zone, [{ name: rel, type: c.type, data: '' }]);
      else await bind.setRecords(zone, records);
    }
    const id = `C${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
    return `<ChangeResourceRecordSetsResponse xmlns="${XMLNS}"><ChangeInfo><Id>/change/${id}</Id><Status>PENDING</Status><SubmittedAt>${new Date().toISOString()}</SubmittedAt><Comment>zonekeeper</Comment></ChangeInfo></ChangeResourceRecordSetsResponse>`;
  };

  const handle = async (req: IncomingMessage, body: Buffer): Promise<string> => {
    const url = new URL(req.url ?? '/', 'https://route53.invalid');
    const rr = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset$/.exec(url.pathname.replace(/\/$/, ''));
    const action = actionOf(req);
    const key = authenticate(req, body, keys, (n) => skewNows.push(n));
    if (action === 'Unknown') throw new ApiError(404, 'UnknownOperationException', 'Unknown operation');
    if (action === 'ListHostedZonesByName') return listHostedZonesByName(url.searchParams);
    const zone = zoneOf(decodeURIComponent((rr as RegExpExecArray)[1] as string));
    if (action === 'ListResourceRecordSets') return listRRsets(zone, url.searchParams);
    if (key.denied === true) {
      throw new ApiError(403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/zk-readonly is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/${zoneIds.get(zone) ?? ''} because no identity-based policy allows the route53:ChangeResourceRecordSets action`);
    }
    return change(zone, body.toString('utf8'));
  };

  const base = await startHttpsEmulator({
    rootName: 'zk route53 emulator root',
    leafName: 'route53.localhost',
    dns: ['localhost', 'route53.localhost'],
    classify: (req) => {
      const op = actionOf(req);
      return { op, write: op === 'ChangeResourceRecordSets' };
    },
    shapes: SHAPES,
    handle: (req, res: ServerResponse, body) => {
      const requestId = randomUUID();
      handle(req, body).then(
        (xml) => {
          res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, date: new Date().toUTCString() });
          res.end(`<?xml version="1.0"?>\n${xml}`);
        },
        (e: unknown) => {
          const err = e instanceof ApiError ? e : new ApiError(500, 'InternalFailure', String(e));
          base.failed(err.code);
          res.writeHead(err.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, date: new Date().toUTCString() });
          res.end(
            err.batch === undefined
              ? errorXml('Sender', err.code, err.message, requestId)
              : `<?xml version="1.0"?>\n<InvalidChangeBatch xmlns="${XMLNS}"><Messages>${err.batch.map((m) => `<Message>${esc(m)}</Message>`).join('')}</Messages><RequestId>${requestId}</RequestId></InvalidChangeBatch>`,
          );
        },
      );
    },
  });

  return {
    ...sharedFields(base),
    endpoint: base.origin,
    zoneIds,
    skewNows,
    reset: () => {
      base.reset();
      skewNows.length = 0;
    },
  };
}

/** The Route 53 action a request is, by method and path. */
function actionOf(req: IncomingMessage): string {
  const path = new URL(req.url ?? '/', 'https://route53.invalid').pathname.replace(/\/$/, '');
  const rr = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset$/.test(path);
  if (path === '/2013-04-01/hostedzonesbyname' && req.method === 'GET') return 'ListHostedZonesByName';
  if (rr && req.method === 'GET') return 'ListResourceRecordSets';
  if (rr && req.method === 'POST') return 'ChangeResourceRecordSets';
  return 'Unknown';
}

function errorXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** How Route 53 answers, for the faults. */
const SHAPES: VendorShapes = {
  ok: () => ({
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
    body: `<?xml version="1.0"?>\n<ListResourceRecordSetsResponse xmlns="${XMLNS}"><ResourceRecordSets><ResourceRecordSet><Name>example.test.</Name><Type>NS</Type><TTL>86400</TTL><ResourceRecords><ResourceRecord><Value>ns1.example.test.</Value></ResourceRecord></ResourceRecords></ResourceRecordSet><ResourceRecordSet><Name>www.example.test.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>`,
  }),
  busy: (status, retryAfter, write) => {
    const requestId = randomUUID();
    const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
    if (status === 429) {
      return write
        ? { status: 400, headers, body: errorXml('Sender', 'PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.', requestId) }
        : { status: 400, headers, body: errorXml('Sender', 'Throttling', 'Rate exceeded', requestId) };
    }
    return { status, headers: { ...headers, ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) }, body: errorXml('Receiver', 'ServiceUnavailable', 'Service is unable to handle request.', requestId) };
  },
};
