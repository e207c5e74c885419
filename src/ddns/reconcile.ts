/**
 * One DDNS pass: make every desired record hold this machine's address,
 * touching the provider only where needed.
 *
 * Contract:
 * - A record whose family was not detected is left alone (`no-address`).
 * - A record is *due* for a provider read when nothing is known of it, the
 *   wanted address differs from the one last written or seen, the last pass
 *   failed on it, or `readEvery` passes went by since the last read (so an
 *   edit made behind our back is repaired within `readEvery` passes). A
 *   record that is not due costs no provider call at all.
 * - Due records are grouped by (provider, zone): one `getRecords` per zone,
 *   then one `setRecords` per zone carrying every record that differs (so
 *   providers with batch APIs batch); if that batch fails, each record is
 *   written alone so one bad record does not stop the others. Values are
 *   compared in canonical form (IPv6 compressed, lower-case); a configured
 *   TTL or proxied flag that differs also makes a record differ.
 * - Zones run with at most `concurrency` in flight overall and
 *   `perProvider` per provider (vendor rate limits; the HTTP layer also
 *   honours 429/503 Retry-After, and a zone still throttled after its
 *   retries is tried once more after a pause).
 * - Every outcome is saved to the store (state per record; the last error
 *   kept until a success); events: `ip-changed` when a family's address
 *   differs from the stored one, `record-updated` with old and new values,
 *   `update-failed` with the diagnosis. A dry run reads but neither writes
 *   to the provider nor to the store, and emits no event.
 * - Failures are per record (`failed` with its AppError); only a store
 *   failure rejects the pass.
 */
import { toAppError, type AppError } from '../core/errors.ts';
import type { Clock } from '../clock/clock.ts';
import type { DnsRecord } from '../core/record.ts';
import { mapLimit, Semaphore } from '../core/limit.ts';
import type { DnsContext } from '../dns/context.ts';
import { absoluteName, relativeName } from '../dns/names.ts';
import { canonicalValue, typeCode } from '../dns/rdata.ts';
import type { DnsProvider } from '../providers/types.ts';
import { zoneOf } from '../providers/zone-of.ts';
import type { AddressState, DdnsRecordState, EventRecord } from '../store/store.ts';
import { FAMILY_OF, type Addresses, type DdnsEvent, type DesiredRecord, type Family, type RecordOutcome } from './types.ts';

/** The part of the Store a pass uses. */
export interface DdnsStore {
  getDdnsRecord(provider: string, fqdn: string, type: 'A' | 'AAAA'): Promise<DdnsRecordState | undefined>;
  saveDdnsRecord(s: DdnsRecordState): Promise<DdnsRecordState>;
  getAddress(family: Family): Promise<AddressState | undefined>;
  saveAddress(a: AddressState): Promise<AddressState>;
  addEvent(e: Omit<EventRecord, 'id'>): Promise<EventRecord>;
}

export interface ReconcileOptions {
  readonly desired: readonly DesiredRecord[];
  readonly addresses: Addresses;
  readonly provider: (name: string) => DnsProvider;
  readonly store: DdnsStore;
  readonly dns: DnsContext;
  readonly clock: Clock;
  /** Re-read the provider every this many passes (≥ 1; 1 = every pass). */
  readonly readEvery: number;
  readonly concurrency: number;
  readonly perProvider: number;
  readonly dryRun: boolean;
  readonly signal?: AbortSignal;
  /** Called for every event, after it is stored. */
  readonly onEvent?: (e: DdnsEvent) => void;
}

export interface PassResult {
  readonly records: readonly RecordOutcome[];
  readonly events: readonly DdnsEvent[];
  /** Provider calls made: zone reads and writes. */
  readonly reads: number;
  readonly writes: number;
}

/** Store keys: fqdn without the trailing dot. */
const storeName = (fqdn: string): string => fqdn.replace(/\.$/, '');
const canon = (type: string, v: string): string => {
  try {
    return canonicalValue(typeCode(type), v);
  } catch {
    return v.toLowerCase();
  }
};

interface Item {
  readonly d: DesiredRecord;
  readonly address: string;
  readonly state: DdnsRecordState | undefined;
  zone?: string;
}

export async function reconcile(o: ReconcileOptions): Promise<PassResult> {
  const events: DdnsEvent[] = [];
  const emit = async (e: DdnsEvent): Promise<void> => {
    events.push(e);
    if (o.dryRun) return;
    await o.store.addEvent(e);
    o.onEvent?.(e);
  };
  /** Store times are whole milliseconds; the corrected clock's are not. */
  const nowMs = (): number => Math.floor(o.clock.now());
  const now = nowMs();

  // Addresses: compare with the stored ones; remember the new.
  for (const family of ['ipv4', 'ipv6'] as const) {
    const address = o.addresses[family];
    if (address === undefined) continue;
    const known = await o.store.getAddress(family);
    const changed = known === undefined || known.address !== address;
    if (changed && known !== undefined) await emit({ kind: 'ip-changed', subject: family, at: now, data: { family, old: known.address, new: address } });
    if (!o.dryRun) await o.store.saveAddress({ family, address, detectedAt: now, changedAt: changed ? now : known.changedAt });
  }

  const outcomes = new Map<DesiredRecord, RecordOutcome>();
  const due: Item[] = [];
  for (const d of o.desired) {
    const address = o.addresses[FAMILY_OF[d.type]];
    if (address === undefined) {
      outcomes.set(d, { fqdn: d.fqdn, type: d.type, provider: d.provider, action: 'no-address', read: false });
      continue;
    }
    const state = await o.store.getDdnsRecord(d.provider, storeName(d.fqdn), d.type);
    const wanted = canon(d.type, address);
    const fresh =
      state !== undefined &&
      state.lastError === undefined &&
      state.desired !== undefined &&
      canon(d.type, state.desired) === wanted &&
      state.values.length === 1 &&
      canon(d.type, state.values[0] as string) === wanted &&
      state.passesSinceRead + 1 < Math.max(1, o.readEvery);
    if (fresh) {
      outcomes.set(d, { fqdn: d.fqdn, type: d.type, provider: d.provider, zone: state.zone, action: 'unchanged', before: state.values, after: address, read: false });
      if (!o.dryRun) await o.store.saveDdnsRecord({ ...state, passesSinceRead: state.passesSinceRead + 1 });
    } else due.push({ d, address, state });
  }

  // Group the due records by provider and zone.
  const groups = new Map<string, Item[]>();
  let reads = 0;
  let writes = 0;
  const fail = async (item: Item, error: AppError): Promise<void> => {
    outcomes.set(item.d, { fqdn: item.d.fqdn, type: item.d.type, provider: item.d.provider, ...(item.zone === undefined ? {} : { zone: item.zone }), action: 'failed', after: item.address, read: false, error });
    await emit({ kind: 'update-failed', subject: storeName(item.d.fqdn), at: nowMs(), data: { provider: item.d.provider, type: item.d.type, wanted: item.address, error: error.toJSON() } });
    if (!o.dryRun) {
      const base = item.state ?? { provider: item.d.provider, fqdn: storeName(item.d.fqdn), type: item.d.type, zone: storeName(item.zone ?? item.d.fqdn), values: [], confirmedAt: 0, passesSinceRead: 0, createdAt: now };
      await o.store.saveDdnsRecord({ ...base, lastError: error.diagnosis });
    }
  };
  for (const item of due) {
    try {
      item.zone = await zoneOf(item.d.fqdn, o.provider(item.d.provider), o.dns, o.signal === undefined ? {} : { signal: o.signal });
    } catch (e) {
      await fail(item, toAppError(e));
      continue;
    }
    const key = `${item.d.provider}\u0000${item.zone}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }

  const perProvider = new Map<string, Semaphore>();
  const slot = (name: string): Semaphore => {
    let s = perProvider.get(name);
    if (s === undefined) perProvider.set(name, (s = new Semaphore(Math.max(1, o.perProvider))));
    return s;
  };

  await mapLimit([...groups.values()], Math.max(1, o.concurrency), async (items) => {
    const first = items[0] as Item;
    const zone = first.zone as string;
    await slot(first.d.provider).run(async () => {
      const provider = o.provider(first.d.provider);
      const call = o.signal === undefined ? {} : { signal: o.signal };
      let held: readonly DnsRecord[];
      try {
        reads++;
        held = await throttled(o, () => provider.getRecords(zone, call));
      } catch (e) {
        const error = toAppError(e);
        for (const item of items) await fail(item, error);
        return;
      }
      const differing: { item: Item; record: DnsRecord; before: string[] }[] = [];
      for (const item of items) {
        const name = relativeName(item.d.fqdn, zone);
        const there = held.filter((r) => r.type.toUpperCase() === item.d.type && absoluteName(r.name, zone) === item.d.fqdn);
        const before = there.map((r) => r.data);
        const same =
          there.length === 1 &&
          canon(item.d.type, (there[0] as DnsRecord).data) === canon(item.d.type, item.address) &&
          (item.d.ttl === undefined || there[0]?.ttl === undefined || there[0].ttl === item.d.ttl) &&
          (item.d.proxied === undefined || there[0]?.proxied === item.d.proxied);
        if (same) {
          outcomes.set(item.d, { fqdn: item.d.fqdn, type: item.d.type, provider: item.d.provider, zone, action: 'unchanged', before, after: item.address, read: true });
          if (!o.dryRun) await saveState(o, item, zone, before, nowMs(), undefined);
          continue;
        }
        const record: DnsRecord = { name, type: item.d.type, data: item.address, ...(item.d.ttl === undefined ? {} : { ttl: item.d.ttl }), ...(item.d.proxied === undefined ? {} : { proxied: item.d.proxied }) };
        differing.push({ item, record, before });
      }
      if (differing.length === 0) return;
      if (o.dryRun) {
        for (const { item, before } of differing) outcomes.set(item.d, { fqdn: item.d.fqdn, type: item.d.type, provider: item.d.provider, zone, action: 'would-update', before, after: item.address, read: true });
        return;
      }
      const written = async (batch: typeof differing): Promise<void> => {
        const at = nowMs();
        for (const { item, before } of batch) {
          outcomes.set(item.d, { fqdn: item.d.fqdn, type: item.d.type, provider: item.d.provider, zone, action: 'updated', before, after: item.address, read: true });
          await saveState(o, item, zone, [item.address], at, at);
          await emit({ kind: 'record-updated', subject: storeName(item.d.fqdn), at, data: { provider: item.d.provider, type: item.d.type, old: before, new: item.address } });
        }
      };
      try {
        writes++;
        await throttled(o, () => provider.setRecords(zone, differing.map((x) => x.record), call));
        await written(differing);
      } catch (e) {
        if (differing.length === 1) {
          await fail((differing[0] as (typeof differing)[number]).item, toAppError(e));
          return;
        }
        // Find the culprit(s): one record at a time.
        for (const one of differing) {
          try {
            writes++;
            await provider.setRecords(zone, [one.record], call);
            await written([one]);
          } catch (e2) {
            await fail(one.item, toAppError(e2));
          }
        }
      }
    });
  });

  return { records: o.desired.map((d) => outcomes.get(d) as RecordOutcome), events, reads, writes };
}

/** Pause after the vendor's rate limit outlasted the HTTP layer's retries, before the one more try. */
const RATE_LIMIT_PAUSE_MS = 2000;

/**
 * `fn`, and once more after a pause when the vendor still throttles
 * (HTTP_RATE_LIMITED after the HTTP layer's own retries): several zones in
 * flight share one account's limit, so a pass waits rather than fails.
 */
async function throttled<T>(o: ReconcileOptions, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = toAppError(e);
    if (err.code !== 'HTTP_RATE_LIMITED') throw err;
    await o.clock.sleep(Math.max(err.diagnosis.retryAfterMs ?? 0, RATE_LIMIT_PAUSE_MS), o.signal);
    return fn();
  }
}

async function saveState(o: ReconcileOptions, item: Item, zone: string, values: readonly string[], confirmedAt: number, updatedAt: number | undefined): Promise<void> {
  const prev = item.state;
  await o.store.saveDdnsRecord({
    provider: item.d.provider,
    fqdn: storeName(item.d.fqdn),
    type: item.d.type,
    zone: storeName(zone),
    values: [...values],
    desired: item.address,
    confirmedAt,
    ...(updatedAt !== undefined ? { updatedAt } : prev?.updatedAt !== undefined ? { updatedAt: prev.updatedAt } : {}),
    passesSinceRead: 0,
    createdAt: prev?.createdAt ?? confirmedAt,
  });
}
