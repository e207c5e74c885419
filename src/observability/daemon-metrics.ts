/**
 * The daemon's metrics (served at GET /metrics). Events are counted as they
 * happen (provider calls through `meter`, job runs, DDNS updates,
 * renewals); state is read at scrape time from `readFrom`'s sources
 * (certificates and addresses from the store, the clock's status, the
 * scheduler's jobs). Timestamps are the trusted clock's, in Unix seconds.
 *
 * Label values are configured names (providers, certificates, jobs), clock
 * source names, address families, and `result`: "ok" or an AppError code.
 * None of them carries a secret: names are chosen by the user in the
 * configuration's keys, codes are fixed strings.
 */
import type { Clock } from '../clock/clock.ts';
import type { ClockStatus } from '../clock/corrected-clock.ts';
import type { AppError } from '../core/errors.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { AddressFamily, CertificateRecord, JobState } from '../store/store.ts';
import { meteredProvider, type ProviderMeters } from './metered-provider.ts';
import { MetricsRegistry, type Counter } from './metrics.ts';

/** Where scrape-time gauges read. */
export interface MetricsSources {
  readonly store: {
    listCertificates(): Promise<readonly CertificateRecord[]>;
    getAddress(family: AddressFamily): Promise<{ readonly changedAt: number; readonly detectedAt: number } | undefined>;
  };
  readonly clock: { now(): number; status(): ClockStatus };
  jobs(): readonly (JobState & { readonly running: boolean })[];
}

const seconds = (ms: number): number => ms / 1000;
const resultOf = (error: AppError | undefined): string => (error === undefined ? 'ok' : error.code);
const FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

export class DaemonMetrics {
  readonly registry = new MetricsRegistry({ prefix: 'zonekeeper_' });
  #sources: MetricsSources | undefined;
  readonly #provider: ProviderMeters;
  readonly #renewals: Counter<'name' | 'result'>;
  readonly #ddns: Counter<'provider' | 'result'>;
  readonly #jobRuns: Counter<'job' | 'result'>;

  constructor(version: string) {
    const r = this.registry;
    r.gauge({ name: 'zonekeeper_build_info', help: 'Always 1; the running version in its label', labels: ['version'], collect: () => [{ labels: { version }, value: 1 }] });

    this.#provider = {
      requests: r.counter({ name: 'zonekeeper_provider_requests_total', help: 'DNS provider calls by operation and result (ok or the error code)', labels: ['provider', 'operation', 'result'] }),
      duration: r.histogram({ name: 'zonekeeper_provider_request_duration_seconds', help: 'DNS provider call duration, retries within a call included', labels: ['provider', 'operation'] }),
    };

    const certs = async (): Promise<readonly CertificateRecord[]> => (await this.#sources?.store.listCertificates()) ?? [];
    r.gauge({ name: 'zonekeeper_certificate_expiry_timestamp_seconds', help: 'notAfter of the current certificate of each name', labels: ['name'], collect: async () => (await certs()).map((c) => ({ labels: { name: c.name }, value: seconds(c.notAfter) })) });
    r.gauge({
      name: 'zonekeeper_certificate_expires_in_seconds',
      help: 'Time left until notAfter by the trusted clock (negative once expired)',
      labels: ['name'],
      collect: async () => {
        const now = this.#sources?.clock.now() ?? 0;
        return (await certs()).map((c) => ({ labels: { name: c.name }, value: Math.round(seconds(c.notAfter - now)) }));
      },
    });
    r.gauge({ name: 'zonekeeper_certificate_next_renewal_timestamp_seconds', help: 'When the renewal job next tries each certificate', labels: ['name'], collect: async () => (await certs()).map((c) => ({ labels: { name: c.name }, value: seconds(c.nextRenewalAt) })) });
    this.#renewals = r.counter({ name: 'zonekeeper_certificate_renewals_total', help: 'Certificate issuance and renewal attempts by result (ok or the error code)', labels: ['name', 'result'] });

    this.#ddns = r.counter({ name: 'zonekeeper_ddns_updates_total', help: 'DDNS record updates by provider and result (ok or the error code)', labels: ['provider', 'result'] });
    const address = async (pick: (a: { changedAt: number; detectedAt: number }) => number): Promise<{ labels: { family: string }; value: number }[]> => {
      const store = this.#sources?.store;
      if (store === undefined) return [];
      const out: { labels: { family: string }; value: number }[] = [];
      for (const family of FAMILIES) {
        const a = await store.getAddress(family);
        if (a !== undefined) out.push({ labels: { family }, value: seconds(pick(a)) });
      }
      return out;
    };
    r.gauge({ name: 'zonekeeper_ddns_last_change_timestamp_seconds', help: 'When the detected public address of each family last changed', labels: ['family'], collect: () => address((a) => a.changedAt) });
    r.gauge({ name: 'zonekeeper_ddns_last_detection_timestamp_seconds', help: 'When the public address of each family was last detected', labels: ['family'], collect: () => address((a) => a.detectedAt) });

    const clock = (): ClockStatus | undefined => this.#sources?.clock.status();
    r.gauge({ name: 'zonekeeper_clock_trusted', help: '1 when agreeing fresh time sources vouch for the clock, else 0', collect: () => { const s = clock(); return s === undefined ? [] : [{ labels: {}, value: s.trusted ? 1 : 0 }]; } });
    r.gauge({ name: 'zonekeeper_clock_estimated_offset_seconds', help: 'Trusted time minus the system clock, as estimated from the sources', collect: () => { const s = clock(); return s === undefined ? [] : [{ labels: {}, value: seconds(s.offsetMs) }]; } });
    r.gauge({ name: 'zonekeeper_clock_offset_seconds', help: 'What each time source says trusted time minus the system clock is', labels: ['source'], collect: () => (clock()?.sources ?? []).map((x) => ({ labels: { source: x.source }, value: seconds(x.offsetMs) })) });
    r.gauge({ name: 'zonekeeper_clock_sample_age_seconds', help: 'Age of the newest sample of each time source', labels: ['source'], collect: () => (clock()?.sources ?? []).map((x) => ({ labels: { source: x.source }, value: seconds(x.ageMs) })) });

    this.#jobRuns = r.counter({ name: 'zonekeeper_job_runs_total', help: 'Scheduler job runs by result (ok or the error code)', labels: ['job', 'result'] });
    const jobs = (): readonly (JobState & { readonly running: boolean })[] => this.#sources?.jobs() ?? [];
    r.gauge({ name: 'zonekeeper_job_last_success_timestamp_seconds', help: 'When each job last finished without error', labels: ['job'], collect: () => jobs().flatMap((j) => (j.lastSuccessAt === undefined ? [] : [{ labels: { job: j.name }, value: seconds(j.lastSuccessAt) }])) });
    r.gauge({ name: 'zonekeeper_job_next_run_timestamp_seconds', help: 'When each job is next due', labels: ['job'], collect: () => jobs().map((j) => ({ labels: { job: j.name }, value: seconds(j.nextRunAt) })) });
    r.gauge({ name: 'zonekeeper_job_consecutive_failures', help: 'Failed runs in a row of each job (0 after a success)', labels: ['job'], collect: () => jobs().map((j) => ({ labels: { job: j.name }, value: j.failures })) });
    r.gauge({ name: 'zonekeeper_job_running', help: '1 while the job runs', labels: ['job'], collect: () => jobs().map((j) => ({ labels: { job: j.name }, value: j.running ? 1 : 0 })) });
  }

  /** Where scrape-time gauges read from now on (before this, they are empty). */
  readFrom(sources: MetricsSources): void {
    this.#sources = sources;
  }

  /** `provider`, counted and timed (the runtime's provider hook). */
  readonly meter = (name: string, provider: DnsProvider, clock: Pick<Clock, 'monotonicMs'>): DnsProvider => meteredProvider(name, provider, this.#provider, clock);

  jobRun(job: string, r: { readonly ok: boolean; readonly error?: AppError }): void {
    this.#jobRuns.inc({ job, result: r.ok ? 'ok' : resultOf(r.error) });
  }

  /** A DDNS pass's record outcomes: writes (ok) and failures (their code) count; unchanged records do not. */
  ddnsPass(records: readonly { readonly provider: string; readonly action: string; readonly error?: AppError }[]): void {
    for (const x of records) {
      if (x.action === 'updated') this.#ddns.inc({ provider: x.provider, result: 'ok' });
      else if (x.action === 'failed') this.#ddns.inc({ provider: x.provider, result: x.error?.code ?? 'INTERNAL' });
    }
  }

  /** A renewal check's outcomes: issued/renewed (ok) and failures (their code) count; not-due ones do not. */
  renewals(outcomes: readonly { readonly name: string; readonly renewed: boolean; readonly error?: AppError }[]): void {
    for (const x of outcomes) if (x.renewed || x.error !== undefined) this.#renewals.inc({ name: x.name, result: resultOf(x.error) });
  }

  expose(): Promise<string> {
    return this.registry.expose();
  }
}
