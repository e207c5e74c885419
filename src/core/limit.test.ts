import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapLimit, Semaphore } from './limit.ts';

/** A gate the test opens by hand, so overlap is observed, not timed. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

void test('mapLimit: results in input order, never more than the limit in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setImmediate(r, n));
    inFlight--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30, 0]);
  assert.equal(most, 2);
});

void test('mapLimit: a failure rejects after the started calls settled, and starts nothing new', async () => {
  const started: number[] = [];
  const g = gate();
  const p = mapLimit([0, 1, 2, 3], 2, async (n) => {
    started.push(n);
    if (n === 0) throw new Error('boom');
    await g.wait;
    return n;
  });
  let settled = false;
  p.catch(() => undefined).finally(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'item 1 is still running');
  g.open();
  await assert.rejects(p, /boom/);
  assert.deepEqual(started, [0, 1]);
});

void test('mapLimit: empty input and bad limits', async () => {
  assert.deepEqual(await mapLimit([], 3, () => Promise.resolve(1)), []);
  await assert.rejects(mapLimit([1], 0, () => Promise.resolve(1)), RangeError);
});

void test('Semaphore: holders beyond the limit wait, in order', async () => {
  const s = new Semaphore(1);
  const order: string[] = [];
  const g = gate();
  const a = s.run(async () => {
    order.push('a');
    await g.wait;
  });
  const b = s.run(() => {
    order.push('b');
    return Promise.resolve();
  });
  const c = s.run(() => {
    order.push('c');
    return Promise.resolve();
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['a']);
  g.open();
  await Promise.all([a, b, c]);
  assert.deepEqual(order, ['a', 'b', 'c']);
});

void test('Semaphore: a failing holder frees its slot', async () => {
  const s = new Semaphore(1);
  await assert.rejects(s.run(() => Promise.reject(new Error('x'))));
  assert.equal(await s.run(() => Promise.resolve(7)), 7);
});
