/**
 * The webhook provider against a local HTTPS receiver that keeps records in
 * memory, checks the bearer token and the HMAC of every request, and serves
 * the list call: the contract suite, bad token, wrong HMAC secret, and one
 * `zonekeeper record set` through the CLI.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { AppError } from '../src/core/errors.ts';
import { DAY_MS } from '../src/http/testing/certs.ts';
import { runProviderContract, type ContractTarget } from '../src/providers/contract.ts';
import { findManifest } from '../src/providers/registry.ts';
import type { DnsProvider } from '../src/providers/types.ts';
import { webhookManifest } from '../src/providers/webhook/manifest.ts';
import { runCli } from './harness/cli.ts';
import type { VendorShapes } from './emulators/faults.ts';
import { startHttpsEmulator, type HttpsEmulatorBase } from './emulators/https-emulator.ts';
import { runProviderFaultSuite, type ProviderSetup } from './harness/provider-faults.ts';

const ZONE = 'example.test.';
const TOKEN = 'hook-bearer-token_0123456789';
const HMAC_SECRET = 'hook-hmac-secret_abcdef012345';

interface Stored {
  name: string;
  type: string;
  data: string;
  ttl: number;
}

/** The receiver, with the fault hook of the emulators (faults answer instead of it). */
let server: HttpsEmulatorBase;
let base: string;
let dir: string;
let trustFile: string;
let target: ContractTarget;
const records: Stored[] = [{ name: 'example.test.', type: 'NS', data: 'ns1.example.test.', ttl: 3600 }];
/** Requests refused by the receiver, by reason. */
const refused: string[] = [];

const fq = (name: string): string => (name.endsWith('.') ? name : `${name}.`).toLowerCase();

function verified(req: IncomingMessage, body: string): string | undefined {
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return 'bearer';
  const ts = String(req.headers['x-zonekeeper-timestamp'] ?? '');
  if (!/^\d+$/.test(ts) || Math.abs(Number(ts) * 1000 - systemClock.now()) > 300_000) return 'timestamp';
  const expected = createHmac('sha256', HMAC_SECRET).update(`${ts}\n${req.method ?? ''}\n${base}${req.url ?? ''}\n${body}`).digest();
  const got = Buffer.from(String(req.headers['x-signature'] ?? ''), 'hex');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return 'hmac';
  return undefined;
}

function receive(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
  const body = raw.toString('utf8');
  const reply = (status: number, doc: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
  };
  const why = verified(req, body);
  if (why !== undefined) {
    refused.push(why);
    reply(401, { error: `refused: ${why}` });
    return;
  }
  const url = new URL(req.url ?? '/', base);
  const m = /^\/zones\/([^/]+)\/records(?:\/([^/]+)\/([^/]+))?$/.exec(url.pathname);
  if (m === null || fq(decodeURIComponent(m[1] ?? '')) !== ZONE) return reply(404, { error: 'no such zone' });
  if (req.method === 'GET' && m[2] === undefined) return reply(200, records);
  if (req.method === 'POST' && m[2] === undefined) {
    const r = JSON.parse(body) as Stored;
    const s = { name: fq(r.name), type: r.type, data: r.data, ttl: r.ttl };
    if (!records.some((x) => x.name === s.name && x.type === s.type && x.data === s.data)) records.push(s);
    return reply(200, { ok: true });
  }
  if (req.method === 'DELETE' && m[2] !== undefined) {
    const name = fq(decodeURIComponent(m[2]));
    const type = decodeURIComponent(m[3] ?? '');
    const data = url.searchParams.get('data') ?? '';
    for (let i = records.length - 1; i >= 0; i--) {
      const x = records[i];
      if (x !== undefined && x.name === name && x.type === type && (data === '' || x.data === data)) records.splice(i, 1);
    }
    return reply(200, { ok: true });
  }
  reply(405, { error: 'method not allowed' });
}

const deps = () => ({ clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });

function rawConfig(o: { token?: string; hmacSecret?: string } = {}): Record<string, unknown> {
  return {
    zone: ZONE,
    bearer: o.token ?? TOKEN,
    hmac: { header: 'X-Signature', secret: o.hmacSecret ?? HMAC_SECRET, algorithm: 'sha256' },
    trust: trustFile,
    timeout: 5000,
    append: { method: 'post', url: `${base}/zones/{{zone}}/records`, body: '{"name":"{{fqdn}}","type":"{{type}}","data":"{{data}}","ttl":{{ttl}}}' },
    delete: { method: 'delete', url: `${base}/zones/{{zone}}/records/{{fqdn}}/{{type}}?data={{data}}` },
    list: { method: 'get', url: `${base}/zones/{{zone}}/records` },
  };
}

/** How this receiver answers, for the faults: its list, and a 429 / 503 with Retry-After (a receiver's choice). */
const RECEIVER_SHAPES: VendorShapes = {
  ok: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ name: 'example.test.', type: 'NS', data: 'ns1.example.test.', ttl: 3600 }, { name: 'www.example.test.', type: 'A', data: '192.0.2.1', ttl: 300 }]) }),
  busy: (status, retryAfter) => ({ status, headers: { 'content-type': 'application/json', ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) }, body: JSON.stringify({ error: status === 429 ? 'slow down' : 'unavailable' }) }),
};

/** The provider as the fault suite configures it: its timeout, its HTTP client. */
function faultHook(s: ProviderSetup, token = TOKEN): DnsProvider {
  return webhookManifest.create(webhookManifest.parse({ ...rawConfig({ token }), timeout: s.timeoutMs }, 'providers.hook'), { clock: s.clock, http: s.http, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } });
}

function hook(o: { token?: string; hmacSecret?: string } = {}): DnsProvider {
  return webhookManifest.create(webhookManifest.parse(rawConfig(o), 'providers.hook'), deps());
}

function rejectsWith(code: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, code, JSON.stringify(e.diagnosis));
    return true;
  };
}

before(async () => {
  const now = systemClock.now();
  server = await startHttpsEmulator({
    rootName: 'zk webhook receiver root',
    leafName: 'localhost',
    dns: ['localhost'],
    notBefore: now - DAY_MS,
    notAfter: now + DAY_MS,
    classify: (req) => ({ op: req.method ?? '', write: req.method !== 'GET' }),
    shapes: RECEIVER_SHAPES,
    handle: receive,
  });
  base = server.origin;
  dir = await mkdtemp(join(tmpdir(), 'zk-webhook-'));
  trustFile = join(dir, 'receiver-ca.pem');
  await writeFile(trustFile, server.rootPem);
  target = { provider: hook(), zone: ZONE };
});

after(async () => {
  await server?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

runProviderContract('webhook', () => target, { label: 'hook-contract' });

void test('webhook is in the registry and documents its nested settings', () => {
  const m = findManifest('webhook');
  assert.equal(m?.id, 'webhook');
  const hmac = m?.fields.find((f) => f.name === 'hmac');
  assert.deepEqual(hmac?.fields?.map((f) => f.name), ['header', 'secret', 'algorithm']);
  assert.ok(m?.fields.find((f) => f.name === 'append')?.fields?.some((f) => f.name === 'body'));
});

void test('every request so far was accepted by the receiver (bearer and HMAC verified)', () => {
  assert.deepEqual(refused, []);
});

void test('a bad bearer token is PROVIDER_AUTH and never appears in the error', async () => {
  const bad = 'not-the-token-0123456789';
  await assert.rejects(hook({ token: bad }).getRecords(ZONE), (e: unknown) => {
    rejectsWith('PROVIDER_AUTH')(e);
    assert.ok(!JSON.stringify((e as AppError).diagnosis).includes(bad));
    return true;
  });
  assert.equal(refused.at(-1), 'bearer');
});

void test('a wrong HMAC secret is refused by the receiver: PROVIDER_AUTH, nothing stored', async () => {
  await assert.rejects(hook({ hmacSecret: 'wrong-hmac-secret-000000' }).appendRecords(ZONE, [{ name: 'wrong-hmac', type: 'TXT', data: 'x', ttl: 60 }]), rejectsWith('PROVIDER_AUTH'));
  assert.equal(refused.at(-1), 'hmac');
  assert.ok(!records.some((r) => r.name.startsWith('wrong-hmac.')));
});

void test('without a list call getRecords is PROVIDER_UNSUPPORTED', async () => {
  const { list: _list, ...noList } = rawConfig();
  const p = webhookManifest.create(webhookManifest.parse(noList, 'providers.hook'), deps());
  await assert.rejects(p.getRecords(ZONE), rejectsWith('PROVIDER_UNSUPPORTED'));
});

void test('zonekeeper record set --provider hook --no-wait: exit 0, the receiver has the record', async () => {
  const file = join(dir, 'zonekeeper.yaml');
  const c = rawConfig();
  const call = (v: unknown): string => JSON.stringify(v);
  await writeFile(
    file,
    [
      'dns:',
      '  resolvers: []',
      'providers:',
      '  hook:',
      '    type: webhook',
      '    zone: example.test',
      `    bearer: ${JSON.stringify(TOKEN)}`,
      `    hmac: { header: X-Signature, secret: ${JSON.stringify(HMAC_SECRET)}, algorithm: sha256 }`,
      `    trust: ${JSON.stringify(trustFile)}`,
      `    append: ${call(c['append'])}`,
      `    delete: ${call(c['delete'])}`,
      `    list: ${call(c['list'])}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const r = await runCli(['--config', file, '--data', join(dir, 'data'), '--json', 'record', 'set', 'cli.hook.example.test', 'TXT', 'from the cli', '--provider', 'hook', '--no-wait']);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.deepEqual(
    records.filter((x) => x.name === 'cli.hook.example.test.').map((x) => [x.type, x.data]),
    [['TXT', 'from the cli']],
  );
});

// Last: its refused credentials would show in `refused`, which a test above expects empty.

runProviderFaultSuite(
  'webhook',
  () => ({ provider: (s) => faultHook(s), unauthorized: (s) => faultHook(s, 'not-the-token-0123456789'), zone: ZONE, host: server }),
  // The receiver's own errors are PROVIDER_REJECTED with the status (errors.ts), and a write's answer is not read.
  { label: 'hook-faults', throttleRetryAfter: true, htmlCode: 'PROVIDER_REJECTED', truncatedWrites: false },
);
