import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SerialWrites } from './serial-writes.ts';

/** A task that records its start and end around a few event-loop turns. */
function task(log: string[], name: string, fail = false): () => Promise<string> {
  return async () => {
    log.push(`start ${name}`);
    await nextTurn();
    await nextTurn();
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
}

test('tasks under one key run one at a time, in call order, and settle as they do', async () => {
  const serial = new SerialWrites();
  const log: string[] = [];
  const results = await Promise.allSettled([
    serial.run('zone.', task(log, 'a')),
    serial.run('zone.', task(log, 'b', true)),
    serial.run('zone.', task(log, 'c')),
  ]);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ['a', 'b', 'c'],
  );
  assert.equal(results[1]?.status, 'rejected', 'a failing task fails its caller, and the next one still runs');
});

test('tasks under different keys do not wait for each other', async () => {
  const serial = new SerialWrites();
  const log: string[] = [];
  await Promise.all([serial.run('one.', task(log, 'a')), serial.run('two.', task(log, 'b'))]);
  assert.deepEqual(log.slice(0, 2), ['start a', 'start b']);
});

test('a key is forgotten once its last task has settled', async () => {
  const serial = new SerialWrites();
  const p = serial.run('zone.', task([], 'a'));
  assert.equal(serial.pendingKeys, 1);
  await p;
  await nextTurn();
  assert.equal(serial.pendingKeys, 0);
});
