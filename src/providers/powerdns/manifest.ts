/** The powerdns provider's manifest: configuration fields, parsing, construction. */
import { AppError } from '../../core/errors.ts';
import { normalizeName } from '../../dns/names.ts';
import { httpOf } from '../http-of.ts';
import type { ProviderManifest } from '../types.ts';
import { PowerDnsClient } from './client.ts';
import { PowerDnsProvider } from './provider.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { timeoutSetting } from '../settings.ts';

export interface PowerDnsConfig {
  readonly endpoint: string;
  readonly apiKey: string;
  readonly serverId: string;
  readonly zone?: string;
  /** PEM roots for an https endpoint, read from the `trust` file. */
  readonly caPem?: string;
  readonly timeoutMs: number;
}


export const powerdnsManifest: ProviderManifest<PowerDnsConfig> = {
  id: 'powerdns',
  aliases: [],
  displayName: 'PowerDNS Authoritative (HTTP API)',
  docsUrl: 'https://doc.powerdns.com/authoritative/http-api/',
  capabilities: ['get', 'append', 'set', 'delete'],
  fields: [
    { name: 'endpoint', type: 'string', required: true, secret: false, description: 'webserver base URL of the PowerDNS API, e.g. http://127.0.0.1:8081' },
    { name: 'apiKey', type: 'string', required: true, secret: true, description: 'the api-key of the PowerDNS server (sent as X-API-Key)' },
    { name: 'serverId', type: 'string', required: false, secret: false, description: 'server id in the API path', default: 'localhost' },
    { name: 'zone', type: 'string', required: false, secret: false, description: 'zone to manage' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of the roots to trust for an https endpoint (replaces the default roots)' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-request timeout in milliseconds', default: 30000 },
  ],

  parse(raw, path) {
    const apiKey = String(raw['apiKey']);
    if (apiKey.trim() === '') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.apiKey`, reason: 'empty API key' } });
    const endpoint = String(raw['endpoint']);
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.endpoint`, reason: 'must be an http:// or https:// URL', value: endpoint } });
    const serverId = typeof raw['serverId'] === 'string' ? raw['serverId'] : 'localhost';
    if (serverId.trim() === '') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.serverId`, reason: 'empty server id' } });
    const timeoutMs = timeoutSetting(raw, path, 30000);
    const out: { -readonly [K in keyof PowerDnsConfig]: PowerDnsConfig[K] } = { endpoint, apiKey, serverId, timeoutMs };
    if (typeof raw['zone'] === 'string') out.zone = normalizeName(raw['zone']);
    if (typeof raw['trust'] === 'string') {
      if (url.protocol !== 'https:') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.trust`, reason: 'trust applies to an https:// endpoint only', value: endpoint } });
      out.caPem = readTrustFile(raw['trust'], `${path}.trust`);
    }
    return out;
  },

  create(config, deps) {
    const client = new PowerDnsClient({
      http: httpOf(deps),
      endpoint: config.endpoint,
      apiKey: config.apiKey,
      serverId: config.serverId,
      timeoutMs: config.timeoutMs,
      ...(config.caPem === undefined ? {} : { caPem: config.caPem }),
    });
    return new PowerDnsProvider({ client, ...(config.zone === undefined ? {} : { zone: config.zone }) });
  },
};
