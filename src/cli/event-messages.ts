/**
 * The texts of notifications, per language: every event kind (EVENT_KINDS,
 * plus the rate limiter's summary) → a title and a plain-text body, from
 * the event's data. Only cli/ and web/ render text; this renderer is handed
 * to the notifiers by the runtime (`renderEvent`). The catalogues are
 * `Record`s over the kinds, so a new kind without texts fails to compile.
 *
 * Errors inside events (`data.error`, an AppError's JSON) are rendered with
 * the diagnosis catalogue of messages.ts, in the same language.
 */
import type { ErrorCode } from '../core/codes.ts';
import type { Evidence, EvidenceValue } from '../core/errors.ts';
import type { EventKind } from '../notifiers/config.ts';
import { SUPPRESSED_KIND } from '../notifiers/limiter.ts';
import type { NotifyEvent, NotifyLang, RenderedEvent } from '../notifiers/types.ts';
import { CATALOGUES } from './messages.ts';

type EventText = (d: Evidence, e: NotifyEvent) => RenderedEvent;
type EventCatalogue = Record<EventKind | typeof SUPPRESSED_KIND, EventText>;

const s = (v: EvidenceValue | undefined): string => (v === undefined || v === null ? '?' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
const list = (v: EvidenceValue | undefined, sep: string): string => (Array.isArray(v) ? v.map((x) => s(x)).join(sep) : s(v));
const obj = (v: EvidenceValue | undefined): Evidence | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
const objects = (v: EvidenceValue | undefined): Evidence[] => (Array.isArray(v) ? v.flatMap((x) => (obj(x) === undefined ? [] : [obj(x) as Evidence])) : []);
const num = (v: EvidenceValue | undefined): number => (typeof v === 'number' ? v : Number.NaN);

/** "2026-11-22 12:00:00 UTC" from epoch ms or an ISO string. */
function when(v: EvidenceValue | number | undefined): string {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC` : '?';
}

/** A duration's size in its two largest units: "1 h 30 min", "90 s" → "1 min 30 s", "2 d 3 h" (Chinese: "1小时30分钟"). */
function duration(ms: number, zh: boolean): string {
  if (!Number.isFinite(ms)) return '?';
  let rest = Math.round(Math.abs(ms) / 1000);
  const units: [number, string, string][] = [
    [86_400, ' d', '天'],
    [3_600, ' h', '小时'],
    [60, ' min', '分钟'],
    [1, ' s', '秒'],
  ];
  const parts: string[] = [];
  for (const [size, en, cn] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (size === 1 && parts.length === 0)) parts.push(`${n}${zh ? cn : en}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(zh ? '' : ' ');
}

/** The summary of an error carried in event data (code and evidence), in the language. */
function errorText(lang: NotifyLang, v: EvidenceValue | undefined): string {
  const err = obj(v);
  const code = err === undefined ? (typeof v === 'string' ? v : undefined) : typeof err['code'] === 'string' ? err['code'] : undefined;
  if (code === undefined) return '?';
  const catalogue = CATALOGUES[lang];
  if (!Object.hasOwn(catalogue, code)) return code;
  try {
    return `${catalogue[code as ErrorCode](obj(err?.['evidence']) ?? {}).summary} [${code}]`;
  } catch {
    return code;
  }
}

const family = (v: EvidenceValue | undefined): string => (v === 'ipv6' ? 'IPv6' : v === 'ipv4' ? 'IPv4' : s(v));

const en: EventCatalogue = {
  'ip-changed': (d) => ({ title: `Public ${family(d['family'])} address changed`, text: `The public ${family(d['family'])} address changed from ${s(d['old'])} to ${s(d['new'])}.` }),
  'record-updated': (d, e) => ({
    title: `DNS record updated: ${e.subject} ${s(d['type'])}`,
    text: `${e.subject} ${s(d['type'])} now points to ${s(d['new'])} (was ${list(d['old'], ', ') || 'nothing'}), provider ${s(d['provider'])}.`,
  }),
  'update-failed': (d, e) => ({
    title: `DNS update failed: ${e.subject} ${s(d['type'])}`,
    text: `${e.subject} ${s(d['type'])} could not be set to ${s(d['wanted'])} at provider ${s(d['provider'])}.\nError: ${errorText('en', d['error'])}`,
  }),
  'ddns-failed': (d) => ({
    title: `DDNS pass failed for ${s(d['failed'])} of ${s(d['records'])} record(s)`,
    text: [
      ...objects(d['failures']).map((f) => `- ${s(f['fqdn'])} ${s(f['type'])} (${s(f['provider'])}): ${errorText('en', f['error'])}`),
      ...objects(d['detection']).map((f) => `- no ${family(f['family'])} address detected: ${errorText('en', f['error'])}`),
    ].join('\n'),
  }),
  'certificate-issued': (d, e) => ({
    title: `Certificate issued: ${e.subject}`,
    text: `Certificate ${e.subject} for ${list(d['domains'], ', ')} was issued (serial ${s(d['serial'])}), valid until ${when(d['notAfter'])}.`,
  }),
  'certificate-renewed': (d, e) => ({
    title: `Certificate renewed: ${e.subject}`,
    text: `Certificate ${e.subject} for ${list(d['domains'], ', ')} was renewed (serial ${s(d['serial'])}), valid until ${when(d['notAfter'])}.`,
  }),
  'certificate-failed': (d, e) => ({
    title: `Certificate renewal failed: ${e.subject}`,
    text: `Certificate ${e.subject}${d['domains'] === undefined ? '' : ` for ${list(d['domains'], ', ')}`} could not be ${d['action'] === 'issue' ? 'issued' : 'renewed'}; it is tried again at the next renewal check.\nError: ${errorText('en', d['error'])}`,
  }),
  'certificate-expiring': (d, e) => ({
    title: num(d['daysLeft']) <= 0 ? `Certificate expired: ${e.subject}` : `Certificate expires in ${Math.ceil(num(d['daysLeft']))} day(s): ${e.subject}`,
    text: `Certificate ${e.subject} for ${list(d['domains'], ', ')} (serial ${s(d['serial'])}) ${num(d['daysLeft']) <= 0 ? 'expired' : 'expires'} at ${when(d['notAfter'])}${d['lastError'] === undefined ? '' : `.\nLast renewal attempt: ${errorText('en', d['lastError'])}`}.`,
  }),
  'clock-skew': (d) => ({
    title: `System clock is ${duration(num(d['offsetMs']), false)} ${num(d['offsetMs']) < 0 ? 'ahead' : 'behind'}`,
    text: `The system clock reads ${when(d['systemTime'])} while the trusted time is ${when(d['trustedTime'])} (sources: ${list(d['sources'], ', ')}); the limit is ${duration(num(d['thresholdMs']), false)}. zonekeeper signs with the trusted time, but other programs on this machine use the wrong one: fix time synchronisation (chrony, systemd-timesyncd).`,
  }),
  'credential-failing': (d, e) => ({
    title: `Credential refused: provider ${e.subject}`,
    text: `Provider ${e.subject} refused its credential during ${d['during'] === 'renewal' ? 'a certificate renewal' : 'a DDNS update'} (${s(d['affected'])}). Nothing using this provider can change until it is replaced.\nError: ${errorText('en', d['error'])}`,
  }),
  [SUPPRESSED_KIND]: (d) => ({
    title: `${s(d['count'])} more event(s) suppressed`,
    text: `The hourly message limit held back ${s(d['count'])} event(s) since ${when(d['since'])}: ${Object.entries(obj(d['kinds']) ?? {})
      .map(([k, n]) => `${k} × ${s(n)}`)
      .join(', ')}. The event log (GET /api/events) has every one of them.`,
  }),
};

const zh: EventCatalogue = {
  'ip-changed': (d) => ({ title: `公网 ${family(d['family'])} 地址已变更`, text: `公网 ${family(d['family'])} 地址从 ${s(d['old'])} 变为 ${s(d['new'])}。` }),
  'record-updated': (d, e) => ({
    title: `DNS 记录已更新：${e.subject} ${s(d['type'])}`,
    text: `${e.subject} ${s(d['type'])} 现指向 ${s(d['new'])}（原为 ${list(d['old'], '、') || '无'}），服务商 ${s(d['provider'])}。`,
  }),
  'update-failed': (d, e) => ({
    title: `DNS 更新失败：${e.subject} ${s(d['type'])}`,
    text: `无法在服务商 ${s(d['provider'])} 将 ${e.subject} ${s(d['type'])} 设为 ${s(d['wanted'])}。\n错误：${errorText('zh-CN', d['error'])}`,
  }),
  'ddns-failed': (d) => ({
    title: `DDNS 同步失败：${s(d['records'])} 条记录中有 ${s(d['failed'])} 条`,
    text: [
      ...objects(d['failures']).map((f) => `- ${s(f['fqdn'])} ${s(f['type'])}（${s(f['provider'])}）：${errorText('zh-CN', f['error'])}`),
      ...objects(d['detection']).map((f) => `- 未检测到 ${family(f['family'])} 地址：${errorText('zh-CN', f['error'])}`),
    ].join('\n'),
  }),
  'certificate-issued': (d, e) => ({
    title: `证书已签发：${e.subject}`,
    text: `证书 ${e.subject}（${list(d['domains'], '、')}）已签发（序列号 ${s(d['serial'])}），有效期至 ${when(d['notAfter'])}。`,
  }),
  'certificate-renewed': (d, e) => ({
    title: `证书已续期：${e.subject}`,
    text: `证书 ${e.subject}（${list(d['domains'], '、')}）已续期（序列号 ${s(d['serial'])}），有效期至 ${when(d['notAfter'])}。`,
  }),
  'certificate-failed': (d, e) => ({
    title: `证书续期失败：${e.subject}`,
    text: `证书 ${e.subject}${d['domains'] === undefined ? '' : `（${list(d['domains'], '、')}）`}${d['action'] === 'issue' ? '签发' : '续期'}失败，将在下次续期检查时重试。\n错误：${errorText('zh-CN', d['error'])}`,
  }),
  'certificate-expiring': (d, e) => ({
    title: num(d['daysLeft']) <= 0 ? `证书已过期：${e.subject}` : `证书将在 ${Math.ceil(num(d['daysLeft']))} 天内过期：${e.subject}`,
    text: `证书 ${e.subject}（${list(d['domains'], '、')}，序列号 ${s(d['serial'])}）${num(d['daysLeft']) <= 0 ? '已于' : '将于'} ${when(d['notAfter'])} 过期${d['lastError'] === undefined ? '' : `。\n上次续期错误：${errorText('zh-CN', d['lastError'])}`}。`,
  }),
  'clock-skew': (d) => ({
    title: `系统时钟${num(d['offsetMs']) < 0 ? '快' : '慢'}了 ${duration(num(d['offsetMs']), true)}`,
    text: `系统时钟为 ${when(d['systemTime'])}，可信时间为 ${when(d['trustedTime'])}（时间源：${list(d['sources'], '、')}）；阈值为 ${duration(num(d['thresholdMs']), true)}。zonekeeper 使用可信时间签名，但本机其他程序使用的是错误时间：请修复时间同步（chrony、systemd-timesyncd）。`,
  }),
  'credential-failing': (d, e) => ({
    title: `凭据被拒绝：服务商 ${e.subject}`,
    text: `服务商 ${e.subject} 在${d['during'] === 'renewal' ? '证书续期' : '更新 DDNS 记录'}时拒绝了凭据（${s(d['affected'])}）。在更换凭据之前，使用该服务商的记录和证书都无法变更。\n错误：${errorText('zh-CN', d['error'])}`,
  }),
  [SUPPRESSED_KIND]: (d) => ({
    title: `另有 ${s(d['count'])} 条事件未发送`,
    text: `每小时消息上限自 ${when(d['since'])} 起暂缓了 ${s(d['count'])} 条事件：${Object.entries(obj(d['kinds']) ?? {})
      .map(([k, n]) => `${k} × ${s(n)}`)
      .join('，')}。完整列表见事件日志（GET /api/events）。`,
  }),
};

export const EVENT_CATALOGUES: Record<NotifyLang, EventCatalogue> = { en, 'zh-CN': zh };

/** The event in `lang`; an unknown kind gets a generic text (kind, subject, data). Never throws. */
export function renderEvent(e: NotifyEvent, lang: NotifyLang): RenderedEvent {
  const catalogue = EVENT_CATALOGUES[lang];
  const text = Object.hasOwn(catalogue, e.kind) ? catalogue[e.kind as keyof EventCatalogue] : undefined;
  try {
    if (text !== undefined) return text(e.data, e);
  } catch {
    // fall through to the generic text
  }
  return { title: `${e.kind}: ${e.subject}`, text: JSON.stringify(e.data) };
}
