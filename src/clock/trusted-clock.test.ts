import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../core/errors.ts';
import { FakeClock } from './fake-clock.ts';
import { CLOCK_FILE } from './offset-file.ts';
import { createTrustedClock } from './trusted-clock.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'zk-trusted-clock-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

void test('persists on change and seeds the next process from the file', async () => {
  const dataDir = join(root, 'round-trip');
  const system = new FakeClock();
  system.advance(10_000);
  const first = await createTrustedClock({ dataDir, system });
  assert.equal(first.clock.status().basis.kind, 'system');
  for (const [source, offset] of [
    ['ntp:a:123', 7_200_000],
    ['ntp:b:123', 7_200_002],
    ['ntp:c:123', 7_200_004],
  ] as const) {
    first.clock.addSample({
      source,
      kind: 'ntp',
      serverMs: system.now() + offset,
      systemMs: system.now(),
      monoMs: system.monotonicMs(),
      delayMs: 1,
      uncertaintyMs: 0.5,
    });
  }
  await first.flush();
  const saved = JSON.parse(await readFile(join(dataDir, CLOCK_FILE), 'utf8')) as { offsetMs: number; samples: unknown[] };
  assert.equal(saved.offsetMs, 7_200_002);
  assert.equal(saved.samples.length, 3);

  // A later process: monotonic time restarts, the system clock moved on by an hour.
  const later = new FakeClock(system.now() + 3_600_000);
  const second = await createTrustedClock({ dataDir, system: later });
  assert.equal(second.clock.offsetMs(), 7_200_002);
  const status = second.clock.status();
  assert.equal(status.trusted, false);
  assert.equal(status.basis.kind, 'persisted');
  assert.deepEqual(
    status.sources.map((s) => [s.source, s.persisted, s.ageMs]),
    [
      ['ntp:a:123', true, 3_600_000],
      ['ntp:b:123', true, 3_600_000],
      ['ntp:c:123', true, 3_600_000],
    ],
  );
  await second.flush(); // nothing changed: nothing to write, resolves
});

void test('a corrupt file is ignored at start-up', async () => {
  const dataDir = join(root, 'corrupt');
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, CLOCK_FILE), '{"version":1,"offsetMs":');
  const { clock } = await createTrustedClock({ dataDir, system: new FakeClock() });
  assert.equal(clock.offsetMs(), 0);
  assert.equal(clock.status().basis.kind, 'system');
});

void test('a failed background write surfaces in flush(), not in addSample()', async () => {
  const blocker = join(root, 'blocker');
  await writeFile(blocker, 'x');
  const system = new FakeClock();
  const { clock, flush } = await createTrustedClock({ dataDir: join(blocker, 'data'), system });
  clock.addSample({ source: 'ntp:a:123', kind: 'ntp', serverMs: system.now() + 1, systemMs: system.now(), monoMs: 0, delayMs: 1, uncertaintyMs: 1 });
  await assert.rejects(flush(), (e: unknown) => isAppError(e, 'CLOCK_STATE_WRITE_FAILED'));
});

void test('without a data dir nothing is persisted', async () => {
  const { clock, flush } = await createTrustedClock({ system: new FakeClock() });
  assert.equal(clock.offsetMs(), 0);
  await flush();
});
