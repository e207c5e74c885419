/**
 * The top-level `notifiers:` section: a name the user picks → `type`, the
 * type's settings (its manifest's fields, which end with the common `lang`,
 * `minInterval` and `maxPerHour`) and `events`, the event kinds it is sent
 * (default: all).
 *
 *   notifiers:
 *     ops:
 *       type: webhook
 *       url: https://hooks.example.com/zk?kind={{kind}}
 *       events: [ip-changed, update-failed]
 *     mail:
 *       type: smtp
 *       host: smtp.example.com
 *       from: zonekeeper@example.com
 *       to: ops@example.com, oncall@example.com
 *       lang: zh-CN
 */
import { AppError } from '../core/errors.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { checkFields, isPlainObject } from '../config/fields.ts';
import { findNotifierManifest, NOTIFIER_MANIFESTS } from './registry.ts';
import { parseCommonSettings, type CommonSettings } from './common-fields.ts';
import type { NotifierManifest } from './types.ts';

/**
 * Every event kind zonekeeper emits (a notifier's `events` must name these):
 * - ip-changed, record-updated, update-failed: one DDNS record or address (src/ddns/reconcile.ts);
 * - ddns-failed: one per DDNS pass with failures, summarising them (src/ddns/pass.ts);
 * - certificate-issued, certificate-renewed, certificate-failed: renewals (src/certs/service.ts);
 * - certificate-expiring: 14, 7, 3 and 1 days before notAfter, once each per serial (src/daemon/cert-expiry.ts);
 * - clock-skew: the system clock is off the trusted time by more than `clock.skewThreshold`, once per crossing (src/daemon/clock-skew.ts);
 * - credential-failing: a provider refused its credential, once until it works again (src/daemon/credential-watch.ts).
 */
export const EVENT_KINDS = [
  'ip-changed',
  'record-updated',
  'update-failed',
  'ddns-failed',
  'certificate-issued',
  'certificate-renewed',
  'certificate-failed',
  'certificate-expiring',
  'clock-skew',
  'credential-failing',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface NotifierEntry extends CommonSettings {
  readonly name: string;
  readonly manifest: NotifierManifest;
  readonly config: unknown;
  /** Kinds sent; empty: all. */
  readonly events: readonly string[];
  readonly secrets: readonly string[];
}

function invalid(path: string, reason: string, extra: Record<string, string | string[]> = {}): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path, reason, ...extra } });
}

export function parseNotifiers(raw: unknown, env: NodeJS.ProcessEnv): Map<string, NotifierEntry> {
  const out = new Map<string, NotifierEntry>();
  if (raw === undefined || raw === null) return out;
  if (!isPlainObject(raw)) throw invalid('notifiers', 'expected a mapping of name to notifier settings');
  for (const [name, entry] of Object.entries(raw)) {
    const path = `notifiers.${name}`;
    if (!isPlainObject(entry)) throw invalid(path, 'expected a mapping');
    const type = entry['type'];
    if (typeof type !== 'string') throw invalid(`${path}.type`, 'required setting missing');
    const manifest = findNotifierManifest(type);
    const known = NOTIFIER_MANIFESTS.map((m) => m.id);
    if (manifest === undefined) {
      const suggestion = didYouMean(type, known);
      throw invalid(`${path}.type`, 'unknown notifier type', { value: type, known, ...(suggestion === undefined ? {} : { didYouMean: suggestion }) });
    }
    const events = entry['events'] ?? [];
    if (!Array.isArray(events) || events.some((k) => typeof k !== 'string')) throw invalid(`${path}.events`, 'expected a list of event kinds');
    for (const k of events as string[])
      if (!(EVENT_KINDS as readonly string[]).includes(k)) {
        const suggestion = didYouMean(k, EVENT_KINDS);
        throw invalid(`${path}.events`, 'unknown event kind', { value: k, known: [...EVENT_KINDS], ...(suggestion === undefined ? {} : { didYouMean: suggestion }) });
      }
    const checked = checkFields(manifest.fields, entry, path, env, ['type', 'events']);
    let config: unknown;
    let common: CommonSettings;
    try {
      common = parseCommonSettings(checked.values, path, env);
      config = manifest.parse(checked.values, path);
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.code, { evidence: e.diagnosis.evidence, secrets: checked.secrets, cause: e });
      throw e;
    }
    out.set(name, { name, manifest, config, events: events as string[], secrets: checked.secrets, ...common });
  }
  return out;
}
