import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../core/errors.ts';
import { CLOCK_FILE, loadOffsetFile, saveOffsetFile, type PersistedClockState } from './offset-file.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'zk-offset-file-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const state: PersistedClockState = {
  version: 1,
  savedAtSystemMs: 1_795_000_000_000,
  offsetMs: 7_200_000.5,
  trusted: true,
  basis: 'ntp',
  samples: [
    { source: 'ntp:127.0.0.1:123', kind: 'ntp', serverMs: 1_795_007_200_000.5, systemMs: 1_795_000_000_000, delayMs: 0.8, uncertaintyMs: 0.4 },
    { source: 'tsig:127.0.0.1:53', kind: 'authenticated', serverMs: 1_795_007_199_000, systemMs: 1_794_999_999_000, delayMs: 2, uncertaintyMs: 501 },
  ],
};

void test('save then load round-trips, atomically, mode 0600, no temp file left', async () => {
  const dir = join(root, 'nested', 'data');
  await saveOffsetFile(dir, state);
  assert.deepEqual(await loadOffsetFile(dir), state);
  assert.equal((await stat(join(dir, CLOCK_FILE))).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), [CLOCK_FILE]);
  await saveOffsetFile(dir, { ...state, offsetMs: -1 });
  assert.equal((await loadOffsetFile(dir))?.offsetMs, -1);
});

void test('missing, corrupt or implausible files load as undefined', async () => {
  assert.equal(await loadOffsetFile(join(root, 'does-not-exist')), undefined);
  const bad: string[] = [
    '',
    '{"version":1',
    'null',
    '[]',
    JSON.stringify({ ...state, version: 2 }),
    JSON.stringify({ ...state, offsetMs: 'soon' }),
    JSON.stringify({ ...state, offsetMs: 1e300 }),
    JSON.stringify({ ...state, samples: [{ ...state.samples[0], kind: 'gps' }] }),
    JSON.stringify({ ...state, samples: [{ ...state.samples[0], uncertaintyMs: -1 }] }),
    JSON.stringify({ ...state, samples: {} }),
  ];
  for (const [i, text] of bad.entries()) {
    const dir = join(root, `bad-${i}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, CLOCK_FILE), text);
    assert.equal(await loadOffsetFile(dir), undefined, text);
  }
  const dirAsFile = join(root, 'dir-as-file');
  await mkdir(join(dirAsFile, CLOCK_FILE), { recursive: true });
  assert.equal(await loadOffsetFile(dirAsFile), undefined);
});

void test('an unwritable data dir: CLOCK_STATE_WRITE_FAILED, no crash', async () => {
  const file = join(root, 'a-file');
  await writeFile(file, 'x');
  await assert.rejects(saveOffsetFile(join(file, 'data'), state), (e: unknown) => isAppError(e, 'CLOCK_STATE_WRITE_FAILED'));
});
