/**
 * One issuance, end to end: account, order, DNS-01 for every authorization
 * in parallel, finalize, download, files, store.
 *
 * Contract: every challenge record created is deleted before this returns or
 * throws (cleanup runs under its own 30 s budget even after cancellation);
 * a crash in between leaves journal entries for the janitor. The stored
 * certificate record and the files change only after a certificate was
 * downloaded and parsed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, toAppError, type Evidence } from '../core/errors.ts';
import type { TrustedClock } from '../clock/clock.ts';
import type { DnsContext } from '../dns/context.ts';
import type { HttpClient } from '../http/types.ts';
import type { ProgressEvent } from '../propagation/wait.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { AccountRecord, CertificateRecord, Store } from '../store/store.ts';
import type { CaConfig } from './cas.ts';
import { checkCaa } from './caa.ts';
import { certificateInfo, topIssuerName, type CertificateInfo } from './certinfo.ts';
import { AcmeClient } from './client.ts';
import { awaitPropagation, cleanUp, present, type PresentedRecord, type SolverDeps } from './dns01.ts';
import { dns01Value, generateAccountKey, importAccountKey } from './jws.ts';
import { createCsr, generateCertificateKey, importCertificateKey, type KeyType } from './keys.ts';
import { writeCertificateFiles, type IssuedFiles } from './outputs.ts';
import type { PfxOptions } from './pfx.ts';
import { problemError } from './problems.ts';
import { planRenewal } from './renewal.ts';
import type { Authorization, Order } from './types.ts';

export type IssueProgress =
  | { readonly step: 'account'; readonly accountUrl: string; readonly created: boolean }
  | { readonly step: 'order'; readonly orderUrl: string; readonly identifiers: readonly string[] }
  | { readonly step: 'authorization'; readonly domain: string; readonly status: string }
  | { readonly step: 'record'; readonly domain: string; readonly fqdn: string }
  | { readonly step: 'propagation'; readonly event: ProgressEvent }
  | { readonly step: 'validated'; readonly domain: string }
  | { readonly step: 'finalize' }
  | { readonly step: 'download'; readonly issuer: string }
  | { readonly step: 'cleanup'; readonly fqdn: string; readonly error?: string };

export interface IssueOptions {
  readonly name: string;
  readonly domains: readonly string[];
  readonly keyType: KeyType;
  readonly reuseKey: boolean;
  readonly ca: CaConfig;
  readonly contact: readonly string[];
  readonly providerName: string;
  readonly provider: DnsProvider;
  /** Common name of the root (or top issuer) the chain should lead to. */
  readonly preferredChain?: string;
  /** ARI CertID of the certificate being replaced. */
  readonly replaces?: string;
  readonly propagationTimeoutMs: number;
  readonly validationTimeoutMs: number;
  /** Also write `cert.pfx` with this password. */
  readonly pfx?: PfxOptions;
}

export interface IssueDeps {
  readonly http: HttpClient;
  readonly clock: TrustedClock;
  readonly store: Store;
  readonly dns: DnsContext;
  readonly dataDir: string;
  readonly onProgress?: (p: IssueProgress) => void;
  readonly signal?: AbortSignal;
  /** For the random renewal point inside an ARI window. */
  readonly random?: () => number;
}

export interface IssueResult {
  readonly record: CertificateRecord;
  readonly info: CertificateInfo;
  readonly files: IssuedFiles;
  readonly chainIssuer: string;
  readonly accountUrl: string;
}

const CLEANUP_BUDGET_MS = 30_000;

async function openAccount(o: IssueOptions, d: IssueDeps): Promise<{ client: AcmeClient; account: AccountRecord }> {
  const found = await d.store.findAccount(o.ca.directoryUrl, o.contact);
  const keyPem = found?.keyPem ?? generateAccountKey().pem;
  const key = await importAccountKey(keyPem);
  const client = new AcmeClient({
    directoryUrl: o.ca.directoryUrl,
    http: d.http,
    clock: d.clock,
    key,
    ...(found === undefined ? {} : { kid: found.accountUrl }),
    ...(o.ca.trustPem === undefined ? {} : { trustPem: o.ca.trustPem }),
    ...(d.signal === undefined ? {} : { signal: d.signal }),
  });
  if (found !== undefined) {
    d.onProgress?.({ step: 'account', accountUrl: found.accountUrl, created: false });
    return { client, account: found };
  }
  const accountUrl = await client.account({ contact: o.contact, termsOfServiceAgreed: true, ...(o.ca.eab === undefined ? {} : { eab: o.ca.eab }) });
  const account = await d.store.saveAccount({
    directoryUrl: o.ca.directoryUrl,
    contact: o.contact,
    accountUrl,
    keyPem,
    ...(o.ca.eab === undefined ? {} : { eabKid: o.ca.eab.kid }),
    createdAt: Math.floor(d.clock.now()),
  });
  d.onProgress?.({ step: 'account', accountUrl, created: true });
  return { client, account };
}

function domainOf(a: Authorization): string {
  return a.wildcard === true ? `*.${a.identifier.value}` : a.identifier.value;
}

function failedAuthorization(a: Authorization, evidence: Evidence): AppError {
  const challenge = a.challenges.find((c) => c.error !== undefined);
  const problem = challenge?.error ?? { type: 'urn:ietf:params:acme:error:unauthorized', detail: `authorization ${a.status}` };
  return problemError(problem, { identifier: domainOf(a), ...evidence });
}

export async function issueCertificate(o: IssueOptions, d: IssueDeps): Promise<IssueResult> {
  const { client, account } = await openAccount(o, d);
  await checkCaa(o.domains, d.dns, (await client.directory()).meta?.caaIdentities, o.ca.directoryUrl);
  const identifiers = o.domains.map((value) => ({ type: 'dns' as const, value }));
  let created: { url: string; order: Order };
  try {
    created = await client.newOrder(identifiers, o.replaces);
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'ACME_ACCOUNT_DOES_NOT_EXIST') throw e;
    // The CA forgot the account (reset, deactivated): register this key again, once.
    const accountUrl = await client.account({ contact: o.contact, termsOfServiceAgreed: true, ...(o.ca.eab === undefined ? {} : { eab: o.ca.eab }) });
    await d.store.saveAccount({ ...account, accountUrl });
    created = await client.newOrder(identifiers, o.replaces);
  }
  const orderUrl = created.url;
  // The store keeps whole milliseconds.
  const now = (): number => Math.floor(d.clock.now());
  await d.store.saveOrder({ orderUrl, certificateName: o.name, status: created.order.status, createdAt: now(), updatedAt: now() });
  d.onProgress?.({ step: 'order', orderUrl, identifiers: o.domains });

  const solver: SolverDeps = {
    provider: o.provider,
    providerName: o.providerName,
    dns: d.dns,
    clock: d.clock,
    journal: d.store,
    certificateName: o.name,
    ...(d.signal === undefined ? {} : { signal: d.signal }),
  };
  const presented: PresentedRecord[] = [];
  try {
    const authorizations = await Promise.all(created.order.authorizations.map(async (url) => ({ url, authz: await client.authorization(url) })));
    const pending: { url: string; authz: Authorization; challengeUrl: string }[] = [];
    await Promise.all(
      authorizations.map(async ({ url, authz }) => {
        d.onProgress?.({ step: 'authorization', domain: domainOf(authz), status: authz.status });
        if (authz.status === 'valid') return;
        if (authz.status !== 'pending') throw failedAuthorization(authz, { url });
        const challenge = authz.challenges.find((c) => c.type === 'dns-01');
        if (challenge === undefined)
          throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url, reason: 'no dns-01 challenge offered', offered: authz.challenges.map((c) => c.type) } });
        const value = await dns01Value(client.key, challenge.token);
        const record = await present(domainOf(authz), value, solver);
        presented.push(record);
        d.onProgress?.({ step: 'record', domain: record.domain, fqdn: record.fqdn });
        pending.push({ url, authz, challengeUrl: challenge.url });
      }),
    );
    const reports = await awaitPropagation(presented, {
      ...solver,
      timeoutMs: o.propagationTimeoutMs,
      onProgress: (event) => d.onProgress?.({ step: 'propagation', event }),
    });
    await Promise.all(
      pending.map(async (p) => {
        await client.respond(p.challengeUrl);
        const final = await client.poll<Authorization>(p.url, (a) => a.status !== 'pending', 'validation', o.validationTimeoutMs);
        if (final.status !== 'valid') {
          const served = reports.flatMap((r) => r.servers.map((s) => `${s.server}: ${s.answered.join(' ') || s.rcode}`));
          throw failedAuthorization(final, { url: p.url, authoritative: served });
        }
        d.onProgress?.({ step: 'validated', domain: domainOf(final) });
      }),
    );
  } finally {
    const budget = AbortSignal.timeout(CLEANUP_BUDGET_MS);
    await Promise.all(
      presented.map(async (r) => {
        try {
          await cleanUp(r, solver, budget);
          d.onProgress?.({ step: 'cleanup', fqdn: r.fqdn });
        } catch (e) {
          // The journal entry stays; the janitor retries. Never mask the issuance error.
          d.onProgress?.({ step: 'cleanup', fqdn: r.fqdn, error: toAppError(e).code });
        }
      }),
    );
  }

  const ready = await client.poll<Order>(orderUrl, (x) => x.status !== 'pending', 'order ready', o.validationTimeoutMs);
  if (ready.status === 'invalid') throw problemError(ready.error ?? { type: 'urn:ietf:params:acme:error:orderInvalid' }, { url: orderUrl });

  const previous = o.reuseKey ? await currentKey(d.dataDir, o.name) : undefined;
  const certKey = previous === undefined ? await generateCertificateKey(o.keyType) : await importCertificateKey(o.keyType, previous);
  d.onProgress?.({ step: 'finalize' });
  let order = ready.status === 'ready' ? await client.finalize(ready.finalize, await createCsr(certKey, o.domains)) : ready;
  if (order.status !== 'valid') order = await client.poll<Order>(orderUrl, (x) => x.status === 'valid' || x.status === 'invalid', 'certificate', o.validationTimeoutMs);
  if (order.status !== 'valid' || order.certificate === undefined)
    throw problemError(order.error ?? { type: 'urn:ietf:params:acme:error:serverInternal', detail: `order ${order.status}` }, { url: orderUrl });

  const chain = await chooseChain(client, order.certificate, o.preferredChain);
  const info = certificateInfo(chain);
  const chainIssuer = topIssuerName(chain);
  d.onProgress?.({ step: 'download', issuer: chainIssuer });
  const files = await writeCertificateFiles(d.dataDir, o.name, chain, certKey.pem, now(), o.pfx);
  await d.store.saveOrder({ orderUrl, certificateName: o.name, status: 'valid', createdAt: now(), updatedAt: now(), finalizedAt: now() });

  const ari = await client.renewalInfo(info.certId).catch(() => undefined);
  const window = ari === undefined ? undefined : { start: Date.parse(ari.info.suggestedWindow.start), end: Date.parse(ari.info.suggestedWindow.end) };
  const plan = planRenewal(info, window, d.random ?? Math.random);
  const record = await d.store.saveCertificate({
    name: o.name,
    domains: o.domains,
    provider: o.providerName,
    ca: o.ca.directoryUrl,
    keyType: o.keyType,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    serial: info.serial.toLowerCase(),
    certId: info.certId,
    ...(plan.window === undefined ? {} : { ariWindowStart: plan.window.start, ariWindowEnd: plan.window.end }),
    ...(ari?.retryAfterMs === undefined ? {} : { ariRetryAfter: now() + ari.retryAfterMs }),
    nextRenewalAt: plan.renewAt,
    ...(o.replaces === undefined ? {} : { replacesCertId: o.replaces }),
    lastRenewedAt: now(),
    createdAt: now(),
    updatedAt: now(),
  });
  return { record, info, files, chainIssuer, accountUrl: client.accountUrl ?? account.accountUrl };
}

async function currentKey(dataDir: string, name: string): Promise<string | undefined> {
  try {
    return await readFile(join(dataDir, 'certificates', name, 'privkey.pem'), 'utf8');
  } catch {
    return undefined;
  }
}

/** The default chain, or the first alternate whose top issuer matches `preferred` (case-insensitive). */
async function chooseChain(client: AcmeClient, url: string, preferred: string | undefined): Promise<string> {
  const main = await client.certificate(url);
  if (preferred === undefined || topIssuerName(main.pem).toLowerCase() === preferred.toLowerCase()) return main.pem;
  for (const alt of main.alternates) {
    const c = await client.certificate(alt);
    if (topIssuerName(c.pem).toLowerCase() === preferred.toLowerCase()) return c.pem;
  }
  return main.pem;
}
