import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../clock/clock.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../http/types.ts';
import { AcmeClient, MAX_BAD_NONCE, linksOf } from './client.ts';
import { generateAccountKey } from './jws.ts';
import { problemCode } from './problems.ts';

const DIR = 'https://ca.test/dir';
const directory = { newNonce: 'https://ca.test/nonce', newAccount: 'https://ca.test/acct', newOrder: 'https://ca.test/order', revokeCert: 'https://ca.test/revoke' };

function response(status: number, body: unknown, headers: Record<string, string> = {}, retryAfterMs?: number): HttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', 'replay-nonce': `n${Math.random().toString(36).slice(2)}`, ...headers },
    links: [],
    body: Buffer.from(text),
    url: '',
    attempts: 1,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** An HttpClient that answers POSTs from a script and counts them. */
function scripted(posts: HttpResponse[]): { http: HttpClient; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const http: HttpClient = {
    request(r) {
      sent.push(r);
      if (r.method === 'GET') return Promise.resolve(response(200, directory));
      if (r.method === 'HEAD') return Promise.resolve(response(200, ''));
      const next = posts.shift();
      if (next === undefined) throw new Error('script exhausted');
      return Promise.resolve(next);
    },
  };
  return { http, sent };
}

function clock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => Date.UTC(2026, 10, 22), monotonicMs: () => 0, sleep: (ms) => (slept.push(ms), Promise.resolve()) };
}

const badNonce = { type: 'urn:ietf:params:acme:error:badNonce', detail: 'JWS has an invalid anti-replay nonce' };

void test('badNonce is retried with the nonce of the error response', async () => {
  const { http, sent } = scripted([response(400, badNonce), response(400, badNonce), response(201, { status: 'pending' }, { location: 'https://ca.test/order/1' })]);
  const c = new AcmeClient({ directoryUrl: DIR, http, clock: clock(), key: await generateAccountKey().key, kid: 'https://ca.test/acct/1' });
  const o = await c.newOrder([{ type: 'dns', value: 'a.test' }]);
  assert.equal(o.url, 'https://ca.test/order/1');
  const posts = sent.filter((r) => r.method === 'POST');
  assert.equal(posts.length, 3);
  const nonces = posts.map((p) => JSON.parse(Buffer.from((JSON.parse(String(p.body)) as { protected: string }).protected, 'base64url').toString()) as { nonce: string });
  assert.equal(new Set(nonces.map((n) => n.nonce)).size, 3, 'a fresh nonce every time');
  assert.equal(sent.filter((r) => r.method === 'HEAD').length, 1, 'only the first nonce needs newNonce');
});

void test('badNonce forever gives up with ACME_BAD_NONCE', async () => {
  const { http, sent } = scripted(Array.from({ length: MAX_BAD_NONCE + 5 }, () => response(400, badNonce)));
  const c = new AcmeClient({ directoryUrl: DIR, http, clock: clock(), key: await generateAccountKey().key, kid: 'k' });
  await rejectsAppError(c.newOrder([{ type: 'dns', value: 'a.test' }]), 'ACME_BAD_NONCE', { attempts: MAX_BAD_NONCE });
  assert.equal(sent.filter((r) => r.method === 'POST').length, MAX_BAD_NONCE);
});

void test('429 with a short Retry-After waits and retries; a long one is ACME_RATE_LIMITED with the reset time', async () => {
  const rl = { type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many certificates' };
  const t = clock();
  let s = scripted([response(429, rl, {}, 2000), response(201, { status: 'pending' }, { location: 'https://ca.test/order/2' })]);
  let c = new AcmeClient({ directoryUrl: DIR, http: s.http, clock: t, key: await generateAccountKey().key, kid: 'k' });
  await c.newOrder([{ type: 'dns', value: 'a.test' }]);
  assert.deepEqual(t.slept, [2000]);
  s = scripted([response(429, rl, {}, 3600_000)]);
  c = new AcmeClient({ directoryUrl: DIR, http: s.http, clock: t, key: await generateAccountKey().key, kid: 'k' });
  const e = await rejectsAppError(c.newOrder([{ type: 'dns', value: 'a.test' }]), 'ACME_RATE_LIMITED', { retryAfter: '2026-11-22T01:00:00.000Z' });
  assert.equal(e.diagnosis.retryAfterMs, 3600_000);
  assert.equal(e.diagnosis.retryable, true);
});

void test('problem documents become typed errors; a compound of one kind takes that kind', () => {
  const p = (type: string, subproblems?: { type: string }[]) => ({ type: `urn:ietf:params:acme:error:${type}`, ...(subproblems === undefined ? {} : { subproblems }) });
  assert.equal(problemCode(p('unauthorized')), 'ACME_UNAUTHORIZED');
  assert.equal(problemCode(p('caa')), 'ACME_CAA');
  assert.equal(problemCode(p('dns')), 'ACME_DNS');
  assert.equal(problemCode(p('malformed')), 'ACME_MALFORMED');
  assert.equal(problemCode(p('compound', [p('caa'), p('caa')])), 'ACME_CAA');
  assert.equal(problemCode(p('compound', [p('caa'), p('dns')])), 'ACME_PROBLEM');
  assert.equal(problemCode({ type: 'about:blank' }), 'ACME_PROBLEM');
});

void test('Link headers: alternate chains are found among other relations', () => {
  assert.deepEqual(linksOf(['<https://ca.test/d>;rel="index", <https://ca.test/c/1>;rel="alternate"', '<https://ca.test/c/2>; rel=alternate'], 'alternate'), ['https://ca.test/c/1', 'https://ca.test/c/2']);
});
