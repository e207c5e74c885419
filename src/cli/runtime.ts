/** What a command needs, built from the global options: config, trusted clock, DNS context, providers. */
import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.ts';
import { createTrustedClock, type PersistentTrustedClock } from '../clock/trusted-clock.ts';
import { loadConfig, type ProviderEntry, type ZkConfig } from '../config/load.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import type { DnsContext, ServerAddress } from '../dns/context.ts';
import { parseServerAddress } from '../dns/server-address.ts';
import type { DnsProvider } from '../providers/types.ts';
import type { GlobalOptions } from './args.ts';

export interface Runtime {
  readonly config: ZkConfig;
  readonly clock: PersistentTrustedClock;
  readonly dns: DnsContext;
  provider(name: string): { entry: ProviderEntry; provider: DnsProvider };
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
  return {
    config,
    clock,
    dns,
    provider(name) {
      const entry = config.providers.get(name);
      if (entry === undefined) {
        const known = [...config.providers.keys()];
        const suggestion = didYouMean(name, known);
        throw new AppError('PROVIDER_UNKNOWN', { evidence: { name, known, ...(suggestion === undefined ? {} : { didYouMean: suggestion }) } });
      }
      let provider = made.get(name);
      if (provider === undefined) {
        provider = entry.manifest.create(entry.config, { clock: clock.clock, dns });
        made.set(name, provider);
      }
      return { entry, provider };
    },
    close: () => clock.flush(),
  };
}
