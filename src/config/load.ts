/**
 * Load and validate zonekeeper.yaml. Nothing is contacted while loading: all
 * problems (unknown keys, bad addresses, invisible characters in secrets,
 * unresolved references) surface here, before any request is sent.
 */
import { parseDdnsConfig, parseDuration, type DdnsConfig } from '../ddns/config.ts';
import { parseNotifiers, type NotifierEntry } from '../notifiers/config.ts';
import { isIP } from 'node:net';
import { AppError } from '../core/errors.ts';
import type { ServerAddress } from '../dns/context.ts';
import { normalizeName } from '../dns/names.ts';
import { parseServerAddress } from '../dns/server-address.ts';
import { PROVIDER_MANIFESTS, findManifest } from '../providers/registry.ts';
import type { ProviderManifest } from '../providers/types.ts';
import { didYouMean } from './did-you-mean.ts';
import { checkFields, isPlainObject, unknownKey } from './fields.ts';
import { resolveReferences } from './references.ts';
import { parseCertificates, type CertificateEntry } from './certificates.ts';
import { parseConfigText, readConfigText } from './config-file.ts';
import { DEFAULT_DNS_TIMEOUT_MS, DEFAULT_LISTEN, DEFAULT_SKEW_THRESHOLD } from './schema.ts';
import { parseListenAddress, type ListenAddress } from './listen.ts';

export interface ProviderEntry {
  readonly name: string;
  readonly manifest: ProviderManifest;
  readonly config: unknown;
  readonly secrets: readonly string[];
}

export type { ListenAddress } from './listen.ts';

export interface ZkConfig {
  readonly file?: string;
  /** Where the daemon's HTTP API listens: `--listen` > ZONEKEEPER_LISTEN > `listen:` > stored > 127.0.0.1:9876 (when loaded with loadEffectiveConfig). */
  readonly listen: ListenAddress;
  /** `skewThresholdMs`: the daemon notifies (clock-skew) when the system clock is further than this from the trusted time. */
  readonly clock: { readonly ntp: readonly ServerAddress[]; readonly skewThresholdMs: number };
  /** Resolver entries: "system" or addresses. */
  readonly resolvers: readonly (ServerAddress | 'system')[];
  readonly nameservers: ReadonlyMap<string, readonly ServerAddress[]>;
  readonly dnsTimeoutMs: number;
  readonly providers: ReadonlyMap<string, ProviderEntry>;
  readonly certificates: ReadonlyMap<string, CertificateEntry>;
  readonly ddns: DdnsConfig;
  readonly notifiers: ReadonlyMap<string, NotifierEntry>;
}

const TOP_LEVEL = ['listen', 'clock', 'dns', 'providers', 'ddns', 'certificates', 'notifiers'];

function invalid(path: string, reason: string, extra: Record<string, string> = {}): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path, reason, ...extra } });
}

function stringList(v: unknown, path: string, env: NodeJS.ProcessEnv): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(path, 'expected a list');
  return v.map((x, i) => {
    if (typeof x !== 'string' && typeof x !== 'number') throw invalid(`${path}[${i}]`, 'expected a string');
    return resolveReferences(String(x), `${path}[${i}]`, env);
  });
}

/**
 * A DNS server of `dns.resolvers` / `dns.nameservers`: an IP literal, port 53
 * by default. A host name is refused: looking it up would go through the
 * system resolver, which these settings exist to bypass.
 */
function ipAddress(text: string, path: string): ServerAddress {
  const a = parseServerAddress(text, 53, path);
  if (isIP(a.host.split('%')[0] ?? '') === 0) throw invalid(path, 'expected an IP address (host names are not looked up)', { value: text });
  return a;
}

export interface LoadOptions {
  /** Config file path; `explicit` says whether the user named it (a missing default file is an empty config). */
  readonly path: string;
  readonly explicit: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Read and validate the config file. A missing file is an empty config when
 * it is the default one, CONFIG_NOT_FOUND when the user named it; a file that
 * is not YAML is CONFIG_INVALID (with the parser's line and column).
 * This is the file alone: `ZONEKEEPER_…` overrides, flags and stored
 * settings are applied by loadEffectiveConfig (effective.ts), which the CLI uses.
 */
export function loadConfig(o: LoadOptions): ZkConfig {
  const text = readConfigText(o.path, o.explicit);
  const config = parseConfig(text === undefined ? {} : parseConfigText(text, o.path).doc, o.env);
  return text === undefined ? config : { ...config, file: o.path };
}

/**
 * Validate a parsed YAML document: unknown keys (with "did you mean"),
 * addresses, provider types and their fields (via the manifests), secrets.
 * Throws CONFIG_INVALID, CONFIG_REFERENCE_UNRESOLVED,
 * SECRET_INVISIBLE_CHARACTER or PROVIDER_TYPE_UNKNOWN; secrets never appear
 * in the evidence. `dns.nameservers` keys are normalised zone names.
 */
export function parseConfig(doc: unknown, env: NodeJS.ProcessEnv): ZkConfig {
  if (!isPlainObject(doc)) throw invalid('(top)', 'expected a mapping');
  for (const key of Object.keys(doc)) if (!TOP_LEVEL.includes(key)) throw unknownKey('', key, TOP_LEVEL);

  const listenRaw = doc['listen'] ?? DEFAULT_LISTEN;
  if (typeof listenRaw !== 'string') throw invalid('listen', 'expected host:port');
  const listen = parseListenAddress(resolveReferences(listenRaw, 'listen', env), 'listen');

  const clock = doc['clock'] ?? {};
  if (!isPlainObject(clock)) throw invalid('clock', 'expected a mapping');
  const clockKeys = ['ntp', 'skewThreshold'];
  for (const key of Object.keys(clock)) if (!clockKeys.includes(key)) throw unknownKey('clock', key, clockKeys);
  const ntp = stringList(clock['ntp'], 'clock.ntp', env).map((s, i) => parseServerAddress(s, 123, `clock.ntp[${i}]`));
  const skewThresholdMs = parseDuration(clock['skewThreshold'] ?? DEFAULT_SKEW_THRESHOLD, 'clock.skewThreshold', env);
  if (skewThresholdMs < 1000) throw invalid('clock.skewThreshold', 'must be at least 1s');

  const dns = doc['dns'] ?? {};
  if (!isPlainObject(dns)) throw invalid('dns', 'expected a mapping');
  const dnsKeys = ['resolvers', 'nameservers', 'timeout'];
  for (const key of Object.keys(dns)) if (!dnsKeys.includes(key)) throw unknownKey('dns', key, dnsKeys);
  const resolverEntries = dns['resolvers'] === undefined || dns['resolvers'] === null ? ['system'] : stringList(dns['resolvers'], 'dns.resolvers', env);
  const resolvers = resolverEntries.map((s, i) => (s.trim().toLowerCase() === 'system' ? ('system' as const) : ipAddress(s, `dns.resolvers[${i}]`)));
  const nameservers = new Map<string, ServerAddress[]>();
  const ns = dns['nameservers'] ?? {};
  if (!isPlainObject(ns)) throw invalid('dns.nameservers', 'expected a mapping of zone to servers');
  for (const [zone, list] of Object.entries(ns)) {
    const path = `dns.nameservers.${zone}`;
    let key: string;
    try {
      key = normalizeName(zone);
    } catch (e) {
      const reason = e instanceof AppError ? e.diagnosis.evidence['reason'] : undefined;
      if (typeof reason === 'string') throw invalid(path, 'not a valid zone name', { nameError: reason });
      throw e;
    }
    nameservers.set(
      key,
      stringList(list, path, env).map((s, i) => ipAddress(s, `${path}[${i}]`)),
    );
  }
  const timeout = dns['timeout'] ?? DEFAULT_DNS_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1) throw invalid('dns.timeout', 'expected milliseconds');

  const providers = new Map<string, ProviderEntry>();
  const rawProviders = doc['providers'] ?? {};
  if (!isPlainObject(rawProviders)) throw invalid('providers', 'expected a mapping of name to provider settings');
  for (const [name, raw] of Object.entries(rawProviders)) {
    const path = `providers.${name}`;
    if (!isPlainObject(raw)) throw invalid(path, 'expected a mapping');
    const type = raw['type'];
    if (typeof type !== 'string') throw invalid(`${path}.type`, 'required setting missing');
    const manifest = findManifest(type);
    if (manifest === undefined) {
      const suggestion = didYouMean(type, PROVIDER_MANIFESTS.map((m) => m.id));
      throw new AppError('PROVIDER_TYPE_UNKNOWN', {
        evidence: { path: `${path}.type`, type, known: PROVIDER_MANIFESTS.map((m) => m.id), ...(suggestion === undefined ? {} : { didYouMean: suggestion }) },
      });
    }
    const checked = checkFields(manifest.fields, raw, path, env, ['type']);
    let config: unknown;
    try {
      config = manifest.parse(checked.values, path);
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.code, { evidence: e.diagnosis.evidence, secrets: checked.secrets, cause: e });
      throw e;
    }
    providers.set(name, { name, manifest, config, secrets: checked.secrets });
  }
  const certificates = parseCertificates(doc['certificates'], [...providers.keys()], env);
  const ddns = parseDdnsConfig(doc['ddns'], new Map([...providers].map(([name, p]) => [name, p.manifest])), env);
  const notifiers = parseNotifiers(doc['notifiers'], env);
  return { listen, clock: { ntp, skewThresholdMs }, resolvers, nameservers, dnsTimeoutMs: timeout, providers, certificates, ddns, notifiers };
}
