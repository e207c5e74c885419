/**
 * `cert issue|renew|list|revoke`. The protocol lives in acme/; this file
 * turns flags and config into an issuance, prints progress on stderr and
 * one result on stdout.
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { AppError, toAppError } from '../../core/errors.ts';
import { CA_PRESETS, resolveCa, type CaConfig, type CaSpec } from '../../acme/cas.ts';
import { AcmeClient } from '../../acme/client.ts';
import { sweepJournal } from '../../acme/dns01.ts';
import { issueCertificate, type IssueProgress, type IssueResult } from '../../acme/issue.ts';
import { generateAccountKey, importAccountKey } from '../../acme/jws.ts';
import { parseKeyType, type KeyType } from '../../acme/keys.ts';
import { decide, refreshRenewalPlan } from '../../acme/renew.ts';
import { acmeDomain, type CertificateEntry } from '../../config/certificates.ts';
import { runDeploy } from '../../deployers/run.ts';
import type { CertificateRecord } from '../../store/store.ts';
import { usage } from '../args.ts';
import { optionString, type CommandContext } from '../command.ts';
import { loadRuntimeConfig, openRuntime, type Runtime } from '../runtime.ts';

const PROPAGATION_TIMEOUT_MS = 120_000;
const VALIDATION_TIMEOUT_MS = 120_000;

export const REVOCATION_REASONS: Record<string, number> = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
};

/** Trusted time in whole milliseconds (what the store keeps). */
function wholeMs(rt: Runtime): number {
  return Math.floor(rt.clock.clock.now());
}

/** A certificate issued from the command line is named after its first domain (`*.` → `_wildcard.`). */
export function defaultName(firstDomain: string): string {
  return firstDomain.replace(/^\*\./, '_wildcard.');
}

function progressLine(p: IssueProgress): string | undefined {
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

async function janitor(ctx: CommandContext, rt: Runtime): Promise<number> {
  await rt.syncClock();
  const store = await rt.store();
  const result = await sweepJournal(
    store,
    (name) => (rt.config.providers.has(name) ? rt.provider(name).provider : undefined),
    AbortSignal.timeout(30_000),
  );
  if (result.removed > 0) ctx.err(`→ janitor removed ${result.removed} challenge record(s) left by an interrupted run`);
  for (const f of result.failed) ctx.err(`  ! janitor could not remove ${f.fqdn} (${toAppError(f.error).code})`);
  return result.removed;
}

function caFromFlags(ctx: CommandContext, fallback: CaSpec): CaSpec {
  const ca = optionString(ctx, 'ca');
  const trust = optionString(ctx, 'ca-trust');
  if (trust !== undefined) return { directory: ca ?? (typeof fallback === 'string' ? (CA_PRESETS[fallback]?.directoryUrl ?? fallback) : fallback.directory), trust };
  return ca ?? fallback;
}

/** The CA of a stored certificate: its config entry, the flags, a preset with that URL, or the URL itself. */
function caForRecord(ctx: CommandContext, record: CertificateRecord, entry: CertificateEntry | undefined): CaConfig {
  if (entry !== undefined) return resolveCa(caFromFlags(ctx, entry.ca));
  const preset = Object.entries(CA_PRESETS).find(([, p]) => p.directoryUrl === record.ca)?.[0];
  return resolveCa(caFromFlags(ctx, preset ?? record.ca));
}

interface Target {
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

function pfxOf(t: Target): { pfx: NonNullable<CertificateEntry['pfx']> } | Record<string, never> {
  return t.entry?.pfx === undefined ? {} : { pfx: t.entry.pfx };
}

async function issueTarget(ctx: CommandContext, rt: Runtime, t: Target, replaces?: string): Promise<IssueResult> {
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
      ...pfxOf(t),
    },
    {
      http: rt.http,
      clock: rt.clock.clock,
      store: await rt.store(),
      dns: rt.dns,
      dataDir: ctx.global.data,
      onProgress: (p) => {
        const line = progressLine(p);
        if (line !== undefined) ctx.err(line);
      },
    },
  );
  if (t.entry !== undefined && t.entry.deploy.length > 0) {
    await runDeploy(t.entry.deploy, { name: t.name, domains: t.domains, files: result.files });
    ctx.err(`→ deployed (${t.entry.deploy.map((d) => d.type).join(', ')})`);
  }
  return result;
}

function resultJson(r: IssueResult): Record<string, unknown> {
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

function targetFromEntry(ctx: CommandContext, entry: CertificateEntry): Target {
  const keyOpt = optionString(ctx, 'key');
  const email = optionString(ctx, 'email') ?? entry.email;
  return {
    name: entry.name,
    domains: entry.domains,
    providerName: optionString(ctx, 'provider') ?? entry.provider,
    ca: resolveCa(caFromFlags(ctx, entry.ca)),
    keyType: keyOpt === undefined ? entry.key : parseKeyType(keyOpt),
    reuseKey: ctx.options.get('reuse-key') === true || entry.reuseKey,
    contact: email === undefined ? [] : [`mailto:${email}`],
    ...(entry.preferredChain === undefined ? {} : { preferredChain: entry.preferredChain }),
    entry,
  };
}

export async function certIssue(ctx: CommandContext): Promise<void> {
  const rawDomains = ctx.words.slice(2);
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const nameOpt = optionString(ctx, 'name');
  let target: Target;
  const entry = nameOpt === undefined ? undefined : config.certificates.get(nameOpt);
  if (rawDomains.length === 0) {
    if (entry === undefined) throw usage(nameOpt === undefined ? 'expected <domain>... or --name <configured certificate>' : `no certificate "${nameOpt}" in the configuration`);
    target = targetFromEntry(ctx, entry);
  } else {
    const domains = rawDomains.map(acmeDomain);
    const providerName = optionString(ctx, 'provider');
    if (providerName === undefined) throw usage('--provider <name> is required');
    const keyOpt = optionString(ctx, 'key');
    const email = optionString(ctx, 'email');
    const preferred = optionString(ctx, 'preferred-chain');
    target = {
      name: nameOpt ?? defaultName(domains[0] as string),
      domains,
      providerName,
      ca: resolveCa(caFromFlags(ctx, 'letsencrypt')),
      keyType: keyOpt === undefined ? 'ec256' : parseKeyType(keyOpt),
      reuseKey: ctx.options.get('reuse-key') === true,
      contact: email === undefined ? [] : [`mailto:${email}`],
      ...(preferred === undefined ? {} : { preferredChain: preferred }),
    };
  }
  if (!config.providers.has(target.providerName)) {
    throw new AppError('PROVIDER_UNKNOWN', { evidence: { name: target.providerName, known: [...config.providers.keys()] } });
  }
  const rt = await openRuntime(ctx.global, config);
  try {
    const swept = await janitor(ctx, rt);
    const result = await issueTarget(ctx, rt, target);
    ctx.out(ctx.global.json ? JSON.stringify({ ok: true, command: 'cert issue', janitorRemoved: swept, ...resultJson(result) }) : `${result.record.name}: issued, valid until ${new Date(result.info.notAfter).toISOString()} (${result.files.fullchain})`);
  } finally {
    await rt.close();
  }
}

export async function certRenew(ctx: CommandContext): Promise<void> {
  const [nameArg] = ctx.words.slice(2);
  const all = ctx.options.get('all') === true;
  const force = ctx.options.get('force') === true;
  if ((nameArg === undefined) === !all) throw usage('expected <name> or --all');
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const rt = await openRuntime(ctx.global, config);
  try {
    await janitor(ctx, rt);
    const store = await rt.store();
    const stored = await store.listCertificates();
    const names = all ? [...new Set([...stored.map((c) => c.name), ...config.certificates.keys()])].sort() : [nameArg as string];
    const results: Record<string, unknown>[] = [];
    let failed: AppError | undefined;
    for (const name of names) {
      const record = stored.find((c) => c.name === name);
      const entry = config.certificates.get(name);
      try {
        if (record === undefined) {
          if (entry === undefined) throw new AppError('CERTIFICATE_NOT_FOUND', { evidence: { name } });
          ctx.err(`${name}: not issued yet`);
          const r = await issueTarget(ctx, rt, targetFromEntry(ctx, entry));
          results.push({ renewed: true, reason: 'new', ...resultJson(r) });
          continue;
        }
        const ca = caForRecord(ctx, record, entry);
        const account = await store.findAccount(ca.directoryUrl, entry?.email === undefined ? [] : [`mailto:${entry.email}`]);
        const client = new AcmeClient({
          directoryUrl: ca.directoryUrl,
          http: rt.http,
          clock: rt.clock.clock,
          key: await importAccountKey(account?.keyPem ?? generateAccountKey().pem),
          ...(ca.trustPem === undefined ? {} : { trustPem: ca.trustPem }),
        });
        const refreshed = await refreshRenewalPlan(record, client, store, rt.clock.clock, Math.random);
        const decision = decide(refreshed, wholeMs(rt), force);
        if (!decision.due) {
          ctx.err(`${name}: not due (next renewal ${new Date(refreshed.nextRenewalAt).toISOString()}, ${decision.basis})`);
          results.push({ name, renewed: false, nextRenewalAt: new Date(refreshed.nextRenewalAt).toISOString(), basis: decision.basis });
          continue;
        }
        ctx.err(`${name}: renewing (${decision.basis})`);
        const target: Target =
          entry !== undefined
            ? { ...targetFromEntry(ctx, entry), ca }
            : {
                name,
                domains: record.domains,
                providerName: optionString(ctx, 'provider') ?? record.provider,
                ca,
                keyType: parseKeyType(record.keyType),
                reuseKey: ctx.options.get('reuse-key') === true,
                contact: [],
              };
        const supportsAri = (await client.directory()).renewalInfo !== undefined;
        const r = await issueTarget(ctx, rt, target, supportsAri ? record.certId : undefined);
        results.push({ renewed: true, reason: decision.basis, replaced: supportsAri ? record.certId : null, ...resultJson(r) });
      } catch (e) {
        const err = toAppError(e);
        failed ??= err;
        results.push({ name, renewed: false, error: err.toJSON() });
        if (record !== undefined) await store.saveCertificate({ ...record, lastError: err.diagnosis, updatedAt: wholeMs(rt) }).catch(() => undefined);
        if (!all) throw err;
        ctx.err(`${name}: failed (${err.code})`);
      }
    }
    if (ctx.global.json) ctx.out(JSON.stringify({ ok: failed === undefined, command: 'cert renew', certificates: results }));
    else for (const r of results) ctx.out(`${String(r['name'])}: ${r['renewed'] === true ? `renewed, valid until ${String(r['notAfter'])}` : r['error'] !== undefined ? 'failed' : `not due until ${String(r['nextRenewalAt'])}`}`);
    if (failed !== undefined) throw failed;
  } finally {
    await rt.close();
  }
}

export async function certList(ctx: CommandContext): Promise<void> {
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const rt = await openRuntime(ctx.global, config);
  try {
    const certs = await (await rt.store()).listCertificates();
    const rows = certs.map((c) => ({
      name: c.name,
      domains: c.domains,
      provider: c.provider,
      ca: c.ca,
      keyType: c.keyType,
      notAfter: new Date(c.notAfter).toISOString(),
      nextRenewalAt: new Date(c.nextRenewalAt).toISOString(),
      ariWindow: c.ariWindowStart === undefined || c.ariWindowEnd === undefined ? null : { start: new Date(c.ariWindowStart).toISOString(), end: new Date(c.ariWindowEnd).toISOString() },
      lastError: c.lastError?.code ?? null,
    }));
    if (ctx.global.json) {
      ctx.out(JSON.stringify({ ok: true, command: 'cert list', certificates: rows }));
      return;
    }
    for (const r of rows) ctx.out(`${r.name}\t${r.domains.join(',')}\texpires ${r.notAfter}\trenew ${r.nextRenewalAt}${r.ariWindow === null ? '' : ` (ARI ${r.ariWindow.start} – ${r.ariWindow.end})`}${r.lastError === null ? '' : `\tlast error ${r.lastError}`}`);
  } finally {
    await rt.close();
  }
}

export async function certRevoke(ctx: CommandContext): Promise<void> {
  const [name] = ctx.words.slice(2);
  if (name === undefined) throw usage('expected <name>');
  const reasonName = optionString(ctx, 'reason') ?? 'unspecified';
  const reason = REVOCATION_REASONS[reasonName];
  if (reason === undefined) throw usage('unknown revocation reason', { value: reasonName, allowed: Object.keys(REVOCATION_REASONS).join(', ') });
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const rt = await openRuntime(ctx.global, config);
  try {
    await rt.syncClock();
    const store = await rt.store();
    const record = await store.getCertificate(name);
    if (record === undefined) throw new AppError('CERTIFICATE_NOT_FOUND', { evidence: { name } });
    const entry = config.certificates.get(name);
    const ca = caForRecord(ctx, record, entry);
    const account = await store.findAccount(ca.directoryUrl, entry?.email === undefined ? [] : [`mailto:${entry.email}`]);
    if (account === undefined) throw new AppError('ACME_ACCOUNT_DOES_NOT_EXIST', { evidence: { account: ca.directoryUrl } });
    const pem = await readFile(join(ctx.global.data, 'certificates', name, 'cert.pem'), 'utf8');
    const client = new AcmeClient({
      directoryUrl: ca.directoryUrl,
      http: rt.http,
      clock: rt.clock.clock,
      key: await importAccountKey(account.keyPem),
      kid: account.accountUrl,
      ...(ca.trustPem === undefined ? {} : { trustPem: ca.trustPem }),
    });
    await client.revoke(new X509Certificate(pem).raw, reason);
    // A revoked certificate is due for replacement at once.
    const now = wholeMs(rt);
    await store.saveCertificate({ ...record, nextRenewalAt: now, updatedAt: now });
    ctx.out(ctx.global.json ? JSON.stringify({ ok: true, command: 'cert revoke', name, reason: reasonName, serial: record.serial }) : `${name}: revoked (${reasonName})`);
  } finally {
    await rt.close();
  }
}
