/**
 * `provider test`: check one configured provider end to end, as data.
 *
 * Contract, in order (a check that cannot run because an earlier one failed
 * is `skipped` with reason `earlier-failure`):
 * - reachable: the first API call got an answer from the vendor (no
 *   connection, TLS or timeout error);
 * - credential: that answer was not an authentication failure;
 * - zone: the zone is visible to the credential — the configured or asked
 *   zone is among the listed zones (providers that list zones) and its
 *   records can be read; with no zone given, a single listed zone is used,
 *   several leave the write probe `skipped` (`several-zones`);
 * - write: unless read-only, a probe TXT record `_zonekeeper-probe-<random>`
 *   is created and deleted again, each confirmed by reading the provider's
 *   records; the delete is attempted whenever the create was sent (it may
 *   have been applied even if its answer was lost), under a fresh timeout;
 *   a probe that could not be removed is named in the result;
 * - clock: the offset of the system clock seen from this vendor's own time
 *   signals (HTTPS Date, TSIG time, explicit server times in errors) taken
 *   during the test; `skipped` (`no-time-signal`) if the vendor revealed none.
 *   An offset beyond CLOCK_WARN_MS is `warning`: zonekeeper corrects it,
 *   other tools on this machine will fail.
 * Errors inside checks are AppErrors kept in the result; this function only
 * throws for programming errors.
 */
import { randomBytes } from 'node:crypto';
import type { ClockStatus } from '../clock/corrected-clock.ts';
import type { Clock } from '../clock/clock.ts';
import { errorKind } from '../core/codes.ts';
import { AppError, toAppError } from '../core/errors.ts';
import type { DnsRecord } from '../core/record.ts';
import { normalizeName } from '../dns/names.ts';
import type { DnsProvider } from '../providers/types.ts';

export type CheckId = 'reachable' | 'credential' | 'zone' | 'write' | 'clock';
export type CheckStatus = 'ok' | 'failed' | 'skipped' | 'warning';

export interface ClockSourceSeen {
  readonly source: string;
  readonly kind: string;
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
  readonly authenticated: boolean;
}

export interface CheckResult {
  readonly id: CheckId;
  readonly status: CheckStatus;
  /** Why a check was skipped: earlier-failure, read-only, several-zones, no-time-signal. */
  readonly reason?: string;
  readonly error?: AppError;
  readonly ms: number;
  /** zone: the zone checked, its record count; the zones the credential lists. */
  readonly zone?: string;
  readonly records?: number;
  readonly zones?: readonly string[];
  readonly zoneCount?: number;
  /** credential: listing zones was refused with this code (a key limited to one zone). */
  readonly listZonesDenied?: string;
  /** write: the probe record, the step that failed, and whether it may be left behind. */
  readonly probe?: { readonly name: string; readonly step?: string; readonly leftBehind?: boolean };
  /** clock: the largest offset (trusted by this vendor − system clock) and every source seen. */
  readonly offsetMs?: number;
  readonly sources?: readonly ClockSourceSeen[];
}

export interface ProviderTestReport {
  readonly ok: boolean;
  readonly zone?: string;
  readonly zones?: readonly string[];
  readonly checks: readonly CheckResult[];
  /** The first failed check's error (decides the exit status). */
  readonly failure?: AppError;
}

export interface ProviderTestOptions {
  readonly provider: DnsProvider;
  /** Zone asked for (`--zone`), else the provider's own. */
  readonly zone?: string;
  readonly readOnly: boolean;
  readonly clock: Clock & { status(): ClockStatus };
  readonly signal?: AbortSignal;
  /** Time allowed for the probe's cleanup after a failure or abort. Default 30 s. */
  readonly cleanupTimeoutMs?: number;
}

/** |offset| above which the clock check warns (other tools' signed calls fail beyond ~5 min; some at 30 s). */
export const CLOCK_WARN_MS = 30_000;

const AUTH_CODES = new Set(['PROVIDER_AUTH', 'TSIG_BADSIG', 'TSIG_BADKEY', 'TSIG_RESPONSE_UNSIGNED', 'TSIG_RESPONSE_INVALID']);

/** Did the vendor answer at all? Network, TLS and timeout errors say no. */
function unreachable(e: AppError): boolean {
  const kind = errorKind(e.code);
  return kind === 'network' || kind === 'timeout' || e.code === 'ABORTED';
}

function sourceMarks(status: ClockStatus): Map<string, string> {
  return new Map(status.sources.map((s) => [s.source, s.at]));
}

interface Timed<T> {
  readonly value?: T;
  readonly error?: AppError;
  readonly ms: number;
}

async function timed<T>(clock: Clock, fn: () => Promise<T>): Promise<Timed<T>> {
  const start = clock.monotonicMs();
  try {
    const value = await fn();
    return { value, ms: Math.round(clock.monotonicMs() - start) };
  } catch (e) {
    return { error: toAppError(e), ms: Math.round(clock.monotonicMs() - start) };
  }
}

const skipped = (id: CheckId, reason: string): CheckResult => ({ id, status: 'skipped', reason, ms: 0 });

export async function testProvider(o: ProviderTestOptions): Promise<ProviderTestReport> {
  const { provider, clock } = o;
  const call = o.signal === undefined ? {} : { signal: o.signal };
  const before = sourceMarks(clock.status());
  const checks: CheckResult[] = [];
  const asked = o.zone === undefined ? provider.zone : normalizeName(o.zone);

  // 1. The first call: the zone list where the API has one, else the records of the zone.
  let zones: string[] | undefined;
  let zone = asked;
  let records: DnsRecord[] | undefined;
  const first =
    provider.listZones !== undefined
      ? await timed(clock, () => (provider.listZones as NonNullable<DnsProvider['listZones']>)(call))
      : zone === undefined
        ? undefined
        : await timed(clock, () => provider.getRecords(zone as string, call));
  if (first === undefined) {
    // Nothing to ask without a zone (rfc2136, webhook): that is a usage problem, not a provider one.
    throw new AppError('USAGE', { evidence: { reason: 'this provider cannot list zones: pass --zone <zone> or set zone: in its configuration' } });
  }
  if (first.error !== undefined) {
    const e = first.error;
    if (unreachable(e)) checks.push({ id: 'reachable', status: 'failed', error: e, ms: first.ms });
    else {
      checks.push({ id: 'reachable', status: 'ok', ms: first.ms });
      if (AUTH_CODES.has(e.code)) checks.push({ id: 'credential', status: 'failed', error: e, ms: 0 });
      else if (provider.listZones !== undefined && errorKind(e.code) === 'permission' && zone !== undefined) {
        // A key limited to one zone may not list zones: the zone's records decide.
        checks.push({ id: 'credential', status: 'ok', listZonesDenied: e.code, ms: 0 });
      }
      else if (errorKind(e.code) === 'clock') checks.push({ id: 'credential', status: 'failed', error: e, ms: 0 });
      else {
        checks.push({ id: 'credential', status: 'ok', ms: 0 });
        checks.push({ id: 'zone', status: 'failed', ...(zone === undefined ? {} : { zone }), error: e, ms: 0 });
      }
    }
  } else {
    checks.push({ id: 'reachable', status: 'ok', ms: first.ms });
    checks.push({ id: 'credential', status: 'ok', ms: 0 });
    if (provider.listZones !== undefined) zones = (first.value as string[]).map((z) => normalizeName(z)).sort();
    else records = first.value as DnsRecord[];
  }

  // 2. The zone: visible in the list, and its records readable.
  if (!checks.some((c) => c.status === 'failed') && checks.some((c) => c.id === 'credential')) {
    if (zones !== undefined && zone === undefined && zones.length === 1) zone = zones[0];
    const result = await zoneCheck(o, zone, zones, records);
    checks.push(result.check);
    records = result.records;
  }

  // 3. The write probe.
  const failedYet = checks.some((c) => c.status === 'failed');
  if (failedYet) {
    for (const id of ['reachable', 'credential', 'zone'] as const) if (!checks.some((c) => c.id === id)) checks.push(skipped(id, 'earlier-failure'));
    checks.push(skipped('write', 'earlier-failure'));
  } else if (o.readOnly) checks.push(skipped('write', 'read-only'));
  else if (zone === undefined) checks.push(skipped('write', 'several-zones'));
  else checks.push(await writeProbe(provider, zone, o));

  // 4. The clock, from the samples this vendor gave during the test.
  checks.push(clockCheck(before, clock.status()));

  const failed = checks.find((c) => c.status === 'failed');
  return {
    ok: failed === undefined,
    ...(zone === undefined ? {} : { zone }),
    ...(zones === undefined ? {} : { zones }),
    checks,
    ...(failed?.error === undefined ? {} : { failure: failed.error }),
  };
}

/** The zone check, once the credential is known good. */
async function zoneCheck(o: ProviderTestOptions, zone: string | undefined, zones: readonly string[] | undefined, records: DnsRecord[] | undefined): Promise<{ check: CheckResult; records?: DnsRecord[] }> {
  const listed = zones === undefined ? {} : { zones: zones.slice(0, 20), zoneCount: zones.length };
  const notInAccount = (name: string): AppError => new AppError('ZONE_NOT_FOUND', { evidence: { name, reason: 'not-in-account', zones: zones?.slice(0, 20) ?? [], zoneCount: zones?.length ?? 0 } });
  if (zone === undefined) {
    // Several zones and none chosen: visible, nothing to read or write.
    if (zones === undefined || zones.length === 0) return { check: { id: 'zone', status: 'failed', ...listed, error: notInAccount('*'), ms: 0 } };
    return { check: { id: 'zone', status: 'ok', ...listed, ms: 0 } };
  }
  if (zones !== undefined && !zones.includes(zone)) return { check: { id: 'zone', status: 'failed', zone, ...listed, error: notInAccount(zone), ms: 0 } };
  if (records !== undefined) return { check: { id: 'zone', status: 'ok', zone, records: records.length, ...listed, ms: 0 }, records };
  const z = zone;
  const read = await timed(o.clock, () => o.provider.getRecords(z, o.signal === undefined ? {} : { signal: o.signal }));
  if (read.error !== undefined) return { check: { id: 'zone', status: 'failed', zone, ...listed, error: read.error, ms: read.ms } };
  const got = read.value ?? [];
  return { check: { id: 'zone', status: 'ok', zone, records: got.length, ...listed, ms: read.ms }, records: got };
}

async function writeProbe(provider: DnsProvider, zone: string, o: ProviderTestOptions): Promise<CheckResult> {
  const { clock } = o;
  const name = `_zonekeeper-probe-${randomBytes(5).toString('hex')}`;
  const record: DnsRecord = { name, type: 'TXT', data: `zonekeeper provider test ${new Date(clock.now()).toISOString()}`, ttl: 120 };
  const fqdn = `${name}.${zone}`;
  const call = o.signal === undefined ? {} : { signal: o.signal };
  const start = clock.monotonicMs();
  const ms = (): number => Math.round(clock.monotonicMs() - start);
  const has = (list: readonly DnsRecord[]): boolean => list.some((r) => r.name.toLowerCase() === name && r.type === 'TXT' && r.data === record.data);

  let error: AppError | undefined;
  let step = 'create';
  try {
    await provider.appendRecords(zone, [record], call);
    step = 'read-back';
    if (!has(await provider.getRecords(zone, call))) error = new AppError('PROVIDER_REJECTED', { evidence: { action: 'create', name: fqdn, reason: 'the provider accepted the probe record but does not list it' } });
  } catch (e) {
    error = toAppError(e);
  }
  // Cleanup: always, under a fresh timeout (the create may have been applied even when its answer was lost).
  const cleanup = AbortSignal.timeout(o.cleanupTimeoutMs ?? 30_000);
  let leftBehind = false;
  try {
    await provider.deleteRecords(zone, [record], { signal: cleanup });
    if (error === undefined) {
      step = 'delete';
      if (has(await provider.getRecords(zone, { signal: cleanup }))) {
        leftBehind = true;
        error = new AppError('PROVIDER_REJECTED', { evidence: { action: 'delete', name: fqdn, reason: 'the probe record is still listed after its delete' } });
      }
    }
  } catch (e) {
    leftBehind = true;
    if (error === undefined) {
      step = 'delete';
      error = toAppError(e);
    }
  }
  const probe = { name: fqdn, ...(error === undefined ? {} : { step }), ...(leftBehind ? { leftBehind: true } : {}) };
  return error === undefined ? { id: 'write', status: 'ok', probe, ms: ms() } : { id: 'write', status: 'failed', probe, error, ms: ms() };
}

function clockCheck(before: Map<string, string>, after: ClockStatus): CheckResult {
  const fresh = after.sources.filter((s) => !s.persisted && s.kind !== 'ntp' && before.get(s.source) !== s.at);
  if (fresh.length === 0) return skipped('clock', 'no-time-signal');
  const sources = fresh.map((s): ClockSourceSeen => ({ source: s.source, kind: s.kind, offsetMs: Math.round(s.offsetMs), uncertaintyMs: Math.round(s.uncertaintyMs), authenticated: s.authenticated }));
  const worst = fresh.reduce((a, b) => (Math.abs(b.offsetMs) > Math.abs(a.offsetMs) ? b : a));
  const offsetMs = Math.round(worst.offsetMs);
  return { id: 'clock', status: Math.abs(offsetMs) > CLOCK_WARN_MS ? 'warning' : 'ok', offsetMs, sources, ms: 0 };
}
