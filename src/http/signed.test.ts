import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../clock/clock.ts';
import { CorrectedClock } from '../clock/corrected-clock.ts';
import { systemClock } from '../clock/system-clock.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { createHttpClient } from './client.ts';
import { sendSigned } from './signed.ts';
import { DAY_MS, makeCert, makeRoot, type TestCert } from './testing/certs.ts';
import { startHttpServer, startHttpsServer, type TestServer } from './testing/servers.ts';

const WINDOW_MS = 5 * 60_000;

/** A vendor emulator: the request's X-Time must be within ±5 min of the real time; the answer reports the server time or not. */
function vendor(explicitTime: boolean): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void {
  return (req, res) => {
    const signed = Number(req.headers['x-time']);
    const now = systemClock.now();
    res.setHeader('content-type', 'application/json');
    if (Math.abs(signed - now) > WINDOW_MS) {
      res.statusCode = 403;
      res.end(JSON.stringify({ code: 'SignatureExpired', ...(explicitTime ? { serverTime: new Date(now).toISOString() } : {}) }));
      return;
    }
    res.end(JSON.stringify({ ok: true, nonce: req.headers['x-nonce'] }));
  };
}

function shifted(ms: number): Clock {
  return { now: () => systemClock.now() + ms, monotonicMs: () => systemClock.monotonicMs(), sleep: (d, s) => systemClock.sleep(d, s) };
}

let plain: TestServer;
let tls: TestServer;
let root: TestCert;

before(async () => {
  const now = systemClock.now();
  root = await makeRoot('signed test root', now);
  const leaf = await makeCert({ name: 'api.test', issuer: root, dns: ['api.test'], ips: ['127.0.0.1'], notBefore: now - DAY_MS, notAfter: now + 365 * DAY_MS });
  plain = await startHttpServer(vendor(true));
  tls = await startHttpsServer(leaf.certPem, leaf.keyPem, vendor(false));
});

after(async () => {
  await Promise.all([plain.close(), tls.close()]);
});

const classify = (r: { status: number; body: Buffer }): { skew: boolean; serverTimeMs?: number } => {
  if (r.status !== 403) return { skew: false };
  const b = JSON.parse(r.body.toString()) as { code: string; serverTime?: string };
  return b.serverTime === undefined ? { skew: b.code === 'SignatureExpired' } : { skew: true, serverTimeMs: Date.parse(b.serverTime) };
};

void test('20 concurrent requests on a clock 2 h ahead, server time in the body: every one corrected, at most one extra request each', async () => {
  const clock = new CorrectedClock({ system: shifted(2 * 3600_000) });
  const http = createHttpClient({ clock });
  let nonce = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, () =>
      sendSigned({
        http,
        clock,
        source: 'http:vendor',
        classify,
        sign: (nowMs) => ({ method: 'GET', url: `http://127.0.0.1:${plain.port}/x`, headers: { 'x-time': String(Math.round(nowMs)), 'x-nonce': String(nonce++) } }),
      }),
    ),
  );
  assert.ok(results.every((r) => r.response.status === 200 && r.attempts === 2));
  assert.equal(plain.hitsOf('/x'), 40);
  const next = await sendSigned({ http, clock, source: 'http:vendor', classify, sign: (nowMs) => ({ method: 'GET', url: `http://127.0.0.1:${plain.port}/y`, headers: { 'x-time': String(Math.round(nowMs)) } }) });
  assert.equal(next.attempts, 1, 'once corrected, no extra request');
});

void test('no server time in the body: the HTTPS Date header corrects the clock', async () => {
  const clock = new CorrectedClock({ system: shifted(-400 * DAY_MS) });
  const http = createHttpClient({ clock, resolve: { 'api.test': '127.0.0.1' } });
  const r = await sendSigned({
    http,
    clock,
    source: 'http:api.test',
    classify,
    sign: (nowMs) => ({ method: 'GET', url: `https://api.test:${tls.port}/z`, headers: { 'x-time': String(Math.round(nowMs)) }, trust: { caPem: root.certPem } }),
  });
  assert.equal(r.response.status, 200);
  assert.equal(r.attempts, 2);
});

void test('a server that keeps rejecting the time: CLOCK_SKEW after exactly two requests', async () => {
  const stuck = await startHttpServer((_req, res) => {
    res.statusCode = 403;
    res.end(JSON.stringify({ code: 'SignatureExpired', serverTime: '2000-01-01T00:00:00Z' }));
  });
  try {
    const clock = new CorrectedClock({ system: systemClock });
    await rejectsAppError(
      sendSigned({ http: createHttpClient({ clock }), clock, source: 'http:stuck', classify, sign: () => ({ method: 'GET', url: `http://127.0.0.1:${stuck.port}/s` }) }),
      'CLOCK_SKEW',
      { attempts: 2 },
    );
    assert.equal(stuck.hitsOf('/s'), 2);
  } finally {
    await stuck.close();
  }
});

void test('a wrong-secret answer is returned, not retried', async () => {
  const denied = await startHttpServer((_req, res) => {
    res.statusCode = 403;
    res.end(JSON.stringify({ code: 'SignatureDoesNotMatch' }));
  });
  try {
    const clock = new CorrectedClock({ system: systemClock });
    const r = await sendSigned({ http: createHttpClient({ clock }), clock, source: 'http:denied', classify, sign: () => ({ method: 'GET', url: `http://127.0.0.1:${denied.port}/d` }) });
    assert.equal(r.attempts, 1);
    assert.equal(r.response.status, 403);
    assert.equal(denied.hitsOf('/d'), 1);
  } finally {
    await denied.close();
  }
});

void test("the HTTP client's own retries (a throttling answer, then a 503) are signed anew: a fresh nonce each", async () => {
  const nonces: string[] = [];
  const server = await startHttpServer((req, res) => {
    nonces.push(String(req.headers['x-nonce']));
    res.setHeader('content-type', 'application/json');
    if (nonces.length === 1) res.end(JSON.stringify({ code: 'Throttling.User' }));
    else if (nonces.length === 2) res.writeHead(503, { 'retry-after': '0' }).end('{}');
    else res.end(JSON.stringify({ ok: true }));
  });
  try {
    const clock = new CorrectedClock({ system: systemClock });
    const http = createHttpClient({ clock, random: () => 0 });
    let n = 0;
    const { response, attempts } = await sendSigned({
      http,
      clock,
      source: 'http:api.test',
      classify,
      throttled: (r) => (r.body.toString('utf8').includes('Throttling.User') ? 'Throttling.User' : undefined),
      sign: (nowMs) => ({ method: 'POST', url: `http://127.0.0.1:${server.port}/x`, body: 'b', headers: { 'x-time': String(nowMs), 'x-nonce': `n${++n}` } }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.attempts, 3);
    assert.equal(attempts, 1, 'no skew correction was needed');
    assert.deepEqual(nonces, ['n1', 'n2', 'n3']);
  } finally {
    await server.close();
  }
});
