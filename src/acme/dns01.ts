/**
 * The DNS-01 solver: present, wait, clean up, and the janitor.
 *
 * Contract:
 * - A journal entry is written (durably) before the provider is asked to
 *   create a record, and removed only after the record is deleted, so a
 *   crash at any moment leaves at worst an entry whose record may or may not
 *   exist; `sweepJournal` deletes such records (deleting is idempotent).
 * - Records are appended, never set: apex and wildcard share
 *   `_acme-challenge` and both values must be served at once; cleanup
 *   deletes only our value.
 * - A CNAME at `_acme-challenge.<name>` (delegated validation) is followed on
 *   the authoritative servers, and the record is written at its target.
 * - Propagation is confirmed on every authoritative server, never through a
 *   recursive resolver (which would cache the NXDOMAIN the CA then sees).
 */
import type { Clock } from '../clock/clock.ts';
import type { DnsContext } from '../dns/context.ts';
import { authoritativeServers } from '../dns/authoritative.ts';
import { relativeName } from '../dns/names.ts';
import { TYPE } from '../dns/wire.ts';
import { answersFor, query } from '../dns/transport.ts';
import { findZone } from '../dns/zone.ts';
import { zoneOf } from '../providers/zone-of.ts';
import { waitFor, type PropagationReport, type ProgressEvent } from '../propagation/wait.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { Store } from '../store/store.ts';

/** The part of the store the solver needs. */
export type ChallengeJournal = Pick<Store, 'addJournalEntry' | 'removeJournalEntry' | 'listJournal'>;

const noDot = (n: string): string => n.replace(/\.$/, '');
const withDot = (n: string): string => (n.endsWith('.') ? n : `${n}.`);

export interface SolverDeps {
  readonly provider: DnsProvider;
  readonly providerName: string;
  readonly dns: DnsContext;
  readonly clock: Clock;
  readonly journal: ChallengeJournal;
  readonly certificateName?: string;
  readonly signal?: AbortSignal;
}

export interface PresentedRecord {
  readonly journalId: string;
  readonly domain: string;
  readonly zone: string;
  readonly fqdn: string;
  readonly name: string;
  readonly value: string;
}

const MAX_CNAME_HOPS = 8;

/** Where the TXT record for `domain` must be written: `_acme-challenge.<domain>` or the end of its CNAME chain. */
export async function challengeName(domain: string, dns: DnsContext): Promise<string> {
  let fqdn = `_acme-challenge.${domain.replace(/^\*\./, '').replace(/\.$/, '')}.`.toLowerCase();
  for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
    const { zone } = await findZone(fqdn, dns);
    const servers = await authoritativeServers(zone, dns);
    const server = servers[0];
    if (server === undefined) return fqdn;
    const r = await query(server, { name: fqdn, type: TYPE.CNAME }, { timeoutMs: dns.timeoutMs, recursionDesired: false, ...(dns.signal === undefined ? {} : { signal: dns.signal }) });
    const target = answersFor(r.message, fqdn, TYPE.CNAME).values[0];
    if (target === undefined) return fqdn;
    fqdn = target.toLowerCase();
  }
  return fqdn;
}


/** Write the TXT record for one authorization (journal first). */
export async function present(domain: string, value: string, deps: SolverDeps): Promise<PresentedRecord> {
  const fqdn = await challengeName(domain, deps.dns);
  const zone = await zoneOf(fqdn, deps.provider, deps.dns, deps.signal === undefined ? {} : { signal: deps.signal });
  const name = relativeName(fqdn, zone);
  const entry = await deps.journal.addJournalEntry({
    provider: deps.providerName,
    zone: noDot(zone),
    name,
    type: 'TXT',
    value,
    fqdn: noDot(fqdn),
    ...(deps.certificateName === undefined ? {} : { certificateName: deps.certificateName }),
    createdAt: Math.floor(deps.clock.now()),
  });
  await deps.provider.appendRecords(zone, [{ name, type: 'TXT', data: value, ttl: 60 }], deps.signal === undefined ? {} : { signal: deps.signal });
  return { journalId: entry.id, domain, zone, fqdn, name, value };
}

/** Wait until every authoritative server serves every presented value (grouped per name). */
export async function awaitPropagation(
  records: readonly PresentedRecord[],
  deps: SolverDeps & { timeoutMs: number; onProgress?: (e: ProgressEvent) => void },
): Promise<PropagationReport[]> {
  const byName = new Map<string, PresentedRecord[]>();
  for (const r of records) byName.set(r.fqdn, [...(byName.get(r.fqdn) ?? []), r]);
  return Promise.all(
    [...byName.entries()].map(async ([fqdn, rs]) => {
      const servers = await authoritativeServers((rs[0] as PresentedRecord).zone, deps.dns);
      return waitFor(
        { fqdn, type: 'TXT', values: rs.map((r) => r.value) },
        {
          servers,
          clock: deps.clock,
          timeoutMs: deps.timeoutMs,
          queryTimeoutMs: deps.dns.timeoutMs,
          ...(deps.signal === undefined ? {} : { signal: deps.signal }),
          ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
        },
      );
    }),
  );
}

/** Delete our value and then the journal entry. Runs under its own signal (cleanup follows cancellation). */
export async function cleanUp(record: PresentedRecord, deps: SolverDeps, signal: AbortSignal): Promise<void> {
  await deps.provider.deleteRecords(record.zone, [{ name: record.name, type: 'TXT', data: record.value }], { signal });
  await deps.journal.removeJournalEntry(record.journalId);
}

export interface SweepResult {
  readonly removed: number;
  readonly failed: { readonly id: string; readonly fqdn: string; readonly error: unknown }[];
}

/**
 * The janitor: delete every journalled record (a crash left them behind).
 * `providerFor` returns undefined for a provider no longer configured; such
 * entries stay, to be reported.
 */
export async function sweepJournal(
  journal: ChallengeJournal,
  providerFor: (name: string) => DnsProvider | undefined,
  signal: AbortSignal,
): Promise<SweepResult> {
  let removed = 0;
  const failed: SweepResult['failed'][number][] = [];
  for (const e of await journal.listJournal()) {
    const provider = providerFor(e.provider);
    try {
      if (provider === undefined) throw new Error(`provider ${e.provider} is not configured`);
      await provider.deleteRecords(withDot(e.zone), [{ name: e.name, type: e.type, data: e.value }], { signal });
      await journal.removeJournalEntry(e.id);
      removed++;
    } catch (error) {
      failed.push({ id: e.id, fqdn: withDot(e.fqdn), error });
    }
  }
  return { removed, failed };
}
