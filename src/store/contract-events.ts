/**
 * The Store contract for the event log: ids, exact data, paging by id, the
 * kinds filter, the limit's default and maximum, and pruning by time.
 * Registered by `runStoreContract` (contract.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Evidence } from '../core/errors.ts';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { type ContractDatabases, diagnosis, T0 } from './contract-fixtures.ts';
import { DEFAULT_EVENTS_PER_LIST, MAX_EVENTS_PER_LIST, type EventRecord, type NewEvent, type Store } from './store.ts';

const event = (over: Partial<NewEvent> = {}): NewEvent => ({
  at: T0,
  kind: 'ip-changed',
  subject: 'ipv4',
  data: { from: '192.0.2.1', to: '198.51.100.7' },
  ...over,
});

/** Add `n` events (kind and subject by index) and resolve to them, in order. */
async function addMany(s: Store, n: number, over: (i: number) => Partial<NewEvent> = () => ({})): Promise<EventRecord[]> {
  const added: EventRecord[] = [];
  for (let i = 0; i < n; i++) added.push(await s.addEvent(event({ at: T0 + i, subject: `e${i}`, ...over(i) })));
  return added;
}

const ids = (events: readonly EventRecord[]): number[] => events.map((e) => e.id);

export function runEventsContract({ withStore, withDatabase }: ContractDatabases): void {
  describe('event log', () => {
    test('an empty database has none; prune deletes nothing', () =>
      withStore(async (s) => {
        assert.deepEqual(await s.listEvents(), []);
        assert.deepEqual(await s.listEvents({ afterId: 0, kinds: ['ip-changed'], limit: 5 }), []);
        assert.equal(await s.pruneEvents(T0), 0);
      }));

    test('add returns the event with a new, strictly increasing id; data round-trips exactly', () =>
      withStore(async (s) => {
        const inputs: NewEvent[] = [
          event(),
          event({ kind: 'update-failed', subject: 'home.example.test', data: { provider: 'lab', error: diagnosis as unknown as Evidence } }),
          event({ kind: 'record-updated', subject: 'ü.example.test', at: T0 - 5, data: {} }),
          event({ kind: 'certificate-issued', subject: 'web', data: { domains: ['example.test', '*.example.test'], serial: '0a', big: 2 ** 53 - 1, tiny: 1e-7, empty: '' } }),
        ];
        const added: EventRecord[] = [];
        for (const input of inputs) {
          const e = await s.addEvent(input);
          const { id, ...rest } = e;
          assert.ok(Number.isSafeInteger(id) && id >= 1, String(id));
          assert.deepEqual(rest, input);
          added.push(e);
        }
        for (let i = 1; i < added.length; i++) assert.ok((added[i]?.id ?? 0) > (added[i - 1]?.id ?? 0), 'ids increase');
        assert.deepEqual(await s.listEvents(), added, 'ascending id, whatever the times');
      }));

    test('afterId pages through every event once, in order', () =>
      withStore(async (s) => {
        const added = await addMany(s, 7);
        const seen: EventRecord[] = [];
        let afterId: number | undefined;
        for (;;) {
          const page = await s.listEvents(afterId === undefined ? { limit: 3 } : { afterId, limit: 3 });
          if (page.length === 0) break;
          assert.ok(page.length <= 3);
          seen.push(...page);
          afterId = page.at(-1)?.id;
        }
        assert.deepEqual(seen, added);
        const last = added.at(-1)?.id ?? 0;
        assert.deepEqual(await s.listEvents({ afterId: last }), []);
        assert.deepEqual(await s.listEvents({ afterId: last - 1 }), added.slice(-1));
        assert.deepEqual(await s.listEvents({ afterId: -10 }), added);
      }));

    test('kinds keeps only those kinds, together with afterId and limit; an empty list matches nothing', () =>
      withStore(async (s) => {
        const kinds = ['ip-changed', 'record-updated', 'update-failed'];
        const added = await addMany(s, 9, (i) => ({ kind: kinds[i % 3] ?? 'ip-changed' }));
        const of = (...k: string[]): EventRecord[] => added.filter((e) => k.includes(e.kind));
        assert.deepEqual(await s.listEvents({ kinds: ['record-updated'] }), of('record-updated'));
        assert.deepEqual(await s.listEvents({ kinds: ['update-failed', 'ip-changed'] }), of('ip-changed', 'update-failed'));
        assert.deepEqual(await s.listEvents({ kinds: ['certificate-issued'] }), []);
        assert.deepEqual(await s.listEvents({ kinds: [] }), []);
        const failed = of('update-failed');
        assert.deepEqual(await s.listEvents({ kinds: ['update-failed'], afterId: failed[0]?.id ?? 0, limit: 1 }), failed.slice(1, 2));
        assert.deepEqual(await s.listEvents({ kinds: ['ip-changed', 'ip-changed'] }), of('ip-changed'), 'a repeated kind changes nothing');
      }));

    test('limit: 100 by default, at most 1000, at least 1', () =>
      withStore(async (s) => {
        assert.equal(DEFAULT_EVENTS_PER_LIST, 100);
        assert.equal(MAX_EVENTS_PER_LIST, 1000);
        const added = await addMany(s, MAX_EVENTS_PER_LIST + 1);
        assert.deepEqual(ids(await s.listEvents()), ids(added.slice(0, 100)));
        assert.deepEqual(ids(await s.listEvents({ limit: 1 })), ids(added.slice(0, 1)));
        assert.deepEqual(ids(await s.listEvents({ limit: 1000 })), ids(added.slice(0, 1000)));
        assert.deepEqual(ids(await s.listEvents({ limit: 1_000_000 })), ids(added.slice(0, 1000)), 'above the maximum reads as the maximum');
        assert.deepEqual(ids(await s.listEvents({ afterId: added[999]?.id ?? 0, limit: 1000 })), ids(added.slice(1000)));
        for (const limit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await rejectsAppError(s.listEvents({ limit }), 'STORE_INVALID_RECORD', { record: 'event-query', field: 'limit' });
        }
        await rejectsAppError(s.listEvents({ afterId: 1.5 }), 'STORE_INVALID_RECORD', { record: 'event-query', field: 'afterId' });
        await rejectsAppError(s.listEvents({ kinds: 'ip-changed' as unknown as string[] }), 'STORE_INVALID_RECORD', { record: 'event-query', field: 'kinds' });
      }));

    test('prune deletes the events before a time (strictly), whatever their ids, and counts them', () =>
      withStore(async (s) => {
        const late = await s.addEvent(event({ at: T0 + 10 }));
        const early = await s.addEvent(event({ at: T0 + 1 }));
        const boundary = await s.addEvent(event({ at: T0 + 5 }));
        const earliest = await s.addEvent(event({ at: T0 }));
        assert.equal(await s.pruneEvents(T0 + 5), 2);
        assert.deepEqual(await s.listEvents(), [late, boundary]);
        assert.equal(await s.pruneEvents(T0 + 5), 0);
        assert.ok(!(await s.listEvents()).some((e) => e.id === early.id || e.id === earliest.id));
        await rejectsAppError(s.pruneEvents(T0 + 0.5), 'STORE_INVALID_RECORD', { record: 'event-prune', field: 'before' });
        assert.equal((await s.listEvents()).length, 2, 'a refused prune deletes nothing');
      }));

    test('ids are never reused, even after every event was pruned and the database reopened', () =>
      withDatabase(async (open) => {
        const first = await open();
        const added = await addMany(first, 3);
        assert.equal(await first.pruneEvents(T0 + 100), 3);
        await first.close();
        const second = await open();
        const next = await second.addEvent(event());
        assert.ok(next.id > (added.at(-1)?.id ?? Number.POSITIVE_INFINITY), `${next.id} reuses an id`);
        assert.deepEqual(await second.listEvents(), [next]);
      }));

    test('events breaking the field rules are refused, and nothing is written', () =>
      withStore(async (s) => {
        const cyclic: Record<string, unknown> = { a: 1 };
        cyclic['self'] = cyclic;
        const bad: [string, string, NewEvent][] = [
          ['fractional at', 'at', event({ at: T0 + 0.5 })],
          ['upper-case kind', 'kind', event({ kind: 'IP-Changed' })],
          ['underscore kind', 'kind', event({ kind: 'ip_changed' })],
          ['empty kind', 'kind', event({ kind: '' })],
          ['kind ending in a dash', 'kind', event({ kind: 'ip-' })],
          ['kind starting with a digit', 'kind', event({ kind: '4-changed' })],
          ['empty subject', 'subject', event({ subject: '' })],
          ['data an array', 'data', event({ data: [] as unknown as Evidence })],
          ['data null', 'data', event({ data: null as unknown as Evidence })],
          ['data a string', 'data', event({ data: 'x' as unknown as Evidence })],
          ['undefined inside data', 'data', event({ data: { a: undefined } as unknown as Evidence })],
          ['NaN inside data', 'data', event({ data: { n: [1, Number.NaN] } })],
          ['a Date inside data', 'data', event({ data: { when: new Date(T0) } as unknown as Evidence })],
          ['a cycle inside data', 'data', event({ data: cyclic as unknown as Evidence })],
        ];
        for (const [what, field, e] of bad) {
          await rejectsAppError(s.addEvent(e), 'STORE_INVALID_RECORD', { record: 'event', field }).catch((err: unknown) => assert.fail(`${what}: ${String(err)}`));
        }
        assert.deepEqual(await s.listEvents(), []);
        const shared = { x: 1 };
        const ok = await s.addEvent(event({ data: { a: shared, b: shared } }));
        assert.deepEqual(ok.data, { a: { x: 1 }, b: { x: 1 } }, 'the same object twice is not a cycle');
      }));
  });
}
