/**
 * The SNTP client and the corrected clock against real chronyd servers on
 * loopback, two on the real clock and two shifted by libfaketime.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorrectedClock } from '../src/clock/corrected-clock.ts';
import { querySntp, sampleNtp, type NtpServer } from '../src/clock/sntp.ts';
import { systemClock } from '../src/clock/system-clock.ts';
import { startChrony, type Chrony } from './harness/chrony.ts';
import { runCli } from './harness/cli.ts';

const DAY = 86_400_000;
const TOLERANCE_MS = 10;

let real: Chrony;
let real2: Chrony;
let plus2h: Chrony;
let minus400d: Chrony;
const started: Chrony[] = [];

before(async () => {
  const results = await Promise.allSettled([startChrony(), startChrony(), startChrony({ fakeOffset: '+2h' }), startChrony({ fakeOffset: '-400d' })]);
  for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  [real, real2, plus2h, minus400d] = started as [Chrony, Chrony, Chrony, Chrony];
});

after(async () => {
  await Promise.all(started.map((c) => c.stop()));
});

const at = (c: Chrony): NtpServer => ({ host: c.host, port: c.port });
const opts = { system: systemClock, timeoutMs: 2000 };

void test('unshifted chronyd: offset within 10 ms of 0', async (t) => {
  const one = await querySntp(at(real), opts);
  assert.equal(one.stratum, 8);
  assert.equal(one.leap, 0);
  const sampling = await sampleNtp([at(real)], opts);
  t.diagnostic(`single packet ${one.offsetMs.toFixed(3)} ms (delay ${one.delayMs.toFixed(3)} ms); sampled ${sampling.offsetMs.toFixed(3)} ms`);
  assert.ok(Math.abs(one.offsetMs) < TOLERANCE_MS, String(one.offsetMs));
  assert.ok(Math.abs(sampling.offsetMs) < TOLERANCE_MS, String(sampling.offsetMs));
});

void test('chronyd under faketime +2h: offset within 10 ms of +7 200 000 ms', async (t) => {
  const sampling = await sampleNtp([at(plus2h)], opts);
  t.diagnostic(`sampled ${sampling.offsetMs.toFixed(3)} ms`);
  assert.ok(Math.abs(sampling.offsetMs - 7_200_000) < TOLERANCE_MS, String(sampling.offsetMs));
});

void test('chronyd under faketime -400d: offset within 10 ms of -400 days', async (t) => {
  const sampling = await sampleNtp([at(minus400d)], opts);
  t.diagnostic(`sampled ${sampling.offsetMs.toFixed(3)} ms`);
  assert.ok(Math.abs(sampling.offsetMs + 400 * DAY) < TOLERANCE_MS, String(sampling.offsetMs));
});

void test('corrected clock fed by all four: the two shifted servers are rejected as outliers', async (t) => {
  const clock = new CorrectedClock({ system: systemClock });
  const sampling = await sampleNtp([at(real), at(real2), at(plus2h), at(minus400d)], { ...opts, sink: clock });
  assert.equal(sampling.samples.length, 4);
  const status = clock.status();
  t.diagnostic(`estimate ${status.offsetMs.toFixed(3)} ms from ${status.basis.sources.join(', ')}`);
  assert.ok(Math.abs(clock.offsetMs()) < TOLERANCE_MS, String(clock.offsetMs()));
  assert.equal(status.basis.kind, 'ntp');
  assert.deepEqual(status.basis.sources, [`ntp:127.0.0.1:${real.port}`, `ntp:127.0.0.1:${real2.port}`].sort());
  assert.deepEqual(status.basis.rejected, [`ntp:127.0.0.1:${minus400d.port}`, `ntp:127.0.0.1:${plus2h.port}`].sort());
  assert.equal(status.trusted, false, 'two of four agree: no strict majority');
});

void test('corrected clock fed by the +2h server alone says the clock is 2 h behind', async () => {
  const clock = new CorrectedClock({ system: systemClock });
  await sampleNtp([at(plus2h)], { ...opts, sink: clock });
  assert.ok(Math.abs(clock.offsetMs() - 7_200_000) < TOLERANCE_MS, String(clock.offsetMs()));
  assert.ok(Math.abs(clock.now() - systemClock.now() - 7_200_000) < TOLERANCE_MS);
  assert.equal(clock.trusted, true);
});

void test('`zonekeeper clock --json` with clock.ntp pointing at a chronyd 2 h ahead reports the offset and the source', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zk-clock-cli-'));
  try {
    const config = join(dir, 'zonekeeper.yaml');
    writeFileSync(config, `clock:\n  ntp: ["${plus2h.host}:${plus2h.port}"]\n`);
    const r = await runCli(['--config', config, '--data', join(dir, 'data'), '--json', 'clock']);
    assert.equal(r.status, 0, r.stderr);
    const status = r.json as { offsetMs: number; trusted: boolean; basis: { kind: string }; sources: { source: string; kind: string; authenticated: boolean }[] };
    assert.ok(Math.abs(status.offsetMs - 7_200_000) < TOLERANCE_MS, `offset ${status.offsetMs}`);
    assert.equal(status.basis.kind, 'ntp');
    assert.equal(status.trusted, true);
    assert.deepEqual(
      status.sources.map((s) => [s.source, s.kind, s.authenticated]),
      [[`ntp:${plus2h.host}:${plus2h.port}`, 'ntp', false]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
