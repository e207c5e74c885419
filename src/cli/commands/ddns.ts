/**
 * `ddns sync [--dry-run] [--no-wait] [--timeout <2m>]`: one DDNS pass now.
 * Detects the public addresses (every source reported), reconciles every
 * `ddns.records` entry with its provider (ddns/reconcile.ts), waits until
 * every authoritative server serves what was written, and tells the
 * notifiers. Exit 1 when a family with records had no address or a record
 * failed (the others are still done); 0 otherwise.
 */
import { toAppError, type AppError } from '../../core/errors.ts';
import { mapLimit } from '../../core/limit.ts';
import { authoritativeServers } from '../../dns/authoritative.ts';
import { findZone } from '../../dns/zone.ts';
import type { FamilyDetection, SourceReport } from '../../ddns/ip/types.ts';
import { runDdnsPass } from '../../ddns/pass.ts';
import type { RecordOutcome } from '../../ddns/types.ts';
import { waitFor, type PropagationReport } from '../../propagation/wait.ts';
import { usage } from '../args.ts';
import { optionString, type CommandContext } from '../command.ts';
import type { Lang } from '../messages.ts';
import { reasonText } from '../reasons.ts';
import { renderError } from '../render.ts';
import { loadRuntimeConfig, openRuntime, type Runtime } from '../runtime.ts';

const DEFAULT_TIMEOUT_MS = 120_000;

interface Texts {
  readonly family: (f: string, address: string | undefined, votes: number, quorum: number) => string;
  readonly action: Record<RecordOutcome['action'], string>;
  readonly none: string;
  readonly served: (n: number) => string;
  readonly lagging: string;
  readonly notified: (name: string, kind: string) => string;
}

const TEXTS: Record<Lang, Texts> = {
  en: {
    family: (f, a, v, q) => (a === undefined ? `${f}: no address (${v} of ${q} needed sources agree)` : `${f}: ${a} (${v} source${v === 1 ? '' : 's'} agree, ${q} needed)`),
    action: { unchanged: 'unchanged', updated: 'updated', 'would-update': 'would update', failed: 'failed', 'no-address': 'left alone: no address' },
    none: 'no records configured under ddns.records',
    served: (n) => `served by all ${n} authoritative server${n === 1 ? '' : 's'}`,
    lagging: 'not yet served by every authoritative server',
    notified: (name, kind) => `notifier ${name}: ${kind} not delivered`,
  },
  'zh-CN': {
    family: (f, a, v, q) => (a === undefined ? `${f}：未得到地址（${v} 个来源一致，需要 ${q} 个）` : `${f}：${a}（${v} 个来源一致，需要 ${q} 个）`),
    action: { unchanged: '未变', updated: '已更新', 'would-update': '将更新', failed: '失败', 'no-address': '未处理：没有地址' },
    none: 'ddns.records 中没有配置记录',
    served: (n) => `全部 ${n} 个权威服务器已生效`,
    lagging: '尚未在所有权威服务器生效',
    notified: (name, kind) => `通知器 ${name}：${kind} 未送达`,
  },
};

function sourceLine(lang: Lang, s: SourceReport): string {
  const mark = s.accepted ? '✓' : '✗';
  const what = s.address ?? s.answer ?? '';
  const why = s.reason === undefined ? '' : ` — ${reasonText(lang, s.reason)}${s.errorCode === undefined ? '' : ` (${s.errorCode})`}`;
  return `    ${mark} ${s.type} ${s.source}  ${what}${why}`;
}

function familyJson(d: FamilyDetection): Record<string, unknown> {
  return { address: d.address ?? null, quorum: d.quorum, votes: d.votes, sources: d.sources, ...(d.error === undefined ? {} : { error: d.error.toJSON() }) };
}

function outcomeJson(r: RecordOutcome): Record<string, unknown> {
  const { error, ...rest } = r;
  return { ...rest, ...(error === undefined ? {} : { error: error.toJSON() }) };
}

interface Confirmation {
  readonly outcome: RecordOutcome;
  readonly report?: PropagationReport;
  readonly error?: AppError;
}

/** Wait until every authoritative server of each written record serves it (waitFor rejects with PROPAGATION_TIMEOUT otherwise). */
async function confirm(rt: Runtime, updated: readonly RecordOutcome[], timeoutMs: number): Promise<Confirmation[]> {
  return mapLimit(updated, 8, async (outcome): Promise<Confirmation> => {
    try {
      const zone = outcome.zone ?? (await findZone(outcome.fqdn, rt.dns)).zone;
      const servers = await authoritativeServers(zone, rt.dns);
      const report = await waitFor(
        { fqdn: outcome.fqdn, type: outcome.type, values: [outcome.after ?? ''] },
        { servers, clock: rt.clock.clock, timeoutMs, queryTimeoutMs: rt.dns.timeoutMs, locate: async (name) => authoritativeServers((await findZone(name, rt.dns)).zone, rt.dns) },
      );
      return { outcome, report };
    } catch (e) {
      return { outcome, error: toAppError(e) };
    }
  });
}

function parseTimeout(ctx: CommandContext): number {
  const t = optionString(ctx, 'timeout');
  if (t === undefined) return DEFAULT_TIMEOUT_MS;
  const m = /^(\d+)(ms|s|m)?$/.exec(t);
  if (m === null) throw usage('--timeout must look like 500ms, 30s or 2m', { value: t });
  return Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 'ms' ? 1 : 1000);
}

export async function ddnsSync(ctx: CommandContext): Promise<number> {
  if (ctx.words.length > 2) throw usage('expected: ddns sync');
  const dryRun = ctx.options.get('dry-run') === true;
  const noWait = ctx.options.get('no-wait') === true || dryRun;
  const timeoutMs = parseTimeout(ctx);
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const rt = await openRuntime(ctx.global, config);
  const t = TEXTS[ctx.global.lang];
  const print = (line: string): void => (ctx.global.json ? ctx.err(line) : ctx.out(line));
  try {
    await rt.syncClock();
    const ddns = config.ddns;
    const { detection, pass, deliveries, missingFamily } = await runDdnsPass(
      ddns,
      { clock: rt.clock.clock, http: rt.http, dns: rt.dns, store: await rt.store(), provider: (name) => rt.provider(name).provider, notifiers: rt.notifiers() },
      { dryRun },
    );
    for (const d of [detection.ipv4, detection.ipv6]) {
      if (d === undefined) continue;
      print(t.family(`IPv${d.family}`, d.address, d.votes, d.quorum));
      for (const s of d.sources) print(sourceLine(ctx.global.lang, s));
    }
    if (ddns.records.length === 0) print(t.none);
    const updated = pass.records.filter((r) => r.action === 'updated');
    const confirmations = noWait ? [] : await confirm(rt, updated, timeoutMs);
    for (const r of pass.records) {
      const c = confirmations.find((x) => x.outcome === r);
      const tail = c === undefined ? '' : c.report === undefined ? `; ${t.lagging}` : `; ${t.served(c.report.servers.length)}`;
      const change = r.action === 'updated' || r.action === 'would-update' ? ` ${JSON.stringify(r.before ?? [])} → ${r.after ?? ''}` : r.after === undefined ? '' : ` ${r.after}`;
      print(`  ${r.fqdn} ${r.type} (${r.provider}): ${t.action[r.action]}${change}${tail}`);
      if (r.error !== undefined) print(renderError(ctx.global.lang, r.error, ctx.global.verbose).replace(/^/gm, '      '));
      if (c?.error !== undefined) print(renderError(ctx.global.lang, c.error, ctx.global.verbose).replace(/^/gm, '      '));
    }
    for (const d of deliveries) if (d.error !== undefined) print(`  ${t.notified(d.notifier, d.kind)}\n${renderError(ctx.global.lang, d.error, ctx.global.verbose).replace(/^/gm, '      ')}`);

    const missing = missingFamily === undefined ? undefined : missingFamily === 4 ? detection.ipv4 : detection.ipv6;
    const failed = pass.records.find((r) => r.action === 'failed');
    const lagging = confirmations.find((c) => c.report === undefined);
    const ok = missing === undefined && failed === undefined && lagging === undefined;
    if (ctx.global.json)
      ctx.out(
        JSON.stringify({
          ok,
          command: 'ddns sync',
          dryRun,
          detection: { ...(detection.ipv4 === undefined ? {} : { ipv4: familyJson(detection.ipv4) }), ...(detection.ipv6 === undefined ? {} : { ipv6: familyJson(detection.ipv6) }) },
          records: pass.records.map(outcomeJson),
          reads: pass.reads,
          writes: pass.writes,
          events: pass.events,
          propagation: confirmations.map((c) => ({ fqdn: c.outcome.fqdn, type: c.outcome.type, matched: c.report !== undefined, ...(c.report === undefined ? {} : { servers: c.report.servers }), ...(c.error === undefined ? {} : { error: c.error.toJSON() }) })),
          notifications: deliveries.map((d) => ({ notifier: d.notifier, kind: d.kind, subject: d.subject, delivered: d.error === undefined, ...(d.error === undefined ? {} : { error: d.error.toJSON() }) })),
        }),
      );
    if (missing?.error !== undefined) print(renderError(ctx.global.lang, missing.error, ctx.global.verbose));
    return ok ? 0 : 1;
  } finally {
    await rt.close();
  }
}
