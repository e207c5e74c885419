/**
 * `cert issue|renew|list|revoke`. The protocol lives in acme/; this file
 * turns flags and config into an issuance, prints progress on stderr and
 * one result on stdout.
 */
import { AppError } from '../../core/errors.ts';
import { adHocTarget, issueTarget, janitor, renewCertificates, resultJson, revokeCertificate, REVOCATION_REASONS, targetFromEntry, type CertOverrides, type Target } from '../../certs/service.ts';
import { usage } from '../args.ts';
import { optionString, type CommandContext } from '../command.ts';
import { loadRuntimeConfig, openRuntime } from '../runtime.ts';

export { defaultName, REVOCATION_REASONS } from '../../certs/service.ts';

/** The command line's overrides of a configured certificate. */
function overrides(ctx: CommandContext): CertOverrides {
  const pick = (k: string): string | undefined => optionString(ctx, k);
  const o: Record<string, string | boolean> = {};
  for (const [flag, key] of [['ca', 'ca'], ['ca-trust', 'caTrust'], ['provider', 'provider'], ['key', 'key'], ['email', 'email']] as const) {
    const v = pick(flag);
    if (v !== undefined) o[key] = v;
  }
  if (ctx.options.get('reuse-key') === true) o['reuseKey'] = true;
  return o as CertOverrides;
}

export async function certIssue(ctx: CommandContext): Promise<void> {
  const rawDomains = ctx.words.slice(2);
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const nameOpt = optionString(ctx, 'name');
  let target: Target;
  const entry = nameOpt === undefined ? undefined : config.certificates.get(nameOpt);
  if (rawDomains.length === 0) {
    if (entry === undefined) throw usage(nameOpt === undefined ? 'expected <domain>... or --name <configured certificate>' : `no certificate "${nameOpt}" in the configuration`);
    target = targetFromEntry(entry, overrides(ctx));
  } else {
    const preferred = optionString(ctx, 'preferred-chain');
    target = adHocTarget(config, { ...overrides(ctx), domains: rawDomains, ...(nameOpt === undefined ? {} : { name: nameOpt }), ...(preferred === undefined ? {} : { preferredChain: preferred }) });
  }
  if (!config.providers.has(target.providerName)) {
    throw new AppError('PROVIDER_UNKNOWN', { evidence: { name: target.providerName, known: [...config.providers.keys()] } });
  }
  const rt = await openRuntime(ctx.global, config);
  try {
    const log = (line: string): void => ctx.err(line);
    const swept = await janitor(rt, log);
    const result = await issueTarget(rt, ctx.global.data, target, log);
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
    const log = (line: string): void => ctx.err(line);
    await janitor(rt, log);
    const outcomes = await renewCertificates(rt, { ...(all ? {} : { names: [nameArg as string] }), force, overrides: overrides(ctx), dataDir: ctx.global.data, log });
    const failed = outcomes.find((o) => o.error !== undefined)?.error;
    // One named certificate that failed: its diagnosis is the answer.
    if (!all && failed !== undefined) throw failed;
    const results = outcomes.map((o) => o.json);
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
    const record = await revokeCertificate(rt, ctx.global.data, name, reason, overrides(ctx));
    ctx.out(ctx.global.json ? JSON.stringify({ ok: true, command: 'cert revoke', name, reason: reasonName, serial: record.serial }) : `${name}: revoked (${reasonName})`);
  } finally {
    await rt.close();
  }
}
