/**
 * Certificates as the CLI and the daemon both run them: turn a configured
 * entry (or command-line flags, as `CertOverrides`) into an issuance, renew
 * what is due, clean what an interrupted run left. Progress is reported as
 * lines through `log`; results and failures are data.
 *
 * Renewal contract (`renewCertificates`): for each name, the stored record
 * and its config entry decide; a configured certificate never issued is
 * issued; otherwise the renewal plan is refreshed (ARI when the CA has it),
 * and only a due certificate (or `force`) is reissued, with `replaces` when
 * the CA supports ARI. A failure is kept on the record (`lastError`) and
 * does not stop the other names.
 *
 * Events: every issuance, renewal and failure of a name is stored in the
 * event log (`certificate-issued`, `certificate-renewed`,
 * `certificate-failed`; subject the certificate name) and returned on its
 * outcome (`event`) for the caller to dispatch (the daemon does; the CLI
 * prints the outcome instead).
 */
import { AppError, toAppError } from '../core/errors.ts';
import { CA_PRESETS, resolveCa, type CaConfig, type CaSpec } from '../acme/cas.ts';
import { AcmeClient } from '../acme/client.ts';
import { sweepJournal } from '../acme/dns01.ts';
import { issueCertificate, type IssueProgress, type IssueResult } from '../acme/issue.ts';
import { generateAccountKey, importAccountKey } from '../acme/jws.ts';
import { parseKeyType, type KeyType } from '../acme/keys.ts';
import { decide, refreshRenewalPlan } from '../acme/renew.ts';
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { acmeDomain, type CertificateEntry } from '../config/certificates.ts';
import type { ZkConfig } from '../config/load.ts';
import { runDeploy } from '../deployers/run.ts';
import type { Runtime } from '../cli/runtime.ts';
import type { NotifyEvent } from '../notifiers/types.ts';
import type { CertificateRecord } from '../store/store.ts';

const PROPAGATION_TIMEOUT_MS = 120_000;
const VALIDATION_TIMEOUT_MS = 120_000;

/** What the command line may override (the daemon passes none). */
export interface CertOverrides {
  readonly ca?: string;
  readonly caTrust?: string;
  readonly provider?: string;
  readonly key?: string;
  readonly email?: string;
  readonly reuseKey?: boolean;
}

export interface Target {
  readonly name: string;
  readonly domains: readonly string[];
  readonly providerName: string;
  readonly ca: CaConfig;
  readonly keyType: KeyType;
  readonly reuseKey: boolean;
  readonly contact: string[];
  readonly preferredChain?: string;
  readonly entry?: CertificateEntry;
}

export type Log = (line: string) => void;

/** Trusted time in whole milliseconds (what the store keeps). */
export function wholeMs(rt: Runtime): number {
  return Math.floor(rt.clock.clock.now());
}

export function progressLine(p: IssueProgress): string | undefined {
  switch (p.step) {
    case 'account':
      return `→ account ${p.accountUrl}${p.created ? ' (registered)' : ''}`;
    case 'order':
      return `→ order ${p.orderUrl} for ${p.identifiers.join(', ')}`;
    case 'authorization':
      return `  authorization ${p.domain}: ${p.status}${p.status === 'valid' ? ' (reused)' : ''}`;
    case 'record':
      return `  TXT written at ${p.fqdn} for ${p.domain}`;
    case 'propagation':
      return p.event.kind === 'matched' ? `  ✓ ${p.event.report.server} serves ${p.event.report.fqdn} (${p.event.report.matchedAfterMs ?? 0} ms)` : undefined;
    case 'validated':
      return `  ✓ ${p.domain} validated by the CA`;
    case 'finalize':
      return '→ finalize';
    case 'download':
      return `→ certificate downloaded (chain to ${p.issuer})`;
    case 'cleanup':
      return p.error === undefined ? `  challenge record removed at ${p.fqdn}` : `  ! could not remove ${p.fqdn} (${p.error}); the janitor will retry`;
  }
}

/** Remove challenge records an interrupted run left (the journal); returns how many. */
export async function janitor(rt: Runtime, log: Log, signal: AbortSignal = AbortSignal.timeout(30_000)): Promise<number> {
  await rt.syncClock();
  const store = await rt.store();
  const result = await sweepJournal(store, (name) => (rt.config.providers.has(name) ? rt.provider(name).provider : undefined), signal);
  if (result.removed > 0) log(`→ janitor removed ${result.removed} challenge record(s) left by an interrupted run`);
  for (const f of result.failed) log(`  ! janitor could not remove ${f.fqdn} (${toAppError(f.error).code})`);
  return result.removed;
}

export function caFromOverrides(o: CertOverrides, fallback: CaSpec): CaSpec {
  if (o.caTrust !== undefined) return { directory: o.ca ?? (typeof fallback === 'string' ? (CA_PRESETS[fallback]?.directoryUrl ?? fallback) : fallback.directory), trust: o.caTrust };
  return o.ca ?? fallback;
}

/** The CA of a stored certificate: its config entry, the overrides, a preset with that URL, or the URL itself. */
export function caForRecord(o: CertOverrides, record: CertificateRecord, entry: CertificateEntry | undefined): CaConfig {
  if (entry !== undefined) return resolveCa(caFromOverrides(o, entry.ca));
  const preset = Object.entries(CA_PRESETS).find(([, p]) => p.directoryUrl === record.ca)?.[0];
  return resolveCa(caFromOverrides(o, preset ?? record.ca));
}

export function targetFromEntry(entry: CertificateEntry, o: CertOverrides = {}): Target {
  const email = o.email ?? entry.email;
  return {
    name: entry.name,
    domains: entry.domains,
    providerName: o.provider ?? entry.provider,
    ca: resolveCa(caFromOverrides(o, entry.ca)),
    keyType: o.key === undefined ? entry.key : parseKeyType(o.key),
    reuseKey: o.reuseKey === true || entry.reuseKey,
    contact: email === undefined ? [] : [`mailto:${email}`],
    ...(entry.preferredChain === undefined ? {} : { preferredChain: entry.preferredChain }),
    entry,
  };
}

export async function issueTarget(rt: Runtime, dataDir: string, t: Target, log: Log, replaces?: string, signal?: AbortSignal): Promise<IssueResult> {
  const { provider } = rt.provider(t.providerName);
  const result = await issueCertificate(
    {
      name: t.name,
      domains: t.domains,
      keyType: t.keyType,
      reuseKey: t.reuseKey,
      ca: t.ca,
      contact: t.contact,
      providerName: t.providerName,
      provider,
      ...(t.preferredChain === undefined ? {} : { preferredChain: t.preferredChain }),
      ...(replaces === undefined ? {} : { replaces }),
      propagationTimeoutMs: PROPAGATION_TIMEOUT_MS,
      validationTimeoutMs: VALIDATION_TIMEOUT_MS,
      ...(t.entry?.pfx === undefined ? {} : { pfx: t.entry.pfx }),
    },
    {
      http: rt.http,
      clock: rt.clock.clock,
      store: await rt.store(),
      dns: rt.dns,
      dataDir,
      ...(signal === undefined ? {} : { signal }),
      onProgress: (p) => {
        const line = progressLine(p);
        if (line !== undefined) log(line);
      },
    },
  );
  if (t.entry !== undefined && t.entry.deploy.length > 0) {
    await runDeploy(t.entry.deploy, { name: t.name, domains: t.domains, files: result.files });
    log(`→ deployed (${t.entry.deploy.map((d) => d.type).join(', ')})`);
  }
  return result;
}

/** A certificate asked for by domains (command line or API), not from the configuration. */
export interface AdHocRequest extends CertOverrides {
  readonly domains: readonly string[];
  readonly name?: string;
  readonly preferredChain?: string;
}

/** A certificate issued without `--name` is named after its first domain (`*.` → `_wildcard.`). */
export function defaultName(firstDomain: string): string {
  return firstDomain.replace(/^\*\./, '_wildcard.');
}

/**
 * The target of `cert issue <domain>…` / POST /api/certificates: domains
 * checked (acmeDomain: NAME_INVALID), a configured provider required
 * (PROVIDER_UNKNOWN), CA letsencrypt unless overridden, key ec256 unless asked.
 */
export function adHocTarget(config: Pick<ZkConfig, 'providers'>, r: AdHocRequest): Target {
  if (r.domains.length === 0) throw new AppError('USAGE', { evidence: { reason: 'expected at least one domain' } });
  const domains = r.domains.map(acmeDomain);
  if (r.provider === undefined) throw new AppError('USAGE', { evidence: { reason: 'a provider is required' } });
  if (!config.providers.has(r.provider)) throw new AppError('PROVIDER_UNKNOWN', { evidence: { name: r.provider, known: [...config.providers.keys()] } });
  return {
    name: r.name ?? defaultName(domains[0] as string),
    domains,
    providerName: r.provider,
    ca: resolveCa(caFromOverrides(r, 'letsencrypt')),
    keyType: r.key === undefined ? 'ec256' : parseKeyType(r.key),
    reuseKey: r.reuseKey === true,
    contact: r.email === undefined ? [] : [`mailto:${r.email}`],
    ...(r.preferredChain === undefined ? {} : { preferredChain: r.preferredChain }),
  };
}

export const REVOCATION_REASONS: Readonly<Record<string, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
};

/**
 * Revoke the stored certificate `name` with the account that ordered it
 * (CERTIFICATE_NOT_FOUND, ACME_ACCOUNT_DOES_NOT_EXIST), then make it due for
 * replacement at once.
 */
export async function revokeCertificate(rt: Runtime, dataDir: string, name: string, reason: number, o: CertOverrides = {}): Promise<CertificateRecord> {
  const store = await rt.store();
  const record = await store.getCertificate(name);
  if (record === undefined) throw new AppError('CERTIFICATE_NOT_FOUND', { evidence: { name } });
  const entry = rt.config.certificates.get(name);
  const ca = caForRecord(o, record, entry);
  const account = await store.findAccount(ca.directoryUrl, entry?.email === undefined ? [] : [`mailto:${entry.email}`]);
  if (account === undefined) throw new AppError('ACME_ACCOUNT_DOES_NOT_EXIST', { evidence: { account: ca.directoryUrl } });
  const pem = await readFile(join(dataDir, 'certificates', name, 'cert.pem'), 'utf8');
  const client = new AcmeClient({
    directoryUrl: ca.directoryUrl,
    http: rt.http,
    clock: rt.clock.clock,
    key: await importAccountKey(account.keyPem),
    kid: account.accountUrl,
    ...(ca.trustPem === undefined ? {} : { trustPem: ca.trustPem }),
  });
  await client.revoke(new X509Certificate(pem).raw, reason);
  const now = wholeMs(rt);
  return store.saveCertificate({ ...record, nextRenewalAt: now, updatedAt: now });
}

export function resultJson(r: IssueResult): Record<string, unknown> {
  return {
    name: r.record.name,
    domains: r.record.domains,
    notBefore: new Date(r.info.notBefore).toISOString(),
    notAfter: new Date(r.info.notAfter).toISOString(),
    serial: r.record.serial,
    certId: r.record.certId,
    issuer: r.chainIssuer,
    nextRenewalAt: new Date(r.record.nextRenewalAt).toISOString(),
    renewalBasis: r.record.ariWindowStart === undefined ? 'lifetime' : 'ari',
    files: r.files,
  };
}

export interface RenewOptions {
  /** Names to look at; absent: every stored and every configured certificate. */
  readonly names?: readonly string[];
  readonly force: boolean;
  readonly overrides: CertOverrides;
  readonly dataDir: string;
  readonly log: Log;
  readonly signal?: AbortSignal;
}

export interface RenewOutcome {
  readonly name: string;
  readonly renewed: boolean;
  readonly json: Record<string, unknown>;
  readonly error?: AppError;
  /** When the certificate is next due (not renewed) — the scheduler wakes for it. */
  readonly nextRenewalAt?: number;
  /** The DNS provider the issuance used or would have used (credential-failing names it). */
  readonly provider?: string;
  /** certificate-issued, certificate-renewed or certificate-failed, already stored; absent when nothing was attempted. */
  readonly event?: NotifyEvent;
}

/** Store a certificate event and return it. */
async function certificateEvent(rt: Runtime, kind: 'certificate-issued' | 'certificate-renewed' | 'certificate-failed', name: string, data: NotifyEvent['data']): Promise<NotifyEvent> {
  const event: NotifyEvent = { kind, subject: name, at: wholeMs(rt), data };
  await (await rt.store()).addEvent(event);
  return event;
}

/** The facts of a new certificate, for its event. */
function issuedData(r: IssueResult, extra: NotifyEvent['data'] = {}): NotifyEvent['data'] {
  return {
    domains: [...r.record.domains],
    provider: r.record.provider,
    serial: r.record.serial,
    notAfter: new Date(r.info.notAfter).toISOString(),
    issuer: r.chainIssuer,
    ...extra,
  };
}

export async function renewCertificates(rt: Runtime, o: RenewOptions): Promise<RenewOutcome[]> {
  const store = await rt.store();
  const stored = await store.listCertificates();
  const names = o.names ?? [...new Set([...stored.map((c) => c.name), ...rt.config.certificates.keys()])].sort();
  const out: RenewOutcome[] = [];
  for (const name of names) {
    if (o.signal?.aborted === true) break;
    const record = stored.find((c) => c.name === name);
    const entry = rt.config.certificates.get(name);
    const provider = o.overrides.provider ?? entry?.provider ?? record?.provider;
    try {
      if (record === undefined) {
        if (entry === undefined) throw new AppError('CERTIFICATE_NOT_FOUND', { evidence: { name } });
        o.log(`${name}: not issued yet`);
        const r = await issueTarget(rt, o.dataDir, targetFromEntry(entry, o.overrides), o.log, undefined, o.signal);
        const event = await certificateEvent(rt, 'certificate-issued', name, issuedData(r));
        out.push({ name, renewed: true, json: { renewed: true, reason: 'new', ...resultJson(r) }, nextRenewalAt: r.record.nextRenewalAt, provider: r.record.provider, event });
        continue;
      }
      const ca = caForRecord(o.overrides, record, entry);
      const account = await store.findAccount(ca.directoryUrl, entry?.email === undefined ? [] : [`mailto:${entry.email}`]);
      const client = new AcmeClient({
        directoryUrl: ca.directoryUrl,
        http: rt.http,
        clock: rt.clock.clock,
        key: await importAccountKey(account?.keyPem ?? generateAccountKey().pem),
        ...(ca.trustPem === undefined ? {} : { trustPem: ca.trustPem }),
      });
      const refreshed = await refreshRenewalPlan(record, client, store, rt.clock.clock, Math.random);
      const decision = decide(refreshed, wholeMs(rt), o.force);
      if (!decision.due) {
        o.log(`${name}: not due (next renewal ${new Date(refreshed.nextRenewalAt).toISOString()}, ${decision.basis})`);
        out.push({ name, renewed: false, json: { name, renewed: false, nextRenewalAt: new Date(refreshed.nextRenewalAt).toISOString(), basis: decision.basis }, nextRenewalAt: refreshed.nextRenewalAt });
        continue;
      }
      o.log(`${name}: renewing (${decision.basis})`);
      const target: Target =
        entry !== undefined
          ? { ...targetFromEntry(entry, o.overrides), ca }
          : { name, domains: record.domains, providerName: o.overrides.provider ?? record.provider, ca, keyType: parseKeyType(record.keyType), reuseKey: o.overrides.reuseKey === true, contact: [] };
      const supportsAri = (await client.directory()).renewalInfo !== undefined;
      const r = await issueTarget(rt, o.dataDir, target, o.log, supportsAri ? record.certId : undefined, o.signal);
      const event = await certificateEvent(rt, 'certificate-renewed', name, issuedData(r, { basis: decision.basis, replacedSerial: record.serial }));
      out.push({ name, renewed: true, json: { renewed: true, reason: decision.basis, replaced: supportsAri ? record.certId : null, ...resultJson(r) }, nextRenewalAt: r.record.nextRenewalAt, provider: target.providerName, event });
    } catch (e) {
      const err = toAppError(e);
      if (record !== undefined) await store.saveCertificate({ ...record, lastError: err.diagnosis, updatedAt: wholeMs(rt) }).catch(() => undefined);
      // An unknown name is a question, not a failure of a certificate; an abort is the daemon stopping.
      const event =
        err.code === 'CERTIFICATE_NOT_FOUND' || err.code === 'ABORTED'
          ? undefined
          : await certificateEvent(rt, 'certificate-failed', name, {
              domains: [...(entry?.domains ?? record?.domains ?? [])],
              ...(provider === undefined ? {} : { provider }),
              action: record === undefined ? 'issue' : 'renew',
              error: err.toJSON(),
            }).catch(() => undefined);
      out.push({ name, renewed: false, json: { name, renewed: false, error: err.toJSON() }, error: err, ...(provider === undefined ? {} : { provider }), ...(event === undefined ? {} : { event }) });
      o.log(`${name}: failed (${err.code})`);
    }
  }
  return out;
}
