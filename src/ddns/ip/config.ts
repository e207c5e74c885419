/**
 * The `ddns.ipv4` and `ddns.ipv6` sections. Nothing is contacted while
 * parsing; every problem is CONFIG_INVALID (exit 2) with the setting's path,
 * and unknown keys and source types carry a "did you mean" hint.
 *
 *   ddns:
 *     ipv4:                          # absent: the built-in chain (defaults.ts); false: no IPv4
 *       quorum: 2                    # default: 2, or 1 when there is a single vote
 *       sources:
 *         - type: http               # each URL is one vote
 *           urls:                    # default: the built-in endpoints of the family
 *             - https://api.ipify.org/                      # format auto
 *             - { url: "https://ip.example/json", format: json, field: ip }
 *           bind: eth0               # optional: interface name or local IP address
 *           timeout: 5000            # ms per endpoint
 *           trust: /etc/zk/echo.pem  # optional: roots for these endpoints only
 *         - { type: interface, name: eth0 }                 # one vote
 *         - { type: command, run: "my-ip-script", timeout: 10000 }   # one vote
 *     ipv6:
 *       sources: [{ type: interface, name: eth0, suffix: "::1234" }]
 *
 * Rules: URLs are https (TLS is always verified) without user info, and an
 * IP literal host must be of the section's family; `bind` must be an
 * interface name or an address of the section's family; `suffix` is for
 * IPv6 interface sources only; the same URL, interface or command twice is
 * refused (it would vote twice); `quorum` is 1 up to the number of votes.
 * `${env:…}` and `${file:…}` references are resolved in strings.
 */
import { AppError, type EvidenceValue } from '../../core/errors.ts';
import { didYouMean } from '../../config/did-you-mean.ts';
import { isPlainObject, unknownKey } from '../../config/fields.ts';
import { resolveReferences } from '../../config/references.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { parseIp, type IpFamily } from './address.ts';
import type { AnswerFormat } from './body.ts';
import { commandText } from './command-source.ts';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_ENDPOINTS, DEFAULT_HTTP_TIMEOUT_MS, DEFAULT_QUORUM, defaultFamilyConfig } from './defaults.ts';
import type { CommandSourceConfig, HttpEndpoint, HttpSourceConfig, InterfaceSourceConfig, IpDetectionConfig, IpFamilyConfig, SourceConfig } from './types.ts';

export const SOURCE_TYPES = ['http', 'interface', 'command'] as const;
const FAMILY_KEYS = ['sources', 'quorum'];
const KEYS: Record<(typeof SOURCE_TYPES)[number], readonly string[]> = {
  http: ['type', 'urls', 'bind', 'timeout', 'trust'],
  interface: ['type', 'name', 'suffix'],
  command: ['type', 'run', 'timeout'],
};
const ENDPOINT_KEYS = ['url', 'format', 'field'];
const FORMATS: readonly AnswerFormat[] = ['auto', 'text', 'json'];
const INTERFACE_NAME = /^[A-Za-z0-9_.:@-]{1,15}$/;

function invalid(path: string, reason: string, extra: Record<string, EvidenceValue> = {}): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path, reason, ...extra } });
}

function checkKeys(raw: Record<string, unknown>, path: string, known: readonly string[]): void {
  for (const key of Object.keys(raw)) if (!known.includes(key)) throw unknownKey(path, key, known);
}

function str(v: unknown, path: string, env: NodeJS.ProcessEnv): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalid(path, 'expected a string');
  return resolveReferences(v, path, env).trim();
}

function milliseconds(v: unknown, path: string, fallback: number, env: NodeJS.ProcessEnv): number {
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'string' ? Number(resolveReferences(v, path, env).trim()) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw invalid(path, 'expected a positive number of milliseconds');
  return n;
}

function endpointUrl(raw: string, path: string, family: IpFamily): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(path, 'not a URL', { value: raw });
  }
  if (url.protocol !== 'https:') throw invalid(path, 'expected an https URL (TLS is always verified)', { value: raw });
  if (url.username !== '' || url.password !== '') throw invalid(path, 'user info in an echo URL is not supported');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = parseIp(host);
  if (literal.ok && literal.address.family !== family) throw invalid(path, `the host is an IPv${literal.address.family} address in the ipv${family} section`, { value: raw });
  return url.href;
}

function parseEndpoint(v: unknown, path: string, family: IpFamily, env: NodeJS.ProcessEnv): HttpEndpoint {
  if (typeof v === 'string') return { url: endpointUrl(str(v, path, env), path, family), format: 'auto', field: 'ip' };
  if (!isPlainObject(v)) throw invalid(path, 'expected a URL or { url, format, field }');
  checkKeys(v, path, ENDPOINT_KEYS);
  const format = v['format'] === undefined ? 'auto' : str(v['format'], `${path}.format`, env);
  if (!(FORMATS as readonly string[]).includes(format)) {
    const suggestion = didYouMean(format, FORMATS);
    throw invalid(`${path}.format`, 'not one of the allowed values', { value: format, allowed: [...FORMATS], ...(suggestion === undefined ? {} : { didYouMean: suggestion }) });
  }
  const field = v['field'] === undefined ? 'ip' : str(v['field'], `${path}.field`, env);
  if (field.split('.').some((k) => k === '')) throw invalid(`${path}.field`, 'expected a field name, or names joined by dots', { value: field });
  return { url: endpointUrl(str(v['url'], `${path}.url`, env), `${path}.url`, family), format: format as AnswerFormat, field };
}

function parseBind(v: unknown, path: string, family: IpFamily, env: NodeJS.ProcessEnv): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = str(v, path, env);
  const ip = parseIp(s);
  if (ip.ok) {
    if (ip.address.family !== family) throw invalid(path, `an IPv${ip.address.family} address cannot be the source of IPv${family} requests`, { value: s });
    return ip.address.text;
  }
  if (!INTERFACE_NAME.test(s)) throw invalid(path, 'expected an interface name or a local IP address', { value: s });
  return s;
}

function parseHttp(raw: Record<string, unknown>, path: string, family: IpFamily, env: NodeJS.ProcessEnv): HttpSourceConfig {
  const urls = raw['urls'];
  let endpoints: readonly HttpEndpoint[];
  if (urls === undefined || urls === null) endpoints = DEFAULT_ENDPOINTS[family];
  else {
    if (!Array.isArray(urls) || urls.length === 0) throw invalid(`${path}.urls`, 'expected a list of URLs');
    endpoints = urls.map((u, i) => parseEndpoint(u, `${path}.urls[${i}]`, family, env));
  }
  const bind = parseBind(raw['bind'], `${path}.bind`, family, env);
  const trust = raw['trust'] === undefined ? undefined : readTrustFile(str(raw['trust'], `${path}.trust`, env), `${path}.trust`);
  return {
    type: 'http',
    endpoints,
    timeoutMs: milliseconds(raw['timeout'], `${path}.timeout`, DEFAULT_HTTP_TIMEOUT_MS, env),
    ...(bind === undefined ? {} : { bind }),
    ...(trust === undefined ? {} : { caPem: trust }),
  };
}

function parseInterface(raw: Record<string, unknown>, path: string, family: IpFamily, env: NodeJS.ProcessEnv): InterfaceSourceConfig {
  const name = str(raw['name'], `${path}.name`, env);
  if (!INTERFACE_NAME.test(name)) throw invalid(`${path}.name`, 'not an interface name', { value: name });
  if (raw['suffix'] === undefined || raw['suffix'] === null) return { type: 'interface', name };
  if (family !== 6) throw invalid(`${path}.suffix`, 'suffix is for IPv6 interface sources only');
  const text = str(raw['suffix'], `${path}.suffix`, env);
  const suffix = parseIp(text);
  if (!suffix.ok || suffix.address.family !== 6) throw invalid(`${path}.suffix`, 'expected an IPv6 interface identifier such as "::1234"', { value: text });
  return { type: 'interface', name, suffix: suffix.address };
}

function parseCommand(raw: Record<string, unknown>, path: string, env: NodeJS.ProcessEnv): CommandSourceConfig {
  const v = raw['run'];
  let run: string | string[];
  if (Array.isArray(v)) {
    if (v.length === 0) throw invalid(`${path}.run`, 'expected a command line or a non-empty list of arguments');
    run = v.map((a, i) => {
      if (typeof a !== 'string' && typeof a !== 'number') throw invalid(`${path}.run[${i}]`, 'expected a string');
      return resolveReferences(String(a), `${path}.run[${i}]`, env);
    });
    if (run[0] === '') throw invalid(`${path}.run[0]`, 'expected a program');
  } else run = str(v, `${path}.run`, env);
  return { type: 'command', run, timeoutMs: milliseconds(raw['timeout'], `${path}.timeout`, DEFAULT_COMMAND_TIMEOUT_MS, env) };
}

function parseSource(raw: unknown, path: string, family: IpFamily, env: NodeJS.ProcessEnv): SourceConfig {
  if (!isPlainObject(raw)) throw invalid(path, 'expected a mapping with a type');
  const type = raw['type'];
  if (typeof type !== 'string' || !(SOURCE_TYPES as readonly string[]).includes(type)) {
    const suggestion = typeof type === 'string' ? didYouMean(type, SOURCE_TYPES) : undefined;
    throw invalid(`${path}.type`, type === undefined ? 'required setting missing' : 'unknown source type', {
      ...(typeof type === 'string' ? { value: type } : {}),
      allowed: [...SOURCE_TYPES],
      ...(suggestion === undefined ? {} : { didYouMean: suggestion }),
    });
  }
  const t = type as (typeof SOURCE_TYPES)[number];
  checkKeys(raw, path, KEYS[t]);
  if (t === 'http') return parseHttp(raw, path, family, env);
  if (t === 'interface') return parseInterface(raw, path, family, env);
  return parseCommand(raw, path, env);
}

/** The identities that vote: one per endpoint URL, interface, command. */
export function voterIds(sources: readonly SourceConfig[]): string[] {
  return sources.flatMap((s) => (s.type === 'http' ? s.endpoints.map((e) => `http ${e.url}`) : s.type === 'interface' ? [`interface ${s.name}`] : [`command ${commandText(s.run)}`]));
}

/** One family's section; `raw` undefined/null is the built-in chain. */
export function parseIpFamilyConfig(raw: unknown, family: IpFamily, path: string, env: NodeJS.ProcessEnv): IpFamilyConfig {
  if (raw === undefined || raw === null) return defaultFamilyConfig(family);
  if (!isPlainObject(raw)) throw invalid(path, 'expected a mapping with sources (or false)');
  checkKeys(raw, path, FAMILY_KEYS);
  const list = raw['sources'];
  if (!Array.isArray(list) || list.length === 0) throw invalid(`${path}.sources`, 'expected a non-empty list of sources');
  const sources = list.map((s, i) => parseSource(s, `${path}.sources[${i}]`, family, env));
  const voters = voterIds(sources);
  const seen = new Set<string>();
  for (const id of voters) {
    if (seen.has(id)) throw invalid(`${path}.sources`, 'the same source twice (it would vote twice)', { value: id });
    seen.add(id);
  }
  const q = raw['quorum'];
  const quorum = q === undefined || q === null ? Math.min(DEFAULT_QUORUM, voters.length) : typeof q === 'string' ? Number(resolveReferences(q, `${path}.quorum`, env).trim()) : q;
  if (typeof quorum !== 'number' || !Number.isInteger(quorum) || quorum < 1) throw invalid(`${path}.quorum`, 'expected a whole number of sources, at least 1');
  if (quorum > voters.length) throw invalid(`${path}.quorum`, `only ${voters.length} source(s) can vote`, { value: quorum, votes: voters.length });
  return { family, sources, quorum, isDefault: false };
}

/**
 * The `ipv4` and `ipv6` keys of the `ddns` mapping (other keys of `ddns`
 * are not looked at here). `ddns` absent, or a family absent: the built-in
 * chain; a family set to `false`: not detected.
 */
export function parseIpDetectionConfig(ddns: unknown, env: NodeJS.ProcessEnv, path = 'ddns'): IpDetectionConfig {
  if (ddns !== undefined && ddns !== null && !isPlainObject(ddns)) throw invalid(path, 'expected a mapping');
  const section = (ddns ?? {}) as Record<string, unknown>;
  const one = (family: IpFamily): IpFamilyConfig | undefined => {
    const raw = section[`ipv${family}`];
    return raw === false ? undefined : parseIpFamilyConfig(raw, family, `${path}.ipv${family}`, env);
  };
  const ipv4 = one(4);
  const ipv6 = one(6);
  return { ...(ipv4 === undefined ? {} : { ipv4 }), ...(ipv6 === undefined ? {} : { ipv6 }) };
}
