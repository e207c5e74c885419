/**
 * A DnsProvider decorator that counts and times every call:
 * `requests{provider, operation, result}` (result = "ok" or the AppError
 * code the call failed with, ABORTED for an abort) and
 * `duration{provider, operation}` in seconds of the monotonic clock.
 * Operations are the method names (getRecords, appendRecords, setRecords,
 * deleteRecords, listZones). The decorated provider behaves exactly like
 * the inner one: same results, same errors (rethrown as they came), same
 * `zone`, and `listZones` only when the inner one has it.
 */
import type { Clock } from '../clock/clock.ts';
import { toAppError } from '../core/errors.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { Counter, Histogram } from './metrics.ts';

export interface ProviderMeters {
  readonly requests: Counter<'provider' | 'operation' | 'result'>;
  readonly duration: Histogram<'provider' | 'operation'>;
}

export function meteredProvider(provider: string, inner: DnsProvider, meters: ProviderMeters, clock: Pick<Clock, 'monotonicMs'>): DnsProvider {
  async function timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const start = clock.monotonicMs();
    let result = 'ok';
    try {
      return await call();
    } catch (e) {
      result = toAppError(e).code;
      throw e;
    } finally {
      meters.requests.inc({ provider, operation, result });
      meters.duration.observe({ provider, operation }, Math.max(0, clock.monotonicMs() - start) / 1000);
    }
  }
  const metered: { -readonly [K in keyof DnsProvider]: DnsProvider[K] } = {
    ...(inner.zone === undefined ? {} : { zone: inner.zone }),
    getRecords: (zone, call) => timed('getRecords', () => inner.getRecords(zone, call)),
    appendRecords: (zone, records, call) => timed('appendRecords', () => inner.appendRecords(zone, records, call)),
    setRecords: (zone, records, call) => timed('setRecords', () => inner.setRecords(zone, records, call)),
    deleteRecords: (zone, records, call) => timed('deleteRecords', () => inner.deleteRecords(zone, records, call)),
  };
  if (inner.listZones !== undefined) {
    const listZones = inner.listZones.bind(inner);
    metered.listZones = (call) => timed('listZones', () => listZones(call));
  }
  return metered;
}
