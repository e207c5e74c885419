import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { FakeClock } from './fake-clock.ts';
import { systemClock } from './system-clock.ts';
import { httpDateSample, parseHttpDate, refineHttpDate, type DateFetch } from './http-date.ts';

function formatHttpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

void test('parseHttpDate: the three HTTP-date forms, and nothing else', () => {
  const ms = Date.UTC(1994, 10, 6, 8, 49, 37);
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), ms);
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), ms);
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994'), ms);
  for (const bad of ['', 'yesterday', '2026-11-22T12:00:00Z', 'Sun, 31 Feb 2026 08:49:37 GMT', 'Sun, 06 Nov 1994 25:49:37 GMT', 'Sun, 06 Nov 1994 08:49:37 CET']) {
    assert.equal(parseHttpDate(bad), undefined, bad);
  }
});

void test('httpDateSample: midpoint instant, middle of the second, delay/2 + 500 uncertainty', () => {
  const s = httpDateSample('http:api.example', 'Sun, 06 Nov 1994 08:49:37 GMT', 1_000_000, 200, 260);
  assert.deepEqual(s, {
    source: 'http:api.example',
    kind: 'http',
    serverMs: Date.UTC(1994, 10, 6, 8, 49, 37) + 500,
    systemMs: 1_000_030,
    monoMs: 230,
    delayMs: 60,
    uncertaintyMs: 530,
  });
  assert.equal(httpDateSample('http:x', undefined, 0, 0, 1), undefined);
  assert.equal(httpDateSample('http:x', 'garbage', 0, 0, 1), undefined);
});

/**
 * A fake server `offsetMs` ahead of the fake system clock, `delayMs` away,
 * that stamps its Date at the middle of the round trip.
 */
function fakeDateServer(clock: FakeClock, offsetMs: number, delayMs: number, lie?: (n: number) => number) {
  let calls = 0;
  const fetchDate = (): Promise<DateFetch> => {
    const n = calls++;
    const sentSystemMs = clock.now();
    const sentMono = clock.monotonicMs();
    clock.advance(delayMs / 2);
    const header = formatHttpDate(clock.now() + offsetMs + (lie?.(n) ?? 0));
    clock.advance(delayMs / 2);
    return Promise.resolve({ dateHeader: header, sentSystemMs, sentMono, recvMono: clock.monotonicMs() });
  };
  return { fetchDate, calls: () => calls };
}

/** Run `p` to completion, moving fake time 1 ms whenever it sleeps. */
async function drive<T>(clock: FakeClock, p: Promise<T>): Promise<T> {
  let done = false;
  const settled = p.then(
    (v) => {
      done = true;
      return v;
    },
    (e: unknown) => {
      done = true;
      throw e;
    },
  );
  while (!done) {
    await tick();
    if (clock.pendingSleeps > 0) clock.advance(1);
  }
  return settled;
}

void test('refineHttpDate narrows a one-second Date to about one round trip', async () => {
  for (const offsetMs of [7_200_123.4, -400 * 86_400_000 + 999.9, 0.5, 500]) {
    const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0, 321));
    const server = fakeDateServer(clock, offsetMs, 20);
    const s = await drive(clock, refineHttpDate(server.fetchDate, clock, { source: 'http:api.example' }));
    assert.ok(s !== undefined);
    const measured = s.serverMs - s.systemMs;
    assert.equal(s.kind, 'http');
    assert.ok(Math.abs(measured - offsetMs) <= s.uncertaintyMs, `${offsetMs}: measured ${measured} ± ${s.uncertaintyMs}`);
    assert.ok(s.uncertaintyMs <= 20, `${offsetMs}: ± ${s.uncertaintyMs}`);
    assert.ok(server.calls() <= 7);
  }
});

void test('refineHttpDate ignores a response that contradicts the others (a stale cached Date)', async () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0, 0));
  const server = fakeDateServer(clock, 1234.5, 10, (n) => (n === 2 ? -3000 : 0));
  const s = await drive(clock, refineHttpDate(server.fetchDate, clock, { source: 'http:x' }));
  assert.ok(s !== undefined);
  assert.ok(Math.abs(s.serverMs - s.systemMs - 1234.5) <= s.uncertaintyMs);
  assert.ok(s.uncertaintyMs < 100);
});

void test('refineHttpDate: no usable Date header → undefined; a failing later fetch ends early', async () => {
  const clock = new FakeClock();
  const none = await refineHttpDate(
    () => Promise.resolve({ dateHeader: undefined, sentSystemMs: 0, sentMono: 0, recvMono: 1 }),
    clock,
    { source: 'http:x' },
  );
  assert.equal(none, undefined);
  const server = fakeDateServer(clock, 0, 10);
  let n = 0;
  const s = await drive(
    clock,
    refineHttpDate(() => (n++ === 0 ? server.fetchDate() : Promise.reject(new Error('down'))), clock, { source: 'http:x' }),
  );
  assert.equal(s?.uncertaintyMs, 507); // half the one-second bracket plus half the 10 ms round trip, plus 2 ms wall-clock resolution
});

void test('refineHttpDate against a loopback node:http server whose Date is 2 h ahead', async () => {
  const offsetMs = 2 * 3_600_000 + 345;
  const server = createServer((_req, res) => {
    res.setHeader('Date', formatHttpDate(systemClock.now() + offsetMs));
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fetchDate = (): Promise<DateFetch> =>
    new Promise((resolve, reject) => {
      const sentSystemMs = systemClock.now();
      const sentMono = systemClock.monotonicMs();
      const req = get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        const recvMono = systemClock.monotonicMs();
        res.resume();
        res.on('end', () => resolve({ dateHeader: res.headers.date, sentSystemMs, sentMono, recvMono }));
      });
      req.on('error', reject);
    });
  try {
    const s = await refineHttpDate(fetchDate, systemClock, { source: `http:127.0.0.1:${port}` });
    assert.ok(s !== undefined);
    const measured = s.serverMs - s.systemMs;
    assert.ok(Math.abs(measured - offsetMs) <= s.uncertaintyMs, `measured ${measured} ± ${s.uncertaintyMs}`);
    assert.ok(s.uncertaintyMs < 250, `± ${s.uncertaintyMs}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
