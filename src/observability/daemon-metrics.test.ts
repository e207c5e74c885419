/**
 * The daemon's metrics in-process: the metering decorator (results by
 * code, durations on the monotonic clock, behaviour unchanged), job, DDNS
 * and renewal counters, and the scrape-time gauges read from the store,
 * the clock and the scheduler.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock/fake-clock.ts';
import type { ClockStatus } from '../clock/corrected-clock.ts';
import { AppError } from '../core/errors.ts';
import type { DnsRecord } from '../core/record.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { CertificateRecord } from '../store/store.ts';
import { DaemonMetrics } from './daemon-metrics.ts';
import { assertExposition, sampleLines } from './testing/exposition-grammar.ts';

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

/** A provider whose calls take `ms` of the fake clock and fail with `fail` when set. */
function fakeProvider(clock: FakeClock, o: { ms: number; fail?: AppError; zones?: boolean }): DnsProvider {
  const run = async <T>(v: T): Promise<T> => {
    await Promise.resolve();
    clock.advance(o.ms);
    if (o.fail !== undefined) throw o.fail;
    return v;
  };
  const records: DnsRecord[] = [{ name: 'a', type: 'A', data: '192.0.2.1', ttl: 60 }];
  return {
    zone: 'example.test.',
    getRecords: () => run(records),
    appendRecords: (_z, r) => run([...r]),
    setRecords: (_z, r) => run([...r]),
    deleteRecords: (_z, r) => run([...r]),
    ...(o.zones === true ? { listZones: () => run(['example.test.']) } : {}),
  };
}

describe('the metering decorator', () => {
  test('counts results (ok or the code), times calls, and changes nothing else', async () => {
    const clock = new FakeClock(T0);
    const m = new DaemonMetrics('1.2.3');
    const ok = m.meter('good', fakeProvider(clock, { ms: 200, zones: true }), clock);
    const denied = new AppError('PROVIDER_AUTH', { evidence: { reason: 'wrong key' } });
    const bad = m.meter('bad', fakeProvider(clock, { ms: 3000, fail: denied }), clock);

    assert.equal(ok.zone, 'example.test.');
    assert.deepEqual(await ok.getRecords('example.test.'), [{ name: 'a', type: 'A', data: '192.0.2.1', ttl: 60 }]);
    assert.deepEqual(await ok.listZones?.(), ['example.test.']);
    await ok.appendRecords('example.test.', [{ name: 'b', type: 'TXT', data: 'x', ttl: 60 }]);
    assert.ok(!('listZones' in bad), 'no listZones where the provider has none');
    await assert.rejects(bad.setRecords('example.test.', []), (e) => e === denied);
    await assert.rejects(bad.setRecords('example.test.', []), (e) => e === denied);

    const text = await m.expose();
    assertExposition(text);
    assert.deepEqual(sampleLines(text, 'zonekeeper_provider_requests_total'), [
      'zonekeeper_provider_requests_total{provider="bad",operation="setRecords",result="PROVIDER_AUTH"} 2',
      'zonekeeper_provider_requests_total{provider="good",operation="appendRecords",result="ok"} 1',
      'zonekeeper_provider_requests_total{provider="good",operation="getRecords",result="ok"} 1',
      'zonekeeper_provider_requests_total{provider="good",operation="listZones",result="ok"} 1',
    ]);
    assert.ok(text.includes('zonekeeper_provider_request_duration_seconds_bucket{provider="bad",operation="setRecords",le="2.5"} 0\n'), text);
    assert.ok(text.includes('zonekeeper_provider_request_duration_seconds_bucket{provider="bad",operation="setRecords",le="5"} 2\n'), text);
    assert.ok(text.includes('zonekeeper_provider_request_duration_seconds_sum{provider="bad",operation="setRecords"} 6\n'), text);
    assert.ok(text.includes('zonekeeper_provider_request_duration_seconds_sum{provider="good",operation="getRecords"} 0.2\n'), text);
  });

  test('a thrown non-AppError counts as INTERNAL, an abort as ABORTED', async () => {
    const clock = new FakeClock(T0);
    const m = new DaemonMetrics('x');
    const boom = m.meter('p', { getRecords: () => Promise.reject(new TypeError('boom')), appendRecords: () => Promise.reject(new DOMException('stop', 'AbortError')), setRecords: () => Promise.resolve([]), deleteRecords: () => Promise.resolve([]) }, clock);
    await assert.rejects(boom.getRecords('z.'), TypeError);
    await assert.rejects(boom.appendRecords('z.', []));
    const lines = sampleLines(await m.expose(), 'zonekeeper_provider_requests_total');
    assert.deepEqual(lines, ['zonekeeper_provider_requests_total{provider="p",operation="appendRecords",result="ABORTED"} 1', 'zonekeeper_provider_requests_total{provider="p",operation="getRecords",result="INTERNAL"} 1']);
  });
});

describe('counters and scrape-time gauges', () => {
  test('jobs, DDNS updates and renewals count ok and codes; unchanged and not-due do not count', async () => {
    const m = new DaemonMetrics('x');
    m.jobRun('ddns', { ok: true });
    m.jobRun('ddns', { ok: false, error: new AppError('PROVIDER_AUTH') });
    m.ddnsPass([
      { provider: 'lab', action: 'updated' },
      { provider: 'lab', action: 'unchanged' },
      { provider: 'tc', action: 'failed', error: new AppError('PROVIDER_AUTH') },
      { provider: 'tc', action: 'no-address' },
    ]);
    m.renewals([
      { name: 'www', renewed: true },
      { name: 'api', renewed: false },
      { name: 'mail', renewed: false, error: new AppError('DNS_TIMEOUT') },
    ]);
    const text = await m.expose();
    assert.deepEqual(sampleLines(text, 'zonekeeper_job_runs_total'), ['zonekeeper_job_runs_total{job="ddns",result="PROVIDER_AUTH"} 1', 'zonekeeper_job_runs_total{job="ddns",result="ok"} 1']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_ddns_updates_total'), ['zonekeeper_ddns_updates_total{provider="lab",result="ok"} 1', 'zonekeeper_ddns_updates_total{provider="tc",result="PROVIDER_AUTH"} 1']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_certificate_renewals_total'), ['zonekeeper_certificate_renewals_total{name="mail",result="DNS_TIMEOUT"} 1', 'zonekeeper_certificate_renewals_total{name="www",result="ok"} 1']);
  });

  test('before readFrom the gauges are empty; after it they follow the store, the clock and the jobs', async () => {
    const m = new DaemonMetrics('9.9.9');
    const empty = await m.expose();
    assertExposition(empty);
    assert.deepEqual(sampleLines(empty, 'zonekeeper_build_info'), ['zonekeeper_build_info{version="9.9.9"} 1']);
    assert.deepEqual(sampleLines(empty, 'zonekeeper_certificate_expiry_timestamp_seconds'), []);

    let certs: CertificateRecord[] = [
      { name: 'www', domains: ['www.example.test'], provider: 'lab', ca: 'https://ca', keyType: 'ec256', notBefore: T0 - 86_400_000, notAfter: T0 + 10 * 86_400_000, serial: '01', certId: 'a.b', nextRenewalAt: T0 + 3 * 86_400_000, createdAt: T0, updatedAt: T0 },
    ];
    const status: ClockStatus = {
      now: new Date(T0).toISOString(),
      nowMs: T0,
      offsetMs: -1500,
      trusted: true,
      basis: { kind: 'ntp', sources: ['ntp:127.0.0.1:123'], rejected: [], stale: false },
      sources: [{ source: 'ntp:127.0.0.1:123', kind: 'ntp', authenticated: false, persisted: false, offsetMs: -1500, delayMs: 1, uncertaintyMs: 1, ageMs: 30_000, at: new Date(T0).toISOString(), used: true }],
    };
    m.readFrom({
      store: {
        listCertificates: () => Promise.resolve(certs),
        getAddress: (f) => Promise.resolve(f === 'ipv4' ? { changedAt: T0 - 60_000, detectedAt: T0 - 1000 } : undefined),
      },
      clock: { now: () => T0, status: () => status },
      jobs: () => [
        { name: 'ddns', nextRunAt: T0 + 300_000, lastRunAt: T0 - 1000, lastSuccessAt: T0 - 500, failures: 0, running: false },
        { name: 'renewals', nextRunAt: T0, failures: 2, running: true },
      ],
    });
    const text = await m.expose();
    assertExposition(text);
    const s = T0 / 1000;
    assert.deepEqual(sampleLines(text, 'zonekeeper_certificate_expiry_timestamp_seconds'), [`zonekeeper_certificate_expiry_timestamp_seconds{name="www"} ${s + 864_000}`]);
    assert.deepEqual(sampleLines(text, 'zonekeeper_certificate_expires_in_seconds'), ['zonekeeper_certificate_expires_in_seconds{name="www"} 864000']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_certificate_next_renewal_timestamp_seconds'), [`zonekeeper_certificate_next_renewal_timestamp_seconds{name="www"} ${s + 259_200}`]);
    assert.deepEqual(sampleLines(text, 'zonekeeper_ddns_last_change_timestamp_seconds'), [`zonekeeper_ddns_last_change_timestamp_seconds{family="ipv4"} ${s - 60}`]);
    assert.deepEqual(sampleLines(text, 'zonekeeper_clock_trusted'), ['zonekeeper_clock_trusted 1']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_clock_estimated_offset_seconds'), ['zonekeeper_clock_estimated_offset_seconds -1.5']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_clock_offset_seconds'), ['zonekeeper_clock_offset_seconds{source="ntp:127.0.0.1:123"} -1.5']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_clock_sample_age_seconds'), ['zonekeeper_clock_sample_age_seconds{source="ntp:127.0.0.1:123"} 30']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_job_last_success_timestamp_seconds'), [`zonekeeper_job_last_success_timestamp_seconds{job="ddns"} ${s - 0.5}`]);
    assert.deepEqual(sampleLines(text, 'zonekeeper_job_consecutive_failures'), ['zonekeeper_job_consecutive_failures{job="ddns"} 0', 'zonekeeper_job_consecutive_failures{job="renewals"} 2']);
    assert.deepEqual(sampleLines(text, 'zonekeeper_job_running'), ['zonekeeper_job_running{job="ddns"} 0', 'zonekeeper_job_running{job="renewals"} 1']);

    certs = [];
    assert.deepEqual(sampleLines(await m.expose(), 'zonekeeper_certificate_expiry_timestamp_seconds'), [], 'a deleted certificate leaves the next scrape');
  });
});
