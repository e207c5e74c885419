/**
 * A vendor-exact emulator of the DNSPod API 3.0 endpoint
 * (dnspod.tencentcloudapi.com), for tests. HTTPS on 127.0.0.1 (a free
 * port), certificate for IP 127.0.0.1 and DNS localhost / dnspod.localhost
 * from its own root (`rootPem`).
 *
 * Authentication, as Tencent does it:
 * - `Authorization: TC3-HMAC-SHA256 Credential=ID/DATE/dnspod/tc3_request,
 *   SignedHeaders=…, Signature=…`; malformed → AuthFailure.InvalidAuthorization.
 * - unknown SecretId → AuthFailure.SecretIdNotFound;
 * - X-TC-Timestamp more than 5 minutes from the real time →
 *   AuthFailure.SignatureExpire (HTTP 200, as captured, with a Date header);
 * - the signature is recomputed independently from the request's own
 *   headers (those named in SignedHeaders, values trimmed and lower-cased;
 *   content-type and host required), its raw body and the server-side
 *   secret, with the credential date required to be the UTC date of the
 *   timestamp; any difference → AuthFailure.SignatureFailure. The Host is
 *   taken without its port: in production it has none (443), and the SDK
 *   signs the bare host name.
 * - a read-only key → UnauthorizedOperation on every write.
 * Every answer is HTTP 200 `{"Response":{…,"RequestId"}}` (errors carry
 * `Error:{Code,Message}`), with a `Date` header.
 *
 * Faults (faults.ts, `faults`): the throttling answer is Tencent's HTTP 200
 * `RequestLimitExceeded` without Retry-After (the code and the 200 are the
 * vendor's, as for every API 3.0 error; the message is assumed); a 5xx is a
 * front end's HTML page (assumed: API 3.0 documents no 5xx of its own).
 *
 * Records live in the REAL BIND of the test bed: every change goes through
 * the rfc2136 provider, and lists come from an AXFR, so what the API says is
 * what DNS serves. RecordIds are kept here per (name, type, value).
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorrectedClock } from '../../src/clock/corrected-clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import type { DnsRecord } from '../../src/core/record.ts';
import type { DnsProvider } from '../../src/providers/types.ts';
import { rfc2136Manifest } from '../../src/providers/rfc2136/manifest.ts';
import { KEY_FULL, type BindBed } from '../harness/bind.ts';
import { htmlAnswer, type RateLimitedHost, type VendorShapes } from './faults.ts';
import { sharedFields, startHttpsEmulator } from './https-emulator.ts';

export interface EmulatorKey {
  readonly secretId: string;
  readonly secretKey: string;
  /** Writes answer UnauthorizedOperation. */
  readonly readOnly?: boolean;
}

export interface TencentEmulatorOptions {
  readonly bed: BindBed;
  readonly keys: readonly EmulatorKey[];
  /** Most records per DescribeRecordList page whatever Limit asks (the real cap is 3000). */
  readonly pageSize?: number;
  /** Allowed distance between X-TC-Timestamp and the real time, seconds. Default 300. */
  readonly windowSeconds?: number;
}

export interface TencentEmulator extends RateLimitedHost {
  /** https://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
  /** PEM of the root that signed the server certificate. */
  readonly rootPem: string;
  /** Requests received per X-TC-Action (every request, rejected ones included). */
  readonly requests: Map<string, number>;
  /** Requests answered per error code. */
  readonly errors: Map<string, number>;
  count(action?: string): number;
  /** Clears the counters and any queued fault. */
  reset(): void;
  close(): Promise<void>;
}

const ACTIONS = new Set(['DescribeDomainList', 'DescribeRecordList', 'CreateRecord', 'ModifyRecord', 'DeleteRecord', 'ModifyRecordBatch', 'DescribeBatchTask']);
const WRITES = new Set(['CreateRecord', 'ModifyRecord', 'DeleteRecord', 'ModifyRecordBatch']);
const AUTH_RE = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const sha256 = (d: string | Buffer): string => createHash('sha256').update(d).digest('hex');
const hmac = (k: string | Buffer, d: string): Buffer => createHmac('sha256', k).update(d).digest();

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Tencent's check of one request; throws ApiError, returns the key on success. */
function authenticate(req: IncomingMessage, body: Buffer, keys: ReadonlyMap<string, EmulatorKey>, windowSeconds: number): EmulatorKey {
  const m = AUTH_RE.exec(header(req, 'authorization') ?? '');
  if (m === null) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization header is malformed.');
  const [, secretId, date, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
  const key = keys.get(secretId);
  if (key === undefined) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
  const tsText = header(req, 'x-tc-timestamp') ?? '';
  if (!/^\d{1,12}$/.test(tsText)) throw new ApiError('AuthFailure.InvalidAuthorization', 'X-TC-Timestamp is missing or malformed.');
  const ts = Number(tsText);
  // The emulator stands for Tencent's servers: their clock is the real time.
  if (Math.abs(Date.now() / 1000 - ts) > windowSeconds) throw new ApiError('AuthFailure.SignatureExpire', 'The signature is expired, please request again.');
  const names = signedHeaders.split(';');
  const failure = (): ApiError => new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
  if (!names.includes('content-type') || !names.includes('host')) throw failure();
  if (service !== 'dnspod' || date !== new Date(ts * 1000).toISOString().slice(0, 10)) throw failure();
  let canonicalHeaders = '';
  for (const name of names) {
    let value = header(req, name);
    if (value === undefined) throw failure();
    if (name === 'host') value = value.replace(/:\d+$/, '');
    canonicalHeaders += `${name}:${value.trim().toLowerCase()}\n`;
  }
  const url = new URL(req.url ?? '/', 'https://emulator.invalid');
  const canonicalRequest = [req.method ?? '', url.pathname, url.search.slice(1), canonicalHeaders, signedHeaders, sha256(body)].join('\n');
  const stringToSign = ['TC3-HMAC-SHA256', tsText, `${date}/${service}/tc3_request`, sha256(canonicalRequest)].join('\n');
  const kSigning = hmac(hmac(hmac(`TC3${key.secretKey}`, date), service), 'tc3_request');
  const expected = Buffer.from(createHmac('sha256', kSigning).update(stringToSign).digest('hex'));
  if (!timingSafeEqual(expected, Buffer.from(signature))) throw failure();
  return key;
}

interface Domain {
  readonly id: number;
  readonly name: string;
}

/** Start the emulator over `bed` (its zones become the account's domains). */
export async function startTencentEmulator(o: TencentEmulatorOptions): Promise<TencentEmulator> {
  const key = o.bed.keys[KEY_FULL];
  if (key === undefined) throw new Error('bed has no full key');
  const config = rfc2136Manifest.parse(
    { server: `${o.bed.primary.host}:${o.bed.primary.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 },
    'emulator',
  );
  const bind: DnsProvider = rfc2136Manifest.create(config, { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
  const keys = new Map(o.keys.map((k) => [k.secretId, k]));
  const domains: Domain[] = o.bed.zones.map((z, i) => ({ id: 1000 + i, name: z.replace(/\.$/, '').toLowerCase() }));
  const pageSize = Math.min(o.pageSize ?? 3000, 3000);
  const windowSeconds = o.windowSeconds ?? 300;
  const ids = new Map<string, number>();
  const byId = new Map<number, { domain: string; rec: DnsRecord }>();
  let nextId = 1;
  let nextJob = 1;
  const jobs = new Map<number, { total: number; success: number; fail: number }>();

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
  const zoneOf = (p: Record<string, unknown>): string => {
    const name = typeof p['Domain'] === 'string' ? p['Domain'].toLowerCase() : undefined;
    const d = domains.find((x) => x.name === name || x.id === p['DomainId']);
    if (d === undefined) throw new ApiError('ResourceNotFound.NoDataOfDomain', 'The domain does not exist.');
    return d.name;
  };
  const str = (p: Record<string, unknown>, name: string): string => {
    const v = p[name];
    if (typeof v !== 'string' || v === '') throw new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
    return v;
  };
  const listAll = async (domain: string): Promise<DnsRecord[]> => (await bind.getRecords(`${domain}.`)).filter((r) => r.type !== 'SOA');
  const input = (p: Record<string, unknown>): DnsRecord => {
    const type = str(p, 'RecordType').toUpperCase();
    if (str(p, 'RecordLine') !== '默认') throw new ApiError('InvalidParameter.RecordLineInvalid', 'The record line is invalid.');
    const value = str(p, 'Value');
    const name = typeof p['SubDomain'] === 'string' && p['SubDomain'] !== '' ? p['SubDomain'].toLowerCase() : '@';
    const ttl = typeof p['TTL'] === 'number' ? p['TTL'] : 600;
    const data = type === 'MX' ? `${typeof p['MX'] === 'number' ? p['MX'] : 10} ${value}` : value;
    return { name, type, data, ttl };
  };
  const toApi = (domain: string, r: DnsRecord): Record<string, unknown> => {
    const mx = r.type === 'MX' ? /^(\d+) (.*)$/.exec(r.data) : null;
    return {
      RecordId: idOf(domain, r),
      Name: r.name,
      Type: r.type,
      Value: mx === null ? r.data : mx[2],
      MX: mx === null ? 0 : Number(mx[1]),
      TTL: r.ttl,
      Line: '默认',
      LineId: '0',
      Status: 'ENABLE',
      Weight: null,
      MonitorStatus: '',
      Remark: '',
      UpdatedOn: '2026-01-01 00:00:00',
      DefaultNS: r.type === 'NS' && r.name === '@',
    };
  };
  const same = (a: DnsRecord, b: DnsRecord): boolean => a.name === b.name && a.type === b.type && a.data === b.data;

  const actions: Record<string, (p: Record<string, unknown>) => Promise<Record<string, unknown>>> = {
    DescribeDomainList: async (p) => {
      const offset = typeof p['Offset'] === 'number' ? p['Offset'] : 0;
      const limit = typeof p['Limit'] === 'number' ? p['Limit'] : 20;
      const page = domains.slice(offset, offset + limit);
      return {
        DomainCountInfo: { DomainTotal: domains.length, AllTotal: domains.length, MineTotal: domains.length, ShareTotal: 0 },
        DomainList: page.map((d) => ({ DomainId: d.id, Name: d.name, Status: 'ENABLE', TTL: 600, DNSStatus: '', Grade: 'DP_FREE' })),
      };
    },
    DescribeRecordList: async (p) => {
      const domain = zoneOf(p);
      const offset = typeof p['Offset'] === 'number' ? p['Offset'] : 0;
      const limit = typeof p['Limit'] === 'number' ? p['Limit'] : 100;
      if (limit < 1 || limit > 3000) throw new ApiError('InvalidParameter.LimitInvalid', 'Limit must be between 1 and 3000.');
      let all = await listAll(domain);
      const sub = typeof p['Subdomain'] === 'string' && p['Subdomain'] !== '' ? p['Subdomain'].toLowerCase() : undefined;
      const type = typeof p['RecordType'] === 'string' && p['RecordType'] !== '' ? p['RecordType'].toUpperCase() : undefined;
      if (sub !== undefined) all = all.filter((r) => r.name === sub);
      if (type !== undefined) all = all.filter((r) => r.type === type);
      if (all.length === 0) throw new ApiError('ResourceNotFound.NoDataOfRecord', 'The record list is empty.');
      const page = all.slice(offset, offset + Math.min(limit, pageSize));
      return {
        RecordCountInfo: { SubdomainCount: all.length, ListCount: page.length, TotalCount: all.length },
        RecordList: page.map((r) => toApi(domain, r)),
      };
    },
    CreateRecord: async (p) => {
      const domain = zoneOf(p);
      const r = input(p);
      if ((await listAll(domain)).some((x) => same(x, r))) throw new ApiError('InvalidParameter.DomainRecordExist', 'The record already exists.');
      await bind.appendRecords(`${domain}.`, [r]);
      return { RecordId: idOf(domain, r) };
    },
    ModifyRecord: async (p) => {
      const domain = zoneOf(p);
      const id = p['RecordId'];
      const old = typeof id === 'number' ? byId.get(id) : undefined;
      if (old === undefined || old.domain !== domain) throw new ApiError('InvalidParameter.RecordIdInvalid', 'The record ID is invalid.');
      const r = input(p);
      // One UPDATE, as the vendor's change is one: the other values at the name stay (BIND notifies its secondaries once).
      if (r.name === old.rec.name && r.type === old.rec.type) {
        const others = (await listAll(domain)).filter((x) => x.name === r.name && x.type === r.type && !same(x, old.rec));
        await bind.setRecords(`${domain}.`, [...others, r]);
      } else {
        await bind.deleteRecords(`${domain}.`, [old.rec]);
        await bind.appendRecords(`${domain}.`, [r]);
      }
      byId.delete(id as number);
      ids.set(`${domain}|${r.name}|${r.type}|${r.data}`, id as number);
      byId.set(id as number, { domain, rec: r });
      return { RecordId: id };
    },
    // Batch jobs run to completion before the answer (the real API runs them asynchronously; DescribeBatchTask reports).
    ModifyRecordBatch: async (p) => {
      const list = p['RecordIdList'];
      if (!Array.isArray(list) || list.length === 0 || list.length > 5000 || list.some((x) => typeof x !== 'number'))
        throw new ApiError('InvalidParameter.RecordIdInvalid', 'RecordIdList must hold 1 to 5000 record IDs.');
      if (p['Change'] !== 'value') throw new ApiError('InvalidParameter', 'The emulator implements Change=value only.');
      const to = str(p, 'ChangeTo');
      const byDomain = new Map<string, { id: number; old: DnsRecord }[]>();
      let fail = 0;
      for (const id of list as number[]) {
        const old = byId.get(id);
        if (old === undefined) fail++;
        else byDomain.set(old.domain, [...(byDomain.get(old.domain) ?? []), { id, old: old.rec }]);
      }
      for (const [domain, items] of byDomain) {
        const next = items.map(({ old }) => ({ ...old, data: to }));
        await bind.deleteRecords(`${domain}.`, items.map((x) => x.old));
        await bind.appendRecords(`${domain}.`, next);
        items.forEach(({ id, old }, i) => {
          const r = next[i] as DnsRecord;
          ids.delete(`${domain}|${old.name}|${old.type}|${old.data}`);
          ids.set(`${domain}|${r.name}|${r.type}|${r.data}`, id);
          byId.set(id, { domain, rec: r });
        });
      }
      const jobId = nextJob++;
      jobs.set(jobId, { total: list.length, success: list.length - fail, fail });
      return { JobId: jobId, DetailList: [...byDomain.keys()].map((d) => ({ Domain: d, RecordList: [], ErrMsg: null })) };
    },
    DescribeBatchTask: async (p) => {
      const job = typeof p['JobId'] === 'number' ? jobs.get(p['JobId']) : undefined;
      if (job === undefined) throw new ApiError('InvalidParameter.JobIdInvalid', 'The job ID is invalid.');
      return { DetailList: [], TotalCount: job.total, SuccessCount: job.success, FailCount: job.fail, JobType: 'record_modify', CreatedAt: '2026-01-01 00:00:00' };
    },
    DeleteRecord: async (p) => {
      const domain = zoneOf(p);
      const id = p['RecordId'];
      const old = typeof id === 'number' ? byId.get(id) : undefined;
      if (old === undefined || old.domain !== domain) throw new ApiError('InvalidParameter.RecordIdInvalid', 'The record ID is invalid.');
      await bind.deleteRecords(`${domain}.`, [old.rec]);
      byId.delete(id as number);
      ids.delete(`${domain}|${old.rec.name}|${old.rec.type}|${old.rec.data}`);
      return {};
    },
  };

  const handle = async (req: IncomingMessage, body: Buffer): Promise<Record<string, unknown>> => {
    const action = header(req, 'x-tc-action') ?? '';
    if (req.method !== 'POST') throw new ApiError('UnsupportedOperation', 'Only POST is emulated.');
    const k = authenticate(req, body, keys, windowSeconds);
    if (!ACTIONS.has(action)) throw new ApiError('InvalidAction', `The action \`${action}\` is not found.`);
    if (header(req, 'x-tc-version') !== '2021-03-23') throw new ApiError('NoSuchVersion', 'The API version does not exist.');
    if (k.readOnly === true && WRITES.has(action)) throw new ApiError('UnauthorizedOperation', 'You are not authorized to perform this operation.');
    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError('InvalidParameter', 'The request body is not JSON.');
    }
    if (typeof params !== 'object' || params === null) throw new ApiError('InvalidParameter', 'The request body is not an object.');
    const run = actions[action];
    if (run === undefined) throw new ApiError('InvalidAction', `The action \`${action}\` is not found.`);
    return run(params as Record<string, unknown>);
  };

  const reply = (res: ServerResponse, response: Record<string, unknown>): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Response: { ...response, RequestId: randomUUID() } }));
  };

  const base = await startHttpsEmulator({
    rootName: 'zk tencent emulator root',
    leafName: 'dnspod.localhost',
    dns: ['localhost', 'dnspod.localhost'],
    classify: (req) => {
      const op = header(req, 'x-tc-action') ?? '';
      return { op, write: WRITES.has(op) };
    },
    shapes: SHAPES,
    handle: (req, res, body) => {
      handle(req, body).then(
        (r) => reply(res, r),
        (e: unknown) => {
          const err = e instanceof ApiError ? e : new ApiError('InternalError', String(e));
          base.failed(err.code);
          reply(res, { Error: { Code: err.code, Message: err.message } });
        },
      );
    },
  });

  return {
    ...sharedFields(base),
    endpoint: base.origin,
  };
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** How DNSPod answers, for the faults. */
const SHAPES: VendorShapes = {
  ok: () => ({
    status: 200,
    headers: JSON_TYPE,
    body: JSON.stringify({
      Response: {
        RecordCountInfo: { SubdomainCount: 2, ListCount: 2, TotalCount: 2 },
        RecordList: [
          { RecordId: 1, Name: '@', Type: 'NS', Value: 'ns1.example.test.', MX: 0, TTL: 86400, Line: '默认', LineId: '0', Status: 'ENABLE' },
          { RecordId: 2, Name: 'www', Type: 'A', Value: '192.0.2.1', MX: 0, TTL: 600, Line: '默认', LineId: '0', Status: 'ENABLE' },
        ],
        RequestId: randomUUID(),
      },
    }),
  }),
  busy: (status, retryAfter) =>
    status === 429
      ? {
          status: 200,
          headers: JSON_TYPE,
          body: JSON.stringify({ Response: { Error: { Code: 'RequestLimitExceeded', Message: 'Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls.' }, RequestId: randomUUID() } }),
        }
      : htmlAnswer(status, retryAfter),
};
