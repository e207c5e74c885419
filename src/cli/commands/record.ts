/**
 * `record set|delete|list`: change records through a provider and return
 * once every authoritative server serves the change.
 */
import type { Finding } from '../../core/finding.ts';
import type { DnsRecord, ExpectedRRset } from '../../core/record.ts';
import { authoritativeServers } from '../../dns/authoritative.ts';
import type { DnsContext } from '../../dns/context.ts';
import { checkResolver } from '../../dns/lying-resolver.ts';
import { normalizeName, relativeName } from '../../dns/names.ts';
import { canonicalValue, typeCode, typeName } from '../../dns/rdata.ts';
import { findZone } from '../../dns/zone.ts';
import { waitFor, type PropagationReport, type ProgressEvent } from '../../propagation/wait.ts';
import type { DnsProvider } from '../../providers/types.ts';
import { zoneOf } from '../../providers/zone-of.ts';
import { usage } from '../args.ts';
import { optionString, type CommandContext } from '../command.ts';
import { renderFinding } from '../render.ts';
import { loadRuntimeConfig, openRuntime, type Runtime } from '../runtime.ts';

const DEFAULT_TIMEOUT_MS = 120_000;

interface Target {
  readonly fqdn: string;
  readonly type: number;
  readonly values: string[];
}

/** Validate everything the user typed before any packet leaves. */
function parseTarget(ctx: CommandContext, valuesRequired: boolean): Target {
  const [fqdnArg, typeArg, ...rawValues] = ctx.words.slice(2);
  if (fqdnArg === undefined || typeArg === undefined) throw usage('expected <fqdn> <type> <value>...');
  if (valuesRequired && rawValues.length === 0) throw usage('expected at least one value');
  const fqdn = normalizeName(fqdnArg);
  const type = typeCode(typeArg);
  const values = rawValues.map((v) => canonicalValue(type, v));
  return { fqdn, type, values };
}

function providerName(ctx: CommandContext): string {
  const name = optionString(ctx, 'provider');
  if (name === undefined) throw usage('--provider <name> is required');
  return name;
}

function parseTtl(ctx: CommandContext): number | undefined {
  const t = optionString(ctx, 'ttl');
  if (t === undefined) return undefined;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 0 || n > 2147483647) throw usage('--ttl must be an integer number of seconds', { value: t });
  return n;
}

function parseTimeout(ctx: CommandContext): number {
  const t = optionString(ctx, 'timeout');
  if (t === undefined) return DEFAULT_TIMEOUT_MS;
  const m = /^(\d+)(ms|s|m)?$/.exec(t);
  if (m === null) throw usage('--timeout must look like 500ms, 30s or 2m', { value: t });
  return Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 's' || m[2] === undefined ? 1000 : 1);
}

function zoneFor(fqdn: string, provider: DnsProvider, dns: DnsContext): Promise<string> {
  return zoneOf(fqdn, provider, dns, { strict: true });
}

function progress(ctx: CommandContext, e: ProgressEvent): void {
  if (e.kind === 'matched') ctx.err(`  ✓ ${e.report.server}${e.report.nsName !== undefined ? ` (${e.report.nsName})` : ''} serves it (${e.report.matchedAfterMs ?? 0} ms, ${e.report.polls} poll${e.report.polls === 1 ? '' : 's'})`);
  else if (e.kind === 'cname') ctx.err(`  → ${e.from} is a CNAME to ${e.to}; following`);
  else if (ctx.global.verbose) ctx.err(`  … ${e.report.server} answers ${e.report.rcode || e.report.error || '?'} ${JSON.stringify(e.report.answered)}`);
}

async function confirm(ctx: CommandContext, rt: Runtime, zone: string, expected: ExpectedRRset): Promise<{ report: PropagationReport; findings: Finding[] }> {
  const servers = await authoritativeServers(zone, rt.dns);
  ctx.err(`→ waiting for ${servers.length} authoritative server${servers.length === 1 ? '' : 's'} of ${zone}`);
  const report = await waitFor(expected, {
    servers,
    clock: rt.clock.clock,
    timeoutMs: parseTimeout(ctx),
    queryTimeoutMs: rt.dns.timeoutMs,
    onProgress: (e) => progress(ctx, e),
    locate: async (name) => authoritativeServers((await findZone(name, rt.dns)).zone, rt.dns),
  });
  // Every configured resolver is checked against what the authoritative servers serve.
  const findings: Finding[] = [];
  for (const resolver of rt.dns.resolvers) {
    const found = await checkResolver(
      resolver,
      { fqdn: expected.fqdn, type: expected.type, authoritativeValues: expected.absent === true ? [] : [...expected.values], zone, authoritative: servers },
      { timeoutMs: rt.dns.timeoutMs },
    );
    findings.push(...found);
  }
  for (const f of findings) ctx.err(renderFinding(ctx.global.lang, f, ctx.global.verbose));
  return { report, findings };
}

function clockJson(rt: Runtime): { offsetMs: number; trusted: boolean; basis: string } {
  const s = rt.clock.clock.status();
  return { offsetMs: Math.round(s.offsetMs), trusted: s.trusted, basis: s.basis.kind };
}

async function withRuntime<T>(ctx: CommandContext, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const rt = await openRuntime(ctx.global, config);
  try {
    // Before any TLS or signing: with clock.ntp configured the clock is right from the first request.
    await rt.syncClock();
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

export async function recordSet(ctx: CommandContext): Promise<void> {
  const target = parseTarget(ctx, true);
  const name = providerName(ctx);
  const ttl = parseTtl(ctx);
  const noWait = ctx.options.get('no-wait') === true;
  await withRuntime(ctx, async (rt) => {
    const { provider } = rt.provider(name);
    const zone = await zoneFor(target.fqdn, provider, rt.dns);
    const type = typeName(target.type);
    const records: DnsRecord[] = target.values.map((data) => ({ name: relativeName(target.fqdn, zone), type, data, ...(ttl === undefined ? {} : { ttl }) }));
    ctx.err(`→ ${name}: set ${target.fqdn} ${type} ${target.values.join(' ')} in ${zone}`);
    await provider.setRecords(zone, records);
    ctx.err('  ✓ provider accepted the change');
    const confirmed = noWait ? undefined : await confirm(ctx, rt, zone, { fqdn: target.fqdn, type, values: target.values });
    const result = {
      ok: true,
      command: 'record set',
      provider: name,
      zone,
      fqdn: target.fqdn,
      type,
      values: target.values,
      ...(ttl === undefined ? {} : { ttl }),
      propagation: confirmed?.report ?? null,
      findings: confirmed?.findings ?? [],
      clock: clockJson(rt),
    };
    ctx.out(ctx.global.json ? JSON.stringify(result) : `${target.fqdn} ${type} ${target.values.join(' ')}: ${noWait ? 'sent' : 'served by every authoritative server'}`);
  });
}

export async function recordDelete(ctx: CommandContext): Promise<void> {
  const target = parseTarget(ctx, false);
  const name = providerName(ctx);
  const noWait = ctx.options.get('no-wait') === true;
  await withRuntime(ctx, async (rt) => {
    const { provider } = rt.provider(name);
    const zone = await zoneFor(target.fqdn, provider, rt.dns);
    const type = typeName(target.type);
    const rel = relativeName(target.fqdn, zone);
    const records: DnsRecord[] = target.values.length === 0 ? [{ name: rel, type, data: '' }] : target.values.map((data) => ({ name: rel, type, data }));
    ctx.err(`→ ${name}: delete ${target.fqdn} ${type} ${target.values.length === 0 ? '(all values)' : target.values.join(' ')} in ${zone}`);
    await provider.deleteRecords(zone, records);
    ctx.err('  ✓ provider accepted the change');
    const confirmed = noWait ? undefined : await confirm(ctx, rt, zone, { fqdn: target.fqdn, type, values: target.values, absent: true });
    const result = {
      ok: true,
      command: 'record delete',
      provider: name,
      zone,
      fqdn: target.fqdn,
      type,
      values: target.values,
      propagation: confirmed?.report ?? null,
      findings: confirmed?.findings ?? [],
      clock: clockJson(rt),
    };
    ctx.out(ctx.global.json ? JSON.stringify(result) : `${target.fqdn} ${type}: deleted${noWait ? '' : ' on every authoritative server'}`);
  });
}

export async function recordList(ctx: CommandContext): Promise<void> {
  const [nameArg] = ctx.words.slice(2);
  if (nameArg === undefined) throw usage('expected <zone or name>');
  const fqdn = normalizeName(nameArg);
  const name = providerName(ctx);
  await withRuntime(ctx, async (rt) => {
    const { provider } = rt.provider(name);
    const zone = await zoneFor(fqdn, provider, rt.dns);
    const all = await provider.getRecords(zone);
    const rel = relativeName(fqdn, zone);
    const records = rel === '@' && fqdn === zone ? all : all.filter((r) => r.name === rel);
    if (ctx.global.json) {
      ctx.out(JSON.stringify({ ok: true, command: 'record list', provider: name, zone, records, clock: clockJson(rt) }));
      return;
    }
    for (const r of records) ctx.out(`${r.name}\t${r.ttl ?? ''}\t${r.type}\t${r.data}`);
  });
}
