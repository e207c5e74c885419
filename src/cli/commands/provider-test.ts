/**
 * `provider test <name> [--zone <zone>] [--read-only]`: reachable, credential
 * valid, zone visible, permitted to write (a probe TXT record created and
 * deleted), clock offset seen from that vendor. Prints every check; the
 * exit status is that of the first failed check's code (0 when none failed).
 */
import { exitStatusFor } from '../../core/codes.ts';
import { testProvider, type CheckId, type CheckResult, type CheckStatus } from '../../doctor/provider-test.ts';
import { usage } from '../args.ts';
import { optionString, type CommandContext } from '../command.ts';
import type { Lang } from '../messages.ts';
import { renderError } from '../render.ts';
import { loadRuntimeConfig, openRuntime } from '../runtime.ts';

interface Texts {
  readonly title: (name: string, type: string) => string;
  readonly check: Record<CheckId, string>;
  readonly reason: Record<string, string>;
  readonly zones: (n: number, list: string) => string;
  readonly zone: (zone: string, records: number) => string;
  readonly probe: (name: string) => string;
  readonly leftBehind: (name: string) => string;
  readonly offset: (seconds: string, sources: string) => string;
  readonly skewed: string;
  readonly ms: (ms: number) => string;
}

const TEXTS: Record<Lang, Texts> = {
  en: {
    title: (name, type) => `provider ${name} (${type})`,
    check: { reachable: 'reachable', credential: 'credential', zone: 'zone', write: 'write', clock: 'clock' },
    reason: {
      'earlier-failure': 'not checked: an earlier check failed',
      'read-only': 'not checked (--read-only)',
      'several-zones': 'not checked: several zones are visible; pass --zone <zone>',
      'no-time-signal': 'this vendor revealed no time',
    },
    zones: (n, list) => `${n} zone${n === 1 ? '' : 's'} visible: ${list}`,
    zone: (zone, records) => `${zone} visible, ${records} record${records === 1 ? '' : 's'}`,
    probe: (name) => `created and deleted ${name} TXT`,
    leftBehind: (name) => `the probe record ${name} may be left behind: delete it by hand`,
    offset: (seconds, sources) => `system clock ${seconds} s off the vendor's time (${sources})`,
    skewed: 'zonekeeper signs with the corrected time; other tools on this machine will fail: fix NTP',
    ms: (ms) => `${ms} ms`,
  },
  'zh-CN': {
    title: (name, type) => `服务商 ${name}（${type}）`,
    check: { reachable: '可达', credential: '凭据', zone: '区域', write: '写入', clock: '时钟' },
    reason: {
      'earlier-failure': '未检查：前面的检查失败',
      'read-only': '未检查（--read-only）',
      'several-zones': '未检查：可见多个区域，请用 --zone <区域> 指定',
      'no-time-signal': '该服务商未透露时间',
    },
    zones: (n, list) => `可见 ${n} 个区域：${list}`,
    zone: (zone, records) => `${zone} 可见，共 ${records} 条记录`,
    probe: (name) => `已创建并删除 ${name} TXT`,
    leftBehind: (name) => `探测记录 ${name} 可能残留，请手动删除`,
    offset: (seconds, sources) => `系统时钟与服务商时间相差 ${seconds} 秒（${sources}）`,
    skewed: 'zonekeeper 使用校正后的时间签名；本机其他工具会失败：请修复 NTP',
    ms: (ms) => `${ms} 毫秒`,
  },
};

const MARK: Record<CheckStatus, string> = { ok: '✓', failed: '✗', skipped: '-', warning: '!' };

function detailText(t: Texts, c: CheckResult): string {
  if (c.status === 'skipped') return t.reason[c.reason ?? ''] ?? c.reason ?? '';
  switch (c.id) {
    case 'reachable':
      return t.ms(c.ms);
    case 'zone':
      if (c.zone !== undefined && c.records !== undefined) return t.zone(c.zone, c.records);
      if (c.zones !== undefined) return t.zones(c.zoneCount ?? c.zones.length, c.zones.join(', '));
      return c.zone ?? '';
    case 'write':
      if (c.probe === undefined) return '';
      if (c.probe.leftBehind === true) return t.leftBehind(c.probe.name);
      return c.status === 'ok' ? t.probe(c.probe.name) : c.probe.name;
    case 'clock': {
      const offset = c.offsetMs ?? 0;
      const sources = (c.sources ?? []).map((s) => s.source).join(', ');
      return `${t.offset(`${offset >= 0 ? '+' : ''}${(offset / 1000).toFixed(3)}`, sources)}${c.status === 'warning' ? `; ${t.skewed}` : ''}`;
    }
    default:
      return '';
  }
}

/** A check as JSON: its error as a diagnosis. */
function checkJson(c: CheckResult): Record<string, unknown> {
  const { error, ...rest } = c;
  return { ...rest, ...(error === undefined ? {} : { error: error.toJSON() }) };
}

export async function providerTest(ctx: CommandContext): Promise<number> {
  const name = ctx.words[2];
  if (name === undefined || ctx.words.length > 3) throw usage('expected: provider test <name>');
  const zone = optionString(ctx, 'zone');
  const readOnly = ctx.options.get('read-only') === true;
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const rt = await openRuntime(ctx.global, config);
  try {
    const { entry, provider } = rt.provider(name);
    await rt.syncClock();
    const report = await testProvider({ provider, readOnly, clock: rt.clock.clock, ...(zone === undefined ? {} : { zone }) });
    const type = entry.manifest.id;
    if (ctx.global.json) {
      ctx.out(
        JSON.stringify({
          ok: report.ok,
          command: 'provider test',
          provider: name,
          type,
          ...(report.zone === undefined ? {} : { zone: report.zone }),
          ...(report.zones === undefined ? {} : { zones: report.zones }),
          checks: report.checks.map(checkJson),
          ...(report.failure === undefined ? {} : { error: report.failure.toJSON() }),
        }),
      );
    }
    const t = TEXTS[ctx.global.lang];
    const print = (line: string): void => (ctx.global.json ? ctx.err(line) : ctx.out(line));
    print(t.title(name, type));
    const width = Math.max(...Object.values(t.check).map((l) => l.length));
    for (const c of report.checks) {
      print(`  ${MARK[c.status]} ${t.check[c.id].padEnd(width)}  ${detailText(t, c)}`);
      if (c.error !== undefined) print(renderError(ctx.global.lang, c.error, ctx.global.verbose).replace(/^/gm, '      '));
    }
    return report.failure === undefined ? 0 : exitStatusFor(report.failure.code);
  } finally {
    await rt.close();
  }
}
