/**
 * GET /metrics on the web app, in-process on a real SQLite store: 401
 * without credentials (or with a forged or revoked token), the exposition
 * with its content type for an API token (how Prometheus scrapes), and no
 * route at all when the app has no metrics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../src/clock/fake-clock.ts';
import type { ClockStatus } from '../src/clock/corrected-clock.ts';
import { parseConfig } from '../src/config/load.ts';
import { DaemonMetrics } from '../src/observability/daemon-metrics.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../src/observability/exposition.ts';
import { assertExposition, sampleLines } from '../src/observability/testing/exposition-grammar.ts';
import { openSqliteStore } from '../src/store/sqlite/open.ts';
import type { Store } from '../src/store/store.ts';
import { createApp, type WebDeps } from '../src/web/app.ts';
import { LoginThrottle } from '../src/web/auth/throttle.ts';
import { newApiToken, sha256Hex } from '../src/web/auth/tokens.ts';

let dir: string;
let store: Store;
const clock = Object.defineProperty(new FakeClock(), 'trusted', { value: true }) as FakeClock & { readonly trusted: boolean };
const status = (): ClockStatus => ({ now: new Date(clock.now()).toISOString(), nowMs: clock.now(), offsetMs: 0, trusted: true, basis: { kind: 'ntp', sources: [], rejected: [], stale: false }, sources: [] });

function deps(extra: Partial<WebDeps> = {}): WebDeps {
  const config = parseConfig({}, {});
  return {
    store,
    clock,
    throttle: new LoginThrottle(clock),
    setupToken: () => undefined,
    secureCookies: true,
    version: 'test',
    startedAt: clock.now(),
    clockStatus: status,
    config: () => config,
    jobs: () => [],
    runJob: () => Promise.resolve({ ok: true, startedAt: clock.now(), finishedAt: clock.now() }),
    testProvider: () => Promise.reject(new Error('no providers')),
    ...extra,
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zk-metrics-route-'));
  store = await openSqliteStore(join(dir, 'zonekeeper.db'));
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /metrics', () => {
  test('401 without credentials or with a forged token; the exposition for an API token', async () => {
    const metrics = new DaemonMetrics('7.7.7');
    metrics.jobRun('ddns', { ok: true });
    const app = createApp(deps({ metrics: () => metrics.expose() }));
    const { id, token } = newApiToken();
    await store.saveApiToken({ id, name: 'prometheus', tokenHash: sha256Hex(token), createdAt: clock.now() });

    const anonymous = await app.request('/metrics');
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'WEB_UNAUTHENTICATED');
    assert.equal((await app.request('/metrics', { headers: { authorization: `Bearer ${token}x` } })).status, 401);

    const r = await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
    const text = await r.text();
    assertExposition(text);
    assert.deepEqual(sampleLines(text, 'zonekeeper_build_info'), ['zonekeeper_build_info{version="7.7.7"} 1']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_job_runs_total'), ['zonekeeper_job_runs_total{job="ddns",result="ok"} 1']);

    await store.deleteApiToken(id);
    assert.equal((await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } })).status, 401, 'a revoked token scrapes nothing');
  });

  test('an app without metrics has no such route (404 once authenticated)', async () => {
    const app = createApp(deps());
    const { id, token } = newApiToken();
    await store.saveApiToken({ id, name: 'x', tokenHash: sha256Hex(token), createdAt: clock.now() });
    const r = await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 404);
  });
});
