import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.ts';
import { EVENT_KINDS } from '../notifiers/config.ts';
import { SUPPRESSED_KIND } from '../notifiers/limiter.ts';
import type { NotifyEvent } from '../notifiers/types.ts';
import { renderEvent } from './event-messages.ts';

const badsig = new AppError('TSIG_BADSIG', { evidence: { server: '127.0.0.1:5300', key: 'ddns-key', algorithm: 'hmac-sha256' } }).toJSON();
const at = Date.UTC(2026, 10, 22, 12, 0, 0);

/** One event of every kind, with the data its producer gives it. */
const SAMPLES: Record<(typeof EVENT_KINDS)[number] | typeof SUPPRESSED_KIND, NotifyEvent> = {
  'ip-changed': { kind: 'ip-changed', subject: 'ipv4', at, data: { family: 'ipv4', old: '81.2.69.1', new: '81.2.69.2' } },
  'record-updated': { kind: 'record-updated', subject: 'home.example.test', at, data: { provider: 'lab', type: 'A', old: ['81.2.69.1'], new: '81.2.69.2' } },
  'update-failed': { kind: 'update-failed', subject: 'home.example.test', at, data: { provider: 'lab', type: 'A', wanted: '81.2.69.2', error: badsig } },
  'ddns-failed': { kind: 'ddns-failed', subject: 'ddns', at, data: { failed: 1, records: 3, failures: [{ fqdn: 'home.example.test', type: 'A', provider: 'lab', error: badsig }], detection: [] } },
  'certificate-issued': { kind: 'certificate-issued', subject: 'web', at, data: { domains: ['web.example.test', '*.web.example.test'], provider: 'lab', serial: '0a1b', notAfter: '2027-02-20T12:00:00.000Z', issuer: 'Pebble' } },
  'certificate-renewed': { kind: 'certificate-renewed', subject: 'web', at, data: { domains: ['web.example.test'], provider: 'lab', serial: '0a1c', notAfter: '2027-02-20T12:00:00.000Z', issuer: 'Pebble', basis: 'ari', replacedSerial: '0a1b' } },
  'certificate-failed': { kind: 'certificate-failed', subject: 'web', at, data: { domains: ['web.example.test'], provider: 'lab', action: 'renew', error: badsig } },
  'certificate-expiring': { kind: 'certificate-expiring', subject: 'web', at, data: { domains: ['web.example.test'], serial: '0a1b', notAfter: '2026-11-25T12:00:00.000Z', daysLeft: 2.5, threshold: 3 } },
  'clock-skew': { kind: 'clock-skew', subject: 'system-clock', at, data: { offsetMs: -5_400_000, thresholdMs: 60_000, systemTime: '2026-11-22T13:30:00.000Z', trustedTime: '2026-11-22T12:00:00.000Z', sources: ['ntp:127.0.0.1:123'] } },
  'credential-failing': { kind: 'credential-failing', subject: 'lab', at, data: { provider: 'lab', during: 'ddns', affected: 'home.example.test', code: 'TSIG_BADSIG', error: badsig } },
  [SUPPRESSED_KIND]: { kind: SUPPRESSED_KIND, subject: 'ops', at, data: { count: 12, kinds: { 'ip-changed': 2, 'update-failed': 10 }, since: '2026-11-22T11:00:00.000Z' } },
};

void test('every event kind has a text in both languages, with no unknown value', () => {
  for (const lang of ['en', 'zh-CN'] as const)
    for (const e of Object.values(SAMPLES)) {
      const r = renderEvent(e, lang);
      assert.ok(r.title.length > 0 && r.text.length > 0, `${lang} ${e.kind}`);
      assert.ok(!`${r.title}\n${r.text}`.includes('?'), `${lang} ${e.kind}: ${r.title}\n${r.text}`);
      assert.ok(!r.title.includes('\n'), 'a title is one line');
      if (lang === 'zh-CN') assert.match(r.title, /[\u4e00-\u9fff]/, `${e.kind} in Chinese`);
    }
});

void test('errors inside events are the diagnosis summary in the same language, with the code', () => {
  assert.match(renderEvent(SAMPLES['update-failed'], 'en').text, /Server 127\.0\.0\.1:5300 rejected .*\[TSIG_BADSIG\]/);
  assert.match(renderEvent(SAMPLES['update-failed'], 'zh-CN').text, /服务器 127\.0\.0\.1:5300 拒绝了.*\[TSIG_BADSIG\]/);
});

void test('facts reach the text: values, thresholds, durations', () => {
  assert.equal(renderEvent(SAMPLES['ip-changed'], 'en').text, 'The public IPv4 address changed from 81.2.69.1 to 81.2.69.2.');
  assert.equal(renderEvent(SAMPLES['clock-skew'], 'en').title, 'System clock is 1 h 30 min ahead');
  assert.equal(renderEvent(SAMPLES['clock-skew'], 'zh-CN').title, '系统时钟快了 1小时30分钟');
  assert.equal(renderEvent(SAMPLES['certificate-expiring'], 'en').title, 'Certificate expires in 3 day(s): web');
  assert.match(renderEvent(SAMPLES[SUPPRESSED_KIND], 'en').text, /12 event\(s\).*ip-changed × 2, update-failed × 10/);
});

void test('an unknown kind gets a generic text rather than an error', () => {
  assert.deepEqual(renderEvent({ kind: 'something-new', subject: 'x', at, data: { a: 1 } }, 'zh-CN'), { title: 'something-new: x', text: '{"a":1}' });
});
