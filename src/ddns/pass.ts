/**
 * One whole DDNS pass as the CLI (`ddns sync`) and the daemon run it: detect
 * the addresses the configured records need, reconcile every record with
 * its provider, and tell the notifiers. Waiting for propagation is the
 * caller's choice (the CLI waits; the daemon does not block its schedule).
 *
 * Detection asks only the families some record needs (every configured
 * family when there is no record: a look without changes). The pass never
 * throws for a provider or a notifier; only a store failure or an abort does.
 *
 * Events: the reconcile's (ip-changed, record-updated, update-failed), plus
 * one `ddns-failed` per pass in which a record failed or a needed family
 * had no address, summarising every failure (fqdn, type, provider, error
 * code and evidence). It is stored like the others; a dry run emits none.
 */
import type { Clock } from '../clock/clock.ts';
import type { DnsContext } from '../dns/context.ts';
import type { HttpClient } from '../http/types.ts';
import { dispatch, type Delivery, type NotifierSet } from '../notifiers/dispatch.ts';
import type { NotifyEvent } from '../notifiers/types.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { DdnsConfig } from './config.ts';
import { detect } from './ip/detect.ts';
import type { Detection } from './ip/types.ts';
import { reconcile, type DdnsStore, type PassResult } from './reconcile.ts';
import type { Addresses } from './types.ts';

export interface DdnsPassDeps {
  readonly clock: Clock;
  readonly http: HttpClient;
  readonly dns: DnsContext;
  readonly store: DdnsStore;
  readonly provider: (name: string) => DnsProvider;
  readonly notifiers: NotifierSet;
  readonly signal?: AbortSignal;
}

export interface DdnsPassResult {
  readonly detection: Detection;
  readonly pass: PassResult;
  /** The `ddns-failed` summary of this pass, when something failed (not in a dry run). */
  readonly failed?: NotifyEvent;
  /** Notifications sent or attempted (held-back ones are left out). */
  readonly deliveries: readonly Delivery[];
  /** A family that some record needs had no address. */
  readonly missingFamily?: 4 | 6;
}

export async function runDdnsPass(config: DdnsConfig, deps: DdnsPassDeps, o: { readonly dryRun: boolean }): Promise<DdnsPassResult> {
  const needed = new Set(config.records.map((r) => (r.type === 'A' ? 'ipv4' : 'ipv6')));
  const wants = (f: 'ipv4' | 'ipv6'): boolean => config.detection[f] !== undefined && (needed.size === 0 || needed.has(f));
  const detection = await detect(
    { ...(wants('ipv4') && config.detection.ipv4 !== undefined ? { ipv4: config.detection.ipv4 } : {}), ...(wants('ipv6') && config.detection.ipv6 !== undefined ? { ipv6: config.detection.ipv6 } : {}) },
    { clock: deps.clock, http: deps.http, ...(deps.signal === undefined ? {} : { signal: deps.signal }) },
  );
  const addresses: Addresses = {
    ...(detection.ipv4?.address === undefined ? {} : { ipv4: detection.ipv4.address }),
    ...(detection.ipv6?.address === undefined ? {} : { ipv6: detection.ipv6.address }),
  };
  const pass: PassResult =
    config.records.length === 0
      ? { records: [], events: [], reads: 0, writes: 0 }
      : await reconcile({
          desired: config.records,
          addresses,
          provider: deps.provider,
          store: deps.store,
          dns: deps.dns,
          clock: deps.clock,
          readEvery: config.readEvery,
          concurrency: config.concurrency,
          perProvider: config.perProvider,
          dryRun: o.dryRun,
          ...(deps.signal === undefined ? {} : { signal: deps.signal }),
        });
  const missing = [detection.ipv4, detection.ipv6].find((d) => d !== undefined && d.address === undefined && config.records.some((r) => (r.type === 'A' ? 4 : 6) === d.family));
  const failed = o.dryRun ? undefined : await summarizeFailures(pass, missing, deps);
  const deliveries = o.dryRun ? [] : (await dispatch(failed === undefined ? pass.events : [...pass.events, failed], deps.notifiers, deps.signal)).filter((d) => d.suppressed === undefined);
  return { detection, pass, ...(failed === undefined ? {} : { failed }), deliveries, ...(missing === undefined ? {} : { missingFamily: missing.family }) };
}

/** Store and return the pass's `ddns-failed` event; undefined when nothing failed. */
async function summarizeFailures(pass: PassResult, missing: Detection['ipv4'], deps: DdnsPassDeps): Promise<NotifyEvent | undefined> {
  const failures = pass.records.filter((r) => r.action === 'failed');
  if (failures.length === 0 && missing === undefined) return undefined;
  const event: NotifyEvent = {
    kind: 'ddns-failed',
    subject: 'ddns',
    at: Math.floor(deps.clock.now()),
    data: {
      failed: failures.length + (missing === undefined ? 0 : pass.records.filter((r) => r.action === 'no-address').length),
      records: pass.records.length,
      failures: failures.map((r) => ({ fqdn: r.fqdn.replace(/\.$/, ''), type: r.type, provider: r.provider, error: r.error?.toJSON() ?? null })),
      detection: missing === undefined ? [] : [{ family: missing.family === 4 ? 'ipv4' : 'ipv6', error: missing.error?.toJSON() ?? 'IP_QUORUM_NOT_REACHED' }],
    },
  };
  await deps.store.addEvent(event);
  return event;
}
