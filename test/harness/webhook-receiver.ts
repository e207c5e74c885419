/**
 * A webhook receiver for the `webhook` provider, over HTTPS on a free
 * 127.0.0.1 port (certificate valid ±400 days, from its own root), whose
 * records live in the REAL BIND of a test bed: every change goes through
 * the rfc2136 provider, lists come from an AXFR, so Pebble can validate
 * challenges the webhook wrote.
 *
 * What it checks, in this order (each refusal is HTTP 401 `{"error":
 * "refused: <reason>"}` and is counted in `refused`):
 * - `Authorization: Bearer <token>` → otherwise "bearer";
 * - `X-Zonekeeper-Timestamp` (Unix seconds) within ±`windowSeconds`
 *   (default 300) of the real time → otherwise "timestamp";
 * - the hex HMAC-SHA256 of "<timestamp>\n<METHOD>\n<url>\n<body>" in
 *   `X-Signature` → otherwise "hmac".
 * Every answer carries a `Date` header (Node's default), as any HTTP server does.
 *
 * The API (what `callSettings()` configures):
 * - GET    /zones/<zone>/records                       → [{name, type, data, ttl}], absolute names;
 * - POST   /zones/<zone>/records  {name, type, data, ttl} → adds (an existing record is success);
 * - DELETE /zones/<zone>/records/<fqdn>/<type>?data=    → removes that value (all values when empty).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CorrectedClock } from '../../src/clock/corrected-clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import type { DnsRecord } from '../../src/core/record.ts';
import { DAY_MS, makeCert, makeRoot } from '../../src/http/testing/certs.ts';
import { startHttpsServer, type TestServer } from '../../src/http/testing/servers.ts';
import { rfc2136Manifest } from '../../src/providers/rfc2136/manifest.ts';
import type { DnsProvider } from '../../src/providers/types.ts';
import { KEY_FULL, type BindBed } from './bind.ts';

export interface WebhookReceiverOptions {
  readonly bed: BindBed;
  readonly token: string;
  readonly hmacSecret: string;
  /** Allowed distance between X-Zonekeeper-Timestamp and the real time, seconds. Default 300. */
  readonly windowSeconds?: number;
}

export interface WebhookReceiver {
  /** https://127.0.0.1:<port> */
  readonly base: string;
  readonly rootPem: string;
  /** Requests received (refused ones included) since the last reset. */
  count(): number;
  /** Refusals since the last reset, by reason: bearer, timestamp, hmac. */
  readonly refused: Map<string, number>;
  reset(): void;
  /** The provider settings (append, delete, list, bearer, hmac) that talk to this receiver. */
  callSettings(): Record<string, unknown>;
  close(): Promise<void>;
}

const undot = (n: string): string => n.replace(/\.$/, '').toLowerCase();

/** `fqdn` relative to `zone` (both without trailing dot), "@" for the apex; undefined when outside. */
function relative(fqdn: string, zone: string): string | undefined {
  if (fqdn === zone) return '@';
  return fqdn.endsWith(`.${zone}`) ? fqdn.slice(0, -zone.length - 1) : undefined;
}

export async function startWebhookReceiver(o: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const now = Date.now();
  const root = await makeRoot('zk webhook receiver root', now);
  const leaf = await makeCert({ name: 'localhost', issuer: root, notBefore: now - 400 * DAY_MS, notAfter: now + 400 * DAY_MS, dns: ['localhost'], ips: ['127.0.0.1'] });
  const key = o.bed.keys[KEY_FULL];
  if (key === undefined) throw new Error('bed has no full key');
  const bind: DnsProvider = rfc2136Manifest.create(
    rfc2136Manifest.parse({ server: `${o.bed.primary.host}:${o.bed.primary.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 }, 'receiver'),
    { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } },
  );
  const zones = new Set(o.bed.zones.map(undot));
  const windowMs = (o.windowSeconds ?? 300) * 1000;
  const refused = new Map<string, number>();
  let received = 0;
  let base = '';

  const refusal = (req: IncomingMessage, body: string): string | undefined => {
    if (req.headers.authorization !== `Bearer ${o.token}`) return 'bearer';
    const ts = String(req.headers['x-zonekeeper-timestamp'] ?? '');
    // The receiver stands for a server whose clock is right: the real time.
    if (!/^\d+$/.test(ts) || Math.abs(Number(ts) * 1000 - Date.now()) > windowMs) return 'timestamp';
    const expected = createHmac('sha256', o.hmacSecret).update(`${ts}\n${req.method ?? ''}\n${base}${req.url ?? ''}\n${body}`).digest();
    const got = Buffer.from(String(req.headers['x-signature'] ?? ''), 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected) ? undefined : 'hmac';
  };

  const route = async (req: IncomingMessage, body: string): Promise<{ status: number; doc: unknown }> => {
    const url = new URL(req.url ?? '/', base);
    const m = /^\/zones\/([^/]+)\/records(?:\/([^/]+)\/([^/]+))?$/.exec(url.pathname);
    const zone = m === null ? undefined : undot(decodeURIComponent(m[1] ?? ''));
    if (m === null || zone === undefined || !zones.has(zone)) return { status: 404, doc: { error: 'no such zone' } };
    if (req.method === 'GET' && m[2] === undefined) {
      const records = (await bind.getRecords(`${zone}.`)).filter((r) => r.type !== 'SOA');
      return { status: 200, doc: records.map((r) => ({ name: r.name === '@' ? `${zone}.` : `${r.name}.${zone}.`, type: r.type, data: r.data, ttl: r.ttl })) };
    }
    if (req.method === 'POST' && m[2] === undefined) {
      const r = JSON.parse(body) as { name: string; type: string; data: string; ttl: number };
      const name = relative(undot(r.name), zone);
      if (name === undefined) return { status: 400, doc: { error: 'name outside the zone' } };
      const record: DnsRecord = { name, type: r.type.toUpperCase(), data: r.data, ttl: r.ttl };
      const existing = await bind.getRecords(`${zone}.`);
      if (!existing.some((x) => x.name === record.name && x.type === record.type && x.data === record.data)) await bind.appendRecords(`${zone}.`, [record]);
      return { status: 200, doc: { ok: true } };
    }
    if (req.method === 'DELETE' && m[2] !== undefined) {
      const name = relative(undot(decodeURIComponent(m[2])), zone);
      if (name === undefined) return { status: 400, doc: { error: 'name outside the zone' } };
      const type = decodeURIComponent(m[3] ?? '').toUpperCase();
      const data = url.searchParams.get('data') ?? '';
      const gone = (await bind.getRecords(`${zone}.`)).filter((x) => x.name === name && x.type === type && (data === '' || x.data === data));
      if (gone.length > 0) await bind.deleteRecords(`${zone}.`, gone);
      return { status: 200, doc: { ok: true } };
    }
    return { status: 405, doc: { error: 'method not allowed' } };
  };

  const server: TestServer = await startHttpsServer(leaf.certPem, leaf.keyPem, (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    received++;
    const reply = (status: number, doc: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doc));
    };
    const body = raw.toString('utf8');
    const why = refusal(req, body);
    if (why !== undefined) {
      refused.set(why, (refused.get(why) ?? 0) + 1);
      reply(401, { error: `refused: ${why}` });
      return;
    }
    route(req, body).then(
      (r) => reply(r.status, r.doc),
      (e: unknown) => reply(500, { error: String(e) }),
    );
  });
  base = `https://127.0.0.1:${server.port}`;

  return {
    base,
    rootPem: root.certPem,
    count: () => received,
    refused,
    reset: () => {
      received = 0;
      refused.clear();
    },
    callSettings: () => ({
      bearer: o.token,
      hmac: { header: 'X-Signature', secret: o.hmacSecret, algorithm: 'sha256' },
      append: { method: 'post', url: `${base}/zones/{{zone}}/records`, body: '{"name":"{{fqdn}}","type":"{{type}}","data":"{{data}}","ttl":{{ttl}}}' },
      delete: { method: 'delete', url: `${base}/zones/{{zone}}/records/{{fqdn}}/{{type}}?data={{data}}` },
      list: { method: 'get', url: `${base}/zones/{{zone}}/records` },
    }),
    close: () => server.close(),
  };
}
