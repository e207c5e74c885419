/**
 * `zonekeeper config check`: load and validate; nothing is contacted.
 * `zonekeeper config explain`: every effective setting, its value and where
 * it came from (flag > env > file > stored > default); secrets masked.
 */
import { SETTING_SOURCES, type EffectiveSetting } from '../../config/provenance.ts';
import type { GlobalOptions } from '../args.ts';
import type { CommandContext } from '../command.ts';
import type { Lang } from '../messages.ts';
import { loadRuntimeConfig, loadRuntimeEffectiveConfig } from '../runtime.ts';

export function configCheck(ctx: CommandContext): Promise<void> {
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const result = { ok: true, command: 'config check', file: config.file ?? null, providers: [...config.providers.keys()] };
  ctx.out(ctx.global.json ? JSON.stringify(result) : `${config.file ?? '(no config file: defaults)'}: valid, ${config.providers.size} provider(s)`);
  return Promise.resolve();
}

/** `config` and `data`: where the file and the data directory came from (they are read before the file). */
function processSettings(g: GlobalOptions): EffectiveSetting[] {
  const one = (path: 'config' | 'data', flag: string, env: string): EffectiveSetting => {
    const source = g.sources?.[path] ?? 'default';
    return { path, value: g[path], source, ...(source === 'flag' ? { flag } : source === 'env' ? { env } : {}) };
  };
  return [one('config', '--config', 'ZONEKEEPER_CONFIG'), one('data', '--data', 'ZONEKEEPER_DATA')];
}

interface Words {
  readonly file: (f: string | undefined) => string;
  readonly precedence: string;
  readonly source: Record<EffectiveSetting['source'], string>;
  readonly via: string;
  readonly secret: (length: number) => string;
  readonly open: string;
  readonly sep: string;
  readonly close: string;
}

const WORDS: Record<Lang, Words> = {
  en: {
    file: (f) => `configuration file: ${f ?? '(none: defaults)'}`,
    precedence: 'precedence: flag > env > file > stored > default',
    source: { flag: 'from flag', env: 'from env', file: 'from file', stored: 'stored setting', default: 'default' },
    via: 'via',
    secret: (n) => `secret, ${n} chars`,
    open: ' (',
    sep: ', ',
    close: ')',
  },
  'zh-CN': {
    file: (f) => `配置文件：${f ?? '（无：使用默认值）'}`,
    precedence: '优先级：命令行参数 > 环境变量 > 配置文件 > 已保存的设置 > 默认值',
    source: { flag: '来自命令行参数', env: '来自环境变量', file: '来自配置文件', stored: '已保存的设置', default: '默认值' },
    via: '引用',
    secret: (n) => `机密，${n} 个字符`,
    open: '（',
    sep: '，',
    close: '）',
  },
};

/** "from env ZONEKEEPER_DNS__TIMEOUT", "from file zk.yaml:3:12 via ${env:X}", "default". */
function origin(w: Words, s: EffectiveSetting): string {
  const where =
    s.source === 'flag' ? s.flag : s.source === 'env' ? s.env : s.source === 'file' ? `${s.file ?? ''}${s.line === undefined ? '' : `:${s.line}:${s.column ?? 0}`}` : undefined;
  const refs = (s.references ?? []).map((r) => `\${${r}}`).join(' ');
  return [w.source[s.source], where, refs === '' ? undefined : `${w.via} ${refs}`].filter((x) => x !== undefined && x !== '').join(' ');
}

/** One line of the listing; a secret shows as •••• with its length, never its value. */
export function explainLine(lang: Lang, s: EffectiveSetting): string {
  const w = WORDS[lang];
  if (s.secret !== undefined) return `${s.path} = ••••${w.open}${w.secret(s.secret.length)}${w.sep}${origin(w, s)}${w.close}`;
  return `${s.path} = ${JSON.stringify(s.value)}${w.open}${origin(w, s)}${w.close}`;
}

export function configExplain(ctx: CommandContext): Promise<void> {
  const { config, settings } = loadRuntimeEffectiveConfig(ctx.global, ctx.env);
  const all = [...processSettings(ctx.global), ...settings];
  if (ctx.global.json) {
    ctx.out(JSON.stringify({ ok: true, command: 'config explain', file: config.file ?? null, precedence: SETTING_SOURCES, settings: all }));
  } else {
    const w = WORDS[ctx.global.lang];
    ctx.out([w.file(config.file), w.precedence, '', ...all.map((s) => explainLine(ctx.global.lang, s))].join('\n'));
  }
  return Promise.resolve();
}
