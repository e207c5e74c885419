import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { freePort } from '../../test/harness/ports.ts';
import { systemClock } from '../clock/system-clock.ts';
import { AppError } from '../core/errors.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { createHttpClient, type HttpClientOptions } from './client.ts';
import { DAY_MS, makeCert, makeRoot, type TestCert } from './testing/certs.ts';
import { startHttpServer, startHttpsServer, type TestServer } from './testing/servers.ts';
import { StubTrustedClock } from './testing/stub-clock.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './types.ts';

const HOUR_MS = 3_600_000;
/** Request bodies received per path (query included), for paths that record them. */
const echoedBodies = new Map<string, string[]>();
let rootA: TestCert;
let rootB: TestCert;
let https: TestServer;
let otherName: TestServer;
let plain: TestServer;

function route(req: IncomingMessage, res: ServerResponse, body: Buffer, hitsSoFar: number): void {
  const url = new URL(req.url ?? '/', 'http://x');
  switch (url.pathname) {
    case '/hello':
      res.end('hello');
      return;
    case '/echo':
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, host: req.headers.host, ua: req.headers['user-agent'], x: req.headers['x-test'], body: body.toString('utf8') }));
      return;
    case '/date-ahead':
      res.setHeader('date', new Date(systemClock.now() + 2 * HOUR_MS).toUTCString());
      res.end('ahead');
      return;
    case '/limited-once':
      if (hitsSoFar === 1) {
        res.writeHead(429, { 'retry-after': '1' }).end('slow down');
        return;
      }
      res.end('ok now');
      return;
    case '/unavailable-twice':
      if (hitsSoFar <= 2) {
        res.writeHead(503).end();
        return;
      }
      res.end('back');
      return;
    case '/always-500':
      res.writeHead(500).end('broken');
      return;
    case '/always-429-long':
      res.writeHead(429, { 'retry-after': '3600' }).end('{"detail":"come back in an hour"}');
      return;
    case '/retry-at':
      if (hitsSoFar === 1) {
        res.writeHead(503, { 'retry-after': new Date(Number(url.searchParams.get('at'))).toUTCString() }).end();
        return;
      }
      res.end('done');
      return;
    case '/hang':
      return; // never answers
    case '/throttled-200':
      echoedBodies.set(req.url ?? '', [...(echoedBodies.get(req.url ?? '') ?? []), body.toString('utf8')]);
      res.setHeader('content-type', 'application/json');
      res.end('{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"}}}');
      return;
    case '/throttled-once':
      res.setHeader('content-type', 'application/json');
      res.end(hitsSoFar === 1 ? '{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"}}}' : 'done');
      return;
    case '/reset-once':
      if (hitsSoFar === 1) {
        req.socket.destroy();
        return;
      }
      res.end('ok');
      return;
    case '/big':
      res.end(Buffer.alloc(4096, 0x61));
      return;
    case '/links':
      res.setHeader('link', ['<https://ca.test/1>;rel="up"', '<https://ca.test/2>;rel="alternate"']);
      res.setHeader('x-multi', ['a', 'b']);
      res.end();
      return;
    default:
      res.writeHead(404).end();
  }
}

function handler(server: () => TestServer) {
  return (req: IncomingMessage, res: ServerResponse, body: Buffer): void => route(req, res, body, server().hitsOf(req.url ?? '/'));
}

before(async () => {
  const now = systemClock.now();
  rootA = await makeRoot('Root A', now);
  rootB = await makeRoot('Root B', now);
  const leaf = await makeCert({ name: 'api.test', issuer: rootA, dns: ['api.test'], ips: ['127.0.0.1'], notBefore: now - DAY_MS, notAfter: now + 30 * DAY_MS });
  https = await startHttpsServer(leaf.certPem, leaf.keyPem, handler(() => https));
  const other = await makeCert({ name: 'other.test', issuer: rootA, dns: ['other.test'], notBefore: now - DAY_MS, notAfter: now + 30 * DAY_MS });
  otherName = await startHttpsServer(other.certPem, other.keyPem, () => assert.fail('a request reached a server that failed verification'));
  plain = await startHttpServer(handler(() => plain));
});

after(async () => {
  await Promise.all([https.close(), otherName.close(), plain.close()]);
});

let seq = 0;
/** A path with a query unique to this call, so that hit counters do not mix between tests. */
function unique(path: string, extra = ''): string {
  seq += 1;
  return `${path}?n=${seq}${extra}`;
}

function client(clock = new StubTrustedClock(), o: Partial<HttpClientOptions> = {}): { http: HttpClient; clock: StubTrustedClock } {
  return { http: createHttpClient({ clock, resolve: { 'api.test': '127.0.0.1', 'other.test': '127.0.0.1' }, random: () => 0.5, ...o }), clock };
}

test('GET over TLS trusting only the request\'s CA', async () => {
  const { http } = client();
  const r = await http.request({ method: 'GET', url: `https://api.test:${https.port}/hello`, trust: { caPem: rootA.certPem } });
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'hello');
  assert.equal(r.attempts, 1);
});

test('trust is per request: the same server is refused, interleaved, when a request trusts another CA', async () => {
  const { http } = client();
  const url = `https://api.test:${https.port}/hello`;
  const results = await Promise.allSettled([
    http.request({ method: 'GET', url, trust: { caPem: rootA.certPem } }),
    http.request({ method: 'GET', url, trust: { caPem: rootB.certPem } }),
    http.request({ method: 'GET', url }), // Node's default roots do not include Root A
    http.request({ method: 'GET', url, trust: { caPem: rootB.certPem + rootA.certPem } }),
  ]);
  assert.equal(results[0]?.status, 'fulfilled');
  assert.equal(results[3]?.status, 'fulfilled');
  for (const i of [1, 2]) {
    const r = results[i];
    assert.ok(r?.status === 'rejected' && r.reason instanceof AppError, `request ${i}`);
    assert.equal(r.reason.code, 'TLS_UNTRUSTED');
    assert.equal(r.reason.diagnosis.evidence['url'], url);
    assert.equal(r.reason.diagnosis.evidence['subject'], 'CN=api.test');
    assert.equal(r.reason.diagnosis.evidence['issuer'], 'CN=Root A');
  }
  // Still trusted afterwards by a request that names Root A: nothing was cached process-wide.
  assert.equal((await http.request({ method: 'GET', url, trust: { caPem: rootA.certPem } })).status, 200);
});

test('IP address URLs are checked against IP subjectAltNames', async () => {
  const { http } = client();
  const r = await http.request({ method: 'GET', url: `https://127.0.0.1:${https.port}/hello`, trust: { caPem: rootA.certPem } });
  assert.equal(r.status, 200);
});

test('a certificate for another name is refused with TLS_HOSTNAME_MISMATCH before any request byte', async () => {
  const { http } = client();
  const e = await rejectsAppError(http.request({ method: 'GET', url: `https://api.test:${otherName.port}/hello`, trust: { caPem: rootA.certPem } }), 'TLS_HOSTNAME_MISMATCH', {
    host: 'api.test',
    subject: 'CN=other.test',
  });
  assert.equal(e.diagnosis.evidence['names'], 'DNS:other.test');
  assert.equal(otherName.hits.size, 0);
});

test('the Date header becomes a clock sample at the request midpoint (server 2 h ahead)', async () => {
  const { http, clock } = client();
  await http.request({ method: 'GET', url: `https://api.test:${https.port}/date-ahead`, trust: { caPem: rootA.certPem } });
  assert.equal(clock.samples.length, 1);
  const s = clock.samples[0];
  assert.ok(s !== undefined);
  assert.equal(s.source, `http:api.test:${https.port}`);
  assert.equal(s.kind, 'http');
  const offset = s.serverMs - s.systemMs;
  assert.ok(Math.abs(offset - 2 * HOUR_MS) < 2000, `offset ${offset}`);
  assert.ok(s.uncertaintyMs >= 500);
});

test('plain http works but its Date is not a clock sample (anyone on the path could set it)', async () => {
  const { http, clock } = client();
  const r = await http.request({ method: 'GET', url: `http://127.0.0.1:${plain.port}/hello` });
  assert.equal(r.body.toString(), 'hello');
  assert.ok(r.headers['date'] !== undefined, 'the server did send a Date');
  assert.deepEqual(clock.samples, []);
});

test('request body, Host and User-Agent headers', async () => {
  const { http } = client(undefined, { userAgent: 'zk-test' });
  const r = await http.request({ method: 'post', url: `https://api.test:${https.port}/echo`, body: 'héllo', headers: { 'X-Test': 'yes' }, trust: { caPem: rootA.certPem } });
  assert.deepEqual(JSON.parse(r.body.toString()), { method: 'POST', host: `api.test:${https.port}`, ua: 'zk-test', x: 'yes', body: 'héllo' });
  assert.equal(r.headers['content-type'], 'application/json');
});

test('HEAD: the status and headers, no body', async () => {
  const { http } = client();
  const r = await http.request({ method: 'HEAD', url: `https://api.test:${https.port}/big`, trust: { caPem: rootA.certPem } });
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 0);
});

test('Link lines are kept one by one; repeated headers are joined', async () => {
  const { http } = client();
  const r = await http.request({ method: 'GET', url: `https://api.test:${https.port}/links`, trust: { caPem: rootA.certPem } });
  assert.deepEqual(r.links, ['<https://ca.test/1>;rel="up"', '<https://ca.test/2>;rel="alternate"']);
  assert.equal(r.headers['x-multi'], 'a, b');
});

test('429 with Retry-After: 1 waits one second (through the clock) and succeeds', async () => {
  const { http, clock } = client();
  const path = unique('/limited-once');
  const r = await http.request({ method: 'GET', url: `https://api.test:${https.port}${path}`, trust: { caPem: rootA.certPem } });
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 2);
  assert.deepEqual(clock.sleeps, [1000]);
  assert.equal(https.hitsOf(path), 2);
});

test('503 without Retry-After backs off exponentially with jitter', async () => {
  const { http, clock } = client();
  const path = unique('/unavailable-twice');
  const r = await http.request({ method: 'GET', url: `https://api.test:${https.port}${path}`, trust: { caPem: rootA.certPem } });
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 3);
  // random() = 0.5: 3/4 of 500 ms, then of 1000 ms.
  assert.deepEqual(clock.sleeps, [375, 750]);
});

test('POST is not retried on 500; GET is, up to maxAttempts, and the last response is returned', async () => {
  const { http, clock } = client();
  const post = unique('/always-500');
  const r1 = await http.request({ method: 'POST', url: `https://api.test:${https.port}${post}`, body: '{}', trust: { caPem: rootA.certPem } });
  assert.equal(r1.status, 500);
  assert.equal(https.hitsOf(post), 1);
  assert.deepEqual(clock.sleeps, []);
  const get = unique('/always-500');
  const r2 = await http.request({ method: 'GET', url: `https://api.test:${https.port}${get}`, trust: { caPem: rootA.certPem } });
  assert.equal(r2.status, 500);
  assert.equal(r2.attempts, 4);
  assert.equal(https.hitsOf(get), 4);
});

test('POST is retried on 503 (the server did not act on it); retry "none" returns the 429 as it is', async () => {
  const { http } = client();
  const path = unique('/unavailable-twice');
  const r = await http.request({ method: 'POST', url: `https://api.test:${https.port}${path}`, body: 'x', trust: { caPem: rootA.certPem } });
  assert.equal(r.status, 200);
  assert.equal(https.hitsOf(path), 3);
  const once = unique('/limited-once');
  const r2 = await http.request({ method: 'POST', url: `https://api.test:${https.port}${once}`, retry: 'none', trust: { caPem: rootA.certPem } });
  assert.equal(r2.status, 429);
  assert.equal(r2.retryAfterMs, 1000);
  assert.equal(https.hitsOf(once), 1);
});

test('a Retry-After beyond maxRetryDelayMs gives up at once with HTTP_RATE_LIMITED carrying retryAfterMs', async () => {
  const { http, clock } = client();
  const path = unique('/always-429-long');
  const e = await rejectsAppError(http.request({ method: 'GET', url: `https://api.test:${https.port}${path}`, trust: { caPem: rootA.certPem } }), 'HTTP_RATE_LIMITED', { status: 429, retryAfterMs: 3_600_000 });
  assert.equal(e.diagnosis.retryAfterMs, 3_600_000);
  assert.deepEqual(clock.sleeps, []);
  assert.equal(https.hitsOf(path), 1);
});

test('a Retry-After HTTP-date is read against the trusted clock, not the system clock', async () => {
  // Trusted time is 1 h ahead of the system clock; the server asks to come back 5 s after trusted now.
  // Read against the system clock that would be 1 h (beyond maxRetryDelayMs), and the client would give up.
  const { http, clock } = client(new StubTrustedClock({ offsetMs: HOUR_MS }));
  const at = systemClock.now() + HOUR_MS + 5000;
  const path = unique('/retry-at', `&at=${at}`);
  const r = await http.request({ method: 'GET', url: `https://api.test:${https.port}${path}`, trust: { caPem: rootA.certPem } });
  assert.equal(r.status, 200);
  assert.equal(clock.sleeps.length, 1);
  const slept = clock.sleeps[0] ?? -1;
  assert.ok(slept > 2000 && slept <= 6000, `slept ${slept}`);
});

test('abort while waiting for the response: ABORTED', async () => {
  const { http } = client();
  const ac = new AbortController();
  const path = unique('/hang');
  const p = http.request({ method: 'GET', url: `https://api.test:${https.port}${path}`, trust: { caPem: rootA.certPem }, signal: ac.signal });
  while (https.hitsOf(path) === 0) await new Promise((r) => setImmediate(r));
  ac.abort();
  await rejectsAppError(p, 'ABORTED');
});

test('abort during a retry wait: ABORTED', async () => {
  const clock = new StubTrustedClock();
  clock.holdSleeps = true;
  const { http } = client(clock);
  const ac = new AbortController();
  const p = http.request({ method: 'GET', url: `https://api.test:${https.port}${unique('/always-500')}`, trust: { caPem: rootA.certPem }, signal: ac.signal });
  while (clock.sleeps.length === 0) await new Promise((r) => setImmediate(r));
  ac.abort();
  await rejectsAppError(p, 'ABORTED');
});

test('an already aborted signal sends nothing', async () => {
  const { http } = client();
  const path = unique('/hello');
  await rejectsAppError(http.request({ method: 'GET', url: `https://api.test:${https.port}${path}`, trust: { caPem: rootA.certPem }, signal: AbortSignal.abort() }), 'ABORTED');
  assert.equal(https.hitsOf(path), 0);
});

test('a server that never answers: HTTP_TIMEOUT', async () => {
  const { http } = client();
  await rejectsAppError(http.request({ method: 'GET', url: `https://api.test:${https.port}${unique('/hang')}`, trust: { caPem: rootA.certPem }, timeoutMs: 200, retry: 'none' }), 'HTTP_TIMEOUT', {
    timeoutMs: 200,
  });
});

test('a GET that was sent and got no answer is not sent again: HTTP_TIMEOUT after one timeout, requestSent', async () => {
  const { http, clock } = client(undefined, { maxAttempts: 4 });
  const path = unique('/hang');
  await rejectsAppError(http.request({ method: 'GET', url: `https://api.test:${https.port}${path}`, trust: { caPem: rootA.certPem }, timeoutMs: 150 }), 'HTTP_TIMEOUT', { requestSent: true, timeoutMs: 150 });
  assert.equal(https.hitsOf(path), 1);
  assert.deepEqual(clock.sleeps, []);
});

test('a TLS handshake that never completes times out before anything is sent, and is retried (POST too)', async () => {
  // Reads and ignores everything (so it sees the client hang up), never answers the ClientHello.
  const silent = createNetServer((socket) => {
    socket.on('error', () => {});
    socket.resume();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  let accepted = 0;
  silent.on('connection', () => accepted++);
  try {
    const { http, clock } = client(undefined, { maxAttempts: 2 });
    await rejectsAppError(http.request({ method: 'POST', url: `https://api.test:${port}/x`, body: 'x', trust: { caPem: rootA.certPem }, timeoutMs: 150 }), 'HTTP_TIMEOUT', { requestSent: false, attempts: 2 });
    assert.equal(accepted, 2);
    assert.equal(clock.sleeps.length, 1);
  } finally {
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('a vendor throttling answer (`throttled`) is retried like a 429, renewed each time, then HTTP_RATE_LIMITED with the vendor code', async () => {
  const { http, clock } = client();
  const path = unique('/throttled-200');
  let renewed = 0;
  const req = (n: number): HttpRequest => ({
    method: 'POST',
    url: `https://api.test:${https.port}${path}`,
    body: `attempt ${n}`,
    trust: { caPem: rootA.certPem },
    throttled: (r) => (r.body.toString('utf8').includes('RequestLimitExceeded') ? 'RequestLimitExceeded' : undefined),
    renew: () => req(++renewed + 1),
  });
  await rejectsAppError(http.request(req(1)), 'HTTP_RATE_LIMITED', { status: 200, vendorCode: 'RequestLimitExceeded', attempts: 4 });
  assert.equal(https.hitsOf(path), 4);
  assert.equal(renewed, 3);
  assert.deepEqual(echoedBodies.get(path), ['attempt 1', 'attempt 2', 'attempt 3', 'attempt 4']);
  assert.equal(clock.sleeps.length, 3);
});

test('a throttling answer once: the retry succeeds; retry "none" returns it as it is', async () => {
  const { http } = client();
  const throttled = (r: HttpResponse): string | undefined => (r.body.toString('utf8').includes('RequestLimitExceeded') ? 'RequestLimitExceeded' : undefined);
  const once = unique('/throttled-once');
  const r = await http.request({ method: 'POST', url: `https://api.test:${https.port}${once}`, body: 'x', trust: { caPem: rootA.certPem }, throttled });
  assert.equal(r.body.toString('utf8'), 'done');
  assert.equal(r.attempts, 2);
  const none = unique('/throttled-once');
  const r2 = await http.request({ method: 'POST', url: `https://api.test:${https.port}${none}`, body: 'x', trust: { caPem: rootA.certPem }, throttled, retry: 'none' });
  assert.match(r2.body.toString('utf8'), /RequestLimitExceeded/);
  assert.equal(https.hitsOf(none), 1);
});

test('a connection reset after the request was sent: a GET is retried, a POST is not (requestSent)', async () => {
  const { http } = client();
  const get = unique('/reset-once');
  const r = await http.request({ method: 'GET', url: `https://api.test:${https.port}${get}`, trust: { caPem: rootA.certPem } });
  assert.equal(r.status, 200);
  assert.equal(https.hitsOf(get), 2);
  const post = unique('/reset-once');
  await rejectsAppError(http.request({ method: 'POST', url: `https://api.test:${https.port}${post}`, body: 'x', trust: { caPem: rootA.certPem } }), 'HTTP_CONNECTION', { requestSent: true });
  assert.equal(https.hitsOf(post), 1);
});

test('connection refused: HTTP_CONNECTION, retried for GET, and for POST too since nothing was sent', async () => {
  const port = await freePort();
  const { http, clock } = client();
  await rejectsAppError(http.request({ method: 'GET', url: `https://127.0.0.1:${port}/x` }), 'HTTP_CONNECTION', { host: '127.0.0.1', error: 'ECONNREFUSED', attempts: 4 });
  assert.equal(clock.sleeps.length, 3);
  const p = client();
  await rejectsAppError(p.http.request({ method: 'POST', url: `http://127.0.0.1:${port}/x`, body: 'x' }), 'HTTP_CONNECTION', { error: 'ECONNREFUSED' });
  assert.equal(p.clock.sleeps.length, 3);
});

test('a response over the size limit: HTTP_RESPONSE_TOO_LARGE', async () => {
  const { http } = client();
  await rejectsAppError(http.request({ method: 'GET', url: `https://api.test:${https.port}/big`, trust: { caPem: rootA.certPem }, maxResponseBytes: 1024 }), 'HTTP_RESPONSE_TOO_LARGE', { limitBytes: 1024 });
  const r = await http.request({ method: 'GET', url: `https://api.test:${https.port}/big`, trust: { caPem: rootA.certPem }, maxResponseBytes: 4096 });
  assert.equal(r.body.length, 4096);
});

test('secrets in the URL never reach the error', async () => {
  const port = await freePort();
  const { http } = client(undefined, { maxAttempts: 1 });
  const e = await rejectsAppError(
    http.request({ method: 'GET', url: `https://user:hunter2pass@127.0.0.1:${port}/zones/s3cr3t-path-token?token=abcdef123&page=2`, headers: { authorization: 'Bearer xyzzy-bearer' }, secrets: ['s3cr3t-path-token'] }),
    'HTTP_CONNECTION',
  );
  const text = `${e.message} ${JSON.stringify(e.diagnosis)}`;
  for (const secret of ['hunter2pass', 'user:', 's3cr3t-path-token', 'abcdef123', 'xyzzy-bearer']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  const url = e.diagnosis.evidence['url'];
  assert.ok(typeof url === 'string' && url.includes('page=2'), JSON.stringify(url));
});

test('a URL that is not http(s) is refused before anything is sent', async () => {
  const { http } = client();
  await rejectsAppError(http.request({ method: 'GET', url: 'ftp://127.0.0.1/x' }), 'CONFIG_INVALID');
  await rejectsAppError(http.request({ method: 'GET', url: 'not a url' }), 'CONFIG_INVALID');
});
