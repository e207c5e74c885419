import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock/fake-clock.ts';
import { AppError } from '../core/errors.ts';
import type { NotifierEntry } from './config.ts';
import { dispatch, type NotifierSet } from './dispatch.ts';
import { HOUR_MS, NotifyLimiter } from './limiter.ts';
import type { Notifier, NotifyEvent, NotifyLang, RenderedEvent } from './types.ts';
import { webhookNotifierManifest } from './webhook/manifest.ts';

interface Sent {
  readonly title: string;
  readonly kind: string;
}

function recorder(fail = false): { notifier: Notifier; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    notifier: {
      send(e: NotifyEvent, r: RenderedEvent) {
        if (fail) return Promise.reject(new AppError('NOTIFY_FAILED', { evidence: { status: 500 } }));
        sent.push({ title: r.title, kind: e.kind });
        return Promise.resolve();
      },
    },
  };
}

function entry(name: string, o: { lang?: NotifyLang; events?: string[]; maxPerHour?: number } = {}): NotifierEntry {
  return { name, manifest: webhookNotifierManifest as NotifierEntry['manifest'], config: {}, events: o.events ?? [], secrets: [], lang: o.lang ?? 'en', minIntervalMs: 600_000, maxPerHour: o.maxPerHour ?? 30 };
}

const render = (e: NotifyEvent, lang: NotifyLang): RenderedEvent => ({ title: `${lang}:${e.kind}:${e.subject}`, text: '' });
const ev = (kind: string, subject: string): NotifyEvent => ({ kind, subject, at: 0, data: { subject } });

void test('each notifier gets the kinds it subscribes to, rendered in its language; failures are data', async () => {
  const en = recorder();
  const zh = recorder();
  const down = recorder(true);
  const set: NotifierSet = {
    entries: new Map([
      ['en', { entry: entry('en'), notifier: en.notifier }],
      ['zh', { entry: entry('zh', { lang: 'zh-CN', events: ['ip-changed'] }), notifier: zh.notifier }],
      ['down', { entry: entry('down'), notifier: down.notifier }],
    ]),
    render,
    limiter: new NotifyLimiter(new FakeClock()),
  };
  const d = await dispatch([ev('ip-changed', 'ipv4'), ev('record-updated', 'a.example')], set);
  assert.deepEqual(en.sent.map((x) => x.title), ['en:ip-changed:ipv4', 'en:record-updated:a.example']);
  assert.deepEqual(zh.sent.map((x) => x.title), ['zh-CN:ip-changed:ipv4']);
  assert.deepEqual(
    d.filter((x) => x.notifier === 'down').map((x) => x.error?.code),
    ['NOTIFY_FAILED', 'NOTIFY_FAILED'],
  );
  // The failed ones are not remembered as sent: tried again; the sent ones are duplicates now.
  const again = await dispatch([ev('ip-changed', 'ipv4')], set);
  assert.deepEqual(
    again.map((x) => [x.notifier, x.suppressed ?? x.error?.code ?? 'sent']),
    [
      ['en', 'duplicate'],
      ['zh', 'duplicate'],
      ['down', 'NOTIFY_FAILED'],
    ],
  );
});

void test('held-back events come back suppressed; the summary goes first once the hour is over, even with no events', async () => {
  const clock = new FakeClock();
  const one = recorder();
  const set: NotifierSet = { entries: new Map([['one', { entry: entry('one', { maxPerHour: 2 }), notifier: one.notifier }]]), render, limiter: new NotifyLimiter(clock) };
  const d = await dispatch([ev('update-failed', 'a'), ev('update-failed', 'b'), ev('update-failed', 'c'), ev('ip-changed', 'ipv6')], set);
  assert.deepEqual(d.map((x) => x.suppressed ?? 'sent'), ['sent', 'sent', 'rate-limited', 'rate-limited']);
  clock.advance(HOUR_MS);
  await dispatch([], set);
  assert.deepEqual(one.sent.map((x) => x.kind), ['update-failed', 'update-failed', 'events-suppressed']);
});
