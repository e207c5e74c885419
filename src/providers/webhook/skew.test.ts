import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../clock/clock.ts';
import { CorrectedClock } from '../../clock/corrected-clock.ts';
import { systemClock } from '../../clock/system-clock.ts';
import { rejectsAppError } from '../../core/testing/app-error-assert.ts';
import { createHttpClient } from '../../http/client.ts';
import { DAY_MS, makeCert, makeRoot } from '../../http/testing/certs.ts';
import { startHttpsServer, type TestServer } from '../../http/testing/servers.ts';
import type { HttpResponse } from '../../http/types.ts';
import { webhookManifest } from './manifest.ts';
import { WEBHOOK_SKEW_MS, webhookSkewVerdict } from './skew.ts';

const SECRET = 'receiver-hmac-secret';
const MIN = 60_000;

function answer(status: number, date?: string): HttpResponse {
  return { status, headers: date === undefined ? {} : { date }, links: [], body: Buffer.from('{}'), url: 'https://hook.test/x', attempts: 1 };
}

test('a 401 or 403 whose Date is far from the signed time is skew; anything else is not', () => {
  const at = Date.UTC(2026, 0, 1, 12, 0, 0);
  const date = new Date(at).toUTCString();
  for (const status of [401, 403]) {
    assert.equal(webhookSkewVerdict(answer(status, date), at + 10 * MIN).skew, true);
    assert.equal(webhookSkewVerdict(answer(status, date), at - 10 * MIN).skew, true);
    assert.equal(webhookSkewVerdict(answer(status, date), at + WEBHOOK_SKEW_MS + 1000).skew, true);
    // The Date agrees: a wrong token or secret, never retried.
    assert.equal(webhookSkewVerdict(answer(status, date), at + 900).skew, false);
    assert.equal(webhookSkewVerdict(answer(status, date), at + WEBHOOK_SKEW_MS).skew, false);
    assert.equal(webhookSkewVerdict(answer(status), at + 10 * MIN).skew, false);
    assert.equal(webhookSkewVerdict(answer(status, 'not a date'), at + 10 * MIN).skew, false);
  }
  for (const status of [200, 400, 404, 500]) assert.equal(webhookSkewVerdict(answer(status, date), at + 10 * MIN).skew, false);
});

// A receiver with a ±5 min window on the real time, checking the HMAC; it answers 401 with a Date (Node's default).
let server: TestServer;
let dir: string;
let base: string;
const seen: string[] = [];

function receive(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
  const ts = String(req.headers['x-zonekeeper-timestamp'] ?? '');
  const mac = createHmac('sha256', SECRET).update(`${ts}\n${req.method ?? ''}\n${base}${req.url ?? ''}\n${raw.toString('utf8')}`).digest('hex');
  const why = Math.abs(Number(ts) * 1000 - Date.now()) > 5 * MIN ? 'timestamp' : req.headers['x-signature'] !== mac ? 'hmac' : 'ok';
  seen.push(why);
  res.writeHead(why === 'ok' ? 200 : 401, { 'content-type': 'application/json' });
  res.end(why === 'ok' ? '[]' : JSON.stringify({ error: why }));
}

before(async () => {
  const now = Date.now();
  const root = await makeRoot('webhook skew test root', now);
  const leaf = await makeCert({ name: 'localhost', issuer: root, notBefore: now - DAY_MS, notAfter: now + DAY_MS, ips: ['127.0.0.1'] });
  server = await startHttpsServer(leaf.certPem, leaf.keyPem, receive);
  base = `https://127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'zk-webhook-skew-'));
  writeFileSync(join(dir, 'root.pem'), root.certPem);
});

after(async () => {
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function shifted(ms: number): Clock {
  return { now: () => systemClock.now() + ms, monotonicMs: () => systemClock.monotonicMs(), sleep: (d, s) => systemClock.sleep(d, s) };
}

function hook(shiftMs: number, secret = SECRET): { provider: ReturnType<typeof webhookManifest.create>; clock: CorrectedClock } {
  const clock = new CorrectedClock({ system: shifted(shiftMs) });
  const config = webhookManifest.parse(
    {
      zone: 'example.test',
      hmac: { header: 'X-Signature', secret, algorithm: 'sha256' },
      trust: join(dir, 'root.pem'),
      append: { url: `${base}/records`, body: '{"name":"{{fqdn}}"}' },
      delete: { method: 'delete', url: `${base}/records/{{fqdn}}` },
      list: { url: `${base}/records` },
    },
    'providers.hook',
  );
  return { provider: webhookManifest.create(config, { clock, dns: { resolvers: [], nameservers: new Map(), timeoutMs: 1000 }, http: createHttpClient({ clock }) }), clock };
}

for (const shift of [10 * MIN, -10 * MIN, 2 * 3600_000]) {
  test(`clock ${shift / MIN} min off: refused for the time once, signed again at the corrected time, accepted`, async () => {
    seen.length = 0;
    const { provider, clock } = hook(shift);
    assert.deepEqual(await provider.getRecords('example.test.'), []);
    assert.deepEqual(seen, ['timestamp', 'ok']);
    assert.ok(Math.abs(clock.offsetMs() + shift) < 2000, String(clock.offsetMs()));
    // Corrected from now on.
    seen.length = 0;
    await provider.appendRecords('example.test.', [{ name: 'a', type: 'TXT', data: 'x' }]);
    assert.deepEqual(seen, ['ok']);
  });
}

test('right clock, wrong secret: PROVIDER_AUTH after one request, never retried', async () => {
  seen.length = 0;
  await rejectsAppError(hook(0, 'wrong-secret').provider.getRecords('example.test.'), 'PROVIDER_AUTH');
  assert.deepEqual(seen, ['hmac']);
});

test('wrong clock and wrong secret: one corrected retry, then PROVIDER_AUTH', async () => {
  seen.length = 0;
  await rejectsAppError(hook(10 * MIN, 'wrong-secret').provider.getRecords('example.test.'), 'PROVIDER_AUTH');
  assert.deepEqual(seen, ['timestamp', 'hmac']);
});
