/** What a command needs, built from the global options: config, trusted clock, DNS context, providers. */
import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.ts';
import { sampleNtp } from '../clock/sntp.ts';
import { createTrustedClock, type PersistentTrustedClock } from '../clock/trusted-clock.ts';
import type { ProviderEntry, ZkConfig } from '../config/load.ts';
import { loadEffectiveConfig, type EffectiveConfig, type EffectiveLoadOptions } from '../config/effective.ts';
import type { FlagSettings, StoredSettings } from '../config/provenance.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import type { DnsContext, ServerAddress } from '../dns/context.ts';
import { parseServerAddress } from '../dns/server-address.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { Clock } from '../clock/clock.ts';
import type { NotifierSet } from '../notifiers/dispatch.ts';
import { NotifyLimiter } from '../notifiers/limiter.ts';
import { renderEvent } from './event-messages.ts';
import { createHttpClient } from '../http/client.ts';
import type { HttpClient } from '../http/types.ts';
import { openSealedStore } from '../secrets/sealed-store.ts';
import type { Store } from '../store/store.ts';
import type { GlobalOptions } from './args.ts';

export interface Runtime {
  readonly config: ZkConfig;
  readonly clock: PersistentTrustedClock;
  readonly dns: DnsContext;
  provider(name: string): { entry: ProviderEntry; provider: DnsProvider };
  /**
   * Every configured notifier, made on first use, with the event renderer
   * (event-messages.ts) and this process's rate limiter (which outlives
   * reloads: its state is per notifier name).
   */
  notifiers(): NotifierSet;
  /**
   * The store in `<data>/zonekeeper.db`, opened on first use, with
   * encryption at rest (src/secrets/sealed-store.ts): account keys and secret
   * settings are sealed on save and opened on read, under the key from
   * ZONEKEEPER_SECRET_KEY or `<data>/secret.key`.
   */
  store(): Promise<Store>;
  readonly http: HttpClient;
  /**
   * Take NTP samples from `clock.ntp` (if configured) so the trusted clock
   * has a fresh, agreeing basis before TLS and signing; failures leave the
   * clock as it was (untrusted if nothing else vouches for it).
   */
  syncClock(): Promise<void>;
  close(): Promise<void>;
  /**
   * Run on a new configuration from now on (the daemon's reload): `config`
   * and `dns` change; providers and notifiers are made again on next use
   * (a replaced credential takes effect for every record and certificate);
   * the clock, the HTTP client and the store stay.
   */
  reconfigure(next: ZkConfig): void;
}

/** Resolvers named "system" come from /etc/resolv.conf. */
export function systemResolvers(file = '/etc/resolv.conf'): ServerAddress[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((v) => v !== undefined)
    .map((v) => parseServerAddress(v.replace(/%.*$/, ''), 53, file));
}

/** The settings given by global flags (`--listen` → `listen`). */
export function flagSettings(g: GlobalOptions): FlagSettings {
  return new Map(g.listen === undefined ? [] : [['listen', { value: g.listen, flag: '--listen' }]]);
}

/**
 * How the configuration is loaded from the global options: the file named
 * by --config / ZONEKEEPER_CONFIG, ZONEKEEPER_… overrides from `env`, the
 * flags' settings, and `stored` settings when given. The daemon keeps these
 * to reload with `reloadConfig` (src/config/reload.ts), passing the
 * environment as it is then.
 */
export function configLoadOptions(g: GlobalOptions, env: NodeJS.ProcessEnv, stored?: StoredSettings): EffectiveLoadOptions {
  return { path: g.config, explicit: g.configExplicit, env, flags: flagSettings(g), ...(stored === undefined ? {} : { stored }) };
}

/** The configuration with every setting's source (flag > env > file > stored > default). */
export function loadRuntimeEffectiveConfig(g: GlobalOptions, env: NodeJS.ProcessEnv, stored?: StoredSettings): EffectiveConfig {
  return loadEffectiveConfig(configLoadOptions(g, env, stored));
}

/** The configuration every command runs on (the full precedence; see loadRuntimeEffectiveConfig). */
export function loadRuntimeConfig(g: GlobalOptions, env: NodeJS.ProcessEnv): ZkConfig {
  return loadRuntimeEffectiveConfig(g, env).config;
}

/** `env` is where ZONEKEEPER_SECRET_KEY is read (the process environment unless given). */
function dnsContextOf(config: ZkConfig): DnsContext {
  return {
    resolvers: config.resolvers.flatMap((r) => (r === 'system' ? systemResolvers() : [r])),
    nameservers: config.nameservers,
    timeoutMs: config.dnsTimeoutMs,
  };
}

/** Optional additions of the daemon; the CLI passes none and pays nothing. */
export interface RuntimeHooks {
  /** Wraps every provider as it is made (the daemon meters them: src/observability/metered-provider.ts). */
  readonly wrapProvider?: (name: string, provider: DnsProvider, clock: Pick<Clock, 'monotonicMs'>) => DnsProvider;
}

export async function openRuntime(g: GlobalOptions, initial: ZkConfig, env: NodeJS.ProcessEnv = process.env, hooks: RuntimeHooks = {}): Promise<Runtime> {
  const clock = await createTrustedClock({ dataDir: g.data });
  let config = initial;
  let dns = dnsContextOf(config);
  const made = new Map<string, DnsProvider>();
  let store: Promise<Store> | undefined;
  let notifiers: NotifierSet | undefined;
  const http = createHttpClient({ clock: clock.clock, userAgent: 'zonekeeper/0.1' });
  const limiter = new NotifyLimiter(clock.clock);
  return {
    get config() {
      return config;
    },
    clock,
    get dns() {
      return dns;
    },
    http,
    reconfigure(next) {
      config = next;
      dns = dnsContextOf(next);
      made.clear();
      notifiers = undefined;
    },
    store() {
      store ??= openSealedStore({ dataDir: g.data, env });
      return store;
    },
    provider(name) {
      const entry = config.providers.get(name);
      if (entry === undefined) {
        const known = [...config.providers.keys()];
        const suggestion = didYouMean(name, known);
        throw new AppError('PROVIDER_UNKNOWN', { evidence: { name, known, ...(suggestion === undefined ? {} : { didYouMean: suggestion }) } });
      }
      let provider = made.get(name);
      if (provider === undefined) {
        provider = entry.manifest.create(entry.config, { clock: clock.clock, dns, http });
        if (hooks.wrapProvider !== undefined) provider = hooks.wrapProvider(name, provider, clock.clock);
        made.set(name, provider);
      }
      return { entry, provider };
    },
    notifiers() {
      notifiers ??= {
        entries: new Map([...config.notifiers].map(([name, entry]) => [name, { entry, notifier: entry.manifest.create(entry.config, { http, clock: clock.clock }) }])),
        render: renderEvent,
        limiter,
      };
      return notifiers;
    },
    async syncClock() {
      if (config.clock.ntp.length === 0) return;
      await sampleNtp(config.clock.ntp, { system: clock.clock.system, timeoutMs: 2000, sink: clock.clock }).catch(() => undefined);
    },
    async close() {
      if (store !== undefined) await (await store).close();
      await clock.flush();
    },
  };
}
