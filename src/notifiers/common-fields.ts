/**
 * The settings every notifier type has besides its own (appended to each
 * manifest's fields, so validation, `config explain` and ZONEKEEPER_…
 * overrides know them):
 * - `lang`: en | zh-CN, the language of its messages (default en);
 * - `minInterval`: the same (kind, subject) with unchanged content is sent
 *   at most once per this duration (default 10m; 0s turns it off);
 * - `maxPerHour`: at most this many messages per hour; what is held back is
 *   summarised in one "N more events suppressed" message afterwards
 *   (default 30).
 * Plus shared fields of the HTTP notifiers (endpoint, trust, timeout).
 */
import { AppError } from '../core/errors.ts';
import { parseDuration } from '../ddns/config.ts';
import type { FieldSpec } from '../providers/types.ts';
import { httpsOriginSetting, timeoutSetting } from '../providers/settings.ts';
import { readTrustFile } from '../config/trust-file.ts';
import type { NotifyLang } from './types.ts';

export const DEFAULT_MIN_INTERVAL = '10m';
export const DEFAULT_MAX_PER_HOUR = 30;

export const NOTIFIER_COMMON_FIELDS: readonly FieldSpec[] = [
  { name: 'lang', type: 'string', required: false, secret: false, description: 'language of the messages', default: 'en', enum: ['en', 'zh-cn'] },
  { name: 'minInterval', type: 'string', required: false, secret: false, description: 'send the same unchanged event at most once per this duration (30s, 10m, 1h; 0s: always)', default: DEFAULT_MIN_INTERVAL },
  { name: 'maxPerHour', type: 'integer', required: false, secret: false, description: 'at most this many messages per hour; the rest are summarised afterwards', default: DEFAULT_MAX_PER_HOUR },
];

/** What dispatch needs of every notifier entry. */
export interface CommonSettings {
  readonly lang: NotifyLang;
  readonly minIntervalMs: number;
  readonly maxPerHour: number;
}

export function parseCommonSettings(values: Readonly<Record<string, unknown>>, path: string, env: NodeJS.ProcessEnv): CommonSettings {
  const lang = textValue(values, 'lang').toLowerCase() === 'zh-cn' ? 'zh-CN' : 'en';
  const minIntervalMs = parseDuration(values['minInterval'] ?? DEFAULT_MIN_INTERVAL, `${path}.minInterval`, env);
  const maxPerHour = typeof values['maxPerHour'] === 'number' ? values['maxPerHour'] : DEFAULT_MAX_PER_HOUR;
  if (maxPerHour < 1) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.maxPerHour`, reason: 'expected a whole number of at least 1', value: maxPerHour } });
  return { lang, minIntervalMs, maxPerHour };
}

/** `endpoint`, `trust` and `timeout` of the notifiers that call a vendor's HTTPS API. */
export function httpFields(defaultEndpoint: string | undefined, endpointDescription = 'API origin (https://host[:port]); for tests and proxies'): FieldSpec[] {
  return [
    { name: 'endpoint', type: 'string', required: false, secret: false, description: endpointDescription, ...(defaultEndpoint === undefined ? {} : { default: defaultEndpoint }) },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of the roots trusted for this endpoint only (default: the system roots)' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'ms per request', default: 10_000 },
  ];
}

export interface HttpSettings {
  /** https origin, no trailing slash. */
  readonly endpoint: string;
  readonly caPem?: string;
  readonly timeoutMs: number;
}

export function parseHttpSettings(raw: Readonly<Record<string, unknown>>, path: string, defaultEndpoint: string): HttpSettings {
  const trust = typeof raw['trust'] === 'string' ? readTrustFile(raw['trust'], `${path}.trust`) : undefined;
  return {
    endpoint: httpsOriginSetting(raw, path, defaultEndpoint),
    ...(trust === undefined ? {} : { caPem: trust }),
    timeoutMs: timeoutSetting(raw, path, 10_000),
  };
}

/** A string (or number) field's value as text; '' when absent. */
export function textValue(raw: Readonly<Record<string, unknown>>, name: string): string {
  const v = raw[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** A required secret string field's value (the field spec already checked presence and type). */
export function secretValue(raw: Readonly<Record<string, unknown>>, name: string): string {
  return typeof raw[name] === 'string' ? raw[name] : '';
}
