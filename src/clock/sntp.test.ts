import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { setImmediate as tick } from 'node:timers/promises';
import { isAppError } from '../core/errors.ts';
import type { TimeSample } from './clock.ts';
import { FakeClock } from './fake-clock.ts';
import { parseNtpServer, querySntp, readNtpTimestamp, sampleNtp, writeNtpTimestamp, type NtpServer } from './sntp.ts';
import { freePort } from '../../test/harness/ports.ts';

/** How the fake server answers one request. */
interface Answer {
  /** Server clock − fake system clock, ms. */
  offsetMs?: number;
  /** Fake time that passes on the way to the server and back (each). */
  outboundMs?: number;
  backMs?: number;
  /** Time between the server's receive and transmit stamps. */
  processingMs?: number;
  /** Added to the transmit stamp only (a server lying about its processing time). */
  transmitShiftMs?: number;
  leap?: number;
  version?: number;
  mode?: number;
  stratum?: number;
  refId?: string;
  originate?: Buffer;
  zeroTransmit?: boolean;
  /** Do not answer at all. */
  drop?: boolean;
}

type Plan = (request: Buffer, index: number) => Answer[];

const clock = new FakeClock();

interface FakeNtpServer {
  readonly server: NtpServer;
  plan: Plan;
  requests: number;
  close(): Promise<void>;
}

function buildReply(request: Buffer, a: Answer, t2: number, t3: number): Buffer {
  const buf = Buffer.alloc(48);
  buf[0] = ((a.leap ?? 0) << 6) | ((a.version ?? 4) << 3) | (a.mode ?? 4);
  buf[1] = a.stratum ?? 2;
  buf[2] = 6;
  buf.writeInt8(-20, 3);
  buf.writeUInt32BE(0, 4);
  buf.writeUInt32BE(0, 8);
  buf.write((a.refId ?? 'GPS').padEnd(4, '\0'), 12, 'latin1');
  writeNtpTimestamp(buf, 16, t2 - 1000);
  (a.originate ?? request.subarray(40, 48)).copy(buf, 24);
  writeNtpTimestamp(buf, 32, t2);
  if (!a.zeroTransmit) writeNtpTimestamp(buf, 40, t3);
  return buf;
}

async function startFakeNtp(): Promise<FakeNtpServer> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const fake: FakeNtpServer = {
    server: { host: '127.0.0.1', port: socket.address().port },
    plan: () => [{}],
    requests: 0,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    const index = fake.requests++;
    for (const a of fake.plan(msg, index)) {
      if (a.drop) continue;
      clock.advance(a.outboundMs ?? 0);
      const t2 = clock.now() + (a.offsetMs ?? 0);
      clock.advance(a.processingMs ?? 0);
      const t3 = clock.now() + (a.offsetMs ?? 0) + (a.transmitShiftMs ?? 0);
      clock.advance(a.backMs ?? 0);
      socket.send(buildReply(msg, a, t2, t3), rinfo.port, rinfo.address);
    }
  });
  return fake;
}

let fake: FakeNtpServer;
let fake2: FakeNtpServer;
before(async () => {
  fake = await startFakeNtp();
  fake2 = await startFakeNtp();
});
after(async () => {
  await fake.close();
  await fake2.close();
});
beforeEach(() => {
  fake.plan = () => [{}];
  fake2.plan = () => [{}];
  fake.requests = 0;
  fake2.requests = 0;
});

const opts = { system: clock, timeoutMs: 5000 };

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

void test('NTP timestamps round-trip across eras', () => {
  const buf = Buffer.alloc(8);
  for (const ms of [Date.UTC(1990, 0, 1, 0, 0, 0, 250), Date.UTC(2026, 10, 22, 12, 0, 0, 1), Date.UTC(2040, 5, 1, 0, 0, 0, 999.5)]) {
    writeNtpTimestamp(buf, 0, ms);
    assert.ok(Math.abs(readNtpTimestamp(buf, 0, ms + 3_600_000) - ms) < 0.001, String(ms));
  }
});

void test('parseNtpServer accepts host, host:port, [v6]:port and bare v6', () => {
  assert.deepEqual(parseNtpServer('time.example'), { host: 'time.example', port: 123 });
  assert.deepEqual(parseNtpServer('127.0.0.1:11123'), { host: '127.0.0.1', port: 11123 });
  assert.deepEqual(parseNtpServer('[::1]:11123'), { host: '::1', port: 11123 });
  assert.deepEqual(parseNtpServer('::1'), { host: '::1', port: 123 });
  for (const bad of ['', 'a:b:c', 'host:0', 'host:70000']) {
    assert.throws(() => parseNtpServer(bad), (e: unknown) => isAppError(e, 'USAGE'), bad);
  }
});

void test('offset and delay from the four timestamps', async () => {
  fake.plan = () => [{ offsetMs: 7_200_000.25, outboundMs: 20, processingMs: 3, backMs: 20 }];
  const r = await querySntp(fake.server, opts);
  assert.ok(Math.abs(r.offsetMs - 7_200_000.25) < 0.001, String(r.offsetMs));
  assert.ok(Math.abs(r.delayMs - 40) < 0.001, String(r.delayMs));
  assert.equal(r.stratum, 2);
  assert.equal(r.sample.kind, 'ntp');
  assert.equal(r.sample.source, `ntp:127.0.0.1:${fake.server.port}`);
  assert.ok(Math.abs(r.sample.serverMs - r.sample.systemMs - 7_200_000.25) < 0.001);
  assert.ok(r.sample.uncertaintyMs >= 20);
});

void test('asymmetric paths bias the offset by half the asymmetry (the protocol cannot see it)', async () => {
  fake.plan = () => [{ offsetMs: -400 * 86_400_000, outboundMs: 100, backMs: 0 }];
  const r = await querySntp(fake.server, opts);
  assert.ok(Math.abs(r.offsetMs - (-400 * 86_400_000 + 50)) < 0.001, String(r.offsetMs));
});

void test('a reply that does not echo the nonce is ignored; the right one is used', async () => {
  fake.plan = () => [{ offsetMs: 1000, originate: Buffer.alloc(8, 7) }, { offsetMs: 5 }];
  const r = await querySntp(fake.server, opts);
  assert.ok(Math.abs(r.offsetMs - 5) < 0.001, String(r.offsetMs));
});

void test('Kiss-o-Death answers are typed errors with the kiss code', async () => {
  fake.plan = () => [{ stratum: 0, refId: 'RATE' }];
  const rate = await rejection(querySntp(fake.server, opts));
  assert.ok(isAppError(rate, 'NTP_KISS_OF_DEATH'));
  assert.equal(rate.diagnosis.evidence['kissCode'], 'RATE');
  assert.equal(rate.diagnosis.retryable, true);
  fake.plan = () => [{ stratum: 0, refId: 'DENY' }];
  const deny = await rejection(querySntp(fake.server, opts));
  assert.ok(isAppError(deny, 'NTP_KISS_OF_DEATH'));
  assert.equal(deny.diagnosis.evidence['kissCode'], 'DENY');
  assert.equal(deny.diagnosis.retryable, false);
});

void test('invalid answers are rejected with NTP_FAILED and the reason', async () => {
  const cases: [Answer, string][] = [
    [{ leap: 3 }, 'unsynchronised'],
    [{ mode: 3 }, 'mode'],
    [{ version: 2 }, 'version'],
    [{ stratum: 16 }, 'stratum'],
    [{ zeroTransmit: true }, 'zero-transmit'],
    [{ transmitShiftMs: -50 }, 'bad-timestamps'],
    [{ transmitShiftMs: 50, outboundMs: 10, backMs: 10 }, 'bad-timestamps'],
  ];
  for (const [answer, reason] of cases) {
    fake.plan = () => [answer];
    const e = await rejection(querySntp(fake.server, opts));
    assert.ok(isAppError(e, 'NTP_FAILED'), reason);
    assert.equal(e.diagnosis.evidence['reason'], reason);
  }
});

/** Wait until the query is blocked waiting and its request reached the server. */
async function untilSleeping(): Promise<void> {
  while (clock.pendingSleeps === 0 || fake.requests === 0) await tick();
}

void test('no answer: NTP_FAILED timeout once the wait is over', async () => {
  fake.plan = () => [{ drop: true }];
  const pending = rejection(querySntp(fake.server, { system: clock, timeoutMs: 800 }));
  await untilSleeping();
  clock.advance(800);
  const e = await pending;
  assert.ok(isAppError(e, 'NTP_FAILED'));
  assert.equal(e.diagnosis.evidence['reason'], 'timeout');
});

void test('nothing listening: NTP_FAILED network (ICMP port unreachable)', async () => {
  const port = await freePort();
  const e = await rejection(querySntp({ host: '127.0.0.1', port }, opts));
  assert.ok(isAppError(e, 'NTP_FAILED'));
  assert.equal(e.diagnosis.evidence['reason'], 'network');
});

void test('abort: ABORTED', async () => {
  fake.plan = () => [{ drop: true }];
  const ac = new AbortController();
  const pending = rejection(querySntp(fake.server, { ...opts, signal: ac.signal }));
  await untilSleeping();
  ac.abort();
  assert.ok(isAppError(await pending, 'ABORTED'));
});

void test('sampleNtp discards high-delay answers and KoD servers, median of the rest', async () => {
  const offset = 123_456.5;
  // Slow answers are asymmetric, so keeping them would drag the median by +75 ms.
  const perPacket: Answer[] = [
    { offsetMs: offset, outboundMs: 5, backMs: 5 },
    { offsetMs: offset, outboundMs: 300, backMs: 0 },
    { offsetMs: offset, outboundMs: 300, backMs: 0 },
    { offsetMs: offset, outboundMs: 6, backMs: 6 },
  ];
  fake.plan = (_req, i) => [perPacket[i] ?? {}];
  fake2.plan = () => [{ stratum: 0, refId: 'RATE' }];
  const sunk: TimeSample[] = [];
  const sampling = await sampleNtp([fake.server, fake2.server], {
    ...opts,
    spacingMs: 0,
    sink: { addSample: (s) => sunk.push(s) },
  });
  assert.equal(sampling.samples.length, 1);
  const s = sampling.samples[0];
  assert.ok(s !== undefined);
  assert.equal(s.source, `ntp:127.0.0.1:${fake.server.port}`);
  assert.equal(s.kind, 'ntp');
  assert.ok(Math.abs(s.serverMs - s.systemMs - offset) < 0.001, String(s.serverMs - s.systemMs));
  assert.ok(Math.abs(sampling.offsetMs - offset) < 0.001);
  assert.equal(s.delayMs, 10);
  assert.deepEqual(sunk, [s]);
  const [first, second] = sampling.servers;
  assert.equal(first?.answers, 4);
  assert.equal(first?.discarded, 2);
  assert.deepEqual(second?.kissCodes, ['RATE']);
  assert.equal(fake2.requests, 1, 'a server that sent KoD is not asked again');
});

void test('sampleNtp: maxDelayMs drops slow answers outright', async () => {
  fake.plan = () => [{ offsetMs: 10, outboundMs: 700, backMs: 700 }];
  const e = await rejection(sampleNtp([fake.server], { ...opts, spacingMs: 0, packetsPerServer: 2, maxDelayMs: 1000 }));
  assert.ok(isAppError(e, 'NTP_FAILED'));
});

void test('sampleNtp: NTP_FAILED with per-server evidence when nothing usable answers', async () => {
  fake.plan = () => [{ leap: 3 }];
  fake2.plan = () => [{ stratum: 0, refId: 'DENY' }];
  const e = await rejection(sampleNtp([fake.server, fake2.server], { ...opts, spacingMs: 0, packetsPerServer: 2 }));
  assert.ok(isAppError(e, 'NTP_FAILED'));
  assert.equal(e.diagnosis.evidence['reason'], 'no-answer');
  assert.deepEqual(e.diagnosis.evidence['servers'], [
    { server: `ntp:127.0.0.1:${fake.server.port}`, answers: 0, discarded: 0, kissCodes: [], failures: ['NTP_FAILED:unsynchronised', 'NTP_FAILED:unsynchronised'] },
    { server: `ntp:127.0.0.1:${fake2.server.port}`, answers: 0, discarded: 0, kissCodes: ['DENY'], failures: [] },
  ]);
});
