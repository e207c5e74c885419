/**
 * The HTTP API in-process (hono's app.request) on a real SQLite store:
 * authentication on every route, first-run setup, sessions with CSRF,
 * login throttling, API tokens.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { FakeClock } from '../clock/fake-clock.ts';
import type { ClockStatus } from '../clock/corrected-clock.ts';
import { parseConfig } from '../config/load.ts';
import { openSqliteStore } from '../store/sqlite/open.ts';
import type { Store } from '../store/store.ts';
import { createApp } from './app.ts';
import { LoginThrottle } from './auth/throttle.ts';
import { openApiDocument } from './openapi.ts';

const SETUP = 'setup-token-for-tests-0123456789';
const PASSWORD = 'correct horse battery staple';
const PUBLIC = new Set(['/healthz', '/readyz', '/api/setup', '/api/login']);

let dir: string;
let store: Store;
let clock: FakeClock;
let app: Hono;
let setupToken: string | undefined = SETUP;
let trusted = true;

const status = (): ClockStatus => ({ now: new Date(clock.now()).toISOString(), nowMs: clock.now(), offsetMs: 0, trusted, basis: { kind: 'ntp', sources: [], rejected: [], stale: false }, sources: [] });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-web-'));
  store = await openSqliteStore(join(dir, 'zonekeeper.db'));
  clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  const config = parseConfig({}, {});
  app = createApp({
    store,
    clock: Object.defineProperty(clock, 'trusted', { get: () => trusted }) as FakeClock & { readonly trusted: boolean },
    throttle: new LoginThrottle(clock),
    setupToken: () => setupToken,
    secureCookies: true,
    version: 'test',
    startedAt: clock.now(),
    clockStatus: status,
    config: () => config,
    jobs: () => [],
    runJob: () => Promise.resolve({ ok: true, startedAt: clock.now(), finishedAt: clock.now() }),
    testProvider: () => Promise.reject(new Error('no providers')),
  });
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function json(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(app.request(path, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

async function code(r: Response): Promise<string | undefined> {
  return ((await r.json()) as { error?: { code?: string } }).error?.code;
}

/** Cookies of a response as a Cookie header, and the CSRF token. */
function session(r: Response): { cookie: string; csrf: string } {
  const set = r.headers.getSetCookie();
  const pairs = set.map((c) => c.split(';')[0] as string);
  const csrf = pairs.find((p) => p.startsWith('zk_csrf='))?.slice('zk_csrf='.length) ?? '';
  return { cookie: pairs.join('; '), csrf };
}

describe('unauthenticated', () => {
  test('/healthz answers; /readyz reflects the clock', async () => {
    assert.equal((await app.request('/healthz')).status, 200);
    assert.equal((await app.request('/readyz')).status, 200);
    trusted = false;
    const r = await app.request('/readyz');
    assert.equal(r.status, 503);
    assert.match(JSON.stringify(await r.json()), /clock/);
    trusted = true;
  });

  test('every documented route but the public ones → 401 WEB_UNAUTHENTICATED, unknown routes too', async () => {
    const doc = openApiDocument('test') as { paths: Record<string, Record<string, unknown>> };
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (PUBLIC.has(path)) continue;
      for (const method of Object.keys(ops)) {
        const r = await app.request(path.replace(/\{[^}]+\}/g, 'x'), { method: method.toUpperCase() });
        assert.equal(r.status, 401, `${method} ${path}`);
        assert.equal(await code(r), 'WEB_UNAUTHENTICATED');
        checked++;
      }
    }
    assert.ok(checked >= 15, `${checked} routes`);
    for (const p of ['/api/nothing', '/metrics', '/', '/api/status/../tokens']) assert.equal((await app.request(p)).status, 401, p);
  });

  test('a forged session cookie or API token is 401', async () => {
    assert.equal((await app.request('/api/status', { headers: { cookie: 'zk_session=forged' } })).status, 401);
    assert.equal((await app.request('/api/status', { headers: { authorization: 'Bearer zkt_abcdef_forged' } })).status, 401);
  });
});

describe('setup, sessions, CSRF, throttling, tokens', { concurrency: false }, () => {
  let s: { cookie: string; csrf: string };

  test('setup: needed; a wrong token is refused; the right one creates the admin and signs in; a second setup is 409', async () => {
    assert.deepEqual(await (await app.request('/api/setup')).json(), { needed: true });
    assert.equal((await json('POST', '/api/setup', { token: 'wrong', username: 'admin', password: PASSWORD })).status, 401);
    assert.equal(await code(await json('POST', '/api/setup', { token: SETUP, username: 'admin', password: 'short' })), 'WEB_BAD_REQUEST');
    const r = await json('POST', '/api/setup', { token: SETUP, username: 'admin', password: PASSWORD });
    assert.equal(r.status, 200);
    s = session(r);
    const cookies = r.headers.getSetCookie().join('\n');
    assert.match(cookies, /zk_session=[^;]+;.*HttpOnly/);
    assert.match(cookies, /zk_session=[^;]+;.*Secure/);
    assert.match(cookies, /SameSite=Strict/);
    setupToken = undefined;
    assert.equal((await json('POST', '/api/setup', { token: SETUP, username: 'x', password: PASSWORD })).status, 409);
    const user = await store.getUser('admin');
    assert.match(user?.passwordHash ?? '', /^scrypt\$/);
    assert.ok(!(user?.passwordHash ?? '').includes(PASSWORD));
  });

  test('a session reads; an unsafe request without the CSRF header (a form post) → 403, with it → OK', async () => {
    const st = await app.request('/api/status', { headers: { cookie: s.cookie } });
    assert.equal(st.status, 200);
    assert.equal(((await st.json()) as { user: string }).user, 'admin');
    const form = await app.request('/api/tokens', { method: 'POST', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=evil' });
    assert.equal(form.status, 403);
    assert.equal(await code(form), 'WEB_CSRF');
    assert.equal((await json('POST', '/api/tokens', { name: 'x' }, { cookie: s.cookie, 'x-csrf-token': 'not-the-token' })).status, 403);
    assert.equal((await json('POST', '/api/tokens', { name: 'ci' }, { cookie: s.cookie, 'x-csrf-token': s.csrf })).status, 201);
  });

  test('an API token works without CSRF, is listed without its secret, and stops working once revoked', async () => {
    const created = (await (await json('POST', '/api/tokens', { name: 'prometheus' }, { cookie: s.cookie, 'x-csrf-token': s.csrf })).json()) as { id: string; token: string };
    assert.match(created.token, /^zkt_[0-9a-f]+_/);
    const bearer = { authorization: `Bearer ${created.token}` };
    assert.equal((await app.request('/api/status', { headers: bearer })).status, 200);
    assert.equal((await json('POST', '/api/ddns/sync', {}, bearer)).status, 200);
    const list = await (await app.request('/api/tokens', { headers: bearer })).text();
    assert.ok(list.includes('prometheus') && !list.includes(created.token) && !list.includes('tokenHash'));
    assert.equal((await app.request(`/api/tokens/${created.id}`, { method: 'DELETE', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } })).status, 200);
    assert.equal((await app.request('/api/status', { headers: bearer })).status, 401);
  });

  test('login: right password signs in; 10 wrong passwords → throttled (429 with Retry-After), even the right one then', async () => {
    assert.equal((await json('POST', '/api/login', { username: 'admin', password: PASSWORD }, { 'x-forwarded-for': '1.2.3.4' })).status, 200);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await json('POST', '/api/login', { username: 'admin', password: `wrong-${i}` })).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.ok(statuses.slice(6).every((x) => x === 429), statuses.join(','));
    const locked = await json('POST', '/api/login', { username: 'admin', password: PASSWORD });
    assert.equal(locked.status, 429);
    assert.equal(await code(locked), 'WEB_THROTTLED');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    clock.advance(16 * 60_000);
    assert.equal((await json('POST', '/api/login', { username: 'admin', password: PASSWORD })).status, 200);
  });

  test('an unknown user costs the same answer as a wrong password', async () => {
    const r = await json('POST', '/api/login', { username: 'nobody', password: PASSWORD });
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { error: { evidence: { reason: string } } }).error.evidence.reason, 'wrong username or password');
  });

  test('logout ends the session; sessions expire', async () => {
    const r = await json('POST', '/api/login', { username: 'admin', password: PASSWORD });
    const t = session(r);
    assert.equal((await json('POST', '/api/logout', {}, { cookie: t.cookie, 'x-csrf-token': t.csrf })).status, 200);
    assert.equal((await app.request('/api/status', { headers: { cookie: t.cookie } })).status, 401);
    clock.advance(13 * 3_600_000);
    assert.equal((await app.request('/api/status', { headers: { cookie: s.cookie } })).status, 401);
  });

  test('with a session: the OpenAPI document and unknown routes (404)', async () => {
    const r = await json('POST', '/api/login', { username: 'admin', password: PASSWORD });
    const t = session(r);
    const doc = (await (await app.request('/openapi.json', { headers: { cookie: t.cookie } })).json()) as { openapi: string };
    assert.equal(doc.openapi, '3.1.0');
    const nf = await app.request('/api/nothing', { headers: { cookie: t.cookie } });
    assert.equal(nf.status, 404);
    assert.equal(await code(nf), 'WEB_NOT_FOUND');
  });
});
