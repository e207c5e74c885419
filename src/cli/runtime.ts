/** What a command needs, built from the global options: config, trusted clock, DNS context, providers. */
import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.ts';
import { sampleNtp } from '../clock/sntp.ts';
import { createTrustedClock, type PersistentTrustedClock } from '../clock/trusted-clock.ts';
import { loadConfig, type ProviderEntry, type ZkConfig } from '../config/load.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import type { DnsContext, ServerAddress } from '../dns/context.ts';
import { parseServerAddress } from '../dns/server-address.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { NotifierEntry } from '../notifiers/config.ts';
import type { Notifier } from '../notifiers/types.ts';
import { createHttpClient } from '../http/client.ts';
import type { HttpClient } from '../http/types.ts';
import { openSqliteStore } from '../store/sqlite/open.ts';
import type { Store } from '../store/store.ts';
import { join } from 'node:path';
import type { GlobalOptions } from './args.ts';

export interface Runtime {
  readonly config: ZkConfig;
  readonly clock: PersistentTrustedClock;
  readonly dns: DnsContext;
  provider(name: string): { entry: ProviderEntry; provider: DnsProvider };
  /** Every configured notifier, made on first use. */
  notifiers(): ReadonlyMap<string, { entry: NotifierEntry; notifier: Notifier }>;
  /** The store in `<data>/zonekeeper.db`, opened on first use. */
  store(): Promise<Store>;
  readonly http: HttpClient;
  /**
   * Take NTP samples from `clock.ntp` (if configured) so the trusted clock
   * has a fresh, agreeing basis before TLS and signing; failures leave the
   * clock as it was (untrusted if nothing else vouches for it).
   */
  syncClock(): Promise<void>;
  close(): Promise<void>;
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

export function loadRuntimeConfig(g: GlobalOptions, env: NodeJS.ProcessEnv): ZkConfig {
  return loadConfig({ path: g.config, explicit: g.configExplicit, env });
}

export async function openRuntime(g: GlobalOptions, config: ZkConfig): Promise<Runtime> {
  const clock = await createTrustedClock({ dataDir: g.data });
  const dns: DnsContext = {
    resolvers: config.resolvers.flatMap((r) => (r === 'system' ? systemResolvers() : [r])),
    nameservers: config.nameservers,
    timeoutMs: config.dnsTimeoutMs,
  };
  const made = new Map<string, DnsProvider>();
  let store: Promise<Store> | undefined;
  let notifiers: Map<string, { entry: NotifierEntry; notifier: Notifier }> | undefined;
  const http = createHttpClient({ clock: clock.clock, userAgent: 'zonekeeper/0.1' });
  return {
    config,
    clock,
    dns,
    http,
    store() {
      store ??= openSqliteStore(join(g.data, 'zonekeeper.db'));
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
        made.set(name, provider);
      }
      return { entry, provider };
    },
    notifiers() {
      notifiers ??= new Map([...config.notifiers].map(([name, entry]) => [name, { entry, notifier: entry.manifest.create(entry.config, { http, clock: clock.clock }) }]));
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
