/**
 * The `ddns:` section (DESIGN.md):
 *
 *   ddns:
 *     interval: 5m            # daemon pass interval (30s … 24h)
 *     readEvery: 12           # re-read the provider every N passes (≥ 1)
 *     concurrency: 4          # zones in flight overall
 *     perProvider: 2          # zones in flight per provider
 *     ipv4: { sources: [...], quorum: 2 }   # or false (see ip/config.ts)
 *     ipv6: { sources: [...] }
 *     records:
 *       - { name: home.example.com, type: [A, AAAA], provider: home, ttl: 600, proxied: false }
 *
 * Everything is checked before anything runs: CONFIG_INVALID naming the
 * path for an invalid name (with the name rule broken), a type other than
 * A/AAAA, a type whose family detection is off, an unknown provider (with
 * "did you mean"), a TTL outside the provider's range, `proxied` on a
 * provider without it, the same record twice, unknown keys.
 */
import { AppError } from '../core/errors.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { isPlainObject, unknownKey } from '../config/fields.ts';
import { resolveReferences } from '../config/references.ts';
import { normalizeName } from '../dns/names.ts';
import { parseIpDetectionConfig } from './ip/config.ts';
import type { IpDetectionConfig } from './ip/types.ts';
import type { ProviderManifest } from '../providers/types.ts';
import { FAMILY_OF, type AddressType, type DesiredRecord } from './types.ts';

export interface DdnsConfig {
  readonly intervalMs: number;
  readonly readEvery: number;
  readonly concurrency: number;
  readonly perProvider: number;
  readonly detection: IpDetectionConfig;
  readonly records: readonly DesiredRecord[];
}

const KEYS = ['interval', 'readEvery', 'concurrency', 'perProvider', 'ipv4', 'ipv6', 'records'];
const RECORD_KEYS = ['name', 'type', 'provider', 'ttl', 'proxied'];
export const DEFAULT_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_READ_EVERY = 12;

function invalid(path: string, reason: string, extra: Record<string, string | number | string[]> = {}): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path, reason, ...extra } });
}

/** "30s", "5m", "1h", "1500ms" or a number of seconds. */
export function parseDuration(v: unknown, path: string, env: NodeJS.ProcessEnv): number {
  const text = typeof v === 'number' ? `${v}s` : typeof v === 'string' ? resolveReferences(v, path, env).trim() : undefined;
  const m = text === undefined ? null : /^(\d+)(ms|s|m|h)$/.exec(text);
  if (m === null) throw invalid(path, 'expected a duration like 30s, 5m or 1h');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

function integer(v: unknown, path: string, env: NodeJS.ProcessEnv, min: number, max: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'string' ? Number(resolveReferences(v, path, env).trim()) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw invalid(path, `expected a whole number from ${min} to ${max}`);
  return n;
}

function types(v: unknown, path: string): AddressType[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw invalid(path, 'expected A, AAAA or [A, AAAA]');
  const out: AddressType[] = [];
  for (const t of list) {
    const up = typeof t === 'string' ? t.trim().toUpperCase() : '';
    if (up !== 'A' && up !== 'AAAA') throw invalid(path, 'DDNS manages A and AAAA records only', { value: String(t) });
    if (!out.includes(up)) out.push(up);
  }
  return out;
}

/**
 * Parse `ddns` (absent: no records, built-in detection). `providers` maps
 * configured provider names to their manifests (for names, TTL ranges and
 * record options).
 */
export function parseDdnsConfig(raw: unknown, providers: ReadonlyMap<string, ProviderManifest>, env: NodeJS.ProcessEnv): DdnsConfig {
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) throw invalid('ddns', 'expected a mapping');
  const section = (raw ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(section)) if (!KEYS.includes(key)) throw unknownKey('ddns', key, KEYS);
  const intervalMs = section['interval'] === undefined ? DEFAULT_INTERVAL_MS : parseDuration(section['interval'], 'ddns.interval', env);
  if (intervalMs < 30_000 || intervalMs > 86_400_000) throw invalid('ddns.interval', 'must be from 30s to 24h');
  const detection = parseIpDetectionConfig(section, env, 'ddns');
  const list = section['records'] ?? [];
  if (!Array.isArray(list)) throw invalid('ddns.records', 'expected a list of records');
  const records: DesiredRecord[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, i) => {
    const path = `ddns.records[${i}]`;
    if (!isPlainObject(entry)) throw invalid(path, 'expected a mapping with name, type and provider');
    for (const key of Object.keys(entry)) if (!RECORD_KEYS.includes(key)) throw unknownKey(path, key, RECORD_KEYS);
    const nameRaw = entry['name'];
    if (typeof nameRaw !== 'string' || nameRaw.trim() === '') throw invalid(`${path}.name`, 'required setting missing');
    let fqdn: string;
    try {
      fqdn = normalizeName(resolveReferences(nameRaw, `${path}.name`, env));
    } catch (e) {
      const reason = e instanceof AppError ? e.diagnosis.evidence['reason'] : undefined;
      throw invalid(`${path}.name`, 'not a valid domain name', { value: nameRaw, ...(typeof reason === 'string' ? { nameError: reason } : {}) });
    }
    if (fqdn.startsWith('*.')) throw invalid(`${path}.name`, 'a DDNS record cannot be a wildcard', { value: nameRaw });
    const providerName = entry['provider'];
    if (typeof providerName !== 'string') throw invalid(`${path}.provider`, 'required setting missing');
    const manifest = providers.get(providerName);
    if (manifest === undefined) {
      const suggestion = didYouMean(providerName, [...providers.keys()]);
      throw invalid(`${path}.provider`, 'no provider of that name is configured', { value: providerName, known: [...providers.keys()], ...(suggestion === undefined ? {} : { didYouMean: suggestion }) });
    }
    if (entry['type'] === undefined) throw invalid(`${path}.type`, 'required setting missing');
    const wanted = types(entry['type'], `${path}.type`);
    const range = manifest.ttl ?? { min: 0, max: 2147483647 };
    const ttl = entry['ttl'] === undefined ? undefined : integer(entry['ttl'], `${path}.ttl`, env, 0, 2147483647, 0);
    if (ttl !== undefined && !(range.also ?? []).includes(ttl) && (ttl < range.min || ttl > range.max))
      throw invalid(`${path}.ttl`, `${manifest.displayName} accepts TTLs from ${range.min} to ${range.max}${range.also === undefined ? '' : ` or ${range.also.join(', ')}`}`, { value: ttl, min: range.min, max: range.max });
    const proxiedRaw = entry['proxied'];
    if (proxiedRaw !== undefined && typeof proxiedRaw !== 'boolean') throw invalid(`${path}.proxied`, 'expected true or false');
    if (proxiedRaw !== undefined && !(manifest.recordOptions ?? []).includes('proxied')) throw invalid(`${path}.proxied`, `${manifest.displayName} has no proxied records`);
    for (const type of wanted) {
      const family = FAMILY_OF[type];
      if (detection[family] === undefined) throw invalid(`${path}.type`, `${type} needs ${family} detection, which is off (ddns.${family}: false)`);
      const key = `${providerName}|${fqdn}|${type}`;
      if (seen.has(key)) throw invalid(path, 'the same record twice', { value: `${fqdn} ${type} (${providerName})` });
      seen.add(key);
      records.push({ fqdn, type, provider: providerName, ...(ttl === undefined ? {} : { ttl }), ...(proxiedRaw === undefined ? {} : { proxied: proxiedRaw }) });
    }
  });
  return {
    intervalMs,
    readEvery: integer(section['readEvery'], 'ddns.readEvery', env, 1, 10_000, DEFAULT_READ_EVERY),
    concurrency: integer(section['concurrency'], 'ddns.concurrency', env, 1, 64, 4),
    perProvider: integer(section['perProvider'], 'ddns.perProvider', env, 1, 16, 2),
    detection,
    records,
  };
}
